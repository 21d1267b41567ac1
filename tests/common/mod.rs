#![allow(dead_code)]
//! Running the built binaries the way users do.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
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
