use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "msgpack")]
pub struct TicketV2 {
    pub cipher_suite: u16,
    pub master_secret: Vec<u8>,
    #[session(ems)]
    #[serde(default, skip_serializing_if = "is_false")]
    pub ems: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}
