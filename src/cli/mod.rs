//! The `sessionlint` command line. Exit status: 0 no error-level finding, 1 at least one,
//! 2 bad input or usage.

mod explain;

use crate::extract::Problem;
use crate::findings::Finding;
use crate::history::{self, baseline};
use crate::report::{self, SourceMap, Summary};
use crate::review::{self, Request, Review};
use crate::rules;
use crate::schema::{Encoding, Schema};
use crate::snapshot;
use crate::sources;
use clap::{Parser, Subcommand, ValueEnum};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;

pub use crate::review::MAX_WORK;

#[derive(Parser, Debug)]
#[command(
    name = "sessionlint",
    version,
    about = "Rollout-safety linter for TLS session serialization formats (RFC 7627 extended master secret)",
    long_about = "Fails when a newer EMS-bearing session format would still be accepted by an older decoder.\n\
                  Sources are parsed, never compiled or run: safe on untrusted pull requests.\n\
                  Exit status: 0 no error-level finding, 1 at least one, 2 bad input or usage."
)]
pub struct Cli {
    #[command(subcommand)]
    pub cmd: Cmd,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// The newest version in NEW against every decoder in OLD.
    Diff {
        /// A .rs file, a directory, or a schema snapshot .toml: the decoders deployed today.
        old: PathBuf,
        /// A .rs file, a directory, or a schema snapshot .toml: the version to roll out.
        new: PathBuf,
        /// Only this format (its `name`) or type.
        #[arg(long = "type", value_name = "NAME")]
        ty: Option<String>,
        /// Encoding for session types that do not name one.
        #[arg(long, value_parser = parse_encoding)]
        encoding: Option<Encoding>,
        /// How to write the result (see the values).
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Every format under PATH (and its snapshots): every (older decoder, newer encoder) pair.
    Check {
        #[command(flatten)]
        inputs: ReviewInputs,
        /// How to write the result (see the values).
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Writes each session format version to `session-schemas/<name>/v<N>.toml`.
    Snapshot {
        /// The project, or a part of it: a directory, a .rs file or a schema file.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Rewrite snapshots whose schema changed (a released version should get a new number instead).
        #[arg(long)]
        overwrite: bool,
        /// Encoding for session types that do not name one.
        #[arg(long, value_parser = parse_encoding)]
        encoding: Option<Encoding>,
        /// Record the versions the tags matching GLOB released (read from git objects) that have
        /// no snapshot yet, instead of the working tree's versions.
        #[arg(long, value_name = "GLOB")]
        release_tags: Option<String>,
        /// Write nothing: exit 1, naming them and the command to run, when versions lack a
        /// snapshot.
        #[arg(long)]
        check: bool,
    },
    /// Writes a review report: the compatibility matrices and the findings.
    Report {
        /// The project, or a part of it: a directory, a .rs file or a schema file.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Self-contained HTML page.
        #[arg(long, value_name = "OUT")]
        html: Option<PathBuf>,
        /// Markdown, for a pull request comment.
        #[arg(long, value_name = "OUT")]
        markdown: Option<PathBuf>,
        #[command(flatten)]
        baselines: Baselines,
        /// Encoding for session types that do not name one.
        #[arg(long, value_parser = parse_encoding)]
        encoding: Option<Encoding>,
    },
    /// Rollout gates: for each version's writer, the oldest decoder version that may still be in
    /// the fleet when it is switched on, and what the switch costs. Same inputs as `check`.
    Plan {
        #[command(flatten)]
        inputs: ReviewInputs,
        /// human, json or markdown.
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Conformance vectors (JSON, docs/vectors.md): the bytes each version writes for each kind
    /// of session, and what each decoder deployed with it is predicted to do with them.
    Vectors {
        /// The project, or a part of it: a directory, a .rs file or a schema file.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Only this format (its `name`).
        #[arg(long, value_name = "NAME")]
        format: Option<String>,
        /// Only the sessions this version writes (every decoder's prediction is kept).
        #[arg(long, value_name = "N")]
        version: Option<u32>,
        /// Encoding for session types that do not name one.
        #[arg(long, value_parser = parse_encoding)]
        encoding: Option<Encoding>,
        /// How many older versions may still be deployed (overrides `keep` in the config).
        #[arg(long, value_parser = parse_keep)]
        keep: Option<usize>,
    },
    /// Lists the rules.
    Rules,
    /// Explains one rule: why it matters (RFC 7627 §5.3/§5.4) and how to fix it.
    Explain {
        /// The rule's id (`sessionlint rules` lists them).
        rule: String,
    },
}

/// What `check` and `plan` read: the tree, its releases, and how many are deployed.
#[derive(clap::Args, Debug)]
pub struct ReviewInputs {
    /// The project, or a part of it: a directory, a .rs file or a schema file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Encoding for session types that do not name one.
    #[arg(long, value_parser = parse_encoding)]
    pub encoding: Option<Encoding>,
    #[command(flatten)]
    pub baselines: Baselines,
    /// How many older versions may still be deployed (overrides `keep` in the config); with
    /// --release-tags, how many releases, newest first.
    #[arg(long, value_parser = parse_keep)]
    pub keep: Option<usize>,
    /// Exit 1 when the change relaxes the gate against a baseline revision (an allow or a lower
    /// level added, fewer versions or paths checked, another build read).
    #[arg(long)]
    pub deny_relaxations: bool,
}

impl ReviewInputs {
    fn request(&self, matrices: bool, snippets: bool) -> Request {
        Request {
            path: self.path.clone(),
            encoding: self.encoding,
            revs: self.baselines.baseline_rev.clone(),
            release_tags: self.baselines.release_tags.clone(),
            keep: self.keep,
            matrices,
            snippets,
        }
    }
}

/// The released revisions to check against, read from git objects (no checkout, nothing of the
/// repository runs).
#[derive(clap::Args, Debug, Default, Clone)]
pub struct Baselines {
    /// Also check against the session formats as they are at this git revision; may be given
    /// several times.
    #[arg(long, value_name = "REV")]
    pub baseline_rev: Vec<String>,
    /// Also check against every tag matching GLOB (e.g. 'v*'), each a released revision.
    #[arg(long, value_name = "GLOB")]
    pub release_tags: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// For people, in a terminal.
    Human,
    /// sessionlint's own JSON document.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab's code quality report (JSON).
    Gitlab,
    /// A review report in Markdown.
    Markdown,
}

fn parse_keep(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err(
            "`--keep 0` would check no pair; pass 1 or more (or leave it out to check every pair)"
                .into(),
        ),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{s}` is not a number of versions")),
    }
}

fn parse_encoding(s: &str) -> Result<Encoding, String> {
    Encoding::parse(s).ok_or_else(|| {
        format!(
            "unknown encoding `{s}`; expected one of {}",
            Encoding::names()
        )
    })
}

/// Stack for the command line's thread: syn and the walkers recurse once per nesting level, and
/// their depth is bounded (`MAX_NESTING`, the walkers' depth limits) well inside this.
const STACK: usize = 256 << 20;

/// Runs the command line on a thread with a stack sized for its bounded recursion, with the
/// process's stdout and stderr; returns the exit status.
pub fn main_with_args(args: Vec<OsString>) -> i32 {
    std::thread::Builder::new()
        .name("sessionlint".into())
        .stack_size(STACK)
        .spawn(move || {
            report::Colours::of_process().set();
            run(args, &mut std::io::stdout(), &mut std::io::stderr())
        })
        .and_then(|h| {
            h.join()
                .map_err(|_| std::io::Error::other("sessionlint panicked"))
        })
        .unwrap_or_else(|e| {
            eprintln!("sessionlint: internal error: {e}");
            EXIT_BAD_INPUT
        })
}

/// Runs the command line; returns the exit status.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_BAD_INPUT
            } else {
                EXIT_OK
            };
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                err.write_all(text.as_bytes())
            } else {
                out.write_all(text.as_bytes())
            };
            return code;
        }
    };
    let mut map = SourceMap::default();
    let format = match &cli.cmd {
        Cmd::Check { message_format, .. }
        | Cmd::Diff { message_format, .. }
        | Cmd::Plan { message_format, .. } => *message_format,
        _ => MessageFormat::Human,
    };
    let result = dispatch(cli.cmd, &mut map, out, err);
    match result {
        Ok(code) => code,
        Err(problems) => failed(&problems, format, &map, out, err),
    }
}

/// Runs one command: its exit status, or the bad input that stopped it.
fn dispatch(
    cmd: Cmd,
    map: &mut SourceMap,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Vec<Problem>> {
    match cmd {
        Cmd::Rules => Ok(list_rules(out)),
        Cmd::Explain { rule } => Ok(explain_rule(&rule, out, err)),
        Cmd::Check {
            inputs,
            message_format,
        } => {
            let req = inputs.request(
                message_format == MessageFormat::Markdown,
                message_format == MessageFormat::Human,
            );
            review::review(&req, map)
                .map(|r| emit(&r, message_format, inputs.deny_relaxations, map, out))
        }
        Cmd::Report {
            path,
            html,
            markdown,
            baselines,
            encoding,
        } => {
            let req = Request {
                path,
                encoding,
                revs: baselines.baseline_rev,
                release_tags: baselines.release_tags,
                keep: None,
                matrices: true,
                snippets: false,
            };
            review::review(&req, map).and_then(|r| write_report(&r, html, markdown, out))
        }
        Cmd::Snapshot {
            path,
            overwrite,
            encoding,
            release_tags,
            check,
        } => match (release_tags, check) {
            (None, false) => snapshot(&path, overwrite, encoding, map, out),
            (tags, _) => missing_snapshots(&path, tags, check, encoding, map, out),
        },
        Cmd::Plan {
            inputs,
            message_format,
        } => review::review(&inputs.request(true, false), map)
            .and_then(|r| plan(&r, message_format, inputs.deny_relaxations, out)),
        Cmd::Vectors {
            path,
            format,
            version,
            encoding,
            keep,
        } => vectors(&path, format.as_deref(), version, encoding, keep, map, out),
        Cmd::Diff {
            old,
            new,
            ty,
            encoding,
            message_format,
        } => review::diff(&old, &new, ty.as_deref(), encoding, map)
            .map(|r| emit(&r, message_format, false, map, out)),
    }
}

/// Bad input: on stderr for people, and for machine formats a document their consumer can read
/// on stdout as well.
fn failed(
    problems: &[Problem],
    format: MessageFormat,
    map: &SourceMap,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let doc = match format {
        MessageFormat::Sarif => Some(report::text::json(&report::sarif::render_problems(
            problems,
        ))),
        MessageFormat::Github => Some(report::github::render_problems(problems)),
        MessageFormat::Gitlab => Some(report::text::json(&report::gitlab::render_problems(
            problems,
        ))),
        MessageFormat::Json => Some(report::text::json(&report::json::render_problems(problems))),
        _ => None,
    };
    if let Some(doc) = doc {
        let _ = out.write_all(doc.as_bytes());
    }
    bad_input(problems, map, err)
}

/// `sessionlint rules`.
fn list_rules(out: &mut dyn Write) -> i32 {
    for r in rules::RULES {
        let _ = writeln!(
            out,
            "{:<45} {:<8} {}",
            r.id(),
            r.level().as_str(),
            r.spec().summary.trim()
        );
    }
    EXIT_OK
}

/// `sessionlint explain RULE`.
fn explain_rule(rule: &str, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match rules::get(rule) {
        Some(r) => {
            let _ = out.write_all(explain::explain(r).as_bytes());
            EXIT_OK
        }
        None => {
            let ids: Vec<&str> = rules::RULES.iter().map(|r| r.id()).collect();
            let _ = writeln!(
                err,
                "error: unknown rule `{rule}`\n  help: `sessionlint rules` lists them: {}",
                ids.join(", ")
            );
            EXIT_BAD_INPUT
        }
    }
}

fn snapshot(
    path: &Path,
    overwrite: bool,
    encoding: Option<Encoding>,
    map: &mut SourceMap,
    out: &mut dyn Write,
) -> Result<i32, Vec<Problem>> {
    let inp = review::inputs(path, encoding, map)?;
    let dir = inp.snapshot_dir();
    if inp.current.is_empty() {
        let _ = writeln!(
            out,
            "sessionlint: no session formats under {}; nothing to snapshot",
            path.display()
        );
        return Ok(EXIT_OK);
    }
    snapshot::storable(&dir, &inp.current)?;
    let mut refused = Vec::new();
    for s in &inp.current {
        let (p, outcome) =
            snapshot::store(&dir, &inp.project, s, overwrite).map_err(|e| cannot_store(&dir, e))?;
        let verb = match outcome {
            snapshot::Outcome::Written => "wrote",
            snapshot::Outcome::Unchanged => "unchanged",
            snapshot::Outcome::Overwritten => "overwrote",
            snapshot::Outcome::Refused => {
                refused.push(s);
                "kept (schema changed; not overwritten)"
            }
        };
        let _ = writeln!(
            out,
            "{verb}: {} ({} v{})",
            report::text::guard(&p.display().to_string()),
            report::text::guard(&s.name),
            s.version
        );
    }
    if refused.is_empty() {
        return Ok(EXIT_OK);
    }
    // Report each refusal as the rule, against the released snapshot.
    let findings: Vec<Finding> = refused
        .into_iter()
        .filter_map(|s| {
            let r = inp
                .released
                .iter()
                .find(|r| r.name == s.name && r.version == s.version)?;
            Some(rules::released_schema_changed::finding(
                history::Change::InPlace {
                    released: r,
                    current: s,
                },
            ))
        })
        .collect();
    let summary = Summary::count(&findings, 0, 0, 0);
    let text = report::human::render(&findings, &summary, map, report::Colours::current().out);
    let _ = out.write_all(text.as_bytes());
    let _ = writeln!(out, "help: give the changed schema a new version number, or pass --overwrite if that version was never released");
    Ok(EXIT_FINDINGS)
}

fn cannot_store(dir: &Path, e: String) -> Vec<Problem> {
    vec![sources::problem(
        &dir.display().to_string(),
        format!("cannot write snapshot: {e}"),
        "snapshots are written to a real directory inside the project root; check it and its permissions",
    )]
}

/// Every version the tags matching `glob` released, each with the one schema it was released
/// with (one that changed between tags is bad input).
fn released_at_tags(
    project: &crate::project::Project,
    glob: &str,
    encoding: Option<Encoding>,
    map: &mut SourceMap,
) -> Result<Vec<Schema>, Vec<Problem>> {
    let listed = baseline::list(project, &[], Some(glob))?;
    let bases = baseline::read(project, &listed.listings, encoding, Vec::new(), false, map)?;
    let merged = baseline::merge(&bases, listed.tags, None);
    if let Some((first, again)) = merged.rereleased.first() {
        let f =
            rules::released_schema_changed::finding(history::Change::Rereleased { first, again });
        return Err(vec![sources::problem(
            &f.primary.origin.file,
            f.message.clone(),
            "a released version has one schema: give the changed one a new version number",
        )]);
    }
    Ok(merged.schemas)
}

/// `snapshot --release-tags GLOB` and `snapshot --check`: the released versions (at the tags, or
/// in the working tree) that have no snapshot file yet, recorded or listed.
fn missing_snapshots(
    path: &Path,
    tags: Option<String>,
    check: bool,
    encoding: Option<Encoding>,
    map: &mut SourceMap,
    out: &mut dyn Write,
) -> Result<i32, Vec<Problem>> {
    let inp = review::inputs(path, encoding, map)?;
    let dir = inp.snapshot_dir();
    let candidates: Vec<Schema> = match &tags {
        Some(glob) => released_at_tags(&inp.project, glob, encoding, map)?,
        None => inp.current.clone(),
    };
    snapshot::storable(&dir, &candidates)?;
    let missing: Vec<&Schema> = candidates
        .iter()
        .filter(|s| !snapshot::path_for(&dir, s).exists())
        .collect();
    let command = match &tags {
        Some(g) => format!("sessionlint snapshot --release-tags '{g}'"),
        None => "sessionlint snapshot".into(),
    };
    if missing.is_empty() {
        let _ = writeln!(
            out,
            "every released version has a snapshot in {}",
            report::text::guard(&dir.display().to_string())
        );
        return Ok(EXIT_OK);
    }
    if check {
        for s in &missing {
            let _ = writeln!(
                out,
                "missing: {} v{} ({}) has no snapshot {}",
                report::text::guard(&s.name),
                s.version,
                report::text::guard(&s.origin.file),
                report::text::guard(&snapshot::path_for(&dir, s).display().to_string())
            );
        }
        let _ = writeln!(
            out,
            "help: run `{}` and commit {}, so that these versions stay checked after their sources are gone",
            report::text::guard(&command),
            report::text::guard(&dir.display().to_string())
        );
        return Ok(EXIT_FINDINGS);
    }
    for s in missing {
        let (p, _) =
            snapshot::store(&dir, &inp.project, s, false).map_err(|e| cannot_store(&dir, e))?;
        let _ = writeln!(
            out,
            "wrote: {} ({} v{}, from {})",
            report::text::guard(&p.display().to_string()),
            report::text::guard(&s.name),
            s.version,
            report::text::guard(&s.origin.file)
        );
    }
    Ok(EXIT_OK)
}

/// `sessionlint vectors`: the vectors of every format under `path` (or the one named), as one
/// JSON document.
fn vectors(
    path: &Path,
    format: Option<&str>,
    version: Option<u32>,
    encoding: Option<Encoding>,
    keep: Option<usize>,
    map: &mut SourceMap,
    out: &mut dyn Write,
) -> Result<i32, Vec<Problem>> {
    let inp = review::inputs(path, encoding, map)?;
    let keep = keep.or(inp.cfg.keep);
    let chains = history::chains(inp.current, inp.released);
    let shown = path.display().to_string();
    let mut docs = Vec::new();
    for (name, chain) in &chains {
        if format.is_some_and(|f| f != name) {
            continue;
        }
        let versions = history::versions(chain);
        if let Some(v) = versions.iter().find(|v| v.len() > 1) {
            return Err(vec![sources::problem(
                &v[0].origin.file,
                format!("`{name}` v{} has several shapes (cfg options the configuration does not decide): vectors describe one schema per version", v[0].version),
                "decide the cfg options in the configuration (`cfg`, `targets`)",
            )]);
        }
        let flat: Vec<&Schema> = versions.into_iter().flatten().collect();
        let mut doc = crate::vectors::build(&flat, crate::deployment::Deployment::keeping(keep))
            .map_err(|e| {
                vec![sources::problem(
                    &shown,
                    e,
                    "write vectors for one format at a time (`--format`)",
                )]
            })?;
        if let Some(v) = version {
            if !doc.versions.contains(&v) {
                return Err(vec![sources::problem(
                    &shown,
                    format!(
                        "format `{name}` has no version {v} (versions: {:?})",
                        doc.versions
                    ),
                    "name a version the format has",
                )]);
            }
            doc.vectors.retain(|x| x.encoder == v);
        }
        docs.push(doc);
    }
    if docs.is_empty() {
        let known: Vec<&str> = chains.keys().map(String::as_str).collect();
        return Err(vec![sources::problem(
            &shown,
            match format {
                Some(f) => format!(
                    "no session format `{f}` under {shown} (formats: {})",
                    known.join(", ")
                ),
                None => format!("no session format under {shown}"),
            },
            "name a format the sources, snapshots or schema files define",
        )]);
    }
    let doc = crate::vectors::VectorSet::new(docs);
    let text = serde_json::to_string_pretty(&doc).expect("vectors serialize");
    let _ = out.write_all(report::text::json(&format!("{text}\n")).as_bytes());
    Ok(EXIT_OK)
}

/// One of `sessionlint report`'s files: written atomically (a reader never sees half of it),
/// except a stream the command line names (`/dev/stdout`, a named pipe), which is written to as
/// it is: renaming a file over it would replace the device, and, run as root, `/dev/stdout`
/// itself.
fn write_output(path: &Path, text: &str) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() && !m.is_dir() => std::fs::OpenOptions::new()
            .write(true)
            .open(path)?
            .write_all(text.as_bytes()),
        _ => snapshot::write_atomic(path, text),
    }
}

/// Writes `sessionlint report`'s files.
fn write_report(
    r: &Review,
    html: Option<PathBuf>,
    markdown: Option<PathBuf>,
    out: &mut dyn Write,
) -> Result<i32, Vec<Problem>> {
    if html.is_none() && markdown.is_none() {
        let p = sources::problem(
            "sessionlint report",
            "nothing to write",
            "pass --html OUT and/or --markdown OUT",
        );
        return Err(vec![p]);
    }
    for (target, text) in [
        (
            html,
            report::html::render(&r.findings, &r.matrices, &r.gates, &r.summary),
        ),
        (
            markdown,
            report::markdown::render(&r.findings, &r.matrices, &r.gates, &r.summary),
        ),
    ] {
        if let Some(t) = target {
            write_output(&t, &text).map_err(|e| {
                vec![sources::problem(
                    &t.display().to_string(),
                    format!("cannot write: {e}"),
                    "check the path",
                )]
            })?;
            let _ = writeln!(
                out,
                "wrote {}",
                report::text::guard(&t.display().to_string())
            );
        }
    }
    Ok(if r.has_errors() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// Renders a review in the asked format; the exit status: 1 for an error-level finding (or, with
/// `deny_relaxations`, a relaxation of the gate), else 0.
fn emit(
    r: &Review,
    fmt: MessageFormat,
    deny_relaxations: bool,
    map: &SourceMap,
    out: &mut dyn Write,
) -> i32 {
    let (all, summary) = (&r.findings, &r.summary);
    let text = match fmt {
        MessageFormat::Human if summary.formats == 0 && all.is_empty() => {
            let mut t = report::human::render_notes(&summary.notes);
            t.push_str(&format!(
                "sessionlint: no session formats found ({} file{} read); nothing to check\n",
                summary.files,
                if summary.files == 1 { "" } else { "s" }
            ));
            t
        }
        MessageFormat::Human => {
            report::human::render(all, summary, map, report::Colours::current().out)
        }
        MessageFormat::Json => report::json::render(all, summary),
        MessageFormat::Sarif => report::text::json(&report::sarif::render(all, summary)),
        MessageFormat::Github => report::github::render(all, summary),
        MessageFormat::Gitlab => report::text::json(&report::gitlab::render(all, summary)),
        MessageFormat::Markdown => report::text::guard(&report::markdown::render(
            all,
            &r.matrices,
            &r.gates,
            summary,
        )),
    };
    let _ = out.write_all(text.as_bytes());
    exit_status(r, deny_relaxations)
}

fn exit_status(r: &Review, deny_relaxations: bool) -> i32 {
    if r.has_errors() || (deny_relaxations && r.relaxes()) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `sessionlint plan`: the gates, in the asked format. Exit 0: a plan is advice, the gate is
/// `check` (with `--deny-relaxations`, a relaxation is 1 here too).
fn plan(
    r: &Review,
    fmt: MessageFormat,
    deny_relaxations: bool,
    out: &mut dyn Write,
) -> Result<i32, Vec<Problem>> {
    let gates = &r.gates;
    let text = match fmt {
        MessageFormat::Human => {
            let mut t = report::human::render_notes(&r.summary.notes);
            let mut lowest: BTreeMap<&str, u32> = BTreeMap::new();
            for g in gates {
                let l = lowest.entry(&g.format).or_insert(g.writer);
                *l = (*l).min(g.writer);
            }
            for g in gates {
                for line in crate::plan::describe(g, lowest.get(g.format.as_str()).copied()) {
                    t.push_str(&report::text::guard(&line));
                    t.push('\n');
                }
            }
            if gates.is_empty() {
                t.push_str("sessionlint: no session formats found; nothing to plan\n");
            }
            t
        }
        MessageFormat::Json => report::text::json(&format!(
            "{}\n",
            serde_json::to_string_pretty(
                &serde_json::json!({ "gates": gates, "notes": r.summary.notes })
            )
            .expect("gates serialize")
        )),
        MessageFormat::Markdown => report::text::guard(&format!(
            "{}{}",
            report::markdown::render_notes(&r.summary.notes),
            report::markdown::render_plan(gates)
        )),
        other => {
            return Err(vec![sources::problem(
                "sessionlint plan",
                format!("--message-format {other:?} is not a plan format"),
                "use human, json or markdown",
            )])
        }
    };
    let _ = out.write_all(text.as_bytes());
    Ok(if deny_relaxations && r.relaxes() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn bad_input(problems: &[Problem], map: &SourceMap, err: &mut dyn Write) -> i32 {
    for p in problems {
        let text = report::human::render_problem(p, map, report::Colours::current().err);
        let _ = err.write_all(text.as_bytes());
    }
    let _ = writeln!(
        err,
        "sessionlint: {} input error{}; nothing was checked",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    EXIT_BAD_INPUT
}
