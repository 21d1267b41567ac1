//! A TLS 1.2 session ticket, before and after Extended Master Secret support.
//! `sessionlint check examples/quickstart` reports that v2 is unsafe to roll out.
use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// What every server in the fleet runs today.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 1, encoding = "json")]
pub struct TicketV1 {
    #[session(version_field)]
    pub version: u16,
    pub cipher_suite: u16,
    pub master_secret: Vec<u8>,
}

/// The EMS release: it adds the flag, but v1 servers ignore unknown keys and keep resuming.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    #[session(version_field)]
    pub version: u16,
    pub cipher_suite: u16,
    pub master_secret: Vec<u8>,
    #[session(ems)]
    #[serde(default, skip_serializing_if = "is_false")]
    pub extended_master_secret: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}
