use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// The EMS byte takes the place where v1 wrote `renegotiated`.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "bincode")]
pub struct TicketV2 {
    pub cipher: u16,
    #[session(ems)]
    pub ems: bool,
}
