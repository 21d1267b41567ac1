use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// The s2n-tls V3 fix: a new format id that older readers check exactly.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cache-entry", version = 2, encoding = "bincode")]
pub struct CacheEntryV2 {
    #[session(version_field, accepts = "2")]
    pub format: u8,
    pub cipher_suite: u16,
    pub master_secret: [u8; 48],
    #[session(ems)]
    pub ems: bool,
}
