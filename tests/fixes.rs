//! Every fix sessionlint proposes is applied here, to a copy of the fixture or example it was
//! proposed for, and the analysis runs again: the finding must be gone and no error may appear
//! that was not there. Every error of a rule fixture or a shipped example shows at least one
//! verified fix, or says why none exists.

mod common;

use common::{root, sessionlint};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// An error, as compared before and after a fix: rule, format, versions, property.
type Key = (String, String, Option<u64>, u64, String);

fn key(f: &Value) -> Key {
    (
        f["rule"].as_str().unwrap().to_string(),
        f["format"].as_str().unwrap().to_string(),
        f["older_version"].as_u64(),
        f["newer_version"].as_u64().unwrap(),
        f["property"].as_str().unwrap().to_string(),
    )
}

fn check(dir: &Path, rel: &str) -> (i32, Vec<Value>) {
    let run = sessionlint(&["check", rel, "--message-format", "json"], dir);
    assert!(
        run.code == 0 || run.code == 1,
        "{rel}: exit {}: {}",
        run.code,
        run.stderr
    );
    let doc = run.json();
    (run.code, doc["findings"].as_array().unwrap().clone())
}

fn errors(findings: &[Value]) -> BTreeSet<Key> {
    findings
        .iter()
        .filter(|f| f["level"] == "error")
        .map(key)
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

/// A fresh copy of `rel` (a directory of this repository) under a temporary root.
fn copy_of(rel: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&root().join(rel), &tmp.path().join(rel));
    tmp
}

/// Applies a fix's edits as a user would: attributes inserted at their place in Rust sources
/// (checked against the line the edit names), keys set in schema files.
fn apply(dir: &Path, edits: &[Value]) {
    let mut inserts: Vec<(&str, usize, u64, &str)> = Vec::new();
    for e in edits {
        let file = e["file"].as_str().unwrap();
        match e["kind"].as_str().unwrap() {
            "insert" => inserts.push((
                file,
                e["offset"].as_u64().unwrap() as usize,
                e["line"].as_u64().unwrap(),
                e["text"].as_str().unwrap(),
            )),
            "set" => set(&dir.join(file), e["path"].as_array().unwrap(), &e["value"]),
            k => panic!("unknown edit kind {k}"),
        }
    }
    // From the end of each file, so that earlier offsets stay valid.
    inserts.sort_by(|a, b| (a.0, b.1).cmp(&(b.0, a.1)));
    for (file, offset, line, text) in inserts {
        let path = dir.join(file);
        let mut src = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            src[..offset].matches('\n').count() as u64 + 1,
            line,
            "{file}: the edit's offset is on the line it names"
        );
        src.insert_str(offset, text);
        std::fs::write(&path, src).unwrap();
    }
}

fn set(path: &Path, keys: &[Value], value: &Value) {
    fn set_in(v: &mut toml::Value, keys: &[Value], value: toml::Value) {
        let Some((k, rest)) = keys.split_first() else {
            *v = value;
            return;
        };
        let next = match (v, k) {
            (toml::Value::Table(t), Value::String(s)) => t
                .entry(s.clone())
                .or_insert_with(|| toml::Value::Table(Default::default())),
            (toml::Value::Array(a), Value::Number(n)) => &mut a[n.as_u64().unwrap() as usize],
            (v, k) => panic!("path step {k} does not fit {v:?}"),
        };
        set_in(next, rest, value)
    }
    let text = std::fs::read_to_string(path).unwrap();
    let mut doc = toml::Value::Table(toml::from_str(&text).unwrap());
    let parsed: toml::Table = toml::from_str(&format!("v = {}", value.as_str().unwrap())).unwrap();
    set_in(&mut doc, keys, parsed["v"].clone());
    std::fs::write(path, toml::to_string(&doc).unwrap()).unwrap();
}

