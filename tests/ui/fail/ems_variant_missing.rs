use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(version = 1, encoding = "json")]
enum Mode { Plain, Chained(#[session(ems = "Extended")] Box<Mode>) }
fn main() {}
