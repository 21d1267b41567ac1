//! The older decoder rejects every non-EMS session of the newer version: the rollout costs a
//! full handshake per session.

use super::{peer, Check, Rule};
use crate::analysis::PairVerdict;
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(
    include_str!("../../rules/non-ems-session-rejected-by-older-decoder.toml"),
    Check::Pair(check),
);

fn check(v: &PairVerdict) -> Option<Finding> {
    let (old, new) = (v.older, v.newer);
    let r = v.forward.non_ems.as_ref().filter(|r| !r.accepts())?;
    let (peer, _) = peer(new.role);
    let mut f = Finding::new(
        &RULE,
        Some(old),
        new,
        format!(
            "the v{} {peer} rejects every non-EMS session written by {} v{}: a full handshake for each during the rollout",
            old.version, new.name, new.version
        ),
    )
    .at(&new.origin, None);
    f.reasons.extend(r.rejection.as_ref().map(|x| x.why.clone()));
    Some(f)
}
