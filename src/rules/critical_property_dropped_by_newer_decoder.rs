//! The newer decoder accepts older sessions that carry a critical property and reads them
//! without it.

use super::{Check, Rule};
use crate::analysis::{Kind, PairVerdict};
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(include_str!(
    "../../rules/critical-property-dropped-by-newer-decoder.toml"
));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::PropertyPair(check);

fn check(v: &PairVerdict, property: &str) -> Option<Finding> {
    let (old, new) = (v.older, v.newer);
    let m = v.backward.ems.as_ref()?.misread(Kind::Ems)?;
    let at = new
        .ems_carrier()
        .map(|p| p.carrier().origin.clone())
        .unwrap_or_else(|| new.origin.clone());
    let may = if m.condition.is_some() { "may be" } else { "is" };
    Some(
        Finding::new(
            &RULE,
            Some(old),
            new,
            format!(
                "a session with `{property}` written by {} v{} {may} read by the v{} decoder without `{property}`",
                old.name, old.version, new.version
            ),
        )
        .at(&at, Some(format!("{} v{} reads older sessions here", new.name, new.version)))
        .showing(m, old.encoding)
        .older_writes(old, &format!("sessions with `{property}`")),
    )
}
