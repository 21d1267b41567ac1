//! A format whose only known version is above 1, with nothing released to compare it with: a
//! version edited in place. Raised by `crate::history` from what the inputs hold; no verdict is
//! involved.

use super::{Check, Rule};

pub static RULE: Rule = Rule::new(
    include_str!("../../rules/no-older-version-to-compare.toml"),
    Check::History,
);
