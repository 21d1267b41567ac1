//! The rules. A rule is its text, `rules/<id>.toml` (id, level, summary, explanation,
//! references, bad, good, fix, help), plus one check over a verdict, `src/rules/<id>.rs`; the
//! registry below lists each rule's module once, and everything else (ids, levels, SARIF rule
//! metadata, `sessionlint rules`, `explain`) is read from those two files.
//!
//! Checks read the typed verdicts of `crate::analysis` and build findings; renderers read a
//! finding's rule fields and never compare rule ids.

use crate::analysis::{Kind, PairVerdict, VersionVerdict};
use crate::findings::{Finding, Level};
use crate::schema::{Role, Schema};
use serde::Deserialize;
use std::sync::OnceLock;

/// One rule: its text (parsed on first use) and its check.
pub struct Rule {
    doc: &'static str,
    spec: OnceLock<Spec>,
    check: Check,
}

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

/// A rule's file in `rules/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub id: String,
    pub level: Level,
    pub summary: String,
    pub explanation: String,
    pub references: Vec<String>,
    pub bad: String,
    pub good: String,
    pub fix: String,
    /// One line under each finding: what to change.
    pub help: String,
    /// The same, in wire terms, for formats described by schema files (hand-written codecs),
    /// where the serde words of `help` mean nothing.
    #[serde(default)]
    pub wire_help: Option<String>,
    /// The matrix cell the rule reports as UNSAFE, for rules that report a misread session.
    #[serde(default)]
    pub covers: Option<Cover>,
    /// Which decoder of the pair the rule is about, for rules that cover no cell (`covers`
    /// says it for the others).
    #[serde(default)]
    pub decoder: Option<Side>,
    /// Why no fix is searched for this rule's errors (shown as the finding's `no_fix`), for rules
    /// whose remedy lies outside the changes `crate::fixes` tries.
    #[serde(default)]
    pub no_fix: Option<String>,
}

/// The decoder of a pair a finding is about: the older one reading the newer version's
/// sessions, or the newer one reading the older version's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    Older,
    Newer,
}

/// Which decoder misreads which kind of session: a cell of the compatibility matrices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cover {
    /// The older decoder reads the newer version's EMS sessions without EMS.
    OlderDecoderEms,
    /// The older decoder reads the newer version's non-EMS sessions as EMS.
    OlderDecoderNonEms,
    /// The newer decoder reads the older version's EMS sessions without EMS.
    NewerDecoderEms,
    /// The newer decoder reads the older version's non-EMS sessions as EMS.
    NewerDecoderNonEms,
}

impl Cover {
    /// Whether the older version decodes, and which kind of session.
    pub fn cell(self) -> (bool, Kind) {
        match self {
            Cover::OlderDecoderEms => (true, Kind::Ems),
            Cover::OlderDecoderNonEms => (true, Kind::NonEms),
            Cover::NewerDecoderEms => (false, Kind::Ems),
            Cover::NewerDecoderNonEms => (false, Kind::NonEms),
        }
    }
}

impl Rule {
    pub const fn new(doc: &'static str, check: Check) -> Rule {
        Rule {
            doc,
            spec: OnceLock::new(),
            check,
        }
    }

    /// The parsed file. The files are compiled in and `tests/rules_registry.rs` parses each,
    /// so a failure here is a build of sessionlint that was never tested.
    pub fn spec(&self) -> &Spec {
        self.spec.get_or_init(|| {
            toml::from_str(self.doc)
                .unwrap_or_else(|e| panic!("a rule file of this build does not parse: {e}"))
        })
    }

    pub fn id(&self) -> &str {
        &self.spec().id
    }

    pub fn level(&self) -> Level {
        self.spec().level
    }

    /// The rule's file, verbatim.
    pub fn doc(&self) -> &'static str {
        self.doc
    }

    pub fn check(&self) -> Check {
        self.check
    }

    /// The matrix cell this rule reports as UNSAFE, if it reports a misread session.
    pub fn covers(&self) -> Option<Cover> {
        self.spec().covers
    }

    /// Which decoder of the pair the rule's findings are about (`None`: the pair as a whole,
    /// or one version alone).
    pub fn decoder_side(&self) -> Option<Side> {
        match self.covers() {
            Some(c) if c.cell().0 => Some(Side::Older),
            Some(_) => Some(Side::Newer),
            None => self.spec().decoder,
        }
    }

    /// Whether the rule reports an older decoder reading newer EMS sessions without EMS (the
    /// rollout hazard of RFC 7627 §5.3), under any of its causes.
    pub fn is_rollout_hazard(&self) -> bool {
        self.covers() == Some(Cover::OlderDecoderEms)
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Rule {}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// For tests and the configuration: `finding.rule == "older-session-read-as-ems"`.
impl PartialEq<&str> for &Rule {
    fn eq(&self, id: &&str) -> bool {
        self.id() == *id
    }
}

macro_rules! registry {
    ($($m:ident),* $(,)?) => {
        $(pub mod $m;)*
        /// Every rule, in the order SARIF lists them.
        pub static RULES: &[&Rule] = &[$(&$m::RULE),*];
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

/// Findings about one version alone: for EMS, then for each critical property it carries.
pub fn check_version(s: &Schema) -> Vec<Finding> {
    let v = VersionVerdict::of(s);
    let mut out: Vec<Finding> = RULES
        .iter()
        .filter_map(|r| match r.check {
            Check::Version(f) => f(&v),
            _ => None,
        })
        .collect();
    for p in s.properties() {
        let projected = s.project(&p);
        let v = VersionVerdict::of(&projected);
        out.extend(RULES.iter().filter_map(|r| match r.check {
            Check::PropertyVersion(f) => f(&v, &p).map(|x| x.about(&p)),
            _ => None,
        }));
    }
    out
}

/// Findings for one co-deployed pair, both directions: for EMS, then for each critical property
/// either version carries (every analysis that exists for EMS, with the property's carrier).
pub fn check_pair(older: &Schema, newer: &Schema) -> Vec<Finding> {
    let v = PairVerdict::of(older, newer);
    let mut out: Vec<Finding> = RULES
        .iter()
        .filter_map(|r| match r.check {
            Check::Pair(f) => f(&v),
            _ => None,
        })
        .collect();
    let mut properties = older.properties();
    properties.extend(newer.properties());
    for p in properties {
        let (o, n) = (older.project(&p), newer.project(&p));
        let v = PairVerdict::of(&o, &n);
        out.extend(RULES.iter().filter_map(|r| match r.check {
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
    let mut out = if w.alone {
        check_version(w.new)
    } else {
        Vec::new()
    };
    for old in &w.olds {
        out.extend(check_pair(old, w.new));
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
