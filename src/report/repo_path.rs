//! Paths as code hosts place them: relative to the repository root, with `/` and no `./`,
//! whatever directory sessionlint ran in. GitHub shows an annotation on the diff only for such a
//! path; SARIF and GitLab's code quality report resolve their paths the same way.
//!
//! The root is `$GITHUB_WORKSPACE` (or `$CI_PROJECT_DIR` on GitLab) when the working directory
//! is inside it, else the nearest directory above with a `.git` entry. Both come from the CI
//! runner or the file system; git itself is never run for it.

use std::path::{Component, Path, PathBuf};

/// The repository root for the current directory, if one is found.
pub fn root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    for var in ["GITHUB_WORKSPACE", "CI_PROJECT_DIR"] {
        if let Some(w) = std::env::var_os(var).filter(|w| !w.is_empty()) {
            let w = normalise(&cwd.join(w));
            if cwd.starts_with(&w) {
                return Some(w);
            }
        }
    }
    cwd.ancestors()
        .find(|d| d.join(".git").symlink_metadata().is_ok())
        .map(Path::to_path_buf)
}

/// `file` (as reported: relative to the current directory, or absolute) relative to `root`, or
/// as it stands without `./` when it lies outside it (or no root is known).
pub fn relative(file: &str, root: Option<&Path>) -> String {
    let bare = file.strip_prefix("./").unwrap_or(file).replace('\\', "/");
    let (Some(root), Ok(cwd)) = (root, std::env::current_dir()) else {
        return bare;
    };
    let abs = normalise(&cwd.join(file));
    match abs.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().replace('\\', "/"),
        _ => bare,
    }
}

/// `..` and `.` resolved lexically (no link is followed).
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_the_root_lexically() {
        let cwd = std::env::current_dir().unwrap();
        let root = cwd.parent().unwrap().to_path_buf();
        let here = cwd.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(
            relative("./src/ticket.rs", Some(&root)),
            format!("{here}/src/ticket.rs")
        );
        assert_eq!(relative("src/../a.rs", Some(&cwd)), "a.rs");
        // Outside the root: as given, without `./`.
        assert_eq!(relative("./x.rs", Some(Path::new("/nowhere"))), "x.rs");
        assert_eq!(relative("./x.rs", None), "x.rs");
    }
}
