//! The newer version moves EMS into a flag bit of a word the older decoder keeps unmasked.

use super::{Check, Rule};
use crate::analysis::Loss;

pub static RULE: Rule = Rule::new(include_str!("../../rules/unmasked-flag-bits.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::Pair(|v| {
    super::ems_accepted_by_older(&RULE, v, |l| matches!(l, Loss::UnmaskedFlags { .. }))
});
