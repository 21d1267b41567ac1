use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 1, encoding = "msgpack")]
pub struct TicketV1 {
    pub cipher_suite: u16,
    pub master_secret: Vec<u8>,
}
