//! The `sessionlint` command line. Exit status: 0 no error-level finding, 1 at least one,
//! 2 bad input or usage.

mod baseline;
mod explain;

use crate::analysis;
use crate::config::{self, Config};
use crate::extract::{self, Problem};
use crate::findings::{self, Finding};
use crate::history::{self, snapshots, Chain};
use crate::project::Project;
use crate::report::{self, Summary};
use crate::rules;
use crate::schema::{Encoding, Schema};
use crate::sources::{self, SourceMap};
use clap::{Parser, Subcommand, ValueEnum};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;

/// The most (older decoder, newer encoder) pairs one run analyses: with `keep` unset every pair
/// of a format's versions is checked, which grows with the square of the versions.
pub const MAX_PAIRS: usize = 250_000;

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
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Every format under PATH (and its snapshots): every (older decoder, newer encoder) pair.
    Check {
        #[command(flatten)]
        inputs: ReviewInputs,
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Writes each session format version to `session-schemas/<name>/v<N>.toml`.
    Snapshot {
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Rewrite snapshots whose schema changed (a released version should get a new number instead).
        #[arg(long)]
        overwrite: bool,
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
    /// Lists the rules.
    Rules,
    /// Explains one rule: why it matters (RFC 7627 §5.3/§5.4) and how to fix it.
    Explain { rule: String },
}

/// What `check` and `plan` read: the tree, its releases, and how many are deployed.
#[derive(clap::Args, Debug)]
pub struct ReviewInputs {
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[arg(long, value_parser = parse_encoding)]
    pub encoding: Option<Encoding>,
    #[command(flatten)]
    pub baselines: Baselines,
    /// How many older versions may still be deployed (overrides `keep` in the config); with
    /// --release-tags, how many releases, newest first.
    #[arg(long, value_parser = parse_keep)]
    pub keep: Option<usize>,
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
    Human,
    Json,
    Sarif,
    Github,
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
    let result = match cli.cmd {
        Cmd::Rules => {
            for r in rules::RULES {
                let _ = writeln!(
                    out,
                    "{:<45} {:<8} {}",
                    r.id(),
                    r.level().as_str(),
                    r.spec().summary.trim()
                );
            }
            Ok(EXIT_OK)
        }
        Cmd::Explain { rule } => match rules::get(&rule) {
            Some(r) => {
                let _ = out.write_all(explain::explain(r).as_bytes());
                Ok(EXIT_OK)
            }
            None => {
                let ids: Vec<&str> = rules::RULES.iter().map(|r| r.id()).collect();
                let _ = writeln!(
                    err,
                    "error: unknown rule `{rule}`\n  help: `sessionlint rules` lists them: {}",
                    ids.join(", ")
                );
                Ok(EXIT_BAD_INPUT)
            }
        },
        Cmd::Check {
            inputs,
            message_format,
        } => {
            let matrices = message_format == MessageFormat::Markdown;
            let snippets = message_format == MessageFormat::Human;
            review(&inputs, matrices, snippets, &mut map, err).map(|r| {
                emit(
                    r.findings,
                    &r.summary,
                    &r.matrices,
                    &r.gates,
                    message_format,
                    &map,
                    out,
                )
            })
        }
        Cmd::Report {
            path,
            html,
            markdown,
            baselines,
            encoding,
        } => review(
            &ReviewInputs {
                path,
                encoding,
                baselines,
                keep: None,
            },
            true,
            false,
            &mut map,
            err,
        )
        .and_then(|r| {
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
                    report::html::render(&r.findings, &r.matrices, &r.gates),
                ),
                (
                    markdown,
                    report::markdown::render(&r.findings, &r.matrices, &r.gates, &r.summary),
                ),
            ] {
                if let Some(t) = target {
                    snapshots::write_atomic(&t, &text).map_err(|e| {
                        vec![sources::problem(
                            &t.display().to_string(),
                            format!("cannot write: {e}"),
                            "check the path",
                        )]
                    })?;
                    let _ = writeln!(out, "wrote {}", t.display());
                }
            }
            Ok(if findings::has_errors(&r.findings) {
                EXIT_FINDINGS
            } else {
                EXIT_OK
            })
        }),
        Cmd::Snapshot {
            path,
            overwrite,
            encoding,
            release_tags,
            check,
        } => match (release_tags, check) {
            (None, false) => snapshot(&path, overwrite, encoding, &mut map, out),
            (tags, _) => missing_snapshots(&path, tags, check, encoding, &mut map, out),
        },
        Cmd::Plan {
            inputs,
            message_format,
        } => review(&inputs, true, false, &mut map, err)
            .and_then(|r| plan(&r.gates, message_format, out)),
        Cmd::Diff {
            old,
            new,
            ty,
            encoding,
            message_format,
        } => diff(&old, &new, ty.as_deref(), encoding, &mut map, err).map(|(findings, summary)| {
            emit(findings, &summary, &[], &[], message_format, &map, out)
        }),
    };
    match result {
        Ok(code) => code,
        Err(problems) => {
            // Machine formats still get a document their consumer can read.
            let doc = match format {
                MessageFormat::Sarif => Some(report::text::json(&report::sarif::render_problems(
                    &problems,
                ))),
                MessageFormat::Github => Some(report::github::render_problems(&problems)),
                _ => None,
            };
            if let Some(doc) = doc {
                let _ = out.write_all(doc.as_bytes());
            }
            bad_input(&problems, &map, err)
        }
    }
}

