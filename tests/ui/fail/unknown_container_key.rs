use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(nam = "ticket", version = 1, encoding = "json")]
struct Ticket { cipher: u16 }
fn main() {}
