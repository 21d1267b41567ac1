//! The rules. A rule is its text, `rules/<id>.toml` (id, level, summary, explanation,
//! references, bad, good, fix, help), plus one check over a verdict, `src/rules/<id>.rs`; the
//! registry below lists each rule's module once, and everything else (ids, levels, SARIF rule
//! metadata, `sessionlint rules`, `explain`) is read from those two files.
//!
//! Checks read the typed verdicts of `crate::analysis` and build findings; renderers read a
//! finding's rule fields and never compare rule ids.

use crate::analysis::{Kind, Known, PairVerdict, VersionVerdict};
pub use crate::findings::rule::{Cover, Rule, Side, Spec};
use crate::findings::Finding;
use crate::schema::{Role, Schema};

/// What a check reads.
#[derive(Clone, Copy)]
pub enum Check {
    /// One version alone.
    Version(fn(&VersionVerdict) -> Option<Finding>),
    /// A co-deployed pair, both directions.
    Pair(fn(&PairVerdict) -> Option<Finding>),
    /// One version alone, seen for one critical property (its carrier in the EMS carrier's
    /// place; the name is the property's).
    PropertyVersion(fn(&VersionVerdict, &str) -> Option<Finding>),
    /// A co-deployed pair, seen for one critical property.
    PropertyPair(fn(&PairVerdict, &str) -> Option<Finding>),
    /// Raised while reading history (a released version changed in place), not by a verdict.
    History,
}

macro_rules! registry {
    ($($m:ident),* $(,)?) => {
        $(pub mod $m;)*
        /// Every rule, in the order SARIF lists them.
        pub static RULES: &[&Rule] = &[$(&$m::RULE),*];
        /// Every rule with its check, in the same order.
        static CHECKS: &[(&Rule, Check)] = &[$((&$m::RULE, $m::CHECK)),*];
    };
}

registry!(
    ems_accepted_by_older_decoder,
    older_session_read_as_ems,
    ems_not_serialized,
    older_session_rejected,
    non_ems_session_rejected_by_older_decoder,
    released_schema_changed,
    rejection_by_accident,
    field_read_but_ignored,
    optional_tail_swallows_field,
    unmasked_flag_bits,
    ems_dropped_by_newer_decoder,
    newer_session_read_as_ems,
    critical_property_accepted_by_older_decoder,
    critical_property_dropped_by_newer_decoder,
    older_session_read_with_critical_property,
    critical_property_not_serialized,
    out_of_scope_session_item,
    no_older_version_to_compare,
);

pub fn get(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id() == id)
}

/// What `rule` reads: its check.
pub fn check_of(rule: &Rule) -> Option<Check> {
    CHECKS.iter().find(|(r, _)| *r == rule).map(|(_, c)| *c)
}

/// Findings about one version alone: for EMS, then for each critical property it carries.
pub fn check_version(s: &Schema) -> Vec<Finding> {
    let v = VersionVerdict::of(s);
    let mut out: Vec<Finding> = CHECKS
        .iter()
        .filter_map(|(_, c)| match c {
            Check::Version(f) => f(&v),
            _ => None,
        })
        .collect();
    for p in s.properties() {
        let projected = s.project(&p);
        let v = VersionVerdict::of(&projected);
        out.extend(CHECKS.iter().filter_map(|(_, c)| match c {
            Check::PropertyVersion(f) => f(&v, &p).map(|x| x.about(&p)),
            _ => None,
        }));
    }
    out
}

/// Findings for one co-deployed pair, both directions: for EMS, then for each critical property
/// either version carries (every analysis that exists for EMS, with the property's carrier).
pub fn check_pair(older: &Schema, newer: &Schema) -> Vec<Finding> {
    judge_pair(older, newer, None)
}

