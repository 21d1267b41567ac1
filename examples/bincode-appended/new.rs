use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// The s2n-tls 1.0.17 mistake in bincode: an EMS byte appended to a layout whose older reader
/// ignores trailing bytes (bincode::deserialize allows them).
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cache-entry", version = 2, encoding = "bincode")]
pub struct CacheEntryV2 {
    pub cipher_suite: u16,
    pub master_secret: [u8; 48],
    #[session(ems)]
    pub ems: bool,
}
