//! A lenient optional tail of the older decoder absorbs the newer EMS carrier.

use super::{Check, Rule};
use crate::analysis::Loss;

pub static RULE: Rule = Rule::new(include_str!("../../rules/optional-tail-swallows-field.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::Pair(|v| {
    super::ems_accepted_by_older(&RULE, v, |l| matches!(l, Loss::Swallowed { .. }))
});
