#![allow(dead_code)]
//! Running the built binaries the way users do.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Standard output as a JSON document; output that is not JSON fails the test, showing both
    /// streams.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", self.stdout, self.stderr))
    }

    /// The rule id of each finding of a JSON report, in the report's order.
    pub fn rule_ids(&self) -> Vec<String> {
        rule_ids(&self.json())
    }
}

/// The findings of a JSON report (none when it has no `findings`, as a bad-input document).
pub fn findings(doc: &serde_json::Value) -> Vec<serde_json::Value> {
    doc["findings"].as_array().cloned().unwrap_or_default()
}

/// The rule id of each finding of a JSON report, in the report's order.
pub fn rule_ids(doc: &serde_json::Value) -> Vec<String> {
    findings(doc)
        .iter()
        .map(|f| {
            f["rule"]
                .as_str()
                .expect("a finding names its rule")
                .to_string()
        })
        .collect()
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sessionlint(args: &[&str], cwd: &Path) -> Run {
    run(env!("CARGO_BIN_EXE_sessionlint"), args, cwd)
}

pub fn run(bin: &str, args: &[&str], cwd: &Path) -> Run {
    let out = Command::new(bin)
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A validator for SARIF 2.1.0 (tests/sarif-schema-2.1.0.json, the OASIS schema as shipped in
/// the MIT-licensed serde-sarif 0.8.0 crate).
pub fn sarif_validator() -> jsonschema::Validator {
    let mut schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    // The OASIS schema's `language` patterns have an unescaped `]`, which ECMA-262 reads as a
    // literal and Rust's regex engines reject; escape it, meaning unchanged.
    fn escape(v: &mut serde_json::Value, n: &mut usize) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "pattern" && x == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                        *x = serde_json::json!("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$");
                        *n += 1;
                    } else {
                        escape(x, n);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| escape(x, n)),
            _ => {}
        }
    }
    let mut patched = 0;
    escape(&mut schema, &mut patched);
    assert!(patched >= 1);
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

/// Runs git in `dir` with a fixed identity and no signing; fails the test when git does.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Copies a directory tree (files only).
pub fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Runs `sessionlint check` on a rule fixture, `tests/rules/<id>`. A fixture with a `baseline/`
/// directory is about a change against a released revision: `baseline/` is committed in a new
/// repository, the rest of the fixture is laid over it, and the check runs there against
/// `--baseline-rev HEAD` (paths shown relative to that repository).
pub fn check_fixture(rel: &str, extra: &[&str]) -> Run {
    let dir = root().join(rel);
    let base = dir.join("baseline");
    if !base.is_dir() {
        let mut args = vec!["check", rel];
        args.extend_from_slice(extra);
        return sessionlint(&args, &root());
    }
    let tmp = tempfile::tempdir().unwrap();
    git(tmp.path(), &["init", "-q"]);
    copy_tree(&base, tmp.path());
    git(tmp.path(), &["add", "-A"]);
    git(tmp.path(), &["commit", "-q", "-m", "release"]);
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if name == "baseline" || name == "expected.txt" {
            continue;
        }
        let target = tmp.path().join(&name);
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
    let mut args = vec!["check", ".", "--baseline-rev", "HEAD"];
    args.extend_from_slice(extra);
    sessionlint(&args, tmp.path())
}
