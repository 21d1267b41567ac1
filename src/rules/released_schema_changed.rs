//! A released version's schema changed in place. Raised by `crate::history`, which knows what
//! was released; no verdict is involved.

use super::{Check, Rule};

pub static RULE: Rule = Rule::new(
    include_str!("../../rules/released-schema-changed.toml"),
    Check::History,
);
