use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(crate = "not a path", name = "ticket", version = 1, encoding = "json")]
struct Ticket {
    #[session(ems)]
    ems: bool,
}

fn main() {}
