//! The older decoder parses its EMS carrier but does not act on it.

use super::{Check, Rule};
use crate::analysis::Loss;

pub static RULE: Rule = Rule::new(include_str!("../../rules/field-read-but-ignored.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::Pair(|v| {
    super::ems_accepted_by_older(&RULE, v, |l| matches!(l, Loss::Ignored { .. }))
});
