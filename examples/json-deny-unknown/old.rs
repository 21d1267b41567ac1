use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// v1 already rejected unknown keys: the EMS key is one.
#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "ticket", version = 1, encoding = "json")]
pub struct TicketV1 {
    pub cipher_suite: u16,
    pub master_secret: Vec<u8>,
}
