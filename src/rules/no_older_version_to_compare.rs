//! A format whose only known version is above 1, with nothing released to compare it with: a
//! version edited in place. Raised by `crate::history` from what the inputs hold; no verdict is
//! involved.

use super::{Check, Rule};
use crate::findings::Finding;
use crate::schema::Schema;

pub static RULE: Rule = Rule::new(include_str!("../../rules/no-older-version-to-compare.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::History;

/// The finding for `lone`, the only version its format has (`history::nothing_to_compare`).
pub fn finding(lone: &Schema) -> Finding {
    Finding::new(
        &RULE,
        None,
        lone,
        format!(
            "{} v{} is the only version of its format sessionlint knows: nothing older (no snapshot, no schema file, no --baseline-rev or --release-tags) to compare it with, so the versions still deployed go unchecked",
            lone.name, lone.version
        ),
    )
    .at(&lone.origin, None)
}
