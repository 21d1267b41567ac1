//! What the benchmarks share: one command's wall time and peak memory.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs a command to completion; wall time and the child's peak RSS (from wait4).
#[allow(dead_code)]
pub fn measure(cmd: &mut Command) -> (Duration, u64) {
    let (t, rss, _) = measure_status(cmd);
    (t, rss)
}

/// `measure`, with the exit status (or -1 when a signal ended the child).
pub fn measure_status(cmd: &mut Command) -> (Duration, u64, i32) {
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; `usage` is a valid out-pointer.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4");
    std::mem::forget(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (start.elapsed(), usage.ru_maxrss as u64, code)
}

pub fn median(mut v: Vec<(Duration, u64)>) -> (Duration, u64) {
    v.sort();
    v[v.len() / 2]
}

pub fn uname() -> String {
    Command::new("uname")
        .arg("-srm")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
