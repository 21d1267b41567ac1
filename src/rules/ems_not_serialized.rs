//! A version with an EMS carrier that its encoder never writes.

use super::{Check, Rule};
use crate::analysis::{Direction, VersionVerdict};
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(include_str!("../../rules/ems-not-serialized.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::Version(check);

fn check(v: &VersionVerdict) -> Option<Finding> {
    let s = v.schema;
    let path = v.carrier.as_ref()?;
    if v.writes_ems {
        // Written, but what is written does not read back as EMS.
        let (all, why) = v.loses_ems.as_ref()?;
        return Some(
            Finding::new(
                &RULE,
                None,
                s,
                format!(
                    "{} v{}: {} EMS session{} written with `{path}` read{} back as non-EMS in the version's own decoder",
                    s.name,
                    s.version,
                    if *all { "every" } else { "some" },
                    if *all { "" } else { "s" },
                    if *all { "s" } else { "" },
                ),
            )
            .because(crate::findings::evidence::words(why, Direction::Forward))
            .because(format!(
                "the EMS value of `{path}` serializes as what its non-EMS value reads from (serde writes `Some(())` and `Some(None)` as null, which reads back as None): carry EMS in a bool, or in an Option whose Some holds a value"
            )),
        );
    }
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
