//! A session type that the change's configuration no longer scans, found through the scope of
//! the baseline revision's configuration. Raised while reading the inputs (`crate::review`); no
//! verdict is involved.

use super::{Check, Rule};

pub static RULE: Rule = Rule::new(
    include_str!("../../rules/out-of-scope-session-item.toml"),
    Check::History,
);
