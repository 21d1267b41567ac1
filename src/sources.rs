//! Inputs to schemas: walks paths, reads `.rs` sources and schema `.toml` files (through
//! `project`, which holds the rules for reading untrusted files), and keeps their text for
//! diagnostics. Nothing found here is compiled or executed.

use crate::extract::{self, scan, Problem, SourceFile};
use crate::project::{self, Project, Refusal};
use crate::report::SourceMap;
use crate::schema::Schema;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use crate::project::problem;

#[derive(Default)]
pub struct Loaded {
    /// Versions read from Rust sources.
    pub schemas: Vec<Schema>,
    /// Released versions read from snapshots and schema files.
    pub snapshots: Vec<Schema>,
    pub problems: Vec<Problem>,
    pub files_seen: usize,
    /// The Rust sources read, by path: a git baseline reuses the ones it did not change.
    pub texts: Vec<SourceFile>,
    /// The cfg options the session types consulted, and how each was read.
    pub cfg: Vec<extract::CfgOption>,
    /// How many builds were read.
    pub builds: usize,
}

fn is_input(p: &Path) -> bool {
    match p.extension().and_then(|e| e.to_str()) {
        Some("rs") => true,
        Some("toml") => is_schema_path(p),
        _ => false,
    }
}

/// Snapshots live under a `session-schemas` directory (`session-schemas/<name>/v<N>.toml`);
/// hand-written schema files anywhere are named `*.schema.toml`.
pub fn is_schema_path(p: &Path) -> bool {
    p.components().any(|c| c.as_os_str() == "session-schemas")
        || p.file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(".schema.toml"))
}

/// A file's text (or, when it is not UTF-8, its bytes); `None` when it was read and cannot
/// matter (see `may_matter`). A Rust source's text comes with its `include!` and `#[path]`
/// items (`scan::external_code`), found while it is in the reading thread's cache.
type Read = (
    PathBuf,
    Result<
        Option<(
            Result<String, std::string::FromUtf8Error>,
            Option<Externals>,
        )>,
        Refusal,
    >,
);

/// What `scan::external_code` finds in a file.
pub type Externals = Result<Vec<scan::External>, scan::ScanError>;

/// Whether a Rust source can define anything sessionlint reads: an item (`struct`, `enum`,
/// `union`; a `type` alias or a `const`, which may change what a field is), a session marker, or a
/// configured type's name. Others are not kept in memory.
fn may_matter(b: &[u8], markers: &scan::Markers, plain: &[String]) -> bool {
    // (`include` and `path`: the file may take in code from another, `scan::external_code`.)
    [
        "struct", "enum", "union", "type", "const", "include", "path",
    ]
    .iter()
    .any(|k| scan::contains_word(b, k.as_bytes()))
        || scan::may_hold_session(b, markers)
        || plain.iter().any(|n| contains(b, n.as_bytes()))
}

/// Reads files on every core (`par::map`): reading is most of what a check of a large tree costs. What is
/// kept is bounded by `MAX_TOTAL`: past it, further reads are refused rather than held.
fn read_all(
    paths: &[PathBuf],
    root: &Path,
    markers: &scan::Markers,
    plain: &[String],
) -> Vec<Read> {
    let kept = std::sync::atomic::AtomicU64::new(0);
    let one = |p: &PathBuf| {
        use std::sync::atomic::Ordering::Relaxed;
        if kept.load(Relaxed) > project::MAX_TOTAL {
            return (p.clone(), Err(Refusal::OverBudget));
        }
        let read = project::read(p, root, markers).map(|b| {
            let rs = p.extension().is_some_and(|e| e == "rs");
            if rs && !may_matter(&b, markers, plain) {
                return None;
            }
            kept.fetch_add(b.len() as u64, Relaxed);
            // Validated and searched here, on the reading thread.
            let text = String::from_utf8(b);
            let externals = match &text {
                Ok(t) if rs => Some(scan::external_code(t)),
                _ => None,
            };
            Some((text, externals))
        });
        (p.clone(), read)
    };
    sessionlint_internals::extract::par::map(paths, one)
}

