use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// BoringSSL added isQuic [27] after release: a QUIC session must not resume over TCP TLS.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    pub cipher: u16,
    #[session(critical = "quic")]
    #[serde(default)]
    pub is_quic: bool,
}
