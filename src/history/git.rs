//! A project as it is at git revisions, read straight from the object store: one `rev-parse` to
//! pin the revisions (or one `for-each-ref` for release tags), one `ls-tree` for the first, one
//! `diff-tree --stdin` for how each of the others differs from the one before, and one
//! `cat-file --batch` for the blobs that differ from the working tree: four processes however
//! many revisions. No checkout, no build, no shell.
//!
//! None of these commands applies `.gitattributes` (no clean/smudge filter, textconv or diff
//! driver), and whether a working-tree file equals its blob is decided here, by hashing its bytes
//! as git would with `--no-filters`, not by `git diff` (which re-hashes dirty files through the
//! repository's clean filter). Hooks, fsmonitor and lazy fetches are disabled explicitly.

use crate::extract::Problem;
use crate::project::{self, Project};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The longest one git command may run: `SESSIONLINT_GIT_TIMEOUT` seconds (the CI workflow's
/// to set), else five minutes. A repository is data: its object store can make git wait forever
/// (alternates on a dead network mount, a lazy fetch); the gate must end, and say why.
pub fn timeout() -> Duration {
    std::env::var("SESSIONLINT_GIT_TIMEOUT")
        .ok()
        .and_then(|t| t.parse::<u64>().ok())
        .map_or(Duration::from_secs(300), Duration::from_secs)
}

/// Kills a git process that outlives `timeout()`.
struct Watchdog {
    stop: mpsc::Sender<()>,
    fired: std::thread::JoinHandle<bool>,
}

impl Watchdog {
    fn start(child: &Child) -> Watchdog {
        let pid = child.id() as libc::pid_t;
        let (stop, rx) = mpsc::channel::<()>();
        let limit = timeout();
        let fired = std::thread::spawn(move || match rx.recv_timeout(limit) {
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // SAFETY: kill(2) on the pid of a child not yet waited for (the caller waits
                // only after `done`), so the pid cannot have been reused.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                true
            }
            _ => false,
        });
        Watchdog { stop, fired }
    }

    /// Stops the watchdog; whether it killed the process.
    fn done(self) -> bool {
        let _ = self.stop.send(());
        self.fired.join().unwrap_or(false)
    }
}

/// Reads a pipe to its end on a thread, keeping the first 64 KiB: git's stderr must be drained
/// or a chatty repository (thousands of missing alternates) fills the pipe and blocks git.
fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = (64usize << 10).saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
        kept
    })
}

/// What git said on stderr, as one short line for a message.
fn said(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let more = lines.len().saturating_sub(3);
    lines.truncate(3);
    let mut s = lines.join("; ");
    if more > 0 {
        s.push_str(&format!(" (and {more} more lines)"));
    }
    s
}

/// A git command for `dir` that can run no program the repository configures.
pub fn command(dir: &Path) -> Command {
    let mut c = Command::new("git");
    for setting in [
        "core.fsmonitor=false",
        "core.hooksPath=/dev/null",
        "core.attributesFile=/dev/null",
        "core.untrackedCache=false",
        "diff.external=",
        "core.pager=cat",
        "protocol.allow=never",
    ] {
        c.arg("-c").arg(setting);
    }
    c.arg("--no-replace-objects").arg("-C").arg(dir);
    c.env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .env_remove("GIT_PAGER");
    c.stdin(Stdio::null());
    c
}

/// Runs a git command to its end, within `timeout()`, both pipes drained; its stdout.
pub fn run(mut c: Command) -> Result<Vec<u8>, String> {
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("cannot run git: {e}"))?;
    let out = drain(child.stdout.take().expect("piped"));
    let err = drain(child.stderr.take().expect("piped"));
    let dog = Watchdog::start(&child);
    let (out, err) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    let fired = dog.done();
    let status = child.wait().map_err(|e| format!("git: {e}"))?;
    if fired {
        return Err(format!(
            "git did not finish within {} s and was stopped",
            timeout().as_secs()
        ));
    }
    if !status.success() {
        return Err(said(&err));
    }
    Ok(out)
}

/// One file of the revision below the project root.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: String,
    /// Known from `ls-tree`; a file listed from a diff has none until it is read.
    pub size: Option<u64>,
    /// Relative to the project root, `/`-separated.
    pub path: String,
    pub symlink: bool,
}

/// The revision's files below the project root, before any blob is read.
pub struct Listing {
    /// The revision as the user named it, and the commit it resolved to.
    pub rev: String,
    pub sha: String,
    pub entries: Vec<Entry>,
}

impl Listing {
    /// How a file of the revision is shown: `REV:path`.
    pub fn shown(&self, path: &str) -> String {
        format!("{}:{path}", self.rev)
    }
}

