use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(version = 1, encoding = "json")]
struct Ticket { cipher: u16, #[serde(flatten)] extra: std::collections::BTreeMap<String, u8> }
fn main() {}
