//! Sources as they are at a git revision, read straight from the object store: one `rev-parse`
//! to pin the revision, one `ls-tree`, one `cat-file --batch` for every blob. No checkout, no
//! build, no hook or filter of the repository runs, and no shell is involved.

use crate::extract::SourceFile;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

pub struct Tree {
    pub rev: String,
    /// `.rs` sources, named `REV:path`.
    pub sources: Vec<SourceFile>,
    /// Snapshot `.toml` files under `session-schemas/`, named `REV:path`.
    pub snapshots: Vec<SourceFile>,
    /// `.rs` paths (relative to the directory read) whose content at REV is the working tree's:
    /// not read from git, the caller has them.
    pub unchanged: Vec<String>,
}

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    // Neither of these ever runs for the commands used here; pinned anyway.
    c.arg("-c")
        .arg("core.fsmonitor=false")
        .arg("-c")
        .arg("core.hooksPath=/dev/null");
    c.arg("-C").arg(dir);
    c.stdin(Stdio::null());
    c
}

fn run(mut c: Command) -> Result<Vec<u8>, String> {
    let out = c.output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(out.stdout)
}

pub fn read(dir: &Path, rev: &str) -> Result<Tree, String> {
    // The revision is data, never an option: `--end-of-options` before it, then only its hash is used.
    let mut c = git(dir);
    c.args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("{rev}^{{commit}}"));
    let sha = run(c).map_err(|e| format!("`{rev}` is not a commit in {}: {e}", dir.display()))?;
    let sha = String::from_utf8_lossy(&sha).trim().to_string();
    if sha.len() < 40 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{rev}` is not a commit in {}", dir.display()));
    }

    let mut c = git(dir);
    c.args(["rev-parse", "--show-prefix"]);
    let prefix = String::from_utf8_lossy(&run(c)?).trim().to_string();

    let mut c = git(dir);
    c.args(["ls-tree", "-r", "-z", "--full-tree"]).arg(&sha);
    if !prefix.is_empty() {
        c.arg("--").arg(&prefix);
    }
    let listing = run(c)?;
    let mut blobs: Vec<(String, String)> = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split_whitespace();
        let (_mode, kind, id) = (parts.next(), parts.next(), parts.next());
        if kind != Some("blob") {
            continue;
        }
        let wanted = path.ends_with(".rs")
            || (path.ends_with(".toml") && path.split('/').any(|c| c == "session-schemas"));
        let skipped = path
            .split('/')
            .any(|c| c == "target" || (c.starts_with('.') && c.len() > 1));
        if wanted && !skipped {
            blobs.push((id.unwrap_or_default().to_string(), path.to_string()));
        }
    }

    // Paths that differ between REV and the working tree; the rest need not be read from git.
    let mut c = git(dir);
    c.args([
        "diff",
        "--name-only",
        "-z",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        "--relative",
    ])
    .arg(&sha)
    .arg("--");
    let changed: std::collections::HashSet<String> = String::from_utf8_lossy(&run(c)?)
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(|p| format!("{prefix}{p}"))
        .collect();
    let mut unchanged = Vec::new();
    blobs.retain(|(_, path)| {
        let keep = !path.ends_with(".rs") || changed.contains(path);
        if !keep {
            unchanged.push(
                path.strip_prefix(prefix.as_str())
                    .unwrap_or(path)
                    .to_string(),
            );
        }
        keep
    });
    let contents = cat_blobs(dir, &blobs)?;
    let mut tree = Tree {
        rev: rev.to_string(),
        sources: Vec::new(),
        snapshots: Vec::new(),
        unchanged,
    };
    for ((_, path), bytes) in blobs.iter().zip(contents) {
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        let file = SourceFile {
            path: format!("{rev}:{path}"),
            text,
        };
        if path.ends_with(".rs") {
            tree.sources.push(file);
        } else {
            tree.snapshots.push(file);
        }
    }
    Ok(tree)
}

/// Every blob's content through one `git cat-file --batch`.
fn cat_blobs(dir: &Path, blobs: &[(String, String)]) -> Result<Vec<Vec<u8>>, String> {
    if blobs.is_empty() {
        return Ok(Vec::new());
    }
    let mut c = git(dir);
    c.args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let ids: Vec<String> = blobs.iter().map(|(id, _)| id.clone()).collect();
    // Written from another thread: git answers while it reads, and both pipes are bounded.
    let writer = std::thread::spawn(move || {
        for id in ids {
            if writeln!(stdin, "{id}").is_err() {
                break;
            }
        }
    });
    let mut out = BufReader::new(child.stdout.take().expect("piped"));
    let mut contents = Vec::with_capacity(blobs.len());
    let mut header = String::new();
    for (id, path) in blobs {
        header.clear();
        out.read_line(&mut header)
            .map_err(|e| format!("reading git cat-file: {e}"))?;
        let mut parts = header.split_whitespace();
        let (got, kind, size) = (parts.next(), parts.next(), parts.next());
        if got != Some(id.as_str()) || kind != Some("blob") {
            return Err(format!(
                "git cat-file answered `{}` for {path}",
                header.trim()
            ));
        }
        let size: usize = size
            .and_then(|s| s.parse().ok())
            .ok_or("git cat-file gave no size")?;
        let mut buf = vec![0; size + 1];
        out.read_exact(&mut buf)
            .map_err(|e| format!("reading git cat-file: {e}"))?;
        buf.pop();
        contents.push(buf);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(contents)
}