/// Runs `check` on `rel` (a directory of this repository, copied); see `fixes_verify_in`.
fn every_fix_verifies(rel: &str) -> (usize, usize) {
    let tmp = copy_of(rel);
    fixes_verify_in(tmp.path(), rel)
}

/// Runs `check` on `rel` below `base`: every error shows a fix or why none; every fix, applied
/// to a fresh copy of `base`, removes its finding and adds no error. Returns (errors, fixes
/// applied).
fn fixes_verify_in(base: &Path, rel: &str) -> (usize, usize) {
    let (_, findings) = check(base, rel);
    let before = errors(&findings);
    let mut applied = 0;
    for f in findings.iter().filter(|f| f["level"] == "error") {
        let fixes = f["fixes"].as_array().unwrap();
        assert!(
            !fixes.is_empty() || f["no_fix"].as_str().is_some_and(|s| !s.is_empty()),
            "{rel}: an error with neither a fix nor why none: {f}"
        );
        for x in fixes {
            assert_eq!(x["verified"], true);
            let edits = x["edits"].as_array().unwrap();
            assert!(!edits.is_empty(), "{rel}: a fix with no edit to apply: {x}");
            let fixed = tempfile::tempdir().unwrap();
            copy_dir(base, fixed.path());
            apply(fixed.path(), edits);
            let (_, after) = check(fixed.path(), rel);
            let after = errors(&after);
            assert!(
                !after.contains(&key(f)),
                "{rel}: the fix `{}` leaves {:?}",
                x["summary"],
                key(f)
            );
            let new: Vec<&Key> = after.difference(&before).collect();
            assert!(
                new.is_empty(),
                "{rel}: the fix `{}` adds {new:?}",
                x["summary"]
            );
            cost_names_every_fallback(base, fixed.path(), rel, x);
            applied += 1;
        }
    }
    (before.len(), applied)
}

/// One vector's kind (with the property or not), its encoder, and each decoder's predicted
/// outcome.
type Predicted = (bool, u64, Vec<(u64, String)>);

