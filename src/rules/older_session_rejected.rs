//! The newer decoder rejects every session of the older version: the upgrade costs a full
//! handshake per session.

use super::{Check, Rule};
use crate::analysis::PairVerdict;
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(include_str!("../../rules/older-session-rejected.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::Pair(check);

fn check(v: &PairVerdict) -> Option<Finding> {
    let (old, new) = (v.older, v.newer);
    let r = v.backward.non_ems.as_ref()?;
    if r.accepts() {
        return None;
    }
    let mut f = Finding::new(
        &RULE,
        Some(old),
        new,
        format!(
            "the {} v{} decoder rejects every session written by v{}: a full handshake for each after the upgrade",
            new.name, new.version, old.version
        ),
    )
    .at(&new.origin, Some(format!("{} v{} decoder", new.name, new.version)))
    .older_writes(old, "the sessions");
    f.reasons.extend(crate::findings::evidence::why_refused(r));
    Some(f)
}
