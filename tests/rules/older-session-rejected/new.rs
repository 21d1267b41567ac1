use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

/// Requires a key v1 never wrote: every v1 entry is refused after the upgrade.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cache-entry", version = 2, encoding = "json")]
#[serde(deny_unknown_fields)]
pub struct EntryV2 {
    pub cipher: u16,
    #[session(ems)]
    #[serde(skip_serializing_if = "is_false")]
    pub ems: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}