/// `check_pair`, recording the verdicts' matrix cells in `known` when given.
fn judge_pair(older: &Schema, newer: &Schema, mut known: Option<&mut Known>) -> Vec<Finding> {
    let v = PairVerdict::of(older, newer);
    if let Some(k) = known.as_deref_mut() {
        k.record(older, newer, None, &v);
    }
    let mut out: Vec<Finding> = CHECKS
        .iter()
        .filter_map(|(_, c)| match c {
            Check::Pair(f) => f(&v),
            _ => None,
        })
        .collect();
    let mut properties = older.properties();
    properties.extend(newer.properties());
    for p in properties {
        let (o, n) = (older.project(&p), newer.project(&p));
        let v = PairVerdict::of(&o, &n);
        if let Some(k) = known.as_deref_mut() {
            k.record(older, newer, Some(&p), &v);
        }
        out.extend(CHECKS.iter().filter_map(|(_, c)| match c {
            Check::PropertyPair(f) => f(&v, &p).map(|x| x.about(&p)),
            _ => None,
        }));
    }
    out
}

/// Every version alone and every co-deployed pair of one format's versions, oldest first.
/// `keep`: how many older versions may still be deployed next to each version (None: all).
pub fn check_chain(versions: &[&Schema], keep: Option<usize>) -> Vec<Finding> {
    let chain = crate::history::Chain {
        current: Vec::new(),
        released: versions.iter().map(|s| (*s).clone()).collect(),
    };
    crate::history::windows(&chain, crate::deployment::Deployment::keeping(keep))
        .iter()
        .flat_map(check_window)
        .collect()
}

/// One deployment window: the version alone (if the window asks), and against each older
/// decoder deployed with it.
pub fn check_window(w: &crate::history::Window<'_>) -> Vec<Finding> {
    judge_window(w, None)
}

/// `check_window`, with the matrix cells its pair verdicts hold (for `analysis::matrix_with`).
pub fn check_window_known(w: &crate::history::Window<'_>) -> (Vec<Finding>, Known) {
    let mut known = Known::default();
    let found = judge_window(w, Some(&mut known));
    (found, known)
}

fn judge_window(w: &crate::history::Window<'_>, mut known: Option<&mut Known>) -> Vec<Finding> {
    let mut out = if w.alone {
        check_version(w.new)
    } else {
        Vec::new()
    };
    for old in &w.olds {
        out.extend(judge_pair(old, w.new, known.as_deref_mut()));
    }
    out
}

/// Who holds sessions, and what it does with one: for messages.
pub(crate) fn peer(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Server => ("server", "resume"),
        Role::Client => ("client", "offer"),
    }
}

/// How `decoder` treats an EMS session it accepts, in words for a message.
pub(crate) fn without_ems(decoder: &Schema, verb: &str) -> String {
    match decoder.ems_carrier() {
        None => format!("has no EMS field and would {verb} it without EMS"),
        Some(p) if p.carrier().session.ignored => format!(
            "reads `{}` but does not act on it, and would {verb} it without EMS",
            p.dotted()
        ),
        Some(p) => format!(
            "does not read it as EMS (its carrier `{}` sees no EMS)",
            p.dotted()
        ),
    }
}

const RFC_7627_5_3: &str = "RFC 7627 §5.3: a client that gets an abbreviated handshake without EMS for an EMS session aborts the connection";

/// The older decoder accepts the newer version's EMS sessions without EMS, for a cause that
/// `cause` selects: the four rules that report it differ only in the cause.
pub(crate) fn ems_accepted_by_older(
    rule: &'static Rule,
    v: &PairVerdict,
    cause: fn(&crate::analysis::Loss) -> bool,
) -> Option<Finding> {
    let (old, new) = (v.older, v.newer);
    if !v.forward.loss.as_ref().is_some_and(cause) {
        return None;
    }
    let m = v.forward.ems.as_ref()?.misread(Kind::Ems)?;
    let (peer, verb) = peer(new.role);
    let reading = without_ems(old, verb);
    let message = match m.condition {
        None => format!(
            "an EMS session written by {} v{} is accepted by the v{} {peer}, which {reading}",
            new.name, new.version, old.version
        ),
        Some(_) => format!(
            "an EMS session written by {} v{} may be accepted by the v{} {peer}, which {reading}; acceptance depends on the data",
            new.name, new.version, old.version
        ),
    };
    Some(
        Finding::new(rule, Some(old), new, message)
            .showing(m, new.encoding)
            .because(RFC_7627_5_3),
    )
}
