use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// Released as v2 without `ems`; the field was added without a new version number.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    pub cipher: u16,
    #[session(ems)]
    #[serde(default)]
    pub ems: bool,
}
