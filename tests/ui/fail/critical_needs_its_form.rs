use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

// A critical property takes the forms of `ems`: an integer flags field needs its bit, and `ems`
// is not a property name.
#[derive(Serialize, Deserialize, SessionState)]
#[session(version = 1, encoding = "json")]
struct Ticket {
    #[session(critical = "quic")]
    flags: u8,
    #[session(critical = "ems")]
    other: bool,
}
fn main() {}
