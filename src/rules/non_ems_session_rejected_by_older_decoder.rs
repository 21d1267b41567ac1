//! The older decoder rejects every non-EMS session of the newer version: the rollout costs a
//! full handshake per session.

use super::{peer, Check, Rule};
use crate::analysis::PairVerdict;
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(include_str!(
    "../../rules/non-ems-session-rejected-by-older-decoder.toml"
));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::Pair(check);

fn check(v: &PairVerdict) -> Option<Finding> {
    let (old, new) = (v.older, v.newer);
    let r = v.forward.non_ems.as_ref().filter(|r| !r.accepts())?;
    let (peer, _) = peer(new.role);
    // A refusal the newer version designed (a version the older check refuses, a required key
    // renamed on purpose, other ticket keys) is the cost its author chose, which its fix states:
    // said for the record, not a warning.
    let designed = r.rejection.as_ref().is_some_and(|x| x.designed);
    let mut f = Finding::new(
        &RULE,
        Some(old),
        new,
        if designed {
            format!(
                "the v{} {peer} refuses every non-EMS session written by {} v{}, as v{} is written to be refused: a full handshake for each during the rollout",
                old.version, new.name, new.version, new.version
            )
        } else {
            format!(
                "the v{} {peer} rejects every non-EMS session written by {} v{}: a full handshake for each during the rollout",
                old.version, new.name, new.version
            )
        },
    )
    .at(&new.origin, None);
    if designed {
        f.level = crate::findings::Level::Notice;
        f.advice = Some("nothing to change: the newer version is written to be refused by the older one, and this is what that costs until no older server remains (`sessionlint plan` says when to switch the writer on)".into());
    }
    f.reasons.extend(crate::findings::evidence::why_refused(r));
    Some(f)
}
