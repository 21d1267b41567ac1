use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "state", version = 1, encoding = "yaml")]
pub struct StateV1 {
    pub cipher_suite: u16,
    pub master_secret: Vec<u8>,
}

/// Missing keys come from `Default` (src/defaults.rs), which assumes EMS: every session a v1
/// server wrote reads as EMS here.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "state", version = 2, encoding = "yaml")]
#[serde(default)]
pub struct StateV2 {
    pub cipher_suite: u16,
    pub master_secret: Vec<u8>,
    #[session(ems)]
    pub extended_master_secret: bool,
}
