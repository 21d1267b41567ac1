use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(version = 1, encoding = "json")]
struct Ticket { #[session(ems_mask = 0)] flags: u32 }
fn main() {}
