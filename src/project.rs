//! The project under review, as untrusted data: where its root is, which of its files are read,
//! and how. Every read of the repository goes through here, so that one place holds the rules:
//! - the root is found the way cargo finds a workspace (nearest ancestor with a sessionlint
//!   configuration), never past the git top level;
//! - a symlink is followed only when it resolves inside the root; a FIFO, socket or device is
//!   never opened for reading (`O_NONBLOCK`, then `fstat`), so the walk cannot hang;
//! - what git ignores is skipped, as git decides it (`git ls-files --ignored`): a tracked file is
//!   read even if a `.gitignore` of the pull request names it;
//! - file sizes are bounded: a file too large to analyse is bad input if it may hold a session
//!   type, and skipped if it cannot (decided by streaming it through the prefilter).

use crate::extract::{scan, Problem};
use crate::schema::Origin;
use serde::Deserialize;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The largest source or schema file analysed; larger ones are streamed through the prefilter.
pub const MAX_FILE: u64 = 32 << 20;
/// The most source text one run keeps in memory (about three million lines of Rust).
pub const MAX_TOTAL: u64 = 128 << 20;

/// The project root and how paths below it are shown.
#[derive(Clone, Debug)]
pub struct Project {
    /// The root as shown to users (relative to the working directory where possible).
    pub root: PathBuf,
    /// Its canonical form: every read must resolve below it.
    pub canon: PathBuf,
    /// The git work tree's top level, when the root is inside one.
    pub git_top: Option<PathBuf>,
}

pub fn problem(file: &str, message: impl Into<String>, help: impl Into<String>) -> Problem {
    Problem::new(
        Origin::new(file.to_string(), 0, 0, 0),
        message.into(),
        Some(help.into()),
    )
}

pub fn display(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// `p` without `.` components, so that shown paths read like the ones users typed.
pub fn tidy(p: &Path) -> PathBuf {
    let t: PathBuf = p
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if t.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        t
    }
}

