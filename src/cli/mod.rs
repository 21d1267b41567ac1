//! The `sessionlint` command line. Exit status: 0 no error-level finding, 1 at least one,
//! 2 bad input or usage.

mod explain;

use crate::analysis;
use crate::config::{self, Config};
use crate::extract::{self, Problem};
use crate::findings::{self, Finding};
use crate::history::{self, git, snapshots, Chain};
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
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_parser = parse_encoding)]
        encoding: Option<Encoding>,
        /// Also check against the session sources as they are at this git revision (read from
        /// git objects: no checkout, nothing of the repository runs).
        #[arg(long, value_name = "REV")]
        baseline_rev: Option<String>,
        /// How many older versions may still be deployed (overrides `keep` in the config).
        #[arg(long, value_parser = parse_keep)]
        keep: Option<usize>,
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
        #[arg(long, value_name = "REV")]
        baseline_rev: Option<String>,
        #[arg(long, value_parser = parse_encoding)]
        encoding: Option<Encoding>,
    },
    /// Lists the rules.
    Rules,
    /// Explains one rule: why it matters (RFC 7627 §5.3/§5.4) and how to fix it.
    Explain { rule: String },
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
        Cmd::Check { message_format, .. } | Cmd::Diff { message_format, .. } => *message_format,
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
            path,
            encoding,
            baseline_rev,
            keep,
            message_format,
        } => {
            let matrices = message_format == MessageFormat::Markdown;
            let snippets = message_format == MessageFormat::Human;
            review(
                &path,
                encoding,
                baseline_rev.as_deref(),
                keep,
                matrices,
                snippets,
                &mut map,
                err,
            )
            .map(|r| {
                emit(
                    r.findings,
                    &r.summary,
                    &r.matrices,
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
            baseline_rev,
            encoding,
        } => review(
            &path,
            encoding,
            baseline_rev.as_deref(),
            None,
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
                (html, report::html::render(&r.findings, &r.matrices)),
                (
                    markdown,
                    report::markdown::render(&r.findings, &r.matrices, &r.summary),
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
        } => snapshot(&path, overwrite, encoding, &mut map, out),
        Cmd::Diff {
            old,
            new,
            ty,
            encoding,
            message_format,
        } => diff(&old, &new, ty.as_deref(), encoding, &mut map, err)
            .map(|(findings, summary)| emit(findings, &summary, &[], message_format, &map, out)),
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

/// The released versions as they are at a git revision: its sources, snapshots and schema files,
/// read with its own configuration (the pull request's configuration cannot hide them).
struct Baseline {
    rev: String,
    schemas: Vec<Schema>,
    /// The revision's configuration: the gate's policy as the base branch has it.
    cfg: Config,
    /// Files of the revision read (configuration, sources, schema files).
    files: usize,
}

fn baseline(
    project: &Project,
    listing: git::Listing,
    encoding: Option<Encoding>,
    working: Vec<extract::SourceFile>,
    want_snippets: bool,
    map: &mut SourceMap,
) -> Result<Baseline, Vec<Problem>> {
    let git_dir = project
        .git_top
        .clone()
        .unwrap_or_else(|| project.canon.clone());
    let at_rev = |e: String| {
        vec![sources::problem(
            &project.root.display().to_string(),
            e,
            "check that the revision exists and git can read it",
        )]
    };
    // Its configuration first: it decides what else belongs to the baseline.
    let config_entries: Vec<&git::Entry> = listing
        .entries
        .iter()
        .filter(|e| !e.symlink && (e.path == "sessionlint.toml" || e.path == "Cargo.toml"))
        .collect();
    let config_texts = git::read_blobs(&git_dir, &listing, &config_entries).map_err(at_rev)?;
    let text_of = |name: &str| {
        config_texts
            .iter()
            .find(|f| f.path == listing.shown(name))
            .map(|f| (f.path.clone(), f.text.clone()))
    };
    let cfg = config::from_texts(text_of("sessionlint.toml"), text_of("Cargo.toml"), map)?;
    let opts = options(&cfg, encoding)?;
    let snap_dir = cfg
        .snapshots
        .clone()
        .unwrap_or_else(|| PathBuf::from(snapshots::DEFAULT_DIR));
    let snap_dir = snap_dir.to_string_lossy().replace('\\', "/");
    let under = |path: &str, dir: &str| {
        let dir = dir.trim_end_matches('/');
        dir.is_empty() || dir == "." || path == dir || path.starts_with(&format!("{dir}/"))
    };
    let scanned = |path: &str| {
        cfg.paths.is_empty()
            || cfg
                .paths
                .iter()
                .any(|p| under(path, &p.to_string_lossy().replace('\\', "/")))
    };
    let mut problems = Vec::new();
    let mut wanted_rs = Vec::new();
    let mut wanted_schema = Vec::new();
    for e in &listing.entries {
        let p = Path::new(&e.path);
        let is_rs = e.path.ends_with(".rs") && scanned(&e.path);
        let is_schema = e.path.ends_with(".toml")
            && ((sources::is_schema_path(p) && scanned(&e.path)) || under(&e.path, &snap_dir));
        if !(is_rs || is_schema) {
            continue;
        }
        if e.symlink {
            problems.push(sources::problem(
                &listing.shown(&e.path),
                "is a symlink at the baseline revision; it was not followed",
                "replace the symlink with the file itself",
            ));
        } else if is_rs {
            wanted_rs.push(e);
        } else {
            wanted_schema.push(e);
        }
    }
    // Sources the working tree has unchanged are not read from git again.
    // Keyed lexically: the walk built these paths from the same root (a miss only costs a read).
    let mut by_path: std::collections::HashMap<PathBuf, String> = working
        .into_iter()
        .map(|f| (crate::project::tidy(Path::new(&f.path)), f.text))
        .collect();
    let candidates: Vec<(&git::Entry, Option<String>)> = wanted_rs
        .into_iter()
        .map(|e| {
            let here = project.root.join(&e.path);
            let text = by_path.remove(&crate::project::tidy(&here)).or_else(|| {
                crate::project::read(&here, &project.canon, &extract::scan::Markers::default())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
            });
            (e, text)
        })
        .collect();
    // Hashing is most of a baseline's cost: on every core.
    let same: Vec<bool> = {
        let test = |(e, t): &(&git::Entry, Option<String>)| {
            t.as_ref().is_some_and(|t| git::same_blob(e, t.as_bytes()))
        };
        let chunk = candidates.len().div_ceil(2).max(1);
        std::thread::scope(|s| {
            let hs: Vec<_> = candidates
                .chunks(chunk)
                .map(|c| s.spawn(move || c.iter().map(test).collect::<Vec<_>>()))
                .collect();
            hs.into_iter()
                .flat_map(|h| h.join().expect("hashing never panics"))
                .collect()
        })
    };
    let mut from_git = Vec::new();
    let mut sources_at_rev = Vec::new();
    for ((e, text), same) in candidates.into_iter().zip(same) {
        match text {
            Some(t) if same => sources_at_rev.push(extract::SourceFile {
                path: listing.shown(&e.path),
                text: t,
            }),
            _ => from_git.push(e),
        }
    }
    drop(by_path);
    from_git.extend(wanted_schema);
    let blobs = git::read_blobs(&git_dir, &listing, &from_git).map_err(at_rev)?;
    let mut schema_files = Vec::new();
    for f in blobs {
        if f.path.ends_with(".rs") {
            sources_at_rev.push(f);
        } else {
            schema_files.push(f);
        }
    }
    let (sources_count, schema_count) = (sources_at_rev.len(), schema_files.len());
    let ex = extract::extract(&sources_at_rev, &opts);
    problems.extend(ex.problems);
    let mut released_files = Vec::new();
    for f in &schema_files {
        match crate::snapshot::parse(&f.path, &f.text) {
            Ok(s) => released_files.push(s),
            Err(p) => problems.push(p),
        }
    }
    duplicates(&released_files, &mut problems);
    // A version in a source and in a schema file at one revision must agree.
    let mut schemas = ex.schemas;
    for s in released_files {
        match schemas
            .iter()
            .find(|x| x.name == s.name && x.version == s.version)
        {
            Some(x) if !x.same_as(&s) => problems.push(Problem {
                origin: s.origin.clone(),
                message: format!(
                    "at {}, format `{}` version {} has two different schemas: {} and {}",
                    listing.rev, s.name, s.version, x.origin.file, s.origin.file
                ),
                help: Some("a released version has one schema; fix the revision's snapshot".into()),
            }),
            Some(_) => {}
            None => schemas.push(s),
        }
    }
    // A revision's files exist nowhere on disk: keep those a report will show.
    for f in sources_at_rev.into_iter().chain(schema_files) {
        let shown = problems.iter().any(|p| p.origin.file == f.path)
            || (want_snippets && schemas.iter().any(|s| s.origin.file == f.path));
        if shown {
            map.texts.insert(f.path, f.text);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Baseline {
        rev: listing.rev,
        schemas,
        files: config_entries.len() + sources_count + schema_count,
        cfg,
    })
}

#[allow(clippy::too_many_arguments)]
fn review(
    path: &Path,
    encoding: Option<Encoding>,
    baseline_rev: Option<&str>,
    keep: Option<usize>,
    want_matrices: bool,
    want_snippets: bool,
    map: &mut SourceMap,
    err: &mut dyn Write,
) -> Result<Review, Vec<Problem>> {
    // The revision is listed while the working tree is read.
    let project = Project::find(path).map_err(|p| vec![p])?;
    let (loaded, listing) = std::thread::scope(|s| {
        let git = baseline_rev.map(|rev| {
            let project = &project;
            s.spawn(move || {
                let top = project.git_top.clone().ok_or_else(|| {
                    format!(
                        "--baseline-rev needs a git work tree; {} is not in one",
                        project.root.display()
                    )
                })?;
                let prefix = project
                    .canon
                    .strip_prefix(&top)
                    .map(|p| {
                        let p = p.to_string_lossy().replace('\\', "/");
                        if p.is_empty() {
                            p
                        } else {
                            format!("{p}/")
                        }
                    })
                    .unwrap_or_default();
                git::list(&top, &prefix, rev)
            })
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
    if let Some(listing) = listing {
        let listing = listing.map_err(|e| {
            vec![sources::problem(
                &project.root.display().to_string(),
                e,
                "pass a revision that exists, e.g. origin/main or HEAD~1",
            )]
        })?;
        let base = baseline(&project, listing, encoding, texts, want_snippets, map)?;
        // The revision is what was released: a working-tree snapshot cannot rewrite it.
        let mut kept = Vec::new();
        for s in released {
            match base
                .schemas
                .iter()
                .find(|b| b.name == s.name && b.version == s.version)
            {
                Some(b) if !b.same_as(&s) => {
                    let mut f = history::changed(b, &s);
                    f.message = format!(
                        "{} v{} at {} differs from the schema file {} in the working tree: a released version's schema was edited",
                        s.name, s.version, base.rev, s.origin.file
                    );
                    findings_early.push(f);
                }
                Some(_) => {}
                None => kept.push(s),
            }
        }
        released = base.schemas;
        released.extend(kept);
        for note in config::relaxations(&base.cfg, &inp.cfg) {
            let _ = writeln!(
                err,
                "note: this change relaxes the gate against {}: {}",
                base.rev,
                report::text::guard(&note)
            );
        }
        base_files = base.files;
    }
    let files = inp.files_seen + base_files;
    if inp.current.is_empty() && released.is_empty() {
        return Ok(Review {
            findings: Vec::new(),
            matrices: Vec::new(),
            summary: Summary {
                formats: 0,
                files,
                ..Summary::default()
            },
        });
    }
    let keep = keep.or(inp.cfg.keep);
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
                "checking every pair of versions would take {planned} pair analyses (format `{name}` alone has {} versions), more than the limit of {MAX_PAIRS}",
                history::version_count(chain)
            ),
            "set `keep` (or --keep) to how many older versions may still be deployed next to each version",
        )]);
    }
    let mut all = findings_early;
    let mut matrices = Vec::new();
    let (mut versions, mut pairs) = (0, 0);
    for chain in chains.values() {
        let (f, counts) = history::analyse(chain, keep);
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
    Ok(Review {
        findings: kept,
        matrices,
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
        all.extend(rules::check_version(newest));
        for o in olds.values() {
            pairs += 1;
            all.extend(rules::check_pair(o, newest));
        }
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
    let dir = inp.project.root.join(
        inp.cfg
            .snapshots
            .clone()
            .unwrap_or_else(|| PathBuf::from(snapshots::DEFAULT_DIR)),
    );
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
        let (p, outcome) = snapshots::store(&dir, &inp.project, s, overwrite).map_err(|e| {
            vec![sources::problem(
                &dir.display().to_string(),
                format!("cannot write snapshot: {e}"),
                "snapshots are written to a real directory inside the project root; check it and its permissions",
            )]
        })?;
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
        let (f, _) = history::analyse(&chain, Some(0));
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

fn emit(
    all: Vec<Finding>,
    summary: &Summary,
    matrices: &[analysis::Matrix],
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
            report::text::guard(&report::markdown::render(&all, matrices, summary))
        }
    };
    let _ = out.write_all(text.as_bytes());
    if findings::has_errors(&all) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
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
