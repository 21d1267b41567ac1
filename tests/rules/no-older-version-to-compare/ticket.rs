use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

// Version 1 was edited into version 2 in place, and no snapshot of version 1 was committed.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct Ticket {
    pub cipher: u16,
    #[session(ems)]
    #[serde(default)]
    pub ems: bool,
}
