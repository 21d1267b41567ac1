//! The newer decoder reads a non-EMS session of the older version as EMS.

use super::{Check, Rule};
use crate::analysis::{Kind, PairVerdict};
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(include_str!("../../rules/older-session-read-as-ems.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::Pair(check);

fn check(v: &PairVerdict) -> Option<Finding> {
    let (old, new) = (v.older, v.newer);
    let m = v.backward.non_ems.as_ref()?.misread(Kind::NonEms)?;
    let mut f = Finding::new(
        &RULE,
        Some(old),
        new,
        format!(
            "the {} v{} decoder {} a non-EMS session written by v{} as EMS",
            new.name,
            new.version,
            if m.condition.is_some() { "may read" } else { "reads" },
            old.version
        ),
    )
    .showing(m, old.encoding)
    .older_writes(old, "the non-EMS sessions");
    f.primary.text = format!("{} v{} reads older sessions here", new.name, new.version);
    Some(f)
}