/// Loads every session format version found at `path` (a `.rs` file, a schema `.toml`, or a
/// directory) inside `project`.
pub fn load(
    path: &Path,
    project: &Project,
    opts: &extract::Options,
    generated: &[String],
    map: &mut SourceMap,
) -> Loaded {
    let mut loaded = Loaded::default();
    let shown_path = project::display(path);
    let meta = match path.symlink_metadata() {
        Ok(m) => m,
        Err(_) => {
            loaded.problems.push(problem(
                &shown_path,
                format!("`{shown_path}` does not exist"),
                "pass a .rs file, a schema .toml, or a directory",
            ));
            return loaded;
        }
    };
    let mut paths = Vec::new();
    if meta.is_dir() || (meta.file_type().is_symlink() && path.is_dir()) {
        paths = crate::history::git::walk(path, project, &is_input, &mut loaded.problems);
    } else {
        paths.push(path.to_path_buf());
    }
    loaded.files_seen = paths.len();
    let markers = scan::Markers::default();
    let plain: Vec<String> = opts.plain.iter().map(|t| t.type_name.clone()).collect();
    let all = read_all(&paths, &project.canon, &markers, &plain);
    let (mut rust, externals) = take_in(all, opts, &mut loaded, map);
    // Code taken in by `include!` and `#[path] mod`, wherever it lives inside the root.
    let mut read_one = |target: &str| read_included(target, project, map);
    loaded.problems.extend(follow_external(
        &mut rust,
        externals,
        &mut read_one,
        generated,
    ));
    let mut ex = extract::extract(&rust, opts);
    // A `default = "path"` function usually lives in a file with no type in it, which the read
    // above let go: read the files that mention it again, so that its value is known.
    let unread = extract::unresolved_defaults(&ex.schemas);
    if !unread.is_empty() {
        let extra = mentioning(&unread, &paths, &rust, project, map);
        rust.extend(extra);
        extract::resolve_defaults(&mut ex.schemas, &rust);
    }
    loaded.texts = rust;
    loaded.cfg = std::mem::take(&mut ex.cfg);
    loaded.builds = ex.builds;
    loaded.schemas.extend(ex.schemas);
    loaded.problems.extend(ex.problems);
    loaded
}

/// The files read, taken in: schema files parsed, Rust sources returned (those that can matter)
/// with what `external_code` found in each, what cannot be read reported.
fn take_in(
    all: Vec<Read>,
    opts: &extract::Options,
    loaded: &mut Loaded,
    map: &mut SourceMap,
) -> (Vec<SourceFile>, Vec<Option<Externals>>) {
    let markers = scan::Markers::default();
    let mut rust = Vec::new();
    let mut externals = Vec::new();
    let mut over_budget = false;
    for (p, read) in all {
        let shown = project::display(&p);
        let (text, found) = match read {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(Refusal::OverBudget) => {
                if !over_budget {
                    over_budget = true;
                    loaded.problems.push(over_budget_problem(&shown));
                }
                continue;
            }
            // A file too large to analyse matters only if it may hold a session item.
            Err(Refusal::TooLarge {
                may_hold_session: false,
                ..
            }) if p.extension().is_some_and(|e| e == "rs") => continue,
            Err(r) => {
                loaded.problems.push(r.into_problem(&shown, "file"));
                continue;
            }
        };
        match p.extension().and_then(|e| e.to_str()) {
            Some("toml") => match text {
                Ok(text) => {
                    match crate::snapshot::parse(&shown, &text) {
                        Ok(s) => loaded.snapshots.push(s),
                        Err(pr) => loaded.problems.push(pr),
                    }
                    map.texts.insert(shown, text);
                }
                Err(_) => loaded.problems.push(problem(
                    &shown,
                    "schema file is not UTF-8",
                    "save it as UTF-8",
                )),
            },
            Some("rs") => match text {
                Ok(text) => {
                    map.on_disk.insert(shown.clone());
                    rust.push(SourceFile { path: shown, text });
                    externals.push(found);
                }
                // Only a file that could hold a session type needs to be Rust.
                Err(e)
                    if scan::may_hold_session(e.as_bytes(), &markers)
                        || opts
                            .plain
                            .iter()
                            .any(|t| contains(e.as_bytes(), t.type_name.as_bytes())) =>
                {
                    loaded.problems.push(not_utf8(&shown, &e))
                }
                Err(_) => {}
            },
            _ => loaded.problems.push(problem(
                &shown,
                format!("`{shown}` is neither a Rust source (.rs) nor a schema file (.toml)"),
                "pass a .rs file, a schema .toml, or a directory",
            )),
        }
    }
    (rust, externals)
}