/// How `target` is shown from `cwd`: relative when it is below it, else `..` steps, else absolute.
fn shown_from(cwd: &Path, target: &Path) -> PathBuf {
    let (a, b): (Vec<_>, Vec<_>) = (cwd.components().collect(), target.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return target.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    tidy(&out)
}

/// Whether `dir` holds a sessionlint configuration: `sessionlint.toml`, or a `Cargo.toml` with
/// `[package.metadata.sessionlint]` or `[workspace.metadata.sessionlint]`.
fn has_config(dir: &Path) -> bool {
    if dir.join("sessionlint.toml").symlink_metadata().is_ok() {
        return true;
    }
    match read_plain(&dir.join("Cargo.toml")) {
        Some(text) => manifest_table(&text).is_some(),
        None => false,
    }
}

/// A small file read for root discovery only (a manifest); anything odd counts as absent.
fn read_plain(p: &Path) -> Option<String> {
    let meta = p.symlink_metadata().ok()?;
    if !meta.file_type().is_file() || meta.len() > MAX_FILE {
        return None;
    }
    std::fs::read_to_string(p).ok()
}

impl Project {
    /// The project that `path` (a file or directory) belongs to.
    pub fn find(path: &Path) -> Result<Project, Problem> {
        if path.symlink_metadata().is_err() {
            return Err(problem(
                &display(path),
                format!("`{}` does not exist", display(path)),
                "pass a .rs file, a schema .toml, or a directory",
            ));
        }
        let start = if path.is_dir() {
            path.to_path_buf()
        } else {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("."))
        };
        let canon_start = start.canonicalize().map_err(|e| {
            problem(
                &display(path),
                format!("cannot resolve `{}`: {e}", display(path)),
                "pass a .rs file, a schema file, or a directory that exists",
            )
        })?;
        let git_top = canon_start
            .ancestors()
            .find(|a| a.join(".git").symlink_metadata().is_ok())
            .map(Path::to_path_buf);
        let within = |a: &Path| git_top.as_deref().is_none_or(|t| a.starts_with(t));
        let configured = canon_start
            .ancestors()
            .take_while(|a| within(a))
            .find(|a| has_config(a))
            .map(Path::to_path_buf);
        // Else the nearest cargo package (or holder of snapshots), else the path itself.
        let canon = configured.unwrap_or_else(|| {
            canon_start
                .ancestors()
                .take_while(|a| within(a))
                .find(|a| a.join("Cargo.toml").is_file() || a.join("session-schemas").is_dir())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| canon_start.clone())
        });
        let root = if canon == canon_start {
            tidy(&start)
        } else {
            match std::env::current_dir().and_then(|c| c.canonicalize()) {
                Ok(cwd) => shown_from(&cwd, &canon),
                Err(_) => canon.clone(),
            }
        };
        Ok(Project {
            root,
            canon,
            git_top,
        })
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum Refusal {
    Io(std::io::Error),
    /// A symlink (or a path through one) that resolves outside the project root.
    OutsideRoot,
    /// A FIFO, socket, device or directory where a file was expected.
    NotRegular,
    /// Larger than `MAX_FILE`; whether its bytes may hold a session item.
    TooLarge {
        size: u64,
        may_hold_session: bool,
    },
    /// Not read: the run already holds `MAX_TOTAL` bytes of sources.
    OverBudget,
}

impl Refusal {
    pub fn into_problem(self, shown: &str, what: &str) -> Problem {
        match self {
            Refusal::Io(e) => problem(
                shown,
                format!("cannot read {what}: {e}"),
                "make it readable by the user running sessionlint, or remove it; an unread input fails the check",
            ),
            Refusal::OutsideRoot => problem(
                shown,
                format!("{what} is a symlink that leads outside the project root; it was not read"),
                "replace the symlink with the file itself; sessionlint never follows a link out of the repository",
            ),
            Refusal::NotRegular => problem(
                shown,
                format!("{what} is not a regular file; it was not read"),
                "remove it, or move it out of the scanned paths",
            ),
            Refusal::OverBudget => problem(
                shown,
                format!("{what} was not read: the run already holds {} MiB of sources", MAX_TOTAL >> 20),
                "narrow `paths` in the configuration to the crates that define session types",
            ),
            Refusal::TooLarge { size, .. } => problem(
                shown,
                format!(
                    "{what} is {size} bytes, more than the {} MiB limit, and may hold a session type",
                    MAX_FILE >> 20
                ),
                "split the file, or move generated code out of the scanned paths",
            ),
        }
    }
}

/// Opens a file of the repository for reading: no symlink out of `root`, nothing but a regular
/// file, and nothing that blocks on open.
fn open(p: &Path, root: &Path) -> Result<(std::fs::File, u64), Refusal> {
    // The common case costs one open: a plain path whose last part is no symlink
    // (`O_NOFOLLOW` fails with ELOOP on one, and only then is the link resolved and checked).
    let f = if is_plain_path(p) {
        match open_flags(p) {
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => open_resolved(p, root)?,
            other => other.map_err(Refusal::Io)?,
        }
    } else {
        open_resolved(p, root)?
    };
    let meta = f.metadata().map_err(Refusal::Io)?;
    if !meta.file_type().is_file() {
        return Err(Refusal::NotRegular);
    }
    Ok((f, meta.len()))
}

/// Opens the canonical form of `p`, which must lie inside `root`.
fn open_resolved(p: &Path, root: &Path) -> Result<std::fs::File, Refusal> {
    let c = p.canonicalize().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            // A dangling link: where it points is not ours to say.
            Refusal::OutsideRoot
        } else {
            Refusal::Io(e)
        }
    })?;
    if !c.starts_with(root) {
        return Err(Refusal::OutsideRoot);
    }
    open_flags(&c).map_err(|e| {
        if e.raw_os_error() == Some(libc::ELOOP) {
            Refusal::OutsideRoot
        } else {
            Refusal::Io(e)
        }
    })
}

/// Read-only, never through a final symlink, never blocking (a FIFO opens and is then refused
/// by `fstat`), never inherited by a child process.
fn open_flags(p: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_CLOEXEC);
    }
    o.open(p)
}

