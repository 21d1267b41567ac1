use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 1, encoding = "bincode")]
pub struct TicketV1 {
    pub cipher: u16,
    pub renegotiated: bool,
}
