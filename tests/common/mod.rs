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
