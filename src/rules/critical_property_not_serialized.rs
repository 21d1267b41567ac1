//! A version with a critical property's field that its encoder never writes.

use super::{Check, Rule};
use crate::analysis::VersionVerdict;
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(include_str!(
    "../../rules/critical-property-not-serialized.toml"
));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::PropertyVersion(check);

fn check(v: &VersionVerdict, property: &str) -> Option<Finding> {
    let s = v.schema;
    let path = v.carrier.as_ref().filter(|_| !v.writes_ems)?;
    Some(
        Finding::new(
            &RULE,
            None,
            s,
            format!(
                "{} v{}: `{property}`'s field `{path}` is never written, so every session loses it on the way out",
                s.name, s.version
            ),
        )
        .because(format!(
            "`{path}` (or a field on its path) is skipped by serde when serializing, or sits in a variant the encoder never writes"
        )),
    )
}
