//! The scale benchmark: `cargo bench --bench scale`.
//!
//! Generates deterministic workspaces (examples/gen_workload.rs) of 250k, 500k and 1M lines with
//! 25, 50 and 100 formats of 5 versions, commits each, and prints for each: the wall time of a
//! plain byte scan (`grep -rl SessionState`), of `sessionlint check` with human and with JSON
//! output, and of `check --baseline-rev HEAD`, their ratios, and sessionlint's peak RSS: medians
//! of 11 rounds in which the commands take turns, warm page cache. Then, for the 1M-line
//! workspace, 20 tagged releases (each changes a file; one in four changes a file that holds
//! session types) and `check --release-tags 'v*'` against the single baseline
//! `--baseline-rev v20`. Figures, not assertions: speed is measured here, never
//! in tests.

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
    let mut tags = None;
    // `SCALE_ONLY=1000000` runs one size.
    let only: Option<usize> = std::env::var("SCALE_ONLY")
        .ok()
        .and_then(|v| v.parse().ok());
    for (lines, formats) in [(250_000, 25), (500_000, 50), (1_000_000, 100)] {
        if only.is_some_and(|o| o != lines) {
            continue;
        }
        if let Some(t) = one_size(bin, lines, formats) {
            tags = Some(t);
        }
    }
    if let Some((single, all, peak)) = tags {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "\n20 release tags, 1M lines: --baseline-rev v20 {:.1} ms, --release-tags 'v*' {:.1} ms, ratio {:.2}, peak {:.1} MB",
            ms(single),
            ms(all),
            ms(all) / ms(single),
            peak as f64 / 1024.0
        );
    }
}

/// Generates and commits a workspace of `lines` lines with `formats` formats, and prints its
/// row; at 1M lines, also the release-tag figures (returned).
fn one_size(bin: &str, lines: usize, formats: usize) -> Option<(Duration, Duration, u64)> {
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
    let runs = 11;
    // Warm the page cache once.
    measure(Command::new("grep").args(["-rl", "SessionState", p]));
    // The commands take turns, round after round: a machine that slows down for a while slows
    // all of them, and the ratios stay honest. Human output is what a terminal or a CI log shows
    // (piped here: plain text, no colour).
    let commands: [Vec<&str>; 4] = [
        vec!["-rl", "SessionState", p],
        vec!["check", p],
        vec!["check", p, "--message-format", "json"],
        vec![
            "check",
            p,
            "--baseline-rev",
            "HEAD",
            "--message-format",
            "json",
        ],
    ];
    let mut times: [Vec<(Duration, u64)>; 4] = Default::default();
    for _ in 0..runs {
        for (k, args) in commands.iter().enumerate() {
            let program = if k == 0 { "grep" } else { bin };
            times[k].push(measure(Command::new(program).args(args)));
        }
    }
    let [scan, human, check, base] = times.map(median);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let tags = (lines == 1_000_000).then(|| release_tags(dir.path(), bin, runs));
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
    tags
}

/// Tags the committed workspace as v1, then makes 19 more releases: each appends a comment to a
/// file, a file with session types every fourth time. Returns the median times of a check
/// against the newest tag alone and against every tag, and the peak RSS of the latter.
fn release_tags(dir: &Path, bin: &str, runs: usize) -> (Duration, Duration, u64) {
    use std::io::Write;
    git(dir, &["tag", "v1"]);
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for d in std::fs::read_dir(dir.join("src")).unwrap().flatten() {
        if d.path().is_dir() {
            for f in std::fs::read_dir(d.path()).unwrap().flatten() {
                files.push(f.path());
            }
        }
    }
    files.sort();
    let holds = |p: &Path| std::fs::read_to_string(p).unwrap().contains("SessionState");
    let with: Vec<&std::path::PathBuf> = files.iter().filter(|p| holds(p)).collect();
    let without: Vec<&std::path::PathBuf> = files.iter().filter(|p| !holds(p)).collect();
    for r in 2..=20 {
        let f = if r % 4 == 0 {
            with[r * 7 % with.len()]
        } else {
            without[r * 13 % without.len()]
        };
        let mut h = std::fs::OpenOptions::new().append(true).open(f).unwrap();
        writeln!(h, "// release {r}").unwrap();
        git(dir, &["commit", "-q", "-am", &format!("release {r}")]);
        git(dir, &["tag", &format!("v{r}")]);
    }
    let p = dir.to_str().unwrap();
    let single = median(
        (0..runs)
            .map(|_| {
                measure(Command::new(bin).args([
                    "check",
                    p,
                    "--baseline-rev",
                    "v20",
                    "--message-format",
                    "json",
                ]))
            })
            .collect(),
    );
    let all = median(
        (0..runs)
            .map(|_| {
                measure(Command::new(bin).args([
                    "check",
                    p,
                    "--release-tags",
                    "v*",
                    "--message-format",
                    "json",
                ]))
            })
            .collect(),
    );
    (single.0, all.0, all.1)
}
