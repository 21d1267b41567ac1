//! What the analysis concludes: one finding per rule, pair and reason, ready for any renderer.

use crate::schema::{Encoding, Origin, Role};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub level: Level,
    pub format: String,
    /// `None` for findings about one version alone.
    pub older_version: Option<u32>,
    pub newer_version: u32,
    pub message: String,
    /// Where the finding points: the newer field at fault, or the newer type.
    pub file: String,
    pub line: u32,
    #[serde(skip)]
    pub primary: Label,
    /// The older decoder's type.
    #[serde(skip)]
    pub related: Option<Label>,
    pub older_encoding: Option<Encoding>,
    pub newer_encoding: Encoding,
    pub role: Role,
    /// Why: the attributes (or missing ones) that make the decoder behave so, in decode order.
    pub reasons: Vec<String>,
    /// A sample encoding of the session concerned, for text encodings.
    pub sample: Option<String>,
    /// The witness in serde's data model as JSON, for tests that replay it through real crates.
    #[serde(skip)]
    pub witness: Option<String>,
    /// True when the verdict rests on data the analysis cannot see (layout shifts, custom code).
    pub data_dependent: bool,
}

impl Finding {
    /// Stable order for every output: by place, then rule, then versions.
    pub fn sort_key(&self) -> (String, u32, u32, Option<u32>, &'static str, String) {
        (
            self.format.clone(),
            self.newer_version,
            self.line,
            self.older_version,
            self.rule,
            self.message.clone(),
        )
    }
}

pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.file.cmp(&b.file))
    });
}
