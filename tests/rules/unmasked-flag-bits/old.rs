use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// v1 keeps the whole flags word: no `known_bits`.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "session", version = 1, encoding = "bincode")]
pub struct SessionV1 {
    pub cipher: u16,
    pub flags: u32,
}
