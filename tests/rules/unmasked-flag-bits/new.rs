use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "session", version = 2, encoding = "bincode")]
pub struct SessionV2 {
    pub cipher: u16,
    #[session(ems_mask = 0x4)]
    pub flags: u32,
}
