//! Versions across history: git baselines, snapshots, released-schema-changed, allows, keep,
//! client caches and zero-annotation configuration, through the real binary.

mod common;
use common::{root, sessionlint, Run};
use std::path::Path;
use std::process::Command;

const LENIENT_V1: &str = r#"use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 1, encoding = "json")]
pub struct TicketV1 {
    pub cipher: u16,
}
"#;

const V2: &str = r#"
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    pub cipher: u16,
    #[session(ems)]
    #[serde(default, skip_serializing_if = "is_false")]
    pub ems: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}
"#;

fn git(dir: &Path, args: &[&str]) {
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

fn repo_with(file: &str, text: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    write(d.path(), file, text);
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-q", "-m", "v1"]);
    d
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn check(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    sessionlint(&args, &root())
}

fn rules_of(r: &Run) -> Vec<String> {
    let doc: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn baseline_rev_unsafe_change_fails() {
    let d = repo_with("src/ticket.rs", LENIENT_V1);
    // The reviewed change replaces v1 by v2: v1 is gone from the tree but still deployed.
    write(
        d.path(),
        "src/ticket.rs",
        &format!("use serde::{{Deserialize, Serialize}};\nuse sessionlint::SessionState;\n{V2}"),
    );
    let r = check(
        d.path(),
        &["--baseline-rev", "HEAD", "--message-format", "json"],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(rules_of(&r).contains(&"ems-accepted-by-older-decoder".to_string()));
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(doc["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("v1"));
    // The CI recipe's outputs, on the same change.
    let r = check(
        d.path(),
        &["--baseline-rev", "HEAD", "--message-format", "github"],
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.starts_with("::error file="), "{}", r.stdout);
    assert!(r.stdout.contains("src/ticket.rs,line="), "{}", r.stdout);
    let r = check(
        d.path(),
        &["--baseline-rev", "HEAD", "--message-format", "sarif"],
    );
    let sarif: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"],
        "ems-accepted-by-older-decoder"
    );
    // Without the baseline nothing older is known.
    let r = check(d.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn baseline_rev_safe_change_passes() {
    let strict = LENIENT_V1.replace(
        "#[session(name",
        "#[serde(deny_unknown_fields)]\n#[session(name",
    );
    let d = repo_with("src/ticket.rs", &strict);
    write(d.path(), "src/ticket.rs", &format!("{strict}{V2}"));
    let r = check(d.path(), &["--baseline-rev", "HEAD"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn baseline_rev_is_data_not_an_option() {
    let d = repo_with("src/ticket.rs", LENIENT_V1);
    for rev in ["--output=/tmp/x", "-h", "no-such-rev", "HEAD;true"] {
        let arg = format!("--baseline-rev={rev}");
        let r = check(d.path(), &[&arg]);
        assert_eq!(r.code, 2, "{rev}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("is not a commit"), "{rev}: {}", r.stderr);
    }
}

#[test]
fn snapshots_stand_in_for_deleted_versions() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/ticket.rs", LENIENT_V1);
    let r = sessionlint(&["snapshot", d.path().to_str().unwrap()], &root());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let snap = d.path().join("session-schemas/ticket/v1.toml");
    let text = std::fs::read_to_string(&snap).unwrap();
    assert!(text.starts_with("# Generated by `sessionlint snapshot`"));
    // v1 leaves the source; v2 arrives.
    write(
        d.path(),
        "src/ticket.rs",
        &format!("use serde::{{Deserialize, Serialize}};\nuse sessionlint::SessionState;\n{V2}"),
    );
    let r = check(d.path(), &["--message-format", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(rules_of(&r), vec!["ems-accepted-by-older-decoder"]);
}

#[test]
fn a_released_schema_changed_in_place_is_reported_and_never_overwritten_silently() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/ticket.rs", LENIENT_V1);
    assert_eq!(
        sessionlint(&["snapshot", d.path().to_str().unwrap()], &root()).code,
        0
    );
    let snap = d.path().join("session-schemas/ticket/v1.toml");
    let before = std::fs::read_to_string(&snap).unwrap();
    // Same version number, new field: a changed released schema.
    write(
        d.path(),
        "src/ticket.rs",
        &LENIENT_V1.replace(
            "pub cipher: u16,",
            "pub cipher: u16,\n    #[session(ems)]\n    #[serde(default)]\n    pub ems: bool,",
        ),
    );
    let r = check(d.path(), &["--message-format", "json"]);
    assert_eq!(r.code, 1);
    let rules = rules_of(&r);
    assert!(
        rules.contains(&"released-schema-changed".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"ems-accepted-by-older-decoder".to_string()),
        "the released v1 decoder meets the changed v1 encoder: {rules:?}"
    );
    let r = sessionlint(&["snapshot", d.path().to_str().unwrap()], &root());
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("released-schema-changed") && r.stdout.contains("--overwrite"));
    assert_eq!(
        std::fs::read_to_string(&snap).unwrap(),
        before,
        "the snapshot is untouched"
    );
    let r = sessionlint(
        &["snapshot", d.path().to_str().unwrap(), "--overwrite"],
        &root(),
    );
    assert_eq!(r.code, 0);
    assert_ne!(std::fs::read_to_string(&snap).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(snap.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary files are left: {leftovers:?}"
    );
}

#[test]
fn an_allow_needs_a_reason() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/ticket.rs", &format!("{LENIENT_V1}{V2}"));
    write(
        d.path(),
        "sessionlint.toml",
        "[[allow]]\nrule = \"ems-accepted-by-older-decoder\"\nformat = \"ticket\"\n",
    );
    let r = check(d.path(), &[]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("sessionlint.toml:2") && r.stderr.contains("has no reason"),
        "{}",
        r.stderr
    );
    write(
        d.path(),
        "sessionlint.toml",
        "[[allow]]\nrule = \"ems-accepted-by-older-decoder\"\nformat = \"ticket\"\nreason = \"v1 was retired from every edge before v2 shipped\"\n",
    );
    let r = check(d.path(), &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // An allow that matches nothing is reported, so it does not outlive its reason.
    write(d.path(), "src/ticket.rs", LENIENT_V1);
    let r = check(d.path(), &[]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("matched no finding"), "{}", r.stderr);
}

#[test]
fn level_overrides_apply() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/ticket.rs", &format!("{LENIENT_V1}{V2}"));
    write(
        d.path(),
        "sessionlint.toml",
        "[levels]\nems-accepted-by-older-decoder = \"warning\"\n",
    );
    let r = check(d.path(), &["--message-format", "json"]);
    assert_eq!(r.code, 0);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["findings"][0]["level"], "warning");
}

/// v1 lenient, v2 a preparatory release that rejects unknown keys, v3 adds EMS.
fn three_versions(d: &Path) {
    let v2 = LENIENT_V1
        .replace("TicketV1", "TicketV2")
        .replace("version = 1", "version = 2")
        .replace(
            "#[session(name",
            "#[serde(deny_unknown_fields)]\n#[session(name",
        );
    let v3 = V2
        .replace("TicketV2", "TicketV3")
        .replace("version = 2", "version = 3")
        .replace(
            "#[session(name",
            "#[serde(deny_unknown_fields)]\n#[session(name",
        );
    write(
        d,
        "src/ticket.rs",
        &format!(
            "{LENIENT_V1}{}{v3}",
            v2.split("use sessionlint::SessionState;").nth(1).unwrap()
        ),
    );
}

#[test]
fn keep_limits_the_pairs_checked() {
    let d = tempfile::tempdir().unwrap();
    three_versions(d.path());
    let all = check(d.path(), &["--message-format", "json"]);
    assert_eq!(
        all.code, 1,
        "v1 still deployed next to v3: {}{}",
        all.stdout, all.stderr
    );
    let doc: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["older_version"] == 1 && f["newer_version"] == 3));
    assert_eq!(
        check(d.path(), &["--keep", "1"]).code,
        0,
        "with keep = 1 only v2 runs next to v3"
    );
    write(d.path(), "sessionlint.toml", "keep = 1\n");
    assert_eq!(check(d.path(), &[]).code, 0);
    write(d.path(), "sessionlint.toml", "keep = 2\n");
    assert_eq!(check(d.path(), &[]).code, 1);
}

#[test]
fn client_caches_speak_client_terms() {
    let d = tempfile::tempdir().unwrap();
    let src = format!("{LENIENT_V1}{V2}").replace(
        "encoding = \"json\")]",
        "encoding = \"json\", role = \"client\")]",
    );
    write(d.path(), "src/cache.rs", &src);
    let r = check(d.path(), &["--message-format", "json"]);
    assert_eq!(r.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let msg = doc["findings"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("v1 client") && msg.contains("offer it without EMS"),
        "{msg}"
    );
}

#[test]
fn zero_annotation_types_come_from_the_config() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "src/plain.rs",
        "use serde::{Deserialize, Serialize};\n#[derive(Serialize, Deserialize)]\npub struct Old { pub cipher: u16 }\n#[derive(Serialize, Deserialize)]\npub struct New { pub cipher: u16, #[serde(default)] pub extended_ms: bool }\n",
    );
    write(
        d.path(),
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[package.metadata.sessionlint]\nencoding = \"cbor\"\n\n[[package.metadata.sessionlint.type]]\nname = \"Old\"\nformat = \"ticket\"\nversion = 1\n\n[[package.metadata.sessionlint.type]]\nname = \"New\"\nformat = \"ticket\"\nversion = 2\nems = \"extended_ms\"\n",
    );
    let r = check(d.path(), &["--message-format", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(rules_of(&r), vec!["ems-accepted-by-older-decoder"]);
}
