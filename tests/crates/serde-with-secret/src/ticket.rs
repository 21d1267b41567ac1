use serde::{Deserialize, Serialize};
use serde_with::{base64::Base64, serde_as};
use sessionlint::SessionState;

/// What the fleet runs today: the master secret as base64.
#[serde_as]
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 1, encoding = "json")]
pub struct TicketV1 {
    pub cipher_suite: u16,
    #[serde_as(as = "Base64")]
    pub master_secret: Vec<u8>,
}

/// The EMS release. The secret is now kept as the string it is sent as; a base64 string still
/// reads in v1, which ignores the EMS key.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    pub cipher_suite: u16,
    pub master_secret: String,
    #[session(ems)]
    #[serde(default)]
    pub extended_master_secret: bool,
}
