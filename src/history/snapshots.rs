//! `session-schemas/<name>/v<N>.toml`: one file per released version, written atomically and
//! never changed silently.

use crate::extract::Problem;
use crate::schema::Schema;
use crate::snapshot;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const DEFAULT_DIR: &str = "session-schemas";

/// A format name as a directory name: names are user text, paths must stay inside the snapshot
/// directory.
pub fn dir_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.chars().all(|c| c == '.') {
        format!("_{s}")
    } else {
        s
    }
}

pub fn path_for(dir: &Path, s: &Schema) -> PathBuf {
    dir.join(dir_name(&s.name))
        .join(format!("v{}.toml", s.version))
}

/// Every snapshot below `dir` (missing directory: none).
pub fn read_all(dir: &Path, texts: &mut crate::sources::SourceMap) -> (Vec<Schema>, Vec<Problem>) {
    let mut schemas = Vec::new();
    let mut problems = Vec::new();
    let Ok(formats) = std::fs::read_dir(dir) else {
        return (schemas, problems);
    };
    let mut files: Vec<PathBuf> = formats
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .flat_map(|e| {
            std::fs::read_dir(e.path())
                .into_iter()
                .flatten()
                .filter_map(|f| f.ok())
                .map(|f| f.path())
        })
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for p in files {
        let shown = p.to_string_lossy().into_owned();
        match std::fs::read_to_string(&p) {
            Ok(text) => {
                match snapshot::parse(&shown, &text) {
                    Ok(s) => schemas.push(s),
                    Err(e) => problems.push(e),
                }
                texts.texts.insert(shown, text);
            }
            Err(e) => problems.push(crate::sources::problem(
                &shown,
                format!("cannot read snapshot: {e}"),
                "check the file",
            )),
        }
    }
    (schemas, problems)
}

/// Writes `text` to `path` so that a reader sees the old file or the new one, never a torn one:
/// a temporary file in the same directory, flushed to disk, then renamed over the target.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// What `snapshot` did with one version.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Written,
    Unchanged,
    /// The released schema differs; left as it was.
    Refused,
    Overwritten,
}

pub fn store(dir: &Path, s: &Schema, overwrite: bool) -> std::io::Result<(PathBuf, Outcome)> {
    let path = path_for(dir, s);
    let text = snapshot::to_toml(s);
    let outcome = match std::fs::read_to_string(&path) {
        Ok(existing) => {
            let same = snapshot::parse("", &existing)
                .map(|e| snapshot::to_toml(&e) == text)
                .unwrap_or(false);
            match (same, overwrite) {
                (true, _) => Outcome::Unchanged,
                (false, false) => Outcome::Refused,
                (false, true) => {
                    write_atomic(&path, &text)?;
                    Outcome::Overwritten
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            write_atomic(&path, &text)?;
            Outcome::Written
        }
        Err(e) => return Err(e),
    };
    Ok((path, outcome))
}
