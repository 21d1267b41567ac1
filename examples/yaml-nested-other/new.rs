use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize)]
pub enum SecretKind {
    Classic,
    Extended,
}

#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "ticket", version = 2, encoding = "yaml")]
pub struct TicketV2 {
    pub cipher_suite: u16,
    #[session(ems = "Extended")]
    pub kind: SecretKind,
}
