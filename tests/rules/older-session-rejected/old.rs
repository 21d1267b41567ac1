use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cache-entry", version = 1, encoding = "json")]
#[serde(deny_unknown_fields)]
pub struct EntryV1 {
    pub cipher: u16,
}
