//! The scale benchmark: `cargo bench --bench scale`.
//!
//! Generates deterministic workspaces (examples/gen_workload.rs) of 250k, 500k and 1M lines with
//! 25, 50 and 100 formats of 5 versions, commits each, and prints for each: the wall time of a
//! plain byte scan (`grep -rl SessionState`), of `sessionlint check` with human and with JSON
//! output, and of `check --baseline-rev HEAD`, their ratios, and sessionlint's peak RSS. Median of 5 runs, warm
//! page cache. Figures, not assertions: speed is measured here, never in tests.

#[path = "../examples/gen_workload.rs"]
#[allow(dead_code)]
mod gen_workload;

#[path = "support/measure.rs"]
mod measure;

use measure::{measure, median, uname};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args([
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_sessionlint");
    println!(
        "machine: {} cores; {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        uname()
    );
    println!(
        "{:>9} {:>8} {:>8} {:>10} {:>10} {:>9} {:>10} {:>10} {:>10} {:>8}",
        "lines",
        "versions",
        "scan ms",
        "human ms",
        "json ms",
        "base ms",
        "human/scan",
        "json/scan",
        "base/json",
        "peak MB"
    );
    for (lines, formats) in [(250_000, 25), (500_000, 50), (1_000_000, 100)] {
        let dir = tempfile::tempdir().unwrap();
        let spec = gen_workload::Spec {
            lines,
            formats,
            versions: 5,
            seed: 1,
        };
        let total = gen_workload::generate(dir.path(), &spec).unwrap();
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-q", "-m", "workload"]);
        let p = dir.path().to_str().unwrap();
        let runs = 5;
        // Warm the page cache once.
        measure(Command::new("grep").args(["-rl", "SessionState", p]));
        let scan = median(
            (0..runs)
                .map(|_| measure(Command::new("grep").args(["-rl", "SessionState", p])))
                .collect(),
        );
        // Human output is what a terminal or a CI log shows (piped here: plain text, no colour).
        let human = median(
            (0..runs)
                .map(|_| measure(Command::new(bin).args(["check", p])))
                .collect(),
        );
        let check = median(
            (0..runs)
                .map(|_| measure(Command::new(bin).args(["check", p, "--message-format", "json"])))
                .collect(),
        );
        let base = median(
            (0..runs)
                .map(|_| {
                    measure(Command::new(bin).args([
                        "check",
                        p,
                        "--baseline-rev",
                        "HEAD",
                        "--message-format",
                        "json",
                    ]))
                })
                .collect(),
        );
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{:>9} {:>8} {:>8.1} {:>10.1} {:>10.1} {:>9.1} {:>10.2} {:>10.2} {:>10.2} {:>8.1}",
            total,
            formats * 5,
            ms(scan.0),
            ms(human.0),
            ms(check.0),
            ms(base.0),
            ms(human.0) / ms(scan.0),
            ms(check.0) / ms(scan.0),
            ms(base.0) / ms(check.0),
            human.1.max(check.1).max(base.1) as f64 / 1024.0
        );
    }
}