/// A path with no `..` component: its parents were walked, not guessed.
fn is_plain_path(p: &Path) -> bool {
    !p.components().any(|c| matches!(c, Component::ParentDir))
}

/// Reads a whole file of the repository (see `open`), up to `MAX_FILE` bytes. A larger file is
/// streamed through the session prefilter so that the caller can skip it when it cannot matter.
pub fn read(p: &Path, root: &Path, markers: &scan::Markers) -> Result<Vec<u8>, Refusal> {
    let (mut f, len) = open(p, root)?;
    if len > MAX_FILE {
        return Err(Refusal::TooLarge {
            size: len,
            may_hold_session: stream_may_hold_session(&mut f, markers).map_err(Refusal::Io)?,
        });
    }
    let mut buf = Vec::with_capacity(len as usize);
    // A file that grows while it is read is read only as far as the limit.
    f.take(MAX_FILE + 1)
        .read_to_end(&mut buf)
        .map_err(Refusal::Io)?;
    if buf.len() as u64 > MAX_FILE {
        return Err(Refusal::TooLarge {
            size: buf.len() as u64,
            may_hold_session: true,
        });
    }
    Ok(buf)
}

/// The prefilter over a file in 8 MiB windows that overlap by more than any marker's length.
fn stream_may_hold_session(
    f: &mut std::fs::File,
    markers: &scan::Markers,
) -> std::io::Result<bool> {
    const WINDOW: usize = 8 << 20;
    let overlap = markers
        .derives
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max(16)
        + 1;
    let mut buf = vec![0u8; WINDOW + overlap];
    let mut kept = 0;
    loop {
        let n = f.read(&mut buf[kept..])?;
        if n == 0 {
            return Ok(false);
        }
        let filled = kept + n;
        if scan::may_hold_session(&buf[..filled], markers) {
            return Ok(true);
        }
        kept = overlap.min(filled);
        buf.copy_within(filled - kept..filled, 0);
    }
}

/// Reads a small text file of the repository (configuration, schema); `None` when it does not
/// exist.
pub fn read_text(p: &Path, root: &Path, what: &str) -> Result<Option<String>, Problem> {
    match p.symlink_metadata() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        _ => {}
    }
    let shown = display(p);
    let bytes = read(p, root, &scan::Markers::default()).map_err(|r| match r {
        Refusal::TooLarge { size, .. } => problem(
            &shown,
            format!(
                "{what} is {size} bytes, more than the {} MiB limit",
                MAX_FILE >> 20
            ),
            "a configuration or schema file is small; check what this file is",
        ),
        r => r.into_problem(&shown, what),
    })?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| problem(&shown, format!("{what} is not UTF-8"), "save it as UTF-8"))
}

/// Whether a directory is a cargo build directory (outside git, where no `.gitignore` says so).
fn is_cargo_target(dir: &Path) -> bool {
    dir.join("CACHEDIR.TAG").is_file() && dir.join(".rustc_info.json").is_file()
        || dir.join("CACHEDIR.TAG").is_file() && dir.file_name().is_some_and(|n| n == "target")
}

/// Every path below `dir` that `wanted` selects, in a stable order. Paths in `ignored` (what git
/// ignores, relative to `dir`: `history::git::walk` asks it) are not entered; outside git, cargo
/// build directories are not. Symlinked directories are entered only when they resolve inside the root (each
/// directory once, by its canonical path); anything that cannot be listed is a problem.
pub fn walk(
    dir: &Path,
    project: &Project,
    ignored: Option<&HashSet<PathBuf>>,
    wanted: &dyn Fn(&Path) -> bool,
    problems: &mut Vec<Problem>,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    // Symlinked files, by where they lead: one that leads to a file the walk also reads is the
    // same file, not a second claim to its contents.
    let mut links: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        match d.canonicalize() {
            Ok(c) if !c.starts_with(&project.canon) => {
                problems.push(Refusal::OutsideRoot.into_problem(&display(&d), "directory"));
                continue;
            }
            Ok(c) => {
                if !seen.insert(c) {
                    continue;
                }
            }
            Err(e) => {
                problems.push(Refusal::Io(e).into_problem(&display(&d), "directory"));
                continue;
            }
        }
        let Some(children) = children_of(&d, problems) else {
            continue;
        };
        for (p, ft) in children.into_iter().rev() {
            let rel = p.strip_prefix(dir).unwrap_or(&p);
            if p.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if ignored.is_some_and(|i| i.contains(rel)) {
                continue;
            }
            let ft = match ft {
                Ok(ft) => ft,
                Err(e) => {
                    problems.push(Refusal::Io(e).into_problem(&display(&p), "file"));
                    continue;
                }
            };
            let is_dir = ft.is_dir() || (ft.is_symlink() && p.is_dir());
            if is_dir {
                if ignored.is_none() && is_cargo_target(&p) {
                    continue;
                }
                stack.push(p);
            } else if wanted(&p) {
                if ft.is_symlink() {
                    if let Ok(c) = p.canonicalize() {
                        links.push((p.clone(), c));
                    }
                }
                out.push(p);
            }
        }
    }
    drop_links_to_read_files(&mut out, links);
    out.sort();
    out
}

