//! Renderers over one list of findings. None of them recomputes a verdict.

pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod notes;
pub mod repo_path;
pub mod sarif;
mod source_map;
pub mod text;

pub use notes::{Note, NoteKind, NoteLevel};
pub use source_map::{SourceMap, Text};

/// Totals shown by every renderer.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    /// Findings said for the record (`Level::Notice`).
    pub notices: usize,
    pub formats: usize,
    pub versions: usize,
    pub pairs: usize,
    /// Files scanned (byte-prefiltered or parsed).
    pub files: usize,
    /// Builds read (more than one where cfg options nothing decides, or several targets, give
    /// the session types several shapes).
    pub builds: usize,
    /// What the run assumed (cfg options) and what weakens the gate (relaxations).
    pub notes: Vec<Note>,
}

impl Summary {
    pub fn count(
        findings: &[crate::findings::Finding],
        formats: usize,
        versions: usize,
        pairs: usize,
    ) -> Summary {
        use crate::findings::Level;
        Summary {
            errors: findings.iter().filter(|f| f.level == Level::Error).count(),
            warnings: findings
                .iter()
                .filter(|f| f.level == Level::Warning)
                .count(),
            notices: findings.iter().filter(|f| f.level == Level::Notice).count(),
            formats,
            versions,
            pairs,
            files: 0,
            builds: 1,
            notes: Vec::new(),
        }
    }
}

/// Whether to colour human output on a stream, as rustc, cargo and clippy decide (anstream's
/// rules): `NO_COLOR` (non-empty) never; `CLICOLOR_FORCE` (non-empty, not `0`) always;
/// `CLICOLOR=0` never; else only on a terminal whose `TERM` is not `dumb`. Piped output and CI
/// logs are plain text.
pub fn colour(is_terminal: bool) -> bool {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if var("NO_COLOR").is_some() {
        return false;
    }
    if var("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    if var("CLICOLOR").is_some_and(|v| v == "0") {
        return false;
    }
    is_terminal && var("TERM").is_none_or(|t| t != "dumb")
}

/// Whether human output on stdout and on stderr is coloured.
#[derive(Clone, Copy, Debug, Default)]
pub struct Colours {
    pub out: bool,
    pub err: bool,
}

thread_local! {
    static COLOURS: std::cell::Cell<Colours> = const { std::cell::Cell::new(Colours { out: false, err: false }) };
}

impl Colours {
    /// What the process's own streams call for (see `colour`).
    pub fn of_process() -> Colours {
        use std::io::IsTerminal;
        Colours {
            out: colour(std::io::stdout().is_terminal()),
            err: colour(std::io::stderr().is_terminal()),
        }
    }

    /// Sets the colours for the command run on this thread (none unless set: a caller that
    /// hands `cli::run` its own writers gets plain text).
    pub fn set(self) {
        COLOURS.with(|c| c.set(self));
    }

    pub fn current() -> Colours {
        COLOURS.with(|c| c.get())
    }
}
