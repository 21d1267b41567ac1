//! The newer decoder accepts the older version's EMS sessions and reads them without EMS: a
//! revert, or a carrier that moved while the older layout is still accepted.

use super::{peer, without_ems, Check, Rule, RFC_7627_5_3};
use crate::analysis::{Kind, Loss, PairVerdict};
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(include_str!("../../rules/ems-dropped-by-newer-decoder.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::Pair(check);

fn check(v: &PairVerdict) -> Option<Finding> {
    let (old, new) = (v.older, v.newer);
    let m = v.backward.ems.as_ref()?.misread(Kind::Ems)?;
    let (peer, verb) = peer(new.role);
    let reading = without_ems(new, verb);
    let accepted = if m.condition.is_some() { "may be accepted" } else { "is accepted" };
    let at = new
        .ems_carrier()
        .map_or_else(|| new.origin.clone(), |p| p.carrier().origin.clone());
    let f = Finding::new(
        &RULE,
        Some(old),
        new,
        format!(
            "an EMS session written by {} v{} {accepted} by the v{} {peer}, which {reading}",
            old.name, old.version, new.version
        ),
    )
    .at(&at, Some(format!("{} v{} reads older sessions here", new.name, new.version)))
    .showing(m, old.encoding);
    let cause = match &v.backward.loss {
        Some(Loss::Ignored { path }) => format!("`{path}` is marked `ignored`: parsed, not acted on (an EMS revert)"),
        Some(Loss::Unset { path }) => format!("the v{} carrier `{path}` is never filled by v{}'s bytes, and v{}'s own carrier is not read", new.version, old.version, old.version),
        Some(Loss::Swallowed { field }) => format!("an optional tail of the v{} decoder absorbs `{field}`", new.version),
        Some(Loss::UnmaskedFlags { field, .. }) => format!("the v{} decoder keeps `{field}` whole and reads its EMS from another bit", new.version),
        Some(Loss::NoCarrier) | None => format!("the v{} decoder has no EMS carrier", new.version),
    };
    Some(
        f.because(cause)
            .because(RFC_7627_5_3)
            .older_writes(old, "EMS sessions"),
    )
}