/// A directory's entries, sorted; `None` (reported) when it cannot be read.
#[allow(clippy::type_complexity)]
fn children_of(
    d: &Path,
    problems: &mut Vec<Problem>,
) -> Option<Vec<(PathBuf, std::io::Result<std::fs::FileType>)>> {
    let entries = match std::fs::read_dir(d) {
        Ok(e) => e,
        Err(e) => {
            problems.push(Refusal::Io(e).into_problem(&display(d), "directory"));
            return None;
        }
    };
    let mut children = Vec::new();
    for e in entries {
        match e {
            Ok(e) => children.push((e.path(), e.file_type())),
            Err(e) => problems.push(Refusal::Io(e).into_problem(&display(d), "directory")),
        }
    }
    children.sort_by(|a, b| a.0.cmp(&b.0));
    Some(children)
}

/// Symlinked files that lead to a file the walk also reads: the same file, not a second claim
/// to its contents.
fn drop_links_to_read_files(out: &mut Vec<PathBuf>, links: Vec<(PathBuf, PathBuf)>) {
    if !links.is_empty() {
        let link_paths: HashSet<&PathBuf> = links.iter().map(|(p, _)| p).collect();
        let real: HashSet<PathBuf> = out
            .iter()
            .filter(|p| !link_paths.contains(p))
            .filter_map(|p| p.canonicalize().ok())
            .collect();
        let twice: HashSet<PathBuf> = links
            .into_iter()
            .filter(|(_, c)| real.contains(c))
            .map(|(p, _)| p)
            .collect();
        out.retain(|p| !twice.contains(p));
    }
}

#[derive(Deserialize)]
struct CargoManifest {
    package: Option<CargoPackage>,
    workspace: Option<CargoPackage>,
}

#[derive(Deserialize)]
struct CargoPackage {
    metadata: Option<CargoMetadata>,
}

/// The `[package.metadata.sessionlint]` or `[workspace.metadata.sessionlint]` table of a manifest.
pub fn manifest_table(text: &str) -> Option<(toml::Value, &'static str)> {
    let m = toml::from_str::<CargoManifest>(text).ok()?;
    let table = |p: Option<CargoPackage>| p.and_then(|p| p.metadata).and_then(|m| m.sessionlint);
    table(m.package)
        .map(|t| (t, "package"))
        .or_else(|| table(m.workspace).map(|t| (t, "workspace")))
}

#[derive(Deserialize)]
struct CargoMetadata {
    sessionlint: Option<toml::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_paths_are_relative_to_the_working_directory() {
        assert_eq!(
            shown_from(Path::new("/a/b/c"), Path::new("/a/b")),
            PathBuf::from("..")
        );
        assert_eq!(
            shown_from(Path::new("/a/b"), Path::new("/a/b/c/d")),
            PathBuf::from("c/d")
        );
        assert_eq!(
            shown_from(Path::new("/a/x"), Path::new("/a/y/z")),
            PathBuf::from("../y/z")
        );
        assert_eq!(tidy(Path::new("./a/./b")), PathBuf::from("a/b"));
    }
}
