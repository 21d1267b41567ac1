//! What a run states besides its findings: how it read each cfg option the session types consult
//! (so that a verdict never rests on an unstated assumption), and where the change relaxes the
//! gate against its baseline. Worded here, once, for every output format.

use crate::extract::{CfgOption, Source};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// How a cfg option was read.
    Cfg,
    /// The change weakens the gate against a baseline revision.
    Relaxation,
    /// An `[[allow]]` that matched no finding.
    UnusedAllow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteLevel {
    Note,
    Warning,
}

/// One note: what, how loud, and where.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    pub level: NoteLevel,
    pub message: String,
    pub file: String,
    pub line: u32,
}

impl NoteLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteLevel::Note => "note",
            NoteLevel::Warning => "warning",
        }
    }
}

/// `target_os="linux"` as written in Rust: `target_os = "linux"`.
fn option(o: &str) -> String {
    match o.split_once('=') {
        Some((k, v)) => format!("{k} = {v}"),
        None => o.to_string(),
    }
}

/// How a cfg option was read, and what it changed.
pub fn cfg(o: &CfgOption, targets: &[String]) -> Note {
    let name = option(&o.option);
    let state = if o.decision.on { "on" } else { "off" };
    let how = match o.decision.source {
        Source::DefaultFeatures if o.decision.on => {
            format!("`{name}` is on: the package's default features enable it")
        }
        Source::DefaultFeatures => format!(
            "`{name}` is off: the package's default features do not enable it (set `features` in the configuration to check another build)"
        ),
        Source::Configured => format!("`{name}` is {state}, as the configuration states"),
        Source::Target => format!(
            "`{name}` is read for each target of the configuration ({})",
            targets.join(", ")
        ),
        Source::NeverDeployed => format!("`{name}` is off: no deployed build sets it"),
        Source::Either => format!(
            "`{name}` is not decided by the configuration: builds with it on and with it off were both checked (state it in `cfg` or `targets` to check one)"
        ),
    };
    let effects: Vec<String> = o
        .effects
        .iter()
        .map(|e| {
            let verb = match (&e.attrs, o.decision.source == Source::Either, e.on) {
                (None, true, _) => "exists or not".to_string(),
                (None, false, true) => "is compiled".to_string(),
                (None, false, false) => "is left out".to_string(),
                (Some(a), true, _) => format!("has {a} or not"),
                (Some(a), false, true) => format!("gets {a}"),
                (Some(a), false, false) => format!("does not get {a}"),
            };
            format!("{} {verb}", e.what)
        })
        .collect();
    let message = if effects.is_empty() {
        how
    } else {
        format!("{how}: {}", effects.join("; "))
    };
    Note {
        kind: NoteKind::Cfg,
        level: NoteLevel::Note,
        message,
        file: o.origin.file.clone(),
        line: o.origin.line,
    }
}

/// A relaxation of the gate against a baseline revision.
pub fn relaxation(rev: &str, what: &str, file: &str) -> Note {
    Note {
        kind: NoteKind::Relaxation,
        level: NoteLevel::Warning,
        message: format!("this change relaxes the gate against {rev}: {what}"),
        file: file.to_string(),
        line: 0,
    }
}

/// An `[[allow]]` that matched nothing: it should not outlive its reason.
pub fn unused_allow(what: &str, file: &str) -> Note {
    Note {
        kind: NoteKind::UnusedAllow,
        level: NoteLevel::Note,
        message: what.to_string(),
        file: file.to_string(),
        line: 0,
    }
}
