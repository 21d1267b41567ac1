//! Server session state (YAML in a shared store), with defaults for what older writers left out.
mod defaults;
pub mod state;
