//! miette reports: a label on the newer field, a related report labelled on the older decoder's
//! type, the reason chain, a sample encoding, and the rule's one-line help.

use super::Summary;
use crate::extract::Problem;
use crate::findings::{Finding, Label, Level};
use crate::sources::SourceMap;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
    SourceCode,
};
use std::fmt;

#[derive(Debug)]
struct Diag {
    message: String,
    code: Option<String>,
    severity: Severity,
    help: Option<String>,
    src: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Diag>,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.src.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
    }
}

fn located(map: &SourceMap, label: &Label) -> (Option<NamedSource<String>>, Vec<LabeledSpan>) {
    match map.get(&label.origin.file) {
        Some(text) if label.origin.offset + label.origin.len <= text.len() => (
            Some(NamedSource::new(&label.origin.file, text.into_owned())),
            vec![LabeledSpan::new(
                Some(label.text.clone()),
                label.origin.offset,
                label.origin.len,
            )],
        ),
        _ => (None, Vec::new()),
    }
}

fn handler() -> GraphicalReportHandler {
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(110)
        .with_links(false)
}

fn render_diag(d: &Diag) -> String {
    let mut out = String::new();
    let _ = handler().render_report(&mut out, d);
    out
}

pub fn render_finding(f: &Finding, map: &SourceMap) -> String {
    let mut message = f.message.clone();
    if !f.reasons.is_empty() {
        message.push_str("\nwhy:");
        for r in &f.reasons {
            message.push_str("\n  - ");
            message.push_str(r);
        }
    }
    if let Some(s) = &f.sample {
        message.push_str(&format!(
            "\nsample ({}): {}",
            f.newer_encoding,
            s.trim_end()
        ));
    }
    let (src, mut labels) = located(map, &f.primary);
    let mut related = Vec::new();
    if let Some(r) = &f.related {
        if r.origin.file == f.primary.origin.file && src.is_some() {
            // Same file: one snippet with both labels reads best.
            labels.extend(located(map, r).1);
        } else if !r.origin.file.is_empty() {
            let (rsrc, rlabels) = located(map, r);
            related.push(Diag {
                message: format!(
                    "{}: {} ({}:{})",
                    f.related_role, r.text, r.origin.file, r.origin.line
                ),
                code: None,
                severity: Severity::Advice,
                help: None,
                src: rsrc,
                labels: rlabels,
                related: Vec::new(),
            });
        }
    }
    let help = format!(
        "{}; `sessionlint explain {}` has more",
        f.rule.spec().help,
        f.rule.id()
    );
    let d = Diag {
        message,
        code: Some(f.rule.id().to_string()),
        severity: match f.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        },
        help: Some(help),
        src,
        labels,
        related,
    };
    render_diag(&d)
}

pub fn render(findings: &[Finding], summary: &Summary, map: &SourceMap) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&render_finding(f, map));
        out.push('\n');
    }
    out.push_str(&format!(
        "sessionlint: {} error{}, {} warning{} ({} file{} read; {} format{}, {} version{}, {} pair{} checked)\n",
        summary.errors,
        if summary.errors == 1 { "" } else { "s" },
        summary.warnings,
        if summary.warnings == 1 { "" } else { "s" },
        summary.files,
        if summary.files == 1 { "" } else { "s" },
        summary.formats,
        if summary.formats == 1 { "" } else { "s" },
        summary.versions,
        if summary.versions == 1 { "" } else { "s" },
        summary.pairs,
        if summary.pairs == 1 { "" } else { "s" },
    ));
    out
}

/// Bad input: file, line, what is wrong and what to do.
pub fn render_problem(p: &Problem, map: &SourceMap) -> String {
    let label = Label {
        origin: p.origin.clone(),
        text: "here".into(),
    };
    let (src, labels) = located(map, &label);
    let where_ = if p.origin.line > 0 {
        format!("{}:{}", p.origin.file, p.origin.line)
    } else {
        p.origin.file.clone()
    };
    let d = Diag {
        message: format!("{where_}: {}", p.message),
        code: Some("sessionlint::input".into()),
        severity: Severity::Error,
        help: p.help.clone(),
        src,
        labels,
        related: Vec::new(),
    };
    render_diag(&d)
}
