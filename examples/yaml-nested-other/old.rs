use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize)]
pub enum SecretKind {
    Classic,
    #[serde(other)]
    Unknown,
}

#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "ticket", version = 1, encoding = "yaml")]
pub struct TicketV1 {
    pub cipher_suite: u16,
    pub kind: SecretKind,
}
