use serde::{Deserialize, Serialize};
use serde_with::{serde_as, TimestampSeconds};
use sessionlint::SessionState;
use std::time::SystemTime;

#[serde_as]
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 1, encoding = "json")]
pub struct Ticket {
    pub cipher_suite: u16,
    #[serde_as(as = "TimestampSeconds<i64>")]
    pub issued: SystemTime,
    #[session(ems)]
    pub extended_master_secret: bool,
}
