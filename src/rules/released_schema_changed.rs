//! A released version's schema changed in place. `crate::history` finds the change (a
//! `history::Change`, from what was released); no pair verdict is involved.

use super::{Check, Rule};
use crate::findings::Finding;
use crate::history::{changes, Change};

pub static RULE: Rule = Rule::new(include_str!("../../rules/released-schema-changed.toml"));

/// What the rule reads, and its check.
pub const CHECK: Check = Check::History;

/// The finding for `change`, at the schema that differs from the released one, with what
/// changed as its reasons.
pub fn finding(change: Change<'_>) -> Finding {
    let (released, current) = change.sides();
    let (name, version) = (&current.name, current.version);
    let message = match change {
        Change::InPlace { .. } => format!(
            "{name} v{version} was released as {}, and its schema has changed in the source without a new version number",
            released.origin.file
        ),
        Change::SchemaFileEdited { .. } => format!(
            "{name} v{version} as released ({}) differs from the schema file {} in the working tree: a released version's schema was edited",
            released.origin.file, current.origin.file
        ),
        Change::Rereleased { .. } => format!(
            "{name} v{version} was released as {} and again, with another schema, as {}: one version number, two formats in the fleet",
            released.origin.file, current.origin.file
        ),
        Change::Renamed { .. } => format!(
            "`{}` was released as format `{}` v{} ({}) and is now format `{name}` v{version}: its sessions are in the fleet under the old name, and the new one is compared with nothing released",
            current.root, released.name, released.version, released.origin.file
        ),
    };
    let mut f = Finding::new(&RULE, Some(released), current, message).at(&current.origin, None);
    f.reasons = changes::describe(released, current);
    f
}
