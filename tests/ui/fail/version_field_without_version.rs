use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
struct Part { #[session(version_field)] version: u16 }
fn main() {}
