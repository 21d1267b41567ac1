use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(version = 1, encoding = "json")]
struct Ticket { #[session(known_bits = 0x3, ems_mask = 0x4)] flags: u32 }
fn main() {}
