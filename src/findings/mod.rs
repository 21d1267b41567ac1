//! What the analysis concludes: one finding per rule, pair and reason, ready for any renderer.
//! A finding names its rule's text (`rule`); the checks that build findings are `crate::rules`'.

pub mod evidence;
pub mod rule;

use crate::analysis::{self, Misread};
use crate::schema::{Encoding, Origin, Role, Schema};
pub use rule::Rule;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not a problem, said for the record: a cost the newer version chose by design.
    Notice,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// A labelled place in a source or schema file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub origin: Origin,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// The rule's level, or the one the configuration set.
    pub level: Level,
    pub format: String,
    /// `None` for findings about one version alone.
    pub older_version: Option<u32>,
    pub newer_version: u32,
    pub message: String,
    /// Where the finding points: the field at fault, or a type.
    pub primary: Label,
    /// The other version's type, for findings about a pair.
    pub related: Option<Label>,
    /// What `related` is to this finding, as a heading: "the older decoder".
    pub related_role: &'static str,
    pub older_encoding: Option<Encoding>,
    pub newer_encoding: Encoding,
    pub role: Role,
    /// Why: the attributes (or missing ones) that make the decoder behave so, in decode order.
    pub reasons: Vec<String>,
    /// A sample encoding of the session concerned, for text encodings.
    pub sample: Option<String>,
    /// The witness in serde's data model as JSON, for tests that replay it through real crates.
    pub witness: Option<String>,
    /// True when the verdict rests on data the analysis cannot see (layout shifts, custom code).
    pub data_dependent: bool,
    /// The critical property the finding is about (`None`: EMS, or the format as a whole).
    pub property: Option<String>,
    /// Changes to the newer version proven to make the pair safe (`crate::fixes`).
    pub fixes: Vec<Fix>,
    /// For an error with no proven fix: why none is shown.
    pub no_fix: Option<String>,
    /// What to do, when this finding's case differs from the rule's usual one (a notice of a
    /// cost chosen by design has nothing to change).
    pub advice: Option<String>,
}

/// The JSON form: the primary place is `file` and `line`.
#[derive(Serialize)]
struct Shown<'a> {
    rule: &'a str,
    level: Level,
    /// `ems`, or the critical property's name.
    property: &'a str,
    format: &'a str,
    older_version: Option<u32>,
    newer_version: u32,
    message: &'a str,
    file: &'a str,
    line: u32,
    /// Where the older version is defined: for a release tag or a baseline revision, `REV:path`.
    #[serde(skip_serializing_if = "Option::is_none")]
    older_file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    older_line: Option<u32>,
    older_encoding: Option<Encoding>,
    newer_encoding: Encoding,
    role: Role,
    reasons: &'a [String],
    sample: Option<&'a str>,
    data_dependent: bool,
    fixes: &'a [Fix],
    #[serde(skip_serializing_if = "Option::is_none")]
    no_fix: Option<&'a str>,
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Shown {
            rule: self.rule.id(),
            level: self.level,
            property: self.property.as_deref().unwrap_or("ems"),
            format: &self.format,
            older_version: self.older_version,
            newer_version: self.newer_version,
            message: &self.message,
            file: self.file(),
            line: self.line(),
            older_file: self.related.as_ref().map(|r| r.origin.file.as_str()),
            older_line: self.related.as_ref().map(|r| r.origin.line),
            older_encoding: self.older_encoding,
            newer_encoding: self.newer_encoding,
            role: self.role,
            reasons: &self.reasons,
            sample: self.sample.as_deref(),
            data_dependent: self.data_dependent,
            fixes: &self.fixes,
            no_fix: self.no_fix.as_deref(),
        }
        .serialize(s)
    }
}

impl Finding {
    /// A finding of `rule` about `new` (and `old`), at the newer EMS carrier or else the newer type.
    pub fn new(
        rule: &'static Rule,
        old: Option<&Schema>,
        new: &Schema,
        message: String,
    ) -> Finding {
        let carrier = new.ems_carrier().map(|p| p.carrier().origin.clone());
        // A shape of a version that only some builds compile: the finding holds for those.
        let builds: Vec<String> = old
            .into_iter()
            .chain([new])
            .filter_map(|s| {
                s.build
                    .as_ref()
                    .map(|b| format!("v{} as built with {b}", s.version))
            })
            .collect();
        let message = if builds.is_empty() {
            message
        } else {
            format!("{message} [cfg: {}]", builds.join("; "))
        };
        Finding {
            rule,
            level: rule.level(),
            format: new.name.clone(),
            older_version: old.map(|o| o.version),
            newer_version: new.version,
            message,
            primary: Label {
                origin: carrier.unwrap_or_else(|| new.origin.clone()),
                text: format!("{} v{} writes this", new.name, new.version),
            },
            related: old.map(|o| Label {
                origin: o.origin.clone(),
                text: format!("{} v{} decoder (`{}`)", o.name, o.version, o.root),
            }),
            related_role: "the older decoder",
            older_encoding: old.map(|o| o.encoding),
            newer_encoding: new.encoding,
            role: new.role,
            reasons: Vec::new(),
            sample: None,
            witness: None,
            data_dependent: false,
            property: None,
            fixes: Vec::new(),
            no_fix: None,
            advice: None,
        }
    }

