//! A session type that the change's configuration no longer scans, found through the scope of
//! the baseline revision's configuration. Raised while reading the inputs (`crate::review`); no
//! verdict is involved.

use super::{Check, Rule};
use crate::findings::Finding;
use crate::schema::Schema;

pub static RULE: Rule = Rule::new(include_str!("../../rules/out-of-scope-session-item.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::History;

/// The finding for `s`, a session type the change's `paths` leave out and the scope of baseline
/// revision `rev` covers.
pub fn finding(s: &Schema, rev: &str) -> Finding {
    Finding::new(
        &RULE,
        None,
        s,
        format!(
            "`{}` ({} v{}) is a session type outside the `paths` this change configures, and inside those configured at {rev}: it was checked anyway",
            s.root, s.name, s.version
        ),
    )
    .at(&s.origin, None)
}
