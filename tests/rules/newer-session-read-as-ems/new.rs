use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// `renegotiated` is written where v1 reads its EMS byte.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "bincode")]
pub struct TicketV2 {
    pub cipher: u16,
    pub renegotiated: bool,
    #[session(ems)]
    pub ems: bool,
}
