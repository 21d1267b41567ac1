use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(version = 1, encoding = "json")]
struct Ticket { #[session(version_field, ems_mask = 0x4)] version: u16 }
fn main() {}
