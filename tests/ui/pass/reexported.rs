//! A crate that re-exports sessionlint names it with `#[session(crate = "...")]`, as serde's
//! `#[serde(crate = "...")]`; the generated impls are `#[automatically_derived]`, so a crate that
//! denies missing docs and warnings in its own code still compiles.
#![deny(missing_docs, warnings)]

/// The TLS crate's re-export.
pub mod tls {
    /// sessionlint, under another name.
    pub use sessionlint as lint;
}

use serde::{Deserialize, Serialize};
use tls::lint::SessionState;

/// A ticket.
#[derive(Serialize, Deserialize, SessionState)]
#[session(crate = "tls::lint", name = "ticket", version = 1, encoding = "json")]
pub struct Ticket {
    /// EMS.
    #[session(ems)]
    pub ems: bool,
}

fn main() {
    assert_eq!(<Ticket as tls::lint::SessionState>::NAME, "ticket");
    assert!(Ticket::schema().ems_carrier().is_some());
}
