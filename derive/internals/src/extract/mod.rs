//! Rust source to the schema model. Nothing is compiled or executed: items are parsed with syn,
//! serde attributes are read with serde_derive_internals, `#[session]` attributes here.

mod aliases;
mod cfg;
mod codec;
mod codegen;
mod ctxt;
mod defaults;
mod framework;
mod item;
mod locate;
mod modpath;
pub mod par;
pub mod scan;
mod session_attr;
mod ty;
mod workspace;

pub use cfg::{Cfg, CfgOption, Decision, Effect, Source, Target};
pub use codegen::{named_type_paths, type_def as type_def_tokens};
pub use ctxt::Ctxt;
pub use defaults::{resolve as resolve_defaults, unresolved as unresolved_defaults};
pub use item::{derive_checks, derives, read_item, read_item_as, ItemInfo, Reader};
pub use locate::Locator;
pub use session_attr::ContainerAttrs;
pub use ty::lower as lower_type;
pub use workspace::{
    check_schema, extract, extract_cached, Cache, Extraction, Options, PlainType, Problem,
    SourceFile, MAX_BUILDS, MAX_EITHER_OPTIONS,
};
