use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// Deployed clients: unknown keys are refused, so a newer entry they cannot read is not offered.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cache-entry", version = 1, encoding = "cbor", role = "client")]
#[serde(deny_unknown_fields)]
pub struct EntryV1 {
    pub server_name: String,
    pub cipher_suite: u16,
    #[serde(with = "serde_bytes")]
    pub master_secret: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub ticket: Vec<u8>,
}

/// The EMS release: the same byte-string code on the same fields, and the flag.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cache-entry", version = 2, encoding = "cbor", role = "client")]
#[serde(deny_unknown_fields)]
pub struct EntryV2 {
    pub server_name: String,
    pub cipher_suite: u16,
    #[serde(with = "serde_bytes")]
    pub master_secret: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub ticket: Vec<u8>,
    #[session(ems)]
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub extended_master_secret: bool,
}
