use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// The advice applied: a v1 entry, without the key, is read as non-EMS.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cache-entry", version = 2, encoding = "json")]
#[serde(deny_unknown_fields)]
pub struct EntryV2 {
    pub cipher: u16,
    #[session(ems)]
    #[serde(default, skip_serializing_if = "is_false")]
    pub ems: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}
