use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(version = 1, encoding = "protobuf")]
struct Ticket { cipher: u16 }
fn main() {}
