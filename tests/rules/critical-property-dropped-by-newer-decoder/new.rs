use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// The property renamed without an alias: v1's `is_quic` key is ignored.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    pub cipher: u16,
    #[session(critical = "quic")]
    #[serde(default)]
    pub quic: bool,
}
