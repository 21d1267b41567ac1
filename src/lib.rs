//! sessionlint: a rollout-safety linter for TLS session serialization formats.
//!
//! A server that does not implement Extended Master Secret (RFC 7627) must reject a session
//! issued by one that does, or the client aborts the resumed connection (§5.3). sessionlint reads
//! session-state types (never compiling or running them), models what each version's encoder
//! writes and what each version's decoder accepts, and reports a newer EMS-bearing format that
//! an older decoder would still accept.
//!
//! The API an annotating crate and its tests use: [`SessionState`] (the derive and the trait),
//! [`assert_rollout_safe`] / [`rollout_report`] (with the `cli` feature), and the [`schema`] types
//! they return. The command line's own layers (sources → schema → `analysis`, typed verdicts →
//! `rules` and `findings` → `report`) are public only so that this repository's tests, fuzz
//! targets and benchmarks can reach them: they are hidden from the documentation and not API.
#![warn(missing_docs)]

pub use sessionlint_internals::schema;

// The analysis is the command line's and the tests': an annotating crate builds the trait and
// the schema model only.
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod analysis;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod deployment;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod encoding;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod findings;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod fixes;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod rules;
mod state;
/// Conformance vectors: the bytes each version writes, and what each decoder is predicted to do
/// with them (`sessionlint vectors`, `docs/vectors.md`).
#[cfg(feature = "cli")]
pub mod vectors;

#[doc(hidden)]
pub use state::__private;
pub use state::{SessionPart, SessionState};

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod config;
#[cfg(feature = "cli")]
pub mod conformance;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod history;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod plan;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod project;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod report;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod review;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod snapshot;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod sources;
#[cfg(feature = "cli")]
mod testing;
#[cfg(feature = "cli")]
pub use testing::{assert_rollout_safe, rollout_report};

#[cfg(feature = "cli")]
#[doc(hidden)]
pub use sessionlint_internals::extract;

#[cfg(feature = "derive")]
pub use sessionlint_derive::SessionState;
