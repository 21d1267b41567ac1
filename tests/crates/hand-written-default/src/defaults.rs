use crate::state::StateV2;

/// Sessions are EMS unless they say otherwise.
const EMS_BY_DEFAULT: bool = true;

impl Default for StateV2 {
    fn default() -> Self {
        StateV2 {
            cipher_suite: 0x1301,
            master_secret: Vec::new(),
            extended_master_secret: EMS_BY_DEFAULT,
        }
    }
}
