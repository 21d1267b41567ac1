//! The older decoder reads a non-EMS session of the newer version as EMS: the newer version
//! writes something where the older one kept its EMS carrier.

use super::{peer, Check, Rule};
use crate::analysis::{Kind, PairVerdict};
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(include_str!("../../rules/newer-session-read-as-ems.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::Pair(check);

fn check(v: &PairVerdict) -> Option<Finding> {
    let (old, new) = (v.older, v.newer);
    let m = v.forward.non_ems.as_ref()?.misread(Kind::NonEms)?;
    let (peer, _) = peer(new.role);
    Some(
        Finding::new(
            &RULE,
            Some(old),
            new,
            format!(
                "the v{} {peer} {} a non-EMS session written by {} v{} as EMS",
                old.version,
                if m.condition.is_some() { "may read" } else { "reads" },
                new.name,
                new.version
            ),
        )
        .at(&new.origin, None)
        .showing(m, new.encoding),
    )
}
