use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    pub cipher: u16,
    #[session(ems)]
    #[serde(default)]
    pub ems: bool,
}