/// The first file past `project::MAX_TOTAL`: reading stopped there.
fn over_budget_problem(shown: &str) -> Problem {
    problem(
        shown,
        format!(
            "the scanned paths hold more than {} MiB of Rust that may define types; stopped reading here",
            project::MAX_TOTAL >> 20
        ),
        "narrow `paths` in the configuration to the crates that define session types",
    )
}

/// A source that may hold a session type and is not UTF-8, at its first invalid byte.
fn not_utf8(shown: &str, e: &std::string::FromUtf8Error) -> Problem {
    let at = e.utf8_error().valid_up_to();
    let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let mut pr = problem(
        shown,
        format!("source file is not UTF-8 (first invalid byte at offset {at}), so it cannot be Rust, and it may hold a session type"),
        "save it as UTF-8",
    );
    pr.origin.line = line as u32;
    pr
}

/// A file an `include!` or `#[path] mod` takes in: `None` when it does not exist.
fn read_included(
    target: &str,
    project: &Project,
    map: &mut SourceMap,
) -> Result<Option<String>, Problem> {
    let p = Path::new(target);
    if p.symlink_metadata().is_err() {
        return Ok(None);
    }
    let bytes = project::read(p, &project.canon, &scan::Markers::default())
        .map_err(|r| r.into_problem(target, "included file"))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        problem(
            target,
            "included file is not UTF-8, so it cannot be Rust",
            "save it as UTF-8",
        )
    })?;
    map.on_disk.insert(target.to_string());
    Ok(Some(text))
}

/// The Rust files of `paths` not in `rust` that mention one of `names`, within the memory bound
/// (past it they are not read: what they define stays unknown, and so data-dependent).
fn mentioning(
    names: &[String],
    paths: &[PathBuf],
    rust: &[SourceFile],
    project: &Project,
    map: &mut SourceMap,
) -> Vec<SourceFile> {
    let kept: HashSet<&str> = rust.iter().map(|f| f.path.as_str()).collect();
    let mut extra = Vec::new();
    let mut held: u64 = rust.iter().map(|f| f.text.len() as u64).sum();
    for p in paths {
        let shown = project::display(p);
        if p.extension().is_none_or(|e| e != "rs") || kept.contains(shown.as_str()) {
            continue;
        }
        let Ok(b) = project::read(p, &project.canon, &scan::Markers::default()) else {
            continue;
        };
        if names.iter().any(|n| scan::contains_word(&b, n.as_bytes())) {
            held += b.len() as u64;
            if held > project::MAX_TOTAL {
                break;
            }
            if let Ok(text) = String::from_utf8(b) {
                map.on_disk.insert(shown.clone());
                extra.push(SourceFile { path: shown, text });
            }
        }
    }
    extra
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && scan::find_bytes(hay, needle).is_some()
}

/// The most files one run takes in through `include!` and `#[path] mod`, and how deep a chain of
/// them may go: a repository is data, and can include itself.
pub const MAX_FOLLOWED: usize = 1000;
pub const MAX_FOLLOW_DEPTH: usize = 8;

