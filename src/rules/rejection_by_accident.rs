//! The older decoder rejects newer EMS sessions, but no check meant to reject does it.

use super::{peer, Check, Rule};
use crate::analysis::PairVerdict;
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(include_str!("../../rules/rejection-by-accident.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::Pair(check);

fn check(v: &PairVerdict) -> Option<Finding> {
    let (old, new) = (v.older, v.newer);
    let r = v.forward.ems.as_ref()?;
    let rejection = r.rejection.as_ref().filter(|x| !x.deliberate)?;
    if r.accepts() {
        return None;
    }
    let (peer, _) = peer(new.role);
    Some(
        Finding::new(
            &RULE,
            Some(old),
            new,
            format!(
                "the v{} {peer} rejects EMS sessions of {} v{} only by accident: {}",
                old.version,
                new.name,
                new.version,
                crate::findings::evidence::words(&rejection.why, r.direction)
            ),
        )
        .because("no version check, strict trailing-bytes or unknown-field policy of the older decoder rejects them: the next refactor may make it accept"),
    )
}