    /// Marks the finding as about critical property `p`.
    pub fn about(mut self, p: &str) -> Finding {
        self.property = Some(p.to_string());
        self
    }

    /// Points the finding at `origin` instead.
    pub fn at(mut self, origin: &Origin, text: Option<String>) -> Finding {
        self.primary.origin = origin.clone();
        if let Some(t) = text {
            self.primary.text = t;
        }
        self
    }

    /// Takes the misread session as evidence: its reasons, condition, sample and witness
    /// (`written_in`: the encoding that wrote it).
    pub fn showing(mut self, m: Misread<'_>, written_in: Encoding) -> Finding {
        let said = |x: &analysis::Reason| evidence::words(x, m.direction);
        self.reasons.extend(m.pick.notes.iter().map(said));
        // Every acceptance condition of the witness, then the data-dependence of the read.
        for c in m.pick.conditions.iter().chain(m.condition).map(said) {
            if !self.reasons.contains(&c) {
                self.reasons.push(c);
            }
            self.data_dependent = true;
        }
        self.sample = analysis::sample(written_in, &m.pick.wire);
        self.witness = analysis::witness(&m.pick.wire);
        self
    }

    /// In the backward direction the older version is the writer: the related label names it
    /// as such (`what`: the sessions it wrote that the newer decoder mishandles).
    pub fn older_writes(mut self, old: &Schema, what: &str) -> Finding {
        self.related_role = "the older encoder";
        if let Some(r) = self.related.as_mut() {
            r.text = format!(
                "{} v{} writes {what} (`{}`)",
                old.name, old.version, old.root
            );
        }
        self
    }

    /// Whether the older version wrote the sessions this finding is about (a backward rule:
    /// older sessions in the newer decoder).
    pub fn older_is_writer(&self) -> bool {
        self.related_role == "the older encoder"
    }

    pub fn because(mut self, reason: impl Into<String>) -> Finding {
        self.reasons.push(reason.into());
        self
    }

    /// The rule's advice for this finding: in wire terms when the newer version is a
    /// hand-written codec described by a schema file.
    pub fn help(&self) -> &str {
        if let Some(a) = &self.advice {
            return a;
        }
        let spec = self.rule.spec();
        match &spec.wire_help {
            Some(w) if !self.newer_encoding.is_serde() => w,
            _ => &spec.help,
        }
    }

    pub fn file(&self) -> &str {
        &self.primary.origin.file
    }

    pub fn line(&self) -> u32 {
        self.primary.origin.line
    }

    /// Stable order for every output: by place, then rule, then versions.
    pub fn sort_key(&self) -> (&str, u32, u32, Option<u32>, &str, &str) {
        (
            &self.format,
            self.newer_version,
            self.line(),
            self.older_version,
            self.rule.id(),
            &self.message,
        )
    }
}

pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.file().cmp(b.file()))
    });
}

/// True when any finding fails the run.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.level == Level::Error)
}

/// A change to the newer version, proven to make the finding's pair safe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// One line: what the change does.
    pub summary: String,
    /// The change, as it is written in the source or schema file.
    pub change: String,
    /// Always true: an unverified candidate is never shown.
    pub verified: bool,
    /// Which sessions fall back to a full handshake besides those the finding is about.
    pub cost: String,
    /// The edits that make the change, in the files sessionlint read (none for a file read at
    /// a released revision, which cannot change).
    pub edits: Vec<Edit>,
    /// Which remedy it is (one of each per finding).
    #[serde(skip)]
    pub(crate) kind: &'static str,
}

impl Fix {
    /// The file, line, column and attribute, when the fix is one attribute inserted.
    pub fn single_insert(&self) -> Option<(&Edit, u32, &str)> {
        match self.edits.as_slice() {
            [e @ Edit {
                what: EditKind::Insert { column, text, .. },
                ..
            }] => Some((e, *column, text)),
            _ => None,
        }
    }
}

/// One edit of one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub file: String,
    pub line: u32,
    #[serde(flatten)]
    pub what: EditKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EditKind {
    /// Insert `text` (one attribute) at a byte offset of a Rust source.
    Insert {
        offset: usize,
        column: u32,
        text: String,
    },
    /// Set a key of a schema file to a TOML value.
    Set { path: Vec<Seg>, value: String },
}

/// A step of a key path in a TOML document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl std::fmt::Display for Edit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.what {
            EditKind::Insert { text, .. } => {
                write!(f, "{}:{}: insert `{}`", self.file, self.line, text.trim())
            }
            EditKind::Set { path, value } => {
                write!(f, "{}: set `", self.file)?;
                for (i, s) in path.iter().enumerate() {
                    match s {
                        Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                        Seg::Key(k) => write!(f, ".{k}")?,
                        Seg::Index(n) => write!(f, "[{n}]")?,
                    }
                }
                write!(f, " = {value}`")
            }
        }
    }
}
