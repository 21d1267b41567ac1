use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// The advice applied: the EMS key written only when true, so v1 refuses only EMS sessions.
#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    pub cipher: u16,
    #[session(ems)]
    #[serde(default, skip_serializing_if = "is_false")]
    pub ems: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}
