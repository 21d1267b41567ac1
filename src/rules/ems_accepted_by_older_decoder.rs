//! The older decoder accepts newer EMS sessions and reads them without EMS, for no more
//! specific cause: it has no carrier, or its carrier is never filled by the newer bytes.

use super::{Check, Rule};
use crate::analysis::Loss;

pub static RULE: Rule = Rule::new(include_str!("../../rules/ems-accepted-by-older-decoder.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::Pair(|v| {
    super::ems_accepted_by_older(&RULE, v, |l| {
        matches!(l, Loss::NoCarrier | Loss::Unset { .. })
    })
});
