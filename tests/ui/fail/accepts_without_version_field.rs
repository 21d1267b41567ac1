use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(version = 1, encoding = "json")]
struct Ticket { #[session(accepts = "1")] version: u16 }
fn main() {}
