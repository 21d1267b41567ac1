use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// The EMS key is written even when false: v1 rejects every v2 session.
#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    pub cipher: u16,
    #[session(ems)]
    #[serde(default)]
    pub ems: bool,
}
