//! miette reports: a label on the newer field, a related report labelled on the older decoder's
//! type, the reason chain, a sample encoding, and the rule's one-line help.

use super::SourceMap;
use super::{text, Summary};
use crate::extract::Problem;
use crate::findings::{Finding, Label, Level};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, Severity, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

#[derive(Debug)]
struct Diag {
    message: String,
    code: Option<String>,
    severity: Severity,
    help: Option<String>,
    src: Option<Snippet>,
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

/// The lines of one file a diagnostic shows: a window around its labels, with the file's own
/// line numbers. miette finds lines by scanning a source from its first byte for every label;
/// handing it the whole file made rendering quadratic in practice (70% of a large check).
#[derive(Debug)]
struct Snippet {
    name: String,
    /// The window, from the start of a line.
    text: String,
    /// Where the window starts in the file: byte offset and 0-based line.
    start: usize,
    first_line: usize,
}

/// Lines of context kept around the labels: miette shows one before and after (its default);
/// a margin keeps its scan identical to a scan of the whole file.
const MARGIN_LINES: usize = 3;

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = span
            .offset()
            .checked_sub(self.start)
            .ok_or(MietteError::OutOfBounds)?;
        let c = self.text.as_bytes().read_span(
            &SourceSpan::new(local.into(), span.len()),
            before,
            after,
        )?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            SourceSpan::new((c.span().offset() + self.start).into(), c.span().len()),
            c.line() + self.first_line,
            c.column(),
            c.line_count() + self.first_line,
        )))
    }
}

/// The labels of one file that fit its text, and the window that shows them.
fn located(map: &SourceMap, labels: &[&Label]) -> (Option<Snippet>, Vec<LabeledSpan>) {
    let Some(file) = labels.first().map(|l| &l.origin.file) else {
        return (None, Vec::new());
    };
    let Some(text) = map.get(file) else {
        return (None, Vec::new());
    };
    let fits: Vec<&Label> = labels
        .iter()
        .copied()
        .filter(|l| l.origin.offset + l.origin.len <= text.len())
        .collect();
    let (Some(lo), Some(hi)) = (
        fits.iter().map(|l| l.origin.offset).min(),
        fits.iter().map(|l| l.origin.offset + l.origin.len).max(),
    ) else {
        return (None, Vec::new());
    };
    let b = text.as_bytes();
    let mut start = lo.min(b.len());
    for _ in 0..=MARGIN_LINES {
        match memchr::memrchr(b'\n', &b[..start]) {
            Some(i) => start = i,
            None => {
                start = 0;
                break;
            }
        }
    }
    // `start` is on a newline (or 0): the window begins on the next line.
    if start > 0 {
        start += 1;
    }
    let mut end = hi.min(b.len());
    // The line before says what the labelled one is (its attribute, its item); the line after
    // rarely does.
    for _ in 0..1 {
        match memchr::memchr(b'\n', &b[end..]) {
            Some(i) => end += i + 1,
            None => {
                end = b.len();
                break;
            }
        }
    }
    let first_line = memchr::memchr_iter(b'\n', &b[..start]).count();
    let (window, at) = clip_lines(&text[start..end]);
    let snippet = Snippet {
        name: file.clone(),
        text: window,
        start,
        first_line,
    };
    let spans = fits
        .iter()
        .map(|l| {
            let (o, n) = at(l.origin.offset - start, l.origin.len);
            LabeledSpan::new(Some(l.text.clone()), start + o, n)
        })
        .collect();
    (Some(snippet), spans)
}

/// The longest line a snippet shows, in bytes: miette pads and underlines with format widths,
/// which panic past 65,535 columns (a 200 KB identifier on one line did), and nobody reads that
/// far anyway.
const MAX_SHOWN_LINE: usize = 1000;

