use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cache-entry", version = 1, encoding = "bincode")]
pub struct CacheEntryV1 {
    pub cipher_suite: u16,
    pub master_secret: [u8; 48],
}
