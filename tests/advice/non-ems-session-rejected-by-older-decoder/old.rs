use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "ticket", version = 1, encoding = "json")]
pub struct TicketV1 {
    pub cipher: u16,
}
