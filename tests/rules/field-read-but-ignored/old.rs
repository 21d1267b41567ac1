use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// v1 parses the EMS key (s2n-tls 1.0.17 read its byte only in tests) but does not act on it.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 1, encoding = "json")]
pub struct TicketV1 {
    pub cipher: u16,
    #[session(ems, ignored)]
    #[serde(default)]
    pub ems: bool,
}
