//! The newer decoder reads an older session without a critical property as if it had it.

use super::{Check, Rule};
use crate::analysis::{Kind, PairVerdict};
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(include_str!(
    "../../rules/older-session-read-with-critical-property.toml"
));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::PropertyPair(check);

fn check(v: &PairVerdict, property: &str) -> Option<Finding> {
    let (old, new) = (v.older, v.newer);
    let m = v.backward.non_ems.as_ref()?.misread(Kind::NonEms)?;
    let may = if m.condition.is_some() { "may read" } else { "reads" };
    let mut f = Finding::new(
        &RULE,
        Some(old),
        new,
        format!(
            "the {} v{} decoder {may} a session written by v{} without `{property}` as one with it",
            new.name, new.version, old.version
        ),
    )
    .showing(m, old.encoding)
    .older_writes(old, &format!("sessions without `{property}`"));
    f.primary.text = format!("{} v{} reads older sessions here", new.name, new.version);
    Some(f)
}
