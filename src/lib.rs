//! sessionlint: a rollout-safety linter for TLS session serialization formats.
//!
//! A server that does not implement Extended Master Secret (RFC 7627) must reject a session
//! issued by one that does, or the client aborts the resumed connection (§5.3). sessionlint reads
//! session-state types (never compiling or running them), models what each version's encoder
//! writes and what each version's decoder accepts, and reports a newer EMS-bearing format that
//! an older decoder would still accept.
//!
//! Data flows one way: sources → [`schema`] → [`analysis`] (typed verdicts) → `rules` and
//! `findings` → reports.

pub use sessionlint_internals::schema;

pub mod analysis;
pub mod encoding;
#[cfg(feature = "cli")]
pub mod findings;
#[cfg(feature = "cli")]
pub mod rules;
mod state;

#[doc(hidden)]
pub use state::__private;
pub use state::{SessionPart, SessionState};

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "cli")]
pub mod config;
#[cfg(feature = "cli")]
pub mod history;
#[cfg(feature = "cli")]
pub mod project;
#[cfg(feature = "cli")]
pub mod report;
#[cfg(feature = "cli")]
pub mod snapshot;
#[cfg(feature = "cli")]
pub mod sources;
#[cfg(feature = "cli")]
mod testing;
#[cfg(feature = "cli")]
pub use testing::{assert_rollout_safe, rollout_report};

#[cfg(feature = "cli")]
pub use sessionlint_internals::extract;

#[cfg(feature = "derive")]
pub use sessionlint_derive::SessionState;
