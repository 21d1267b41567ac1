use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// A revert (s2n-tls 1.2.0): v2 still parses the EMS key but no longer acts on it, and
/// resumes v1 EMS sessions without EMS.
#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    pub cipher: u16,
    #[session(ems, ignored)]
    #[serde(default)]
    pub ems: bool,
}
