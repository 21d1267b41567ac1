// serde documents deny_unknown_fields with flatten as unsupported but compiles it; so does the
// derive, and sessionlint judges it by what serde does (corpus: flatten_catch_all_denied).
use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(version = 1, encoding = "json")]
struct Ticket { cipher: u16, #[serde(flatten)] extra: std::collections::BTreeMap<String, u8> }
fn main() {}