/// Each vector's predictions, by (format, vector id).
fn outcomes(dir: &Path, rel: &str) -> std::collections::BTreeMap<(String, String), Predicted> {
    let run = sessionlint(&["vectors", rel], dir);
    assert_eq!(run.code, 0, "{rel}: vectors: {}", run.stderr);
    let doc = run.json();
    let mut out = std::collections::BTreeMap::new();
    for f in doc["formats"].as_array().unwrap() {
        for v in f["vectors"].as_array().unwrap() {
            let preds = v["predictions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["decoder"].as_u64().unwrap(),
                        p["outcome"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            out.insert(
                (
                    f["format"].as_str().unwrap().to_string(),
                    v["id"].as_str().unwrap().to_string(),
                ),
                (
                    v["with"].as_bool().unwrap(),
                    v["encoder"].as_u64().unwrap(),
                    preds,
                ),
            );
        }
    }
    out
}

/// A fix's cost names every (writer, reader) pair where some session the writer wrote resumed
/// correctly before the fix and is refused after it, as the conformance vectors of the two
/// trees predict (those predictions are held against the real crates and libraries by
/// tests/corpus and conformance/).
fn cost_names_every_fallback(base: &Path, fixed: &Path, rel: &str, fix: &Value) {
    let before = outcomes(base, rel);
    let after = outcomes(fixed, rel);
    let cost = fix["cost"].as_str().unwrap();
    for (key, (with, enc, preds)) in &before {
        let Some((_, _, later)) = after.get(key) else {
            continue;
        };
        for (dec, outcome) in preds {
            let correct = if *with {
                "resume-with"
            } else {
                "resume-without"
            };
            let refused = later.iter().any(|(d, o)| d == dec && o == "refuse");
            if outcome == correct && refused {
                assert!(
                    cost.contains(&format!("written by v{enc} on v{dec} ")),
                    "{rel}: after `{}`, vector {key:?} (resumed correctly by v{dec} before) is refused, and the cost does not name v{enc} on v{dec}: {cost}",
                    fix["summary"]
                );
            }
        }
    }
}

#[test]
fn every_rule_fixture_fix_verifies() {
    let mut total = (0, 0);
    for e in std::fs::read_dir(root().join("tests/rules")).unwrap() {
        let e = e.unwrap();
        // A fixture about a change against a released revision (`baseline/`) reports scope, whose
        // remedy is the configuration's: its rule has no fix to verify.
        if e.path().join("baseline").is_dir() {
            continue;
        }
        let rel = format!("tests/rules/{}", e.file_name().to_string_lossy());
        let (errors, applied) = every_fix_verifies(&rel);
        total = (total.0 + errors, total.1 + applied);
    }
    eprintln!(
        "rule fixtures: {} errors, {} fixes applied and re-checked",
        total.0, total.1
    );
    assert!(total.0 > 0 && total.1 > 0, "{total:?}");
}

#[test]
fn every_shipped_example_with_an_error_shows_a_verified_fix() {
    let mut dirs = Vec::new();
    for parent in ["examples", "examples/real-world"] {
        for e in std::fs::read_dir(root().join(parent)).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() && e.file_name() != "real-world" {
                dirs.push(format!("{parent}/{}", e.file_name().to_string_lossy()));
            }
        }
    }
    dirs.sort();
    let mut with_errors = 0;
    for rel in &dirs {
        let (errors, applied) = every_fix_verifies(rel);
        eprintln!("{rel}: {errors} errors, {applied} fixes applied and re-checked");
        if errors > 0 {
            with_errors += 1;
            // The shipped examples are all within what the search covers: a fix, not a reason.
            assert!(applied > 0, "{rel}: errors and no verified fix");
        }
    }
    assert!(with_errors >= 5, "{with_errors} examples with errors");
}

/// v1 requires no key (its container has `#[serde(default)]`): no rename can make it refuse
/// anything, so none is proposed, and what is shown (new ticket keys) verifies. (A candidate that is
/// tried and fails is dropped: `fixes::tests::a_candidate_that_does_not_verify_is_not_shown`.)
#[test]
fn nothing_is_renamed_when_the_older_decoder_requires_no_key() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("t.rs"),
        r#"
#[derive(Serialize, Deserialize, SessionState)]
#[serde(default)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct V1 { pub cipher: u16 }

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 2, encoding = "json")]
pub struct V2 { pub cipher: u16, #[session(ems)] pub ems: bool }
"#,
    )
    .unwrap();
    let (code, findings) = check(tmp.path(), ".");
    assert_eq!(code, 1);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "ems-accepted-by-older-decoder")
        .unwrap();
    let kinds: Vec<&str> = f["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["summary"].as_str().unwrap())
        .collect();
    assert!(
        kinds.iter().all(|s| !s.contains("writes the key")),
        "{kinds:?}"
    );
    assert!(
        kinds
            .iter()
            .any(|s| s.contains("new ticket encryption keys")),
        "{kinds:?}"
    );
    assert!(fixes_verify_in(tmp.path(), ".").1 > 0);
}

/// A warning the configuration raises to an error gets no search (the search serves the rules'
/// own errors), and says so: no error is left without a fix or a reason.
#[test]
fn an_error_raised_by_the_configuration_says_why_it_has_no_fix() {
    let tmp = copy_of("tests/rules/older-session-rejected");
    let dir = tmp.path().join("tests/rules/older-session-rejected");
    std::fs::write(
        dir.join("sessionlint.toml"),
        "[levels]\nolder-session-rejected = \"error\"\n",
    )
    .unwrap();
    let (code, findings) = check(&dir, ".");
    assert_eq!(code, 1);
    let raised = findings
        .iter()
        .find(|f| f["rule"] == "older-session-rejected")
        .unwrap();
    assert_eq!(raised["level"], "error");
    assert!(
        raised["no_fix"]
            .as_str()
            .is_some_and(|s| s.contains("raised to an error by the configuration")),
        "{raised}"
    );
}