/// `window` with every line longer than `MAX_SHOWN_LINE` cut (at a character boundary) and
/// marked `…`, and how a span of the window (local offset, length) maps into the result.
#[allow(clippy::type_complexity)]
fn clip_lines(window: &str) -> (String, Box<dyn Fn(usize, usize) -> (usize, usize)>) {
    if window.lines().all(|l| l.len() <= MAX_SHOWN_LINE) {
        return (window.to_string(), Box::new(|o, n| (o, n)));
    }
    // Per line: where it starts in the window, where in the result, and how much of it is kept.
    let mut map: Vec<(usize, usize, usize)> = Vec::new();
    let mut out = String::with_capacity(window.len().min(1 << 16));
    let mut at = 0;
    for line in window.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let mut keep = body.len().min(MAX_SHOWN_LINE);
        while !body.is_char_boundary(keep) {
            keep -= 1;
        }
        map.push((at, out.len(), keep));
        out.push_str(&body[..keep]);
        if keep < body.len() {
            out.push('…');
        }
        if line.ends_with('\n') {
            out.push('\n');
        }
        at += line.len();
    }
    let f = move |o: usize, n: usize| {
        let i = map.partition_point(|(s, _, _)| *s <= o).saturating_sub(1);
        let (s, t, keep) = map[i];
        let within = (o - s).min(keep);
        (t + within, n.min(keep - within))
    };
    (out, Box::new(f))
}

/// The width human output wraps to: the terminal's, when it goes to one; else a fixed 110
/// columns (CI logs, files, pipes), so that output does not depend on where it is read.
fn width() -> usize {
    use std::io::IsTerminal;
    let stdout = std::io::stdout();
    if stdout.is_terminal() {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(&stdout) {
            return (w as usize).clamp(60, 200);
        }
    }
    110
}

fn handler(colour: bool) -> GraphicalReportHandler {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(width())
        .with_links(false)
        // Break lines at spaces only: never inside a rule id or a path at a hyphen, and no
        // Unicode line-break tables to consult (they were most of the rendering time).
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
}

impl Diag {
    /// Whether every piece of text in the diagnostic is inert (see `text::is_inert`).
    fn is_inert(&self) -> bool {
        let src = self
            .src
            .as_ref()
            .is_none_or(|s| text::is_inert(&s.name) && text::is_inert(&s.text));
        text::is_inert(&self.message)
            && self.help.as_deref().is_none_or(text::is_inert)
            && self.code.as_deref().is_none_or(text::is_inert)
            && src
            && self
                .labels
                .iter()
                .all(|l| l.label().is_none_or(text::is_inert))
            && self.related.iter().all(Diag::is_inert)
    }
}

/// One diagnostic, safe to write to a terminal or a CI log. Coloured (when asked) only if every
/// piece of repository text in it is inert, so that every escape sequence in the output is
/// miette's own; otherwise plain, with active characters escaped.
fn render_diag(d: &Diag, colour: bool) -> String {
    thread_local! {
        static PLAIN: GraphicalReportHandler = handler(false);
        static COLOUR: GraphicalReportHandler = handler(true);
    }
    let mut out = String::new();
    if colour && d.is_inert() {
        COLOUR.with(|h| {
            let _ = h.render_report(&mut out, d);
        });
        text::guard_commands(&out)
    } else {
        PLAIN.with(|h| {
            let _ = h.render_report(&mut out, d);
        });
        text::guard(&out)
    }
}

