//! Every rule is its file in `rules/`, its check in `src/rules/`, and one fixture set in
//! `tests/rules/<id>/` (a tiny project and the expected human output of `sessionlint check` on it).
//!
//! To accept a deliberate change of an expected output: `UPDATE_GOLDEN=1 cargo test --test
//! rules_registry`, then review the diff.

mod common;
use common::{check_fixture, root, sessionlint};
use sessionlint::rules::{self, Check, RULES};
use std::collections::BTreeSet;

fn stems(dir: &std::path::Path, ext: Option<&str>) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| match ext {
            Some(x) => p.extension().is_some_and(|e| e == x),
            None => p.is_dir(),
        })
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_rule_file_is_registered_and_agrees() {
    let base = root();
    let files = stems(&base.join("rules"), Some("toml"));
    let registered: BTreeSet<String> = RULES.iter().map(|r| r.id().to_string()).collect();
    assert_eq!(
        files, registered,
        "rules/ and the registry must list the same rules"
    );
    let checks: BTreeSet<String> = stems(&base.join("src/rules"), Some("rs"))
        .into_iter()
        .filter(|s| s != "mod")
        .map(|s| s.replace('_', "-"))
        .collect();
    assert_eq!(
        files, checks,
        "each rule has its check in src/rules/<id>.rs"
    );
    for r in RULES {
        // The typed reading: every key known, level an enum.
        let s = r.spec();
        let t: toml::Table = r.doc().parse().unwrap();
        assert_eq!(t["id"].as_str(), Some(r.id()));
        assert_eq!(t["level"].as_str(), Some(r.level().as_str()), "{}", r.id());
        for (key, text) in [
            ("summary", &s.summary),
            ("explanation", &s.explanation),
            ("bad", &s.bad),
            ("good", &s.good),
            ("fix", &s.fix),
            ("help", &s.help),
        ] {
            assert!(!text.trim().is_empty(), "{}: {key}", r.id());
        }
        assert!(
            s.references.iter().any(|x| x.contains("RFC 7627 §5.")),
            "{} cites RFC 7627 §5.3/§5.4",
            r.id()
        );
        // A rule that marks matrix cells UNSAFE fails the run: the matrix and the exit code agree.
        if s.covers.is_some() {
            assert_eq!(r.level(), sessionlint::findings::Level::Error, "{}", r.id());
            assert!(
                matches!(rules::check_of(r), Some(Check::Pair(_))),
                "{}",
                r.id()
            );
        }
    }
    assert!(rules::get("no-such-rule").is_none());
    let ids: BTreeSet<&str> = RULES.iter().map(|r| r.id()).collect();
    assert_eq!(ids.len(), RULES.len(), "rule ids are unique");
}

fn golden(path: &std::path::Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} is missing; run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(
        expected,
        actual,
        "{} differs; if the change is deliberate, run with UPDATE_GOLDEN=1",
        path.display()
    );
}

/// Each rule's fixture project raises that rule (and its expected output is stable); no fixture
/// is left without a rule.
#[test]
fn every_rule_has_a_fixture_that_raises_it() {
    let dir = root().join("tests/rules");
    let fixtures = stems(&dir, None);
    let registered: BTreeSet<String> = RULES.iter().map(|r| r.id().to_string()).collect();
    assert_eq!(
        fixtures, registered,
        "tests/rules/ holds one fixture per rule"
    );
    for r in RULES {
        let rel = format!("tests/rules/{}", r.id());
        let json = check_fixture(&rel, &["--message-format", "json"]);
        assert!(json.code == 0 || json.code == 1, "{rel}: {}", json.stderr);
        let ids = json.rule_ids();
        let raised: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        assert!(
            raised.contains(r.id()),
            "{rel} does not raise {}: {raised:?}",
            r.id()
        );
        let errors = raised
            .iter()
            .any(|id| rules::get(id).unwrap().level() == sessionlint::findings::Level::Error);
        assert_eq!(json.code, i32::from(errors), "{rel}: exit code");
        let human = check_fixture(&rel, &[]);
        assert_eq!(human.code, json.code, "{rel}");
        golden(&dir.join(r.id()).join("expected.txt"), &human.stdout);
    }
}

/// Every warning's advice clears it: `tests/advice/<id>` is the rule's fixture with its help
/// applied (the EMS key written only when true, a default for the older sessions' missing key,
/// a format id the older decoder checks exactly), and checking it raises no such warning.
#[test]
fn every_warnings_advice_clears_it() {
    let mut checked = 0;
    for r in RULES
        .iter()
        .filter(|r| r.level() == sessionlint::findings::Level::Warning)
    {
        let rel = format!("tests/advice/{}", r.id());
        assert!(
            root().join(&rel).is_dir(),
            "warning `{}` has no fixture with its advice applied ({rel})",
            r.id()
        );
        let run = sessionlint(&["check", &rel, "--message-format", "json"], &root());
        let doc: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{rel}: {e}: {}{}", run.stdout, run.stderr));
        let left: Vec<&serde_json::Value> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == r.id() && f["level"] == "warning")
            .collect();
        assert!(left.is_empty(), "{rel}: the advice leaves {left:?}");
        checked += 1;
    }
    assert!(checked >= 3, "{checked}");
}
