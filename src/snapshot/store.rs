//! `session-schemas/<name>/v<N>.toml`: one file per released version, written atomically and
//! never changed silently.

use super as snapshot;
use crate::extract::Problem;
use crate::project::Project;
use crate::schema::Schema;
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

/// Whether `schemas` can be written as snapshots, one file each: a version with several shapes
/// (cfg options nothing decides) has no one schema to record, and two format names that map to
/// one directory (`sub/dir`, `sub_dir`) would write one file for two versions.
pub fn storable(dir: &Path, schemas: &[Schema]) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    let mut by_path: std::collections::BTreeMap<PathBuf, &Schema> = Default::default();
    for s in schemas {
        if let Some(b) = &s.build {
            let message = format!(
                "`{}` v{} has several shapes (this one is built with {b}): a snapshot records one schema per version",
                s.name, s.version
            );
            let help = "decide the cfg options the session type depends on in the configuration (`cfg`, `targets`), so that the released build has one schema";
            problems.push(Problem::new(s.origin.clone(), message, Some(help.into())));
            continue;
        }
        let p = path_for(dir, s);
        match by_path.get(&p) {
            Some(first) if first.name != s.name => {
                let message = format!(
                    "formats `{}` and `{}` would both be recorded as {}",
                    first.name,
                    s.name,
                    p.display()
                );
                let help = "give the formats names that differ in letters, digits, `-`, `_` or `.` (other characters become `_` in snapshot paths)";
                problems.push(Problem::new(s.origin.clone(), message, Some(help.into())));
            }
            _ => {
                by_path.insert(p, s);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Every snapshot below `dir` (a missing directory holds none). The directory is part of the
/// repository: read through `project`, and an unreadable part of it is a problem, not a skip.
pub fn read_all(
    dir: &Path,
    project: &Project,
    texts: &mut crate::report::SourceMap,
) -> (Vec<Schema>, Vec<Problem>) {
    let mut schemas = Vec::new();
    let mut problems = Vec::new();
    if dir.symlink_metadata().is_err() {
        return (schemas, problems);
    }
    let toml = |p: &Path| p.extension().is_some_and(|x| x == "toml");
    for p in crate::history::git::walk(dir, project, &toml, &mut problems) {
        let shown = p.to_string_lossy().into_owned();
        match crate::project::read_text(&p, &project.canon, "snapshot") {
            Ok(Some(text)) => {
                match snapshot::parse(&shown, &text) {
                    Ok(s) => schemas.push(s),
                    Err(e) => problems.push(e),
                }
                texts.texts.insert(shown, text);
            }
            Ok(None) => {}
            Err(e) => problems.push(e),
        }
    }
    (schemas, problems)
}

/// A name no other process can guess: the temporary file is created exclusively under it.
fn unpredictable_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    format!("{:016x}", h.finish())
}

/// Writes `text` to `path` so that a reader sees the old file or the new one, never a torn one:
/// a temporary file created exclusively (`O_EXCL`, `O_NOFOLLOW`, an unpredictable name) in the
/// same directory, flushed to disk, then renamed over the target. A planted file or symlink at
/// the temporary name makes the create fail; it is never written through.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", unpredictable_name()));
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .mode(0o644);
    }
    let mut f = o.open(&tmp)?;
    let result = (|| {
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The snapshot directory, made safe to write: it must resolve inside the project root, and no
/// part of it below the root may be a symlink (a planted `session-schemas -> /etc` would
/// otherwise redirect the writes). Missing directories are created one by one.
pub fn prepare_dir(dir: &Path, project: &Project) -> Result<(), String> {
    let rel = dir.strip_prefix(&project.root).map_err(|_| {
        format!(
            "the snapshot directory {} is not inside the project root {}",
            dir.display(),
            project.root.display()
        )
    })?;
    let mut at = project.canon.clone();
    for c in rel.components() {
        match c {
            std::path::Component::Normal(n) => at.push(n),
            std::path::Component::CurDir => continue,
            _ => {
                return Err(format!(
                    "the snapshot directory {} leaves the project root",
                    dir.display()
                ))
            }
        }
        match at.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!(
                    "{} is a symlink; snapshots are written only to real directories inside the project root",
                    at.display()
                ))
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(format!("{} is not a directory", at.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&at).map_err(|e| format!("cannot create {}: {e}", at.display()))?
            }
            Err(e) => return Err(format!("cannot inspect {}: {e}", at.display())),
        }
    }
    Ok(())
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

pub fn store(
    dir: &Path,
    project: &Project,
    s: &Schema,
    overwrite: bool,
) -> Result<(PathBuf, Outcome), String> {
    prepare_dir(dir, project)?;
    let path = path_for(dir, s);
    prepare_dir(path.parent().unwrap_or(dir), project)?;
    let text = snapshot::to_toml(s);
    let io = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let existing =
        crate::project::read_text(&path, &project.canon, "snapshot").map_err(|p| p.message)?;
    let outcome = match existing {
        Some(existing) => {
            let same = snapshot::parse("", &existing)
                .map(|e| snapshot::to_toml(&e) == text)
                .unwrap_or(false);
            match (same, overwrite) {
                (true, _) => Outcome::Unchanged,
                (false, false) => Outcome::Refused,
                (false, true) => {
                    write_atomic(&path, &text).map_err(io)?;
                    Outcome::Overwritten
                }
            }
        }
        None => {
            write_atomic(&path, &text).map_err(io)?;
            Outcome::Written
        }
    };
    Ok((path, outcome))
}
