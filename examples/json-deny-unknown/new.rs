use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    pub cipher_suite: u16,
    pub master_secret: Vec<u8>,
    /// Written only when true, so non-EMS tickets stay readable by v1.
    #[session(ems)]
    #[serde(default, skip_serializing_if = "is_false")]
    pub extended_master_secret: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}
