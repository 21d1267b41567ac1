//! The older decoder accepts newer sessions that carry a critical property and reads them
//! without it, for any cause (no field, an ignored key, a swallowed tail, unknown flag bits).

use super::{peer, Check, Rule};
use crate::analysis::{Kind, PairVerdict};
use crate::findings::Finding;

pub static RULE: Rule = Rule::new(include_str!(
    "../../rules/critical-property-accepted-by-older-decoder.toml"
));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::PropertyPair(check);

fn check(v: &PairVerdict, property: &str) -> Option<Finding> {
    let (old, new) = (v.older, v.newer);
    let m = v.forward.ems.as_ref()?.misread(Kind::Ems)?;
    let (peer, verb) = peer(new.role);
    let reading = match old.ems_carrier() {
        None => format!("has no `{property}` field and would {verb} it as if the property were not set"),
        Some(c) => format!("does not read `{property}` from it (its field `{}` sees it unset)", c.dotted()),
    };
    let may = if m.condition.is_some() { "may be" } else { "is" };
    Some(
        Finding::new(
            &RULE,
            Some(old),
            new,
            format!(
                "a session with `{property}` written by {} v{} {may} accepted by the v{} {peer}, which {reading}",
                new.name, new.version, old.version
            ),
        )
        .showing(m, new.encoding)
        .because(format!(
            "`{property}` narrows when the session may be resumed; a decoder that drops it widens resumption (as EMS does under RFC 7627 §5.3)"
        )),
    )
}
