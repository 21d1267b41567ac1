//! What a finding names: a rule's text (id, level, summary, explanation, references, the matrix
//! cell it covers), read from `rules/<id>.toml`. The checks that raise findings live in
//! `crate::rules`, which depends on this module and not the other way round.

use super::Level;
use crate::analysis::Kind;
use serde::Deserialize;
use std::sync::OnceLock;

/// One rule: its text, `rules/<id>.toml`, parsed on first use. Its check is the rule module's
/// (`crate::rules`, which pairs each rule with its check).
pub struct Rule {
    doc: &'static str,
    spec: OnceLock<Spec>,
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
    pub const fn new(doc: &'static str) -> Rule {
        Rule {
            doc,
            spec: OnceLock::new(),
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
