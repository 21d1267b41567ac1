use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// The quic byte takes the place where v1 wrote `renegotiated`.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "bincode")]
pub struct TicketV2 {
    pub cipher: u16,
    #[session(critical = "quic")]
    pub is_quic: bool,
}
