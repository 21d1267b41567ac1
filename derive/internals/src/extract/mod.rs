//! Rust source to the schema model. Nothing is compiled or executed: items are parsed with syn,
//! serde attributes are read with serde_derive_internals, `#[session]` attributes here.
//!
//! Reading one item (feature `item`, all the derive needs) uses syn as serde_derive builds it;
//! reading a workspace (feature `extract`) adds whole-file syntax and byte scans.

mod codec;
mod codegen;
mod ctxt;
mod item;
mod locate;
mod session_attr;
mod ty;

pub use codegen::{named_type_paths, type_def as type_def_tokens};
pub use ctxt::Ctxt;
pub use item::{derive_checks, derives, read_item, read_item_as, ItemInfo, Reader};
pub use locate::Locator;
pub use session_attr::ContainerAttrs;
pub use ty::lower as lower_type;

#[cfg(feature = "extract")]
mod aliases;
#[cfg(feature = "extract")]
mod cfg;
#[cfg(feature = "extract")]
mod defaults;
#[cfg(feature = "extract")]
mod framework;
#[cfg(feature = "extract")]
mod modpath;
#[cfg(feature = "extract")]
pub mod par;
#[cfg(feature = "extract")]
pub mod scan;
#[cfg(feature = "extract")]
mod workspace;

#[cfg(feature = "extract")]
pub use cfg::{Cfg, CfgOption, Decision, Effect, Source, Target};
#[cfg(feature = "extract")]
pub use defaults::{resolve as resolve_defaults, unresolved as unresolved_defaults};
#[cfg(feature = "extract")]
pub use workspace::{
    check_schema, extract, extract_cached, Cache, Extraction, Options, PlainType, Problem,
    SourceFile, HALVES_FROM, MAX_BUILDS, MAX_EITHER_OPTIONS,
};
