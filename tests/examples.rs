//! Every example gives the verdict its README states, and shows the verified fixes it names.

mod common;
use common::{root, sessionlint};
use std::collections::BTreeSet;

#[test]
fn every_example_gives_its_documented_verdict() {
    let mut checked = 0;
    let mut checked_formats = 0;
    let mut checked_fixes = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.extend(
        std::fs::read_dir(root().join("examples/real-world"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.join("README.md").exists()) {
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
        let Some(verdict) = readme.lines().find_map(|l| l.strip_prefix("Verdict: ")) else {
            continue;
        };
        let command = readme
            .lines()
            .find_map(|l| l.trim().strip_prefix("cargo run -- "))
            .unwrap_or_else(|| {
                panic!(
                    "{}: README names no `cargo run -- ...` command",
                    dir.display()
                )
            });
        let args: Vec<&str> = command
            .split_whitespace()
            .chain(["--message-format", "json"])
            .collect();
        let run = sessionlint(&args, &root());
        let (head, findings) = verdict
            .split_once("; findings: ")
            .expect("verdict line: `safe|unsafe, exit N; findings: ...`");
        let (safety, exit) = head.split_once(", exit ").unwrap();
        assert_eq!(
            run.code.to_string(),
            exit,
            "{}: exit status\n{}{}",
            dir.display(),
            run.stdout,
            run.stderr
        );
        let doc = run.json();
        let got = rules_of(&doc, None);
        assert_eq!(got, listed(findings), "{}: findings", dir.display());
        // `Verdict for FORMAT: ...` lines state one format's findings within the directory.
        for line in readme.lines() {
            let Some((format, verdict)) = line
                .strip_prefix("Verdict for ")
                .and_then(|l| l.split_once(": "))
            else {
                continue;
            };
            let findings = verdict.split_once("; findings: ").expect("verdict line").1;
            assert_eq!(
                rules_of(&doc, Some(format)),
                listed(findings),
                "{}: findings of {format}",
                dir.display()
            );
            checked_formats += 1;
        }
        // `Verified fix: TEXT` lines name a fix the run shows for an error (its summary holds
        // TEXT); an example with errors names at least one, or says why none exists.
        let fixes: Vec<&str> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["level"] == "error")
            .flat_map(|f| f["fixes"].as_array().unwrap())
            .map(|x| x["summary"].as_str().unwrap())
            .collect();
        let mut named = 0;
        for line in readme.lines().map(|l| l.trim_start_matches("- ")) {
            if let Some(text) = line.strip_prefix("Verified fix: ") {
                assert!(
                    fixes.iter().any(|s| s.contains(text)),
                    "{}: no fix shown says {text:?}; shown: {fixes:?}",
                    dir.display()
                );
                named += 1;
            }
            if line.starts_with("No verified fix: ") {
                named += 1;
            }
        }
        let errors = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["level"] == "error");
        assert!(
            !errors || named > 0,
            "{}: errors, and the README names no verified fix",
            dir.display()
        );
        checked_fixes += named;
        let hazard = got
            .iter()
            .any(|id| sessionlint::rules::get(id).is_some_and(|r| r.covers().is_some()));
        assert_eq!(safety == "unsafe", hazard, "{}", dir.display());
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} examples state a verdict");
    assert!(checked_fixes >= 7, "only {checked_fixes} fixes named");
    assert!(
        checked_formats >= 3,
        "only {checked_formats} per-format verdicts"
    );
}

/// The rule ids of a JSON report's findings, of one format or all.
fn rules_of(doc: &serde_json::Value, format: Option<&str>) -> BTreeSet<String> {
    common::findings(doc)
        .iter()
        .filter(|f| format.is_none_or(|x| f["format"] == x))
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// The rule ids a verdict line lists (`none` for none).
fn listed(findings: &str) -> BTreeSet<String> {
    if findings == "none" {
        BTreeSet::new()
    } else {
        findings.split(", ").map(str::to_string).collect()
    }
}