/// One finding in about fifteen lines: the rule and what happens, why (the general RFC 7627
/// reason is `explain`'s), a sample, the newer version's line, then in the help: the older
/// version's place, each verified fix with its cost and edits, and where to read more.
pub fn render_finding(f: &Finding, map: &SourceMap, colour: bool) -> String {
    let mut message = format!("{}: {}", f.rule.id(), f.message);
    let reasons: Vec<&str> = f
        .reasons
        .iter()
        .map(String::as_str)
        .filter(|r| !r.starts_with("RFC 7627 §5.3:"))
        .collect();
    if !reasons.is_empty() {
        message.push_str(&format!("\nwhy: {}", reasons.join("; ")));
    }
    if let Some(s) = &f.sample {
        message.push_str(&format!(
            "\nsample ({}): {}",
            f.newer_encoding,
            s.trim_end()
        ));
    }
    let (mut src, mut labels) = located(map, &[&f.primary]);
    // With a verified fix, the fix is the advice; the rule's general help is `explain`'s.
    let mut help = if f.fixes.is_empty() {
        vec![f.help().to_string()]
    } else {
        Vec::new()
    };
    if let Some(r) = &f.related {
        let near = r.origin.file == f.primary.origin.file
            && r.origin.line.abs_diff(f.primary.origin.line) <= 4;
        if near && src.is_some() {
            // Close by in the same file: one snippet with both labels reads best.
            (src, labels) = located(map, &[&f.primary, r]);
        } else if !r.origin.file.is_empty() {
            help.push(format!(
                "{}: {} at {}:{}",
                f.related_role, r.text, r.origin.file, r.origin.line
            ));
        }
    }
    // The first verified fix in full (the search tries a change the older decoder refuses
    // before new ticket keys); the others are a count here, and in full in Markdown and JSON.
    for x in f.fixes.iter().take(1) {
        let edits: Vec<String> = x.edits.iter().map(|e| e.to_string()).collect();
        help.push(format!(
            "verified fix: {}; cost: {}{}",
            x.summary,
            x.cost,
            if edits.is_empty() {
                String::new()
            } else {
                format!("; {}", edits.join("; "))
            }
        ));
    }
    if let Some(why) = &f.no_fix {
        help.push(format!("no verified fix: {why}"));
    }
    help.push(match f.fixes.len() {
        0 | 1 => format!("`sessionlint explain {}` has more", f.rule.id()),
        n => format!(
            "`sessionlint explain {}` has more; +{} verified fix{} in Markdown",
            f.rule.id(),
            n - 1,
            if n == 2 { "" } else { "es" },
        ),
    });
    let d = Diag {
        message,
        code: None,
        severity: match f.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Notice => Severity::Advice,
        },
        help: Some(help.join("\n")),
        src,
        labels,
        related: Vec::new(),
    };
    render_diag(&d, colour)
}

/// The run's notes (cfg options read, relaxations of the gate), one line each.
pub fn render_notes(notes: &[super::Note]) -> String {
    let mut out = String::new();
    for n in notes {
        let at = if n.file.is_empty() {
            String::new()
        } else if n.line > 0 {
            format!(" ({}:{})", n.file, n.line)
        } else {
            format!(" ({})", n.file)
        };
        out.push_str(&super::text::guard(&format!(
            "{}: {}{at}\n",
            n.level.as_str(),
            n.message
        )));
    }
    out
}

/// Every finding, the notes and the summary line, safe to write as is (see `render_diag`).
pub fn render(findings: &[Finding], summary: &Summary, map: &SourceMap, colour: bool) -> String {
    let mut out = String::new();
    // Each finding is laid out on its own (miette's layout is most of a large report's cost).
    for f in sessionlint_internals::extract::par::map(findings, |f| render_finding(f, map, colour))
    {
        out.push_str(&f);
        out.push('\n');
    }
    out.push_str(&render_notes(&summary.notes));
    let notices = match summary.notices {
        0 => String::new(),
        1 => ", 1 notice".to_string(),
        n => format!(", {n} notices"),
    };
    out.push_str(&format!(
        "sessionlint: {} error{}, {} warning{}{notices} ({} file{} read; {} format{}, {} version{}, {} pair{} checked)\n",
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

/// Bad input: file, line, what is wrong and what to do; safe to write as is (see `render_diag`).
pub fn render_problem(p: &Problem, map: &SourceMap, colour: bool) -> String {
    let label = Label {
        origin: p.origin.clone(),
        text: "here".into(),
    };
    let (src, labels) = located(map, &[&label]);
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
    render_diag(&d, colour)
}