/// `rel` joined to the directory `dir` (`/`-separated, as shown), with `.` and `..` resolved
/// without the file system; `None` when it is absolute or climbs above the start of `dir`'s
/// path (the project root, for the shown paths this is called with).
pub fn join_lexical(dir: &str, rel: &str) -> Option<String> {
    let rel = rel.replace('\\', "/");
    if rel.starts_with('/') || rel.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let lead = if dir.starts_with("./") || dir == "." {
        "./"
    } else {
        ""
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(format!("{lead}{}", parts.join("/")))
}

/// Where `include!` and `#[path] mod` in the file `shown` look for `rel`: beside the file (a
/// `#[path]` inside inline `mod` blocks is below their directories; in a file that is not a
/// `mod.rs`, `lib.rs` or `main.rs`, below the file's own module directory).
fn external_path(shown: &str, rel: &str, modules: &[String]) -> Option<String> {
    // A file read at a revision is shown `REV:path` (a revision's name holds no `:`).
    if let Some((rev, path)) = shown.split_once(':') {
        return external_path(path, rel, modules).map(|p| format!("{rev}:{p}"));
    }
    let (dir, file) = shown.rsplit_once('/').unwrap_or(("", shown));
    let mut base = dir.to_string();
    if !modules.is_empty() {
        if !matches!(file, "mod.rs" | "lib.rs" | "main.rs") {
            base = format!("{base}/{}", file.trim_end_matches(".rs"));
        }
        for m in modules {
            base = format!("{base}/{m}");
        }
    }
    join_lexical(&base, rel)
}

/// Whether the configuration's `[[generated]]` names `path` (a shown path, or a revision's
/// `rev:path`).
fn is_generated(generated: &[String], path: &str) -> bool {
    generated.iter().any(|g| {
        project::tidy(Path::new(g)) == project::tidy(Path::new(path))
            || path.ends_with(&format!(":{g}"))
    })
}

/// Follows every `include!` and `#[path = "..."] mod` in `files` (and in what they bring in) to
/// the files they name, and adds those: code outside `.rs` files, or outside the scanned paths,
/// is still code of the crate and may hold a session type. `read` gives a file's text by its
/// shown path (`None`: no such file), refusing anything outside the root. An `include!` of code
/// written at build time is a problem unless `generated` (files whose generated code schema files
/// stand for) names the file that includes it. `scanned` holds each file's `external_code`, when
/// the reader found it already (else empty).
pub fn follow_external(
    files: &mut Vec<SourceFile>,
    scanned: Vec<Option<Externals>>,
    read: &mut dyn FnMut(&str) -> Result<Option<String>, Problem>,
    generated: &[String],
) -> Vec<Problem> {
    let (mut problems, mut followed) = (Vec::new(), 0);
    let mut seen: HashSet<String> = files.iter().map(|f| f.path.clone()).collect();
    let mut todo: Vec<(usize, usize)> = (0..files.len()).map(|i| (i, 0)).collect();
    // The given files' scans as given (else on every core); those of the files they take in,
    // one by one.
    let mut first = if scanned.len() == files.len() {
        scanned
    } else {
        sessionlint_internals::extract::par::map(files, |f| Some(scan::external_code(&f.text)))
    };
    while let Some((i, depth)) = todo.pop() {
        let scanned = first.get_mut(i).and_then(Option::take);
        // A file that does not lex is reported by the extraction if it matters.
        let Ok(externals) = scanned.unwrap_or_else(|| scan::external_code(&files[i].text)) else {
            continue;
        };
        for e in externals {
            let (at, rel, modules) = match &e {
                scan::External::Include { at, path, .. } => (*at, path.clone(), &[][..]),
                scan::External::PathMod { at, path, modules } => {
                    (*at, Some(path.clone()), &modules[..])
                }
            };
            let place = |message: String, help: &str| {
                let mut p = problem(&files[i].path, message, help);
                p.origin.line = files[i].text[..at].matches('\n').count() as u32 + 1;
                p.origin.offset = at;
                p
            };
            let Some(rel) = rel else {
                if !is_generated(generated, &files[i].path) {
                    problems.push(place(
                        "this `include!` takes code written at build time (its path is not one string literal, e.g. `concat!(env!(\"OUT_DIR\"), ...)`): sessionlint never builds the crate, so a session type there would go unchecked".into(),
                        "describe the session types it generates in schema files, and name the file in the configuration: `[[generated]] file = \"<this file>\" schemas = [\"<schema files>\"]`",
                    ));
                }
                continue;
            };
            let Some(target) = external_path(&files[i].path, &rel, modules) else {
                problems.push(place(
                    format!("`{rel}` leads outside the project root; it was not read"),
                    "keep included code inside the repository",
                ));
                continue;
            };
            if !seen.insert(target.clone()) {
                continue;
            }
            if depth + 1 > MAX_FOLLOW_DEPTH || followed >= MAX_FOLLOWED {
                problems.push(place(
                    format!("`{rel}` was not read: `include!` and `#[path]` are followed at most {MAX_FOLLOW_DEPTH} deep and {MAX_FOLLOWED} files per run"),
                    "include the session code directly",
                ));
                continue;
            }
            followed += 1;
            match read(&target) {
                Ok(Some(text)) => {
                    files.push(SourceFile { path: target, text });
                    todo.push((files.len() - 1, depth + 1));
                }
                Ok(None) => problems.push(place(
                    format!("`{rel}` ({target}) does not exist"),
                    "fix the path: a missing file would leave its code unchecked",
                )),
                Err(p) => problems.push(place(
                    format!("`{rel}` ({target}): {}", p.message),
                    p.help.as_deref().unwrap_or("fix the path"),
                )),
            }
        }
    }
    problems
}
