use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cache-entry", version = 1, encoding = "bincode")]
pub struct CacheEntryV1 {
    #[session(version_field, accepts = "1")]
    pub format: u8,
    pub cipher_suite: u16,
    pub master_secret: [u8; 48],
}