struct Review {
    findings: Vec<Finding>,
    matrices: Vec<analysis::Matrix>,
    /// With the matrices: each version's rollout gate.
    gates: Vec<crate::plan::Gate>,
    summary: Summary,
}

struct Inputs {
    project: Project,
    cfg: Config,
    current: Vec<Schema>,
    /// Released versions from the working tree's snapshots and schema files.
    released: Vec<Schema>,
    files_seen: usize,
    texts: Vec<extract::SourceFile>,
}

fn options(cfg: &Config, encoding: Option<Encoding>) -> Result<extract::Options, Vec<Problem>> {
    Ok(extract::Options {
        roots_in: None,
        cfg: cfg.build(),
        default_encoding: encoding.or(cfg.encoding()),
        plain: cfg.plain_types().map_err(|e| {
            vec![sources::problem(
                cfg.file.as_deref().unwrap_or(""),
                e,
                "fix the configuration",
            )]
        })?,
    })
}

/// Two released schemas for one (format, version) in one place: which one is the release?
fn duplicates(schemas: &[Schema], problems: &mut Vec<Problem>) {
    let mut seen: BTreeMap<(&str, u32), &Schema> = BTreeMap::new();
    for s in schemas {
        if let Some(first) = seen.insert((&s.name, s.version), s) {
            problems.push(Problem {
                origin: s.origin.clone(),
                message: format!(
                    "format `{}` version {} is claimed by two schema files: {} and {}",
                    s.name, s.version, first.origin.file, s.origin.file
                ),
                help: Some(
                    "keep one file per released version; delete the copy, or give it its own version number"
                        .into(),
                ),
            });
        }
    }
}

