use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(version = 1, encoding = "json")]
struct Ticket { cipher: u16, #[session(ems)] #[serde(skip)] ems: bool }
fn main() {}
