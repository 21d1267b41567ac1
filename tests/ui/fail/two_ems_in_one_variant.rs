use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

// Variants that are versions may each carry EMS, but one variant holds one carrier.
#[derive(Serialize, Deserialize, SessionState)]
#[session(version = 2, encoding = "json")]
enum Ticket {
    V1 { #[session(ems)] ems: bool },
    V2 { #[session(ems)] ems: bool, #[session(ems)] again: bool },
}
fn main() {}
