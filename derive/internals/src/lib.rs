//! Schema model and source extraction shared by `sessionlint` (the CLI and analysis) and
//! `sessionlint-derive`, so that the attribute semantics have exactly one implementation.
//! A proc-macro crate cannot depend on the crate that re-exports it, hence this third crate.
#![warn(missing_docs)]

pub mod schema;

/// Reading Rust sources into schemas: used by the derive (one item, feature `item`) and the
/// command line (a workspace, feature `extract`), not API.
#[cfg(feature = "item")]
#[doc(hidden)]
pub mod extract;
