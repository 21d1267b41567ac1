//! A version with an EMS carrier that its encoder never writes.

use super::{Check, Rule};
use crate::analysis::VersionVerdict;
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(
    include_str!("../../rules/ems-not-serialized.toml"),
    Check::Version(check),
);

fn check(v: &VersionVerdict) -> Option<Finding> {
    let s = v.schema;
    let path = v.carrier.as_ref().filter(|_| !v.writes_ems)?;
    Some(
        Finding::new(
            &RULE,
            None,
            s,
            format!(
                "{} v{}: the EMS carrier `{path}` is never written, so an EMS session is indistinguishable from a non-EMS one",
                s.name, s.version
            ),
        )
        .because(format!(
            "`{path}` (or a field on its path) is skipped by serde when serializing, or sits in a variant the encoder never writes"
        )),
    )
}
