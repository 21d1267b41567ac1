//! Inputs to schemas: walks paths, reads `.rs` sources and schema snapshot `.toml` files, and
//! keeps their text for diagnostics. Nothing found here is compiled or executed.

use crate::extract::{self, Problem, SourceFile};
use crate::schema::{Origin, Schema};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The text of files reports point into, by the path shown to users. Files on disk are read again
/// when a report needs them (most runs print no snippet at all); texts that exist nowhere else
/// (configuration, a git revision's blobs) are kept.
#[derive(Default)]
pub struct SourceMap {
    pub texts: BTreeMap<String, String>,
}

impl SourceMap {
    pub fn get(&self, path: &str) -> Option<std::borrow::Cow<'_, str>> {
        match self.texts.get(path) {
            Some(t) => Some(std::borrow::Cow::Borrowed(t)),
            None => std::fs::read_to_string(path)
                .ok()
                .map(std::borrow::Cow::Owned),
        }
    }
}

#[derive(Default)]
pub struct Loaded {
    /// Versions read from Rust sources.
    pub schemas: Vec<Schema>,
    /// Released versions read from schema snapshots.
    pub snapshots: Vec<Schema>,
    pub problems: Vec<Problem>,
    pub files_seen: usize,
    /// The Rust sources read, by path: a git baseline reuses the ones it did not change.
    pub texts: Vec<SourceFile>,
}

/// Directories never worth scanning.
const SKIP_DIRS: &[&str] = &["target", ".git", "node_modules", ".hg", ".svn"];

pub fn problem(file: &str, message: impl Into<String>, help: impl Into<String>) -> Problem {
    Problem {
        origin: Origin {
            file: file.to_string(),
            line: 0,
            offset: 0,
            len: 0,
        },
        message: message.into(),
        help: Some(help.into()),
    }
}

fn display(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Collects `.rs` and snapshot `.toml` paths below `root`, in a stable order.
fn walk(root: &Path, out: &mut Vec<PathBuf>, problems: &mut Vec<Problem>) {
    let mut seen_dirs = HashSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        // Symlink loops end here: a directory is entered once by its canonical path.
        match dir.canonicalize() {
            Ok(c) => {
                if !seen_dirs.insert(c) {
                    continue;
                }
            }
            Err(e) => {
                problems.push(problem(
                    &display(&dir),
                    format!("cannot read directory: {e}"),
                    "check the path and its permissions",
                ));
                continue;
            }
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                problems.push(problem(
                    &display(&dir),
                    format!("cannot read directory: {e}"),
                    "check the path and its permissions",
                ));
                continue;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for p in children.into_iter().rev() {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if p.is_dir() {
                if !SKIP_DIRS.contains(&name.as_str()) && !name.starts_with('.') {
                    stack.push(p);
                }
            } else if is_input(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
}

fn is_input(p: &Path) -> bool {
    match p.extension().and_then(|e| e.to_str()) {
        Some("rs") => true,
        Some("toml") => is_snapshot_path(p),
        _ => false,
    }
}

/// Snapshots live under a `session-schemas` directory (`session-schemas/<name>/v<N>.toml`);
/// hand-written schema files anywhere are named `*.schema.toml`.
fn is_snapshot_path(p: &Path) -> bool {
    p.components().any(|c| c.as_os_str() == "session-schemas")
        || p.file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(".schema.toml"))
}

/// Reads files on every core: reading is most of what a check of a large tree costs.
fn read_all(paths: &[PathBuf]) -> Vec<(PathBuf, std::io::Result<Vec<u8>>)> {
    let threads = std::env::var("SESSIONLINT_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .clamp(1, 8);
    if threads == 1 || paths.len() < 16 {
        return paths
            .iter()
            .map(|p| (p.clone(), std::fs::read(p)))
            .collect();
    }
    let chunk = paths.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|c| {
                s.spawn(move || {
                    c.iter()
                        .map(|p| (p.clone(), std::fs::read(p)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a reader thread never panics"))
            .collect()
    })
}

/// Loads every session format version found at `path` (a `.rs` file, a snapshot `.toml`, or a
/// directory).
pub fn load(path: &Path, opts: &extract::Options, map: &mut SourceMap) -> Loaded {
    let mut loaded = Loaded::default();
    if !path.exists() {
        loaded.problems.push(problem(
            &display(path),
            format!("`{}` does not exist", display(path)),
            "pass a .rs file, a schema snapshot .toml, or a directory",
        ));
        return loaded;
    }
    let mut paths = Vec::new();
    if path.is_dir() {
        walk(path, &mut paths, &mut loaded.problems);
    } else {
        paths.push(path.to_path_buf());
    }
    loaded.files_seen = paths.len();
    let mut rust = Vec::new();
    for (p, read) in read_all(&paths) {
        let shown = display(&p);
        let bytes = match read {
            Ok(b) => b,
            Err(e) => {
                loaded.problems.push(problem(
                    &shown,
                    format!("cannot read file: {e}"),
                    "check the path and its permissions",
                ));
                continue;
            }
        };
        match p.extension().and_then(|e| e.to_str()) {
            Some("toml") => match String::from_utf8(bytes) {
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
            Some("rs") => match String::from_utf8(bytes) {
                Ok(text) => rust.push(SourceFile { path: shown, text }),
                // Only a file that could hold a session type needs to be Rust.
                Err(e) if e.as_bytes().windows(12).any(|w| w == b"SessionState") => {
                    loaded.problems.push(problem(
                        &shown,
                        "source file is not UTF-8, so it cannot be Rust",
                        "save it as UTF-8",
                    ))
                }
                Err(_) => {}
            },
            _ => loaded.problems.push(problem(
                &shown,
                format!("`{shown}` is neither a Rust source (.rs) nor a schema snapshot (.toml)"),
                "pass a .rs file, a schema snapshot .toml, or a directory",
            )),
        }
    }
    let ex = extract::extract(&rust, opts);
    loaded.texts = rust;
    loaded.schemas.extend(ex.schemas);
    loaded.problems.extend(ex.problems);
    loaded
}
