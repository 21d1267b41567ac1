//! Rust source to the schema model. Nothing is compiled or executed: items are parsed with syn,
//! serde attributes are read with serde_derive_internals, `#[session]` attributes here.

mod ctxt;
mod item;
mod locate;
mod session_attr;
mod ty;
mod workspace;

pub use ctxt::Ctxt;
pub use item::{derives, read_item, ItemInfo};
pub use locate::Locator;
pub use session_attr::ContainerAttrs;
pub use ty::lower as lower_type;
pub use workspace::{check_schema, extract, Extraction, Options, Problem, SourceFile};