/// Pins `rev` and lists the files below `prefix` (the project root relative to the git top level)
/// at that commit.
pub fn list(dir: &Path, prefix: &str, rev: &str) -> Result<Listing, String> {
    // The revision is data, never an option: `--end-of-options` before it, then only its hash is used.
    let mut c = command(dir);
    c.args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("{rev}^{{commit}}"));
    let sha = run(c).map_err(|e| format!("`{rev}` is not a commit in {}: {e}", dir.display()))?;
    let sha = String::from_utf8_lossy(&sha).trim().to_string();
    if sha.len() < 40 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{rev}` is not a commit in {}", dir.display()));
    }
    let mut c = command(dir);
    c.args(["ls-tree", "-r", "-z", "-l", "--full-tree"])
        .arg(&sha);
    if !prefix.is_empty() {
        c.arg("--").arg(prefix);
    }
    let listing = run(c)?;
    let mut entries = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split_whitespace();
        let (mode, kind, id, size) = (parts.next(), parts.next(), parts.next(), parts.next());
        if kind != Some("blob") {
            continue;
        }
        let Some(rel) = path.strip_prefix(prefix) else {
            continue;
        };
        entries.push(Entry {
            id: id.unwrap_or_default().to_string(),
            size: size.and_then(|s| s.parse().ok()),
            path: rel.to_string(),
            symlink: mode == Some("120000"),
        });
    }
    Ok(Listing {
        rev: rev.to_string(),
        sha,
        entries,
    })
}

/// A revision pinned to its commit, named as the user or the tag names it.
#[derive(Clone, Debug)]
pub struct Rev {
    pub name: String,
    pub sha: String,
}

fn is_sha(s: &str) -> bool {
    s.len() >= 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Pins each revision to its commit with one `rev-parse`.
pub fn resolve(dir: &Path, revs: &[String]) -> Result<Vec<Rev>, String> {
    let mut c = command(dir);
    c.args(["rev-parse", "--end-of-options"]);
    for r in revs {
        c.arg(format!("{r}^{{commit}}"));
    }
    let out =
        run(c).map_err(|e| format!("a revision is not a commit in {}: {e}", dir.display()))?;
    // Without `--verify` rev-parse also echoes `--end-of-options`: keep the object names.
    let shas: Vec<String> = String::from_utf8_lossy(&out)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| l != "--end-of-options")
        .collect();
    if shas.len() != revs.len() || !shas.iter().all(|s| is_sha(s)) {
        return Err(format!(
            "not every revision is a commit in {}",
            dir.display()
        ));
    }
    Ok(revs
        .iter()
        .zip(shas)
        .map(|(name, sha)| Rev {
            name: name.clone(),
            sha,
        })
        .collect())
}

/// The tags matching `glob` (`v*`), oldest first, each pinned to its commit (annotated tags
/// peeled), with one `for-each-ref`.
pub fn tags(dir: &Path, glob: &str) -> Result<Vec<Rev>, String> {
    let mut c = command(dir);
    // The last `--sort` is the primary key: by date, and tags of one second by version order
    // (v2 before v10).
    c.args([
        "for-each-ref",
        "--sort=v:refname",
        "--sort=creatordate",
        "--format=%(refname:strip=2)%00%(objectname)%00%(objecttype)%00%(*objectname)%00%(*objecttype)",
    ])
    .arg(format!("refs/tags/{glob}"));
    let out = run(c)?;
    let mut tags = Vec::new();
    for line in String::from_utf8_lossy(&out).lines() {
        let mut parts = line.split('\0');
        let (name, object, kind, peeled, peeled_kind) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        );
        let (sha, kind) = match peeled {
            Some(p) if !p.is_empty() => (p, peeled_kind),
            _ => (object.unwrap_or_default(), kind),
        };
        if kind != Some("commit") {
            return Err(format!(
                "tag `{}` points at a {}, not a commit: it names no release to read",
                name.unwrap_or_default(),
                kind.unwrap_or("nothing")
            ));
        }
        if let (Some(name), true) = (name, is_sha(sha)) {
            tags.push(Rev {
                name: name.to_string(),
                sha: sha.to_string(),
            });
        }
    }
    Ok(tags)
}

/// Lists the files below `prefix` at each revision: `ls-tree` for the first, then one
/// `diff-tree --stdin` for what each next revision changed, applied to the listing before it.
pub fn list_all(dir: &Path, prefix: &str, revs: &[Rev]) -> Result<Vec<Listing>, String> {
    let Some(first) = revs.first() else {
        return Ok(Vec::new());
    };
    let mut base = list(dir, prefix, &first.sha)?;
    base.rev = first.name.clone();
    let mut out = vec![base];
    if revs.len() == 1 {
        return Ok(out);
    }
    let mut c = command(dir);
    c.args([
        "diff-tree",
        "-r",
        "-z",
        "--no-abbrev",
        "--no-renames",
        "--always",
        "--stdin",
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let err = drain(child.stderr.take().expect("piped"));
    let dog = Watchdog::start(&child);
    // `<commit> <parent>`: each revision against the one before it.
    let lines: Vec<String> = revs
        .windows(2)
        .map(|w| format!("{} {}", w[1].sha, w[0].sha))
        .collect();
    let writer = std::thread::spawn(move || {
        for l in lines {
            if writeln!(stdin, "{l}").is_err() {
                break;
            }
        }
    });
    let mut raw = Vec::new();
    let read = child.stdout.take().expect("piped").read_to_end(&mut raw);
    let _ = writer.join();
    let fired = dog.done();
    let status = child.wait().map_err(|e| format!("git diff-tree: {e}"))?;
    let err = err.join().unwrap_or_default();
    let names = || names_of(revs);
    if fired {
        return Err(format!(
            "git diff-tree did not finish within {} s listing {}, and was stopped",
            timeout().as_secs(),
            names()
        ));
    }
    read.map_err(|e| format!("reading git diff-tree for {}: {e}", names()))?;
    if !status.success() {
        return Err(format!(
            "git diff-tree failed for {}: {}",
            names(),
            said(&err)
        ));
    }
    let changes = parse_diff_tree(&raw, prefix);
    // `--always` prints a header for every pair, empty diffs included: anything else is an
    // answer this reading does not understand.
    if changes.len() != revs.len() - 1 {
        return Err(format!(
            "git diff-tree answered {} diffs for the {} revisions {}: {}",
            changes.len(),
            revs.len() - 1,
            names(),
            said(&err)
        ));
    }
    for (rev, change) in revs[1..].iter().zip(changes) {
        let next = changed(out.last().expect("the first listing"), rev, change);
        out.push(next);
    }
    Ok(out)
}

/// The listing of `rev`: the one before it with `change` applied.
fn changed(prev: &Listing, rev: &Rev, change: Vec<(String, Option<Entry>)>) -> Listing {
    let mut by_path: std::collections::BTreeMap<String, Entry> = prev
        .entries
        .iter()
        .map(|e| (e.path.clone(), e.clone()))
        .collect();
    for (path, entry) in change {
        match entry {
            Some(e) => by_path.insert(path, e),
            None => by_path.remove(&path),
        };
    }
    Listing {
        rev: rev.name.clone(),
        sha: rev.sha.clone(),
        entries: by_path.into_values().collect(),
    }
}

/// Revision names for a message: all of them, or the first three and the last.
fn names_of(revs: &[Rev]) -> String {
    let n: Vec<&str> = revs.iter().map(|r| r.name.as_str()).collect();
    if n.len() > 6 {
        format!(
            "{} … {} ({} revisions)",
            n[..3].join(", "),
            n[n.len() - 1],
            n.len()
        )
    } else {
        n.join(", ")
    }
}

/// One change list per revision pair from `diff-tree -r -z --always --stdin`: each path under
/// `prefix` (relative to it) with its new entry, or `None` where it was deleted.
#[allow(clippy::type_complexity)]
fn parse_diff_tree(raw: &[u8], prefix: &str) -> Vec<Vec<(String, Option<Entry>)>> {
    let mut fields = raw
        .split(|b| *b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut changes: Vec<Vec<(String, Option<Entry>)>> = Vec::new();
    while let Some(f) = fields.next() {
        if f.is_empty() {
            continue;
        }
        if !f.starts_with(':') {
            // The header of the next revision's diff.
            changes.push(Vec::new());
            continue;
        }
        let path = fields.next().unwrap_or_default();
        let mut meta = f[1..].split_whitespace();
        let (_, new_mode, _, new_id) = (meta.next(), meta.next(), meta.next(), meta.next());
        let Some(rel) = path.strip_prefix(prefix) else {
            continue;
        };
        let entry = match (new_mode, new_id) {
            (Some(m), Some(id)) if m != "000000" && m != "160000" => Some(Entry {
                id: id.to_string(),
                size: None,
                path: rel.to_string(),
                symlink: m == "120000",
            }),
            _ => None,
        };
        if let Some(c) = changes.last_mut() {
            c.push((rel.to_string(), entry));
        }
    }
    changes
}

/// The contents of the blobs `ids` through one `git cat-file --batch`, by id; `shown` names each
/// id's first file in errors.
pub fn read_ids(
    dir: &Path,
    ids: &[(String, String)],
) -> Result<std::collections::HashMap<String, Vec<u8>>, String> {
    let mut found = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let mut c = command(dir);
    c.args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let err = drain(child.stderr.take().expect("piped"));
    let dog = Watchdog::start(&child);
    let list: Vec<String> = ids.iter().map(|(id, _)| id.clone()).collect();
    let writer = std::thread::spawn(move || {
        for id in list {
            if writeln!(stdin, "{id}").is_err() {
                break;
            }
        }
    });
    let mut out = BufReader::new(child.stdout.take().expect("piped"));
    let read = read_batch(&mut out, ids, &mut found);
    // Whatever happened, the process ends: killed if it still runs, then waited for.
    let _ = child.kill();
    let _ = writer.join();
    let fired = dog.done();
    let _ = child.wait();
    let err = err.join().unwrap_or_default();
    if fired {
        return Err(format!(
            "git cat-file did not finish within {} s reading {}, and was stopped",
            timeout().as_secs(),
            ids.first().map_or("", |(_, s)| s.as_str())
        ));
    }
    read.map_err(|e| {
        let said = said(&err);
        if said.is_empty() {
            e
        } else {
            format!("{e}; git said: {said}")
        }
    })?;
    Ok(found)
}

/// Reads `cat-file --batch` answers for `ids`, in order.
fn read_batch(
    out: &mut impl BufRead,
    ids: &[(String, String)],
    found: &mut std::collections::HashMap<String, Vec<u8>>,
) -> Result<(), String> {
    let mut header = String::new();
    for (id, shown) in ids {
        header.clear();
        out.read_line(&mut header)
            .map_err(|err| format!("reading git cat-file: {err}"))?;
        let mut parts = header.split_whitespace();
        let (got, kind, size) = (parts.next(), parts.next(), parts.next());
        if got != Some(id.as_str()) || kind != Some("blob") {
            return Err(format!(
                "git cat-file answered `{}` for {shown}",
                header.trim()
            ));
        }
        let size: u64 = size
            .and_then(|s| s.parse().ok())
            .ok_or("git cat-file gave no size")?;
        if size > crate::project::MAX_FILE {
            return Err(format!(
                "{shown} is {size} bytes, more than the {} MiB limit",
                crate::project::MAX_FILE >> 20
            ));
        }
        let mut buf = vec![0; size as usize + 1];
        out.read_exact(&mut buf)
            .map_err(|err| format!("reading git cat-file: {err}"))?;
        buf.pop();
        found.insert(id.clone(), buf);
    }
    Ok(())
}

/// The id git gives these bytes as a blob (SHA-1 object format), computed in-process.
pub fn blob_id(bytes: &[u8]) -> String {
    use sha1::Digest;
    // RustCrypto's SHA-1 uses the CPU's SHA extensions where there are any: a baseline hashes
    // every unchanged source of the working tree.
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `bytes` (a working-tree file) are the blob `e`, as `git diff --no-filters` would say.
pub fn same_blob(e: &Entry, bytes: &[u8]) -> bool {
    // Only SHA-1 repositories can be compared here; others read every blob.
    e.id.len() == 40 && e.size.is_none_or(|s| s == bytes.len() as u64) && blob_id(bytes) == e.id
}

/// What git ignores below `dir` (paths relative to `dir`; directories without their slash), or
/// `None` outside a git work tree.
fn ignored(dir: &Path, project: &Project) -> Result<Option<HashSet<PathBuf>>, Problem> {
    if project.git_top.is_none() {
        return Ok(None);
    }
    let mut c = command(dir);
    c.args([
        "ls-files",
        "-z",
        "--others",
        "--ignored",
        "--exclude-standard",
        "--directory",
        "--no-empty-directory",
    ]);
    let out = run(c).map_err(|e| {
        project::problem(
            &project::display(dir),
            format!("cannot ask git which files it ignores: {e}"),
            "run sessionlint where `git` is installed, or from outside the work tree",
        )
    })?;
    Ok(Some(
        out.split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| {
                let s = String::from_utf8_lossy(p);
                PathBuf::from(s.trim_end_matches('/'))
            })
            .collect(),
    ))
}

/// `project::walk` below `dir`, leaving out what git ignores there.
pub fn walk(
    dir: &Path,
    project: &Project,
    wanted: &dyn Fn(&Path) -> bool,
    problems: &mut Vec<Problem>,
) -> Vec<PathBuf> {
    match ignored(dir, project) {
        Ok(i) => project::walk(dir, project, i.as_ref(), wanted, problems),
        Err(p) => {
            problems.push(p);
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            super::blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }
}