fn canon(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// Sources under review (and snapshots) for `path`, with its project's configuration.
fn inputs(
    path: &Path,
    encoding: Option<Encoding>,
    map: &mut SourceMap,
) -> Result<(Inputs, extract::Options), Vec<Problem>> {
    let project = Project::find(path).map_err(|p| vec![p])?;
    let cfg = config::load(&project, map)?;
    let opts = options(&cfg, encoding)?;
    let at_root = canon(path) == project.canon;
    let scan: Vec<PathBuf> = if at_root && !cfg.paths.is_empty() {
        cfg.paths.iter().map(|p| project.root.join(p)).collect()
    } else {
        vec![path.to_path_buf()]
    };
    let mut problems = Vec::new();
    let mut current = Vec::new();
    let mut released = Vec::new();
    let mut files_seen = 0;
    let mut texts = Vec::new();
    for p in &scan {
        let l = sources::load(p, &project, &opts, map);
        problems.extend(l.problems);
        current.extend(l.schemas);
        released.extend(l.snapshots);
        files_seen += l.files_seen;
        texts.extend(l.texts);
    }
    let snap_dir = project.root.join(
        cfg.snapshots
            .clone()
            .unwrap_or_else(|| PathBuf::from(snapshots::DEFAULT_DIR)),
    );
    let snap_canon = canon(&snap_dir);
    // The walk above read the snapshot directory only if it lies under a scanned path and is
    // named so that the walk knows its files (`session-schemas`); any other name is read here.
    let walked = scan.iter().any(|s| snap_canon.starts_with(canon(s)))
        && sources::is_schema_path(&snap_dir.join("v1.toml"));
    if !walked {
        let (s, p) = snapshots::read_all(&snap_dir, &project, map);
        files_seen += s.len();
        released.extend(s);
        problems.extend(p);
    }
    duplicates(&released, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((
        Inputs {
            project,
            cfg,
            current,
            released,
            files_seen,
            texts,
        },
        opts,
    ))
}

fn review(
    asked: &ReviewInputs,
    want_matrices: bool,
    want_snippets: bool,
    map: &mut SourceMap,
    err: &mut dyn Write,
) -> Result<Review, Vec<Problem>> {
    let ReviewInputs {
        path,
        encoding,
        baselines,
        keep,
    } = asked;
    let (encoding, keep) = (*encoding, *keep);
    // The revisions are pinned and listed while the working tree is read.
    let project = Project::find(path).map_err(|p| vec![p])?;
    let wants_git = !baselines.baseline_rev.is_empty() || baselines.release_tags.is_some();
    let (loaded, listed) = std::thread::scope(|s| {
        let git = wants_git.then(|| {
            let project = &project;
            s.spawn(move || baseline::list(project, baselines))
        });
        let loaded = inputs(path, encoding, map);
        (
            loaded,
            git.map(|h| h.join().expect("the git reader never panics")),
        )
    });
    let (mut inp, _) = loaded?;
    let texts = std::mem::take(&mut inp.texts);
    let mut findings_early = Vec::new();
    let mut base_files = 0;
    let mut released: Vec<Schema> = inp.released;
    let mut keep = keep.or(inp.cfg.keep);
    if let Some(listed) = listed {
        let listed = listed?;
        let bases = baseline::read(
            &project,
            &listed.listings,
            encoding,
            texts,
            want_snippets,
            map,
        )?;
        let merged = baseline::merge(&bases, listed.tags, keep);
        findings_early.extend(merged.changed);
        // A tag window replaces the version window: every version of the kept releases may meet
        // every other.
        if listed.tags > 0 && keep.is_some() {
            keep = None;
        }
        // The revisions are what was released: a working-tree snapshot cannot rewrite them.
        let mut kept = Vec::new();
        for s in released {
            match merged
                .schemas
                .iter()
                .find(|b| b.name == s.name && b.version == s.version)
            {
                Some(b) if !b.same_as(&s) => {
                    let mut f = history::changed(b, &s);
                    f.message = format!(
                        "{} v{} as released ({}) differs from the schema file {} in the working tree: a released version's schema was edited",
                        s.name, s.version, b.origin.file, s.origin.file
                    );
                    findings_early.push(f);
                }
                Some(_) => {}
                None if merged.dropped.contains(&(s.name.clone(), s.version)) => {}
                None => kept.push(s),
            }
        }
        released = merged.schemas;
        released.extend(kept);
        let mut said = std::collections::BTreeSet::new();
        for base in &bases {
            for note in config::relaxations(&base.cfg, &inp.cfg) {
                if said.insert(note.clone()) {
                    let _ = writeln!(
                        err,
                        "note: this change relaxes the gate against {}: {}",
                        base.rev,
                        report::text::guard(&note)
                    );
                }
            }
        }
        base_files = bases.iter().map(|b| b.files).sum();
    }
    let files = inp.files_seen + base_files;
    if inp.current.is_empty() && released.is_empty() {
        return Ok(Review {
            findings: findings_early,
            matrices: Vec::new(),
            gates: Vec::new(),
            summary: Summary {
                formats: 0,
                files,
                ..Summary::default()
            },
        });
    }
    let chains = history::chains(inp.current, released);
    let planned: usize = chains.values().map(|c| history::pair_count(c, keep)).sum();
    if planned > MAX_PAIRS {
        let (name, chain) = chains
            .iter()
            .max_by_key(|(_, c)| history::pair_count(c, keep))
            .expect("pairs come from chains");
        return Err(vec![sources::problem(
            &chain.released.first().or(chain.current.first()).map(|s| s.origin.file.clone()).unwrap_or_default(),
            format!(
                "checking every pair of versions would take {planned} pair analyses (format `{name}` alone has {} versions and {} critical properties, each analysed on every pair), more than the limit of {MAX_PAIRS}",
                history::version_count(chain),
                history::property_count(chain)
            ),
            "set `keep` (or --keep) to how many older versions may still be deployed next to each version",
        )]);
    }
    let mut all = findings_early;
    let mut matrices = Vec::new();
    let (mut versions, mut pairs) = (0, 0);
    let mut budget = crate::fixes::Budget::new();
    for chain in chains.values() {
        let (f, counts) = history::analyse(chain, keep, &mut budget);
        all.extend(f);
        versions += counts.versions;
        pairs += counts.pairs;
        if want_matrices {
            matrices.push(analysis::matrix(&merged(chain), keep));
        }
    }
    let (mut kept, unused) = inp.cfg.apply(all);
    for u in unused {
        let _ = writeln!(err, "note: {}", report::text::guard(&u));
    }
    findings::sort(&mut kept);
    kept.dedup();
    let summary = Summary {
        files,
        ..Summary::count(&kept, chains.len(), versions, pairs)
    };
    let versions: BTreeMap<String, Vec<u32>> = matrices
        .iter()
        .map(|m| (m.format.clone(), m.versions.clone()))
        .collect();
    let gates = crate::plan::gates(&versions, keep, &kept);
    Ok(Review {
        findings: kept,
        matrices,
        gates,
        summary,
    })
}

/// One schema per version: the source's where it has one, else the released one.
fn merged(chain: &Chain) -> Vec<&Schema> {
    let mut by: BTreeMap<u32, &Schema> = BTreeMap::new();
    for s in chain.released.iter().chain(chain.current.iter()) {
        by.insert(s.version, s);
    }
    by.into_values().collect()
}

fn diff(
    old: &Path,
    new: &Path,
    ty: Option<&str>,
    encoding: Option<Encoding>,
    map: &mut SourceMap,
    _err: &mut dyn Write,
) -> Result<(Vec<Finding>, Summary), Vec<Problem>> {
    let side = |p: &Path, map: &mut SourceMap| -> Result<sources::Loaded, Vec<Problem>> {
        let project = Project::find(p).map_err(|e| vec![e])?;
        let cfg = config::load(&project, map)?;
        let opts = options(&cfg, encoding)?;
        Ok(sources::load(p, &project, &opts, map))
    };
    let old_l = side(old, map)?;
    let new_l = side(new, map)?;
    let mut problems = old_l.problems;
    problems.extend(new_l.problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let select = |s: &Schema| ty.is_none_or(|t| s.name == t || s.root == t);
    let group = |schemas: Vec<Schema>| {
        let mut m: BTreeMap<String, BTreeMap<u32, Schema>> = BTreeMap::new();
        for s in schemas.into_iter().filter(select) {
            m.entry(s.name.clone())
                .or_default()
                .entry(s.version)
                .or_insert(s);
        }
        m
    };
    // Sources first, so that a version in both a source and a snapshot is taken from the source.
    let new_chains = group(new_l.schemas.into_iter().chain(new_l.snapshots).collect());
    let old_chains = group(old_l.schemas.into_iter().chain(old_l.snapshots).collect());
    let what = ty
        .map(|t| format!("session type `{t}`"))
        .unwrap_or_else(|| "session type".into());
    if new_chains.is_empty() {
        return Err(vec![sources::problem(
            &new.display().to_string(),
            format!("no {what} in {}", new.display()),
            "derive SessionState with #[session(version = N, encoding = \"...\")] on the session struct, or pass --type with an existing format or type name",
        )]);
    }
    let mut all = Vec::new();
    let (mut pairs, mut formats, mut versions) = (0, 0, 0);
    let mut budget = crate::fixes::Budget::new();
    for (name, new_versions) in &new_chains {
        let newest = new_versions
            .values()
            .last()
            .expect("chains are never empty");
        let Some(olds) = old_chains.get(name) else {
            continue;
        };
        formats += 1;
        versions += olds.len() + 1;
        let mut found = rules::check_version(newest);
        for o in olds.values() {
            pairs += 1;
            found.extend(rules::check_pair(o, newest));
        }
        let window: Vec<&Schema> = olds.values().collect();
        crate::fixes::attach(&window, newest, &mut found, &mut budget);
        all.extend(found);
    }
    if pairs == 0 {
        return Err(vec![sources::problem(
            &old.display().to_string(),
            format!(
                "no {what} in {} shares a format name with {} (formats there: {})",
                old.display(),
                new.display(),
                new_chains.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
            "versions of one format share #[session(name = \"...\")]; check the name, or pass --type",
        )]);
    }
    findings::sort(&mut all);
    all.dedup();
    let summary = Summary::count(&all, formats, versions, pairs);
    Ok((all, summary))
}

fn snapshot(
    path: &Path,
    overwrite: bool,
    encoding: Option<Encoding>,
    map: &mut SourceMap,
    out: &mut dyn Write,
) -> Result<i32, Vec<Problem>> {
    let (inp, _) = inputs(path, encoding, map)?;
    let dir = snapshot_dir(&inp);
    if inp.current.is_empty() {
        let _ = writeln!(
            out,
            "sessionlint: no session formats under {}; nothing to snapshot",
            path.display()
        );
        return Ok(EXIT_OK);
    }
    let mut refused = Vec::new();
    for s in &inp.current {
        let (p, outcome) = snapshots::store(&dir, &inp.project, s, overwrite)
            .map_err(|e| cannot_store(&dir, e))?;
        let verb = match outcome {
            snapshots::Outcome::Written => "wrote",
            snapshots::Outcome::Unchanged => "unchanged",
            snapshots::Outcome::Overwritten => "overwrote",
            snapshots::Outcome::Refused => {
                refused.push(s.clone());
                "kept (schema changed; not overwritten)"
            }
        };
        let _ = writeln!(out, "{verb}: {} ({} v{})", p.display(), s.name, s.version);
    }
    if refused.is_empty() {
        return Ok(EXIT_OK);
    }
    // Report each refusal as the rule, against the released snapshot.
    let released: Vec<Schema> = inp.released;
    let mut findings = Vec::new();
    for s in refused {
        let chain = Chain {
            current: vec![s.clone()],
            released: released
                .iter()
                .filter(|r| r.name == s.name && r.version == s.version)
                .cloned()
                .collect(),
        };
        let (f, _) = history::analyse(&chain, Some(0), &mut crate::fixes::Budget::new());
        findings.extend(
            f.into_iter()
                .filter(|f| f.rule == &rules::released_schema_changed::RULE),
        );
    }
    let summary = Summary::count(&findings, 0, 0, 0);
    let text = report::human::render(&findings, &summary, map, report::Colours::current().out);
    let _ = out.write_all(text.as_bytes());
    let _ = writeln!(out, "help: give the changed schema a new version number, or pass --overwrite if that version was never released");
    Ok(EXIT_FINDINGS)
}

/// Where the project keeps its snapshots.
fn snapshot_dir(inp: &Inputs) -> PathBuf {
    inp.project.root.join(
        inp.cfg
            .snapshots
            .clone()
            .unwrap_or_else(|| PathBuf::from(snapshots::DEFAULT_DIR)),
    )
}

fn cannot_store(dir: &Path, e: String) -> Vec<Problem> {
    vec![sources::problem(
        &dir.display().to_string(),
        format!("cannot write snapshot: {e}"),
        "snapshots are written to a real directory inside the project root; check it and its permissions",
    )]
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
    let (inp, _) = inputs(path, encoding, map)?;
    let dir = snapshot_dir(&inp);
    let candidates: Vec<Schema> = match &tags {
        Some(glob) => {
            let b = Baselines {
                baseline_rev: Vec::new(),
                release_tags: Some(glob.clone()),
            };
            let listed = baseline::list(&inp.project, &b)?;
            let bases = baseline::read(
                &inp.project,
                &listed.listings,
                encoding,
                Vec::new(),
                false,
                map,
            )?;
            let merged = baseline::merge(&bases, listed.tags, None);
            if let Some(f) = merged.changed.first() {
                return Err(vec![sources::problem(
                    &f.primary.origin.file,
                    f.message.clone(),
                    "a released version has one schema: give the changed one a new version number",
                )]);
            }
            merged.schemas
        }
        None => inp.current.clone(),
    };
    let missing: Vec<&Schema> = candidates
        .iter()
        .filter(|s| !snapshots::path_for(&dir, s).exists())
        .collect();
    let command = match &tags {
        Some(g) => format!("sessionlint snapshot --release-tags '{g}'"),
        None => "sessionlint snapshot".into(),
    };
    if missing.is_empty() {
        let _ = writeln!(
            out,
            "every released version has a snapshot in {}",
            dir.display()
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
                snapshots::path_for(&dir, s).display()
            );
        }
        let _ = writeln!(
            out,
            "help: run `{command}` and commit {}, so that these versions stay checked after their sources are gone",
            dir.display()
        );
        return Ok(EXIT_FINDINGS);
    }
    for s in missing {
        let (p, _) =
            snapshots::store(&dir, &inp.project, s, false).map_err(|e| cannot_store(&dir, e))?;
        let _ = writeln!(
            out,
            "wrote: {} ({} v{}, from {})",
            p.display(),
            s.name,
            s.version,
            report::text::guard(&s.origin.file)
        );
    }
    Ok(EXIT_OK)
}

fn emit(
    all: Vec<Finding>,
    summary: &Summary,
    matrices: &[analysis::Matrix],
    gates: &[crate::plan::Gate],
    fmt: MessageFormat,
    map: &SourceMap,
    out: &mut dyn Write,
) -> i32 {
    if summary.formats == 0 && all.is_empty() && fmt == MessageFormat::Human {
        let _ = writeln!(
            out,
            "sessionlint: no session formats found ({} file{} read); nothing to check",
            summary.files,
            if summary.files == 1 { "" } else { "s" }
        );
        return EXIT_OK;
    }
    let text = match fmt {
        MessageFormat::Human => {
            report::human::render(&all, summary, map, report::Colours::current().out)
        }
        MessageFormat::Json => report::text::json(&report::json::render(&all, summary)),
        MessageFormat::Sarif => report::text::json(&report::sarif::render(&all)),
        MessageFormat::Github => report::github::render(&all),
        MessageFormat::Markdown => {
            report::text::guard(&report::markdown::render(&all, matrices, gates, summary))
        }
    };
    let _ = out.write_all(text.as_bytes());
    if findings::has_errors(&all) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `sessionlint plan`: the gates, in the asked format. Exit 0: a plan is advice, the gate is
/// `check`.
fn plan(
    gates: &[crate::plan::Gate],
    fmt: MessageFormat,
    out: &mut dyn Write,
) -> Result<i32, Vec<Problem>> {
    let text = match fmt {
        MessageFormat::Human => {
            let mut t = String::new();
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
            serde_json::to_string_pretty(&serde_json::json!({ "gates": gates }))
                .expect("gates serialize")
        )),
        MessageFormat::Markdown => report::text::guard(&report::markdown::render_plan(gates)),
        other => {
            return Err(vec![sources::problem(
                "sessionlint plan",
                format!("--message-format {other:?} is not a plan format"),
                "use human, json or markdown",
            )])
        }
    };
    let _ = out.write_all(text.as_bytes());
    Ok(EXIT_OK)
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
