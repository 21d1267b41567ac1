//! A client session cache persisted as CBOR, secrets as byte strings.
mod entry;
pub use entry::{EntryV1, EntryV2};
