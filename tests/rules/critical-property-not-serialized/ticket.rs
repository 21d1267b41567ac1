use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 1, encoding = "json")]
pub struct TicketV1 {
    pub cipher: u16,
    #[session(critical = "quic")]
    #[serde(skip)]
    pub is_quic: bool,
}
