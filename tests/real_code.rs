//! Small crates in tests/crates/ written as real code is (#21): serde_with adapters, the same
//! `with` code in both versions, a hand-written `Default` in a file of its own, and an adapter
//! sessionlint does not model. Each verdict here is proven against the real crates by its pair in
//! tests/corpus (codecs.rs, defaults.rs); this holds the CLI to it on code laid out as in a repo.

mod common;
use common::{root, sessionlint};

/// Exit code and the rule ids of the findings of `sessionlint check tests/crates/<name>`.
fn check(name: &str) -> (i32, Vec<String>, serde_json::Value) {
    let dir = format!("tests/crates/{name}");
    let r = sessionlint(&["check", &dir, "--message-format", "json"], &root());
    let doc = r.json();
    let mut rules = common::rule_ids(&doc);
    rules.sort();
    rules.dedup();
    (r.code, rules, doc)
}

#[test]
fn base64_secret_then_plain_string_is_unsafe() {
    let (code, rules, _) = check("serde-with-secret");
    assert_eq!(code, 1);
    assert_eq!(rules, ["ems-accepted-by-older-decoder"]);
}

#[test]
fn the_same_byte_string_code_in_both_versions_is_safe() {
    let (code, rules, doc) = check("same-codec");
    assert_eq!(code, 0, "{doc}");
    assert!(rules.is_empty(), "{rules:?}");
}

#[test]
fn a_hand_written_default_that_assumes_ems_reads_older_sessions_as_ems() {
    let (code, rules, _) = check("hand-written-default");
    assert_eq!(code, 1);
    assert!(
        rules.contains(&"older-session-read-as-ems".to_string()),
        "{rules:?}"
    );
}

#[test]
fn an_adapter_not_modelled_is_bad_input_naming_the_field() {
    let (code, _, doc) = check("unmodelled-adapter");
    assert_eq!(code, 2, "{doc}");
    let text = doc.to_string();
    assert!(
        text.contains("tests/crates/unmodelled-adapter/src/lib.rs")
            && text.contains("TimestampSeconds<i64>")
            && text.contains("not modelled"),
        "{doc}"
    );
    // And a key of serde_as other than `as` alike.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.rs"),
        r#"#[serde_as]
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct T {
    #[serde_as(serialize_as = "Base64")]
    pub s: Vec<u8>,
    #[session(ems)]
    pub ems: bool,
}
"#,
    )
    .unwrap();
    let r = sessionlint(&["check", "."], dir.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("t.rs:5") && r.stderr.contains("serialize_as"),
        "{}",
        r.stderr
    );
}
