use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// Requires a byte v1 never wrote.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cache-entry", version = 2, encoding = "bincode")]
pub struct EntryV2 {
    pub cipher: u16,
    #[session(ems)]
    pub ems: bool,
}
