//! The command line through the real binary: exit codes, JSON shape, explain, and bad input.

mod common;
use common::{root, run, sessionlint};
use std::path::Path;

const V1: &str = r#"
use serde::{Deserialize, Serialize};
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 1, encoding = "json")]
pub struct TicketV1 { pub cipher: u16 }
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn check_on_the_quickstart_finds_the_hazard() {
    let r = sessionlint(&["check", "examples/quickstart"], &root());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ems-accepted-by-older-decoder"));
    assert!(
        r.stdout.contains("examples/quickstart/ticket.rs"),
        "labels name the file: {}",
        r.stdout
    );
    assert!(
        r.stdout.contains("deny_unknown_fields"),
        "the reason chain names the missing attribute"
    );
    assert!(
        r.stdout.contains(r#""extended_master_secret":true"#),
        "a sample EMS ticket is shown"
    );
    assert!(
        r.stdout
            .contains("verified fix: v2 writes the key `version` as `version_v2`")
            && r.stdout.contains("+1 verified fix in Markdown"),
        "the help shows the first fix and counts the other: {}",
        r.stdout
    );
    let md = sessionlint(
        &[
            "check",
            "examples/quickstart",
            "--message-format",
            "markdown",
        ],
        &root(),
    );
    assert!(
        md.stdout.contains("serde(rename") && md.stdout.contains("new ticket encryption keys"),
        "the Markdown report has both fixes: {}",
        md.stdout
    );
}

/// A finding fits on a screen: about fifteen lines, whatever the finding carries.
#[test]
fn a_human_finding_is_about_fifteen_lines() {
    let r = sessionlint(&["check", "examples/quickstart"], &root());
    let finding: Vec<&str> = r
        .stdout
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(
        (10..=17).contains(&finding.len()),
        "{} lines:\n{}",
        finding.len(),
        r.stdout
    );
    assert!(
        !finding
            .iter()
            .any(|l| l.trim() == "ems-accepted-by-older-decoder"),
        "no bare rule-id line"
    );
}

#[test]
fn json_output_has_the_documented_shape() {
    let r = sessionlint(
        &["check", "examples/quickstart", "--message-format", "json"],
        &root(),
    );
    assert_eq!(r.code, 1);
    let doc = r.json();
    let f = &doc["findings"][0];
    for key in [
        "rule",
        "level",
        "format",
        "older_version",
        "newer_version",
        "message",
        "file",
        "line",
    ] {
        assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
    }
    assert_eq!(f["rule"], "ems-accepted-by-older-decoder");
    assert_eq!(f["level"], "error");
    assert_eq!(f["format"], "ticket");
    assert_eq!(f["older_version"], 1);
    assert_eq!(f["newer_version"], 2);
    assert_eq!(f["line"], 26);
    assert_eq!(doc["summary"]["errors"], 1);
}

#[test]
fn the_cargo_subcommand_drops_cargos_echo() {
    let r = run(
        env!("CARGO_BIN_EXE_cargo-sessionlint"),
        &["sessionlint", "check", "examples/quickstart"],
        &root(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("ems-accepted-by-older-decoder"));
}

#[test]
fn rules_and_explain() {
    let r = sessionlint(&["rules"], &root());
    assert_eq!(r.code, 0);
    for id in sessionlint::rules::RULES.iter().map(|r| r.id()) {
        assert!(r.stdout.contains(id), "{id} missing from `rules`");
    }
    let r = sessionlint(&["explain", "ems-accepted-by-older-decoder"], &root());
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("RFC 7627 §5.3") && r.stdout.contains("Fix"),
        "{}",
        r.stdout
    );
    let r = sessionlint(&["explain", "no-such-rule"], &root());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown rule"));
}

#[test]
fn check_on_a_tree_without_session_formats_says_so() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/lib.rs", "pub fn f() {}\n");
    let r = sessionlint(&["check", d.path().to_str().unwrap()], &root());
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("no session formats"), "{}", r.stdout);
}

/// Exit 2, a diagnostic naming the file and line, and no panic.
fn assert_bad_input(r: &common::Run, file: &str, line: Option<u32>, what: &str) {
    assert_eq!(r.code, 2, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let at = match line {
        Some(l) => format!("{file}:{l}"),
        None => file.to_string(),
    };
    assert!(
        r.stderr.contains(&at),
        "stderr should name {at}:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(what),
        "stderr should say {what:?}:\n{}",
        r.stderr
    );
}

#[test]
fn a_syntax_error_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "t.rs",
        "use x;\n#[derive(SessionState)]\nstruct T { a: u8,, }\n",
    );
    let r = sessionlint(&["check", &f], &root());
    assert_bad_input(&r, &f, Some(3), "cannot parse Rust source");
}

#[test]
fn an_unknown_encoding_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "t.rs", &V1.replace("\"json\"", "\"jsonx\""));
    let r = sessionlint(&["check", &f], &root());
    assert_bad_input(&r, &f, Some(4), "unknown encoding `jsonx`");
    assert!(
        r.stderr.contains("msgpack-named"),
        "the diagnostic lists what to write instead"
    );
    let r = sessionlint(&["check", &f, "--encoding", "xml"], &root());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown encoding `xml`"));
}

#[test]
fn a_malformed_accepts_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    let src = V1.replace(
        "pub cipher: u16",
        "#[session(version_field, accepts = \"1..2\")] pub version: u16",
    );
    let f = write(d.path(), "t.rs", &src);
    let r = sessionlint(&["check", &f], &root());
    assert_bad_input(&r, &f, Some(5), "exclusive range");
}

#[test]
fn a_missing_path_is_bad_input() {
    let r = sessionlint(&["check", "no/such/dir"], &root());
    assert_bad_input(&r, "no/such/dir", None, "does not exist");
    let r = sessionlint(
        &["diff", "no/such.rs", "examples/quickstart/ticket.rs"],
        &root(),
    );
    assert_bad_input(&r, "no/such.rs", None, "does not exist");
}

#[test]
fn diff_on_a_file_with_no_session_type_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "plain.rs", "pub struct P { pub a: u8 }\n");
    let r = sessionlint(&["diff", "examples/quickstart/ticket.rs", &f], &root());
    assert_bad_input(&r, &f, None, "no session type");
    let r = sessionlint(
        &[
            "diff",
            "examples/quickstart/ticket.rs",
            "examples/quickstart/ticket.rs",
            "--type",
            "Nope",
        ],
        &root(),
    );
    assert_bad_input(
        &r,
        "examples/quickstart/ticket.rs",
        None,
        "no session type `Nope`",
    );
}

#[test]
fn an_unresolvable_type_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "t.rs",
        &V1.replace("pub cipher: u16", "pub cipher: u16,\n pub params: Params"),
    );
    let r = sessionlint(&["check", &f], &root());
    assert_bad_input(&r, &f, Some(6), "type `Params`");
}

#[test]
fn two_versions_claiming_one_number_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.rs", V1);
    let b = write(d.path(), "b.rs", &V1.replace("TicketV1", "TicketOther"));
    let r = sessionlint(&["check", d.path().to_str().unwrap()], &root());
    assert_bad_input(&r, &b, Some(5), "already claimed");
}

#[test]
fn usage_errors_exit_2() {
    let r = sessionlint(&["frobnicate"], &root());
    assert_eq!(r.code, 2);
    let r = sessionlint(&["diff", "only-one"], &root());
    assert_eq!(r.code, 2);
}

#[test]
fn diff_between_two_trees_compares_the_newest_against_every_older_decoder() {
    let d = tempfile::tempdir().unwrap();
    let old = d.path().join("old");
    let new = d.path().join("new");
    write(&old, "v1.rs", V1);
    write(
        &old,
        "v2.rs",
        &V1.replace("version = 1", "version = 2")
            .replace("TicketV1", "TicketV2"),
    );
    write(
        &new,
        "v3.rs",
        &V1.replace("version = 1", "version = 3")
            .replace("TicketV1", "TicketV3")
            .replace(
                "pub cipher: u16",
                "pub cipher: u16, #[session(ems)] pub ems: bool",
            ),
    );
    let r = sessionlint(
        &[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--message-format",
            "json",
        ],
        &root(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    let olders: std::collections::BTreeSet<i64> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "ems-accepted-by-older-decoder")
        .map(|f| f["older_version"].as_i64().unwrap())
        .collect();
    assert_eq!(olders, [1, 2].into_iter().collect(), "N-2 is checked too");
}

const SCHEMA_HEAD: &str =
    "name = \"t\"\nversion = 1\nencoding = \"der\"\nroot = \"S\"\n\n[types.S]\nkind = \"struct\"\n";

fn field(ident: &str, rest: &str) -> String {
    format!("\n[[types.S.fields]]\nident = \"{ident}\"\n{rest}\n")
}

#[test]
fn malformed_schema_files_point_at_the_toml_line() {
    let d = tempfile::tempdir().unwrap();
    let cases = [
        (
            "unknown-key",
            format!(
                "{SCHEMA_HEAD}{}",
                field("a", "ty = \"u8\"\ncolour = \"red\"")
            ),
            12,
            "unknown field `colour`",
        ),
        (
            "wrong-type",
            format!("{SCHEMA_HEAD}{}", field("a", "ty = 7")),
            11,
            "invalid type",
        ),
        (
            "bad-type-text",
            format!("{SCHEMA_HEAD}{}", field("a", "ty = \"Vec<u8\"")),
            11,
            "expected `>`",
        ),
        (
            "duplicate-tag",
            format!(
                "{SCHEMA_HEAD}{}{}",
                field("a", "ty = \"u8\"\nwire = { tag = 3 }"),
                field("b", "ty = \"u8\"\nwire = { tag = 3 }")
            ),
            15,
            "tag [3] is used by `a` and `b`",
        ),
        (
            "after-tail",
            format!(
                "{}{}{}",
                SCHEMA_HEAD.replace("\"der\"", "\"tls-positional\""),
                field("a", "ty = \"u8\"\nwire = { if_remaining = true }"),
                field("b", "ty = \"u8\"")
            ),
            15,
            "follows `a`, which is read only if bytes remain",
        ),
        // Each key is checked against the encoding it applies to, at the line that sets it.
        (
            "prefix-in-der",
            format!(
                "{SCHEMA_HEAD}{}",
                field(
                    "a",
                    "ty = \"Vec<u8>\"\nmissing = \"default\"\nwire = { tag = 2, prefix = 2 }"
                )
            ),
            13,
            "`prefix` does not apply",
        ),
        (
            "tag-in-tls",
            format!(
                "{}{}",
                SCHEMA_HEAD.replace("\"der\"", "\"tls-positional\""),
                field("a", "ty = \"u8\"\nwire = { tag = 2 }")
            ),
            12,
            "`tag` does not apply",
        ),
        (
            "one-is-true-on-int",
            format!(
                "{}{}",
                SCHEMA_HEAD.replace("\"der\"", "\"tls-positional\""),
                field("a", "ty = \"u16\"\n\nwire = { one_is_true = true }")
            ),
            13,
            "`one_is_true` on `S.a`",
        ),
        (
            "prefix-levels",
            format!(
                "{}{}",
                SCHEMA_HEAD.replace("\"der\"", "\"tls-positional\""),
                field("a", "ty = \"Vec<u8>\"\nwire = { prefix = [3, 3] }")
            ),
            12,
            "`prefix` gives 2 widths",
        ),
        (
            "dispatch-in-bincode",
            r#"name = "t"
version = 1
encoding = "bincode"
root = "S"

[types.S]
kind = "enum"
repr = "external"
tag_width = 2

[[types.S.variants]]
ident = "A"
tag_value = 1
"#
            .to_string(),
            9,
            "`tag_width` on enum `S` does not apply",
        ),
        (
            "dispatch-value-missing",
            r#"name = "t"
version = 1
encoding = "tls-positional"
root = "S"

[types.S]
kind = "enum"
repr = "external"
tag_width = 1

[[types.S.variants]]
ident = "A"
tag_value = 300
"#
            .to_string(),
            13,
            "does not fit in",
        ),
    ];
    for (name, text, line, what) in cases {
        let f = write(d.path(), &format!("{name}.schema.toml"), &text);
        let r = sessionlint(&["check", &f], &root());
        assert_bad_input(&r, &f, Some(line), what);
    }
}

#[test]
fn diff_reads_a_snapshot_as_the_older_side() {
    let d = tempfile::tempdir().unwrap();
    // The v1 snapshot, as `sessionlint snapshot` writes it.
    write(d.path(), "v1/t.rs", V1);
    let r = sessionlint(
        &["snapshot", d.path().join("v1").to_str().unwrap()],
        &root(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let snap = d.path().join("v1/session-schemas/ticket/v1.toml");
    let new = write(
        d.path(),
        "v2.rs",
        &V1.replace("version = 1", "version = 2")
            .replace("TicketV1", "TicketV2")
            .replace(
                "pub cipher: u16",
                "pub cipher: u16, #[session(ems)] pub ems: bool",
            ),
    );
    let r = sessionlint(
        &[
            "diff",
            snap.to_str().unwrap(),
            &new,
            "--message-format",
            "json",
        ],
        &root(),
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ems-accepted-by-older-decoder"));
}

#[test]
fn a_mask_too_wide_for_a_snapshot_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "t.rs",
        &V1.replace(
            "pub cipher: u16",
            "#[session(known_bits = 0xffff_ffff_ffff_ffff)] pub flags: u64",
        ),
    );
    let r = sessionlint(&["snapshot", d.path().to_str().unwrap()], &root());
    assert_bad_input(&r, &f, Some(5), "fits in 63 bits");
}

/// `default = "path"` on the carrier: a function sessionlint can read decides the verdict (and
/// may live in another module of the crate); one it cannot read makes it data-dependent, named.
#[test]
fn a_default_function_on_the_carrier_is_read_or_said_to_matter() {
    let d = tempfile::tempdir().unwrap();
    let head = "use serde::{Deserialize, Serialize};\nuse sessionlint::SessionState;\n";
    write(
        d.path(),
        "v1.rs",
        &format!(
            r#"{head}#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct V1 {{ pub cipher: u16 }}
"#
        ),
    );
    let v2 = |default: &str| {
        format!(
            r#"{head}#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "t", version = 2, encoding = "json")]
pub struct V2 {{ pub cipher: u16, #[session(ems)] #[serde(default = "{default}")] pub ems: bool }}
"#
        )
    };
    let run = |body: &str| {
        write(d.path(), "v2.rs", &v2("defaults::ems"));
        write(
            d.path(),
            "defaults.rs",
            &format!("// the crate's defaults\npub fn ems() -> bool {{ {body} }}\n"),
        );
        let r = sessionlint(&["check", ".", "--message-format", "json"], d.path());
        let doc: serde_json::Value = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
        let read_as_ems: Vec<serde_json::Value> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "older-session-read-as-ems")
            .cloned()
            .collect();
        (r.code, read_as_ems)
    };
    let (code, f) = run("true");
    assert_eq!((code, f.len()), (1, 1), "{f:?}");
    assert_eq!(f[0]["data_dependent"], false, "{f:?}");
    let (code, f) = run("false");
    assert_eq!((code, f.len()), (0, 0), "{f:?}");
    let (code, f) = run("std::env::var_os(\"EMS\").is_some()");
    assert_eq!((code, f.len()), (1, 1), "{f:?}");
    assert_eq!(f[0]["data_dependent"], true, "{f:?}");
    assert!(
        f[0]["reasons"].to_string().contains("defaults::ems"),
        "the finding names the function: {f:?}"
    );
}

/// Type aliases are what serde sees: module-level `type` items (plain or generic, in another
/// file or a `mod` block) are expanded; an `impl`'s associated type is not an alias, and a name
/// aliased twice is not guessed at (bad input naming the type).
#[test]
fn type_aliases_are_expanded_and_associated_types_are_not() {
    let d = tempfile::tempdir().unwrap();
    let head = "use serde::{Deserialize, Serialize};\nuse sessionlint::SessionState;\n";
    write(
        d.path(),
        "types.rs",
        r#"pub type Secret = Vec<u8>;
pub mod flags { pub type Maybe<T> = Option<T>; }
pub struct Visitor;
impl Iterator for Visitor { type Item = bool; fn next(&mut self) -> Option<bool> { None } }
"#,
    );
    write(
        d.path(),
        "v1.rs",
        &format!(
            r#"{head}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct V1 {{ pub cipher: u16, pub secret: crate::Secret }}
"#
        ),
    );
    let v2 = |carrier: &str| {
        format!(
            r#"{head}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 2, encoding = "json")]
pub struct V2 {{ pub cipher: u16, pub secret: Secret, #[session(ems)] #[serde(default)] pub ems: {carrier} }}
"#
        )
    };
    write(d.path(), "v2.rs", &v2("flags::Maybe<bool>"));
    let r = sessionlint(&["check", ".", "--message-format", "json"], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("ems-accepted-by-older-decoder"),
        "{}",
        r.stdout
    );
    // The same alias imported and used by its name gives the same verdict.
    write(d.path(), "v2.rs", &v2("Maybe<bool>"));
    let r2 = sessionlint(&["check", ".", "--message-format", "json"], d.path());
    assert_eq!(r2.code, 1, "{}{}", r2.stdout, r2.stderr);
    let rules = |s: &str| {
        s.lines()
            .filter(|l| l.contains("\"rule\""))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(rules(&r.stdout), rules(&r2.stdout));
    // An associated type is not an alias.
    write(d.path(), "v2.rs", &v2("Item"));
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("Item"), "{}", r.stderr);
    // A name aliased twice is ambiguous.
    write(
        d.path(),
        "more.rs",
        "pub mod other { pub type Secret = String; }\n",
    );
    write(d.path(), "v2.rs", &v2("bool"));
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("Secret"), "{}", r.stderr);
}

/// `[u8; SECRET_LEN]`: the byte layout depends on the const, which is read from the sources (a
/// packed layout with an unknown length could only be data-dependent).
#[test]
fn a_const_array_length_is_read() {
    let d = tempfile::tempdir().unwrap();
    let head = "use serde::{Deserialize, Serialize};\nuse sessionlint::SessionState;\n";
    write(d.path(), "consts.rs", "pub const SECRET_LEN: usize = MASTER_SECRET_LEN;\npub const MASTER_SECRET_LEN: usize = 48;\n");
    write(
        d.path(),
        "v1.rs",
        &format!(
            r#"{head}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "bincode")]
pub struct V1 {{ pub cipher: u16, pub secret: [u8; SECRET_LEN] }}
"#
        ),
    );
    let r = sessionlint(&["snapshot", "."], d.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let snap = std::fs::read_to_string(d.path().join("session-schemas/t/v1.toml")).unwrap();
    assert!(snap.contains("ty = \"[u8; 48]\""), "{snap}");
}

/// sessionlint reads what serde_derive generates. A session type whose serde code is written by
/// hand, generated by a macro, or derived by another framework is bad input, naming why.
#[test]
fn a_session_type_not_derived_by_serde_is_bad_input() {
    let cases = [
        (
            r#"#[derive(rkyv::Serialize, rkyv::Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct V1 { pub cipher: u16 }
"#,
            "rkyv's, not serde's",
        ),
        (
            r#"use borsh::{BorshSerialize as Serialize, BorshDeserialize as Deserialize};
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct V1 { pub cipher: u16 }
"#,
            "imports from `borsh`",
        ),
        (
            r#"#[derive(serde::Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct V1 { pub cipher: u16 }
impl serde::Serialize for V1 { fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_u8(1) } }
"#,
            "written by hand",
        ),
    ];
    for (src, why) in cases {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "v.rs",
            &format!("use sessionlint::SessionState;\n{src}"),
        );
        let r = sessionlint(&["check", "."], d.path());
        assert_eq!(r.code, 2, "{src}\n{}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains(why) && r.stderr.contains("v.rs"),
            "{why}: {}",
            r.stderr
        );
    }
    // Zero-annotation mode: the configured type must be serde-derived too, and a type that only
    // a macro defines is not found.
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "sessionlint.toml",
        "[[type]]\nname = \"Ticket\"\nformat = \"t\"\nversion = 1\nencoding = \"json\"\n",
    );
    write(d.path(), "v.rs", "pub struct Ticket { pub cipher: u16 }\n");
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("does not derive `Serialize`"),
        "{}",
        r.stderr
    );
    write(
        d.path(),
        "v.rs",
        r#"macro_rules! ticket { () => { #[derive(serde::Serialize, serde::Deserialize)] pub struct Ticket { pub cipher: u16 } } }
ticket!();
"#,
    );
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("macro_rules!"), "{}", r.stderr);
}

/// `cfg` and `cfg_attr` are evaluated for one build: the package's default features (read from
/// its Cargo.toml), or `features`/`cfg` from the configuration. A `cfg_attr` that makes the older
/// decoder strict decides the verdict; so does a field that exists only with a feature.
#[test]
fn cfg_and_cfg_attr_are_read_for_the_configured_build() {
    let d = tempfile::tempdir().unwrap();
    let head = "use serde::{Deserialize, Serialize};\nuse sessionlint::SessionState;\nfn is_false(b: &bool) -> bool { !*b }\n";
    let manifest = r#"[package]
name = "tls"
version = "0.1.0"

[features]
default = ["hardened"]
hardened = ["strict", "dep:zeroize"]
strict = []
ems = []
"#;
    write(d.path(), "Cargo.toml", manifest);
    write(
        d.path(),
        "src/v1.rs",
        &format!(
            r#"{head}#[derive(Serialize, Deserialize, SessionState)]
#[cfg_attr(all(feature = "strict", not(test)), serde(deny_unknown_fields))]
#[session(name = "t", version = 1, encoding = "json")]
pub struct V1 {{ pub cipher: u16 }}
"#
        ),
    );
    write(
        d.path(),
        "src/v2.rs",
        &format!(
            r#"{head}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 2, encoding = "json")]
pub struct V2 {{ pub cipher: u16, #[session(ems)] #[serde(default, skip_serializing_if = "is_false")] pub ems: bool }}
"#
        ),
    );
    let rules = |extra: &str| {
        let m = format!("{manifest}{extra}");
        write(d.path(), "Cargo.toml", &m);
        let r = sessionlint(&["check", ".", "--message-format", "json"], d.path());
        (r.code, r.rule_ids())
    };
    // Default features: `hardened` implies `strict`, so v1 rejects the EMS key.
    let (code, ids) = rules("");
    assert_eq!(code, 0, "{ids:?}");
    // A build without features: v1 ignores unknown keys and drops EMS.
    let (code, ids) = rules("\n[package.metadata.sessionlint]\nfeatures = []\n");
    assert_eq!(code, 1, "{ids:?}");
    assert!(
        ids.contains(&"ems-accepted-by-older-decoder".to_string()),
        "{ids:?}"
    );
    // `cfg = ["test"]` turns the `not(test)` off again.
    let (code, ids) = rules("\n[package.metadata.sessionlint]\ncfg = [\"test\"]\n");
    assert_eq!(code, 1, "{ids:?}");
    // A carrier that exists only with a feature: without it, v2 has no EMS field at all.
    write(
        d.path(),
        "src/v2.rs",
        &format!(
            r#"{head}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 2, encoding = "json")]
pub struct V2 {{ pub cipher: u16, #[cfg(feature = "ems")] #[session(ems)] #[serde(default)] pub ems: bool }}
"#
        ),
    );
    let (code, ids) = rules("");
    assert_eq!((code, ids.len()), (0, 0), "{ids:?}");
    let (code, ids) = rules("\n[package.metadata.sessionlint]\nfeatures = [\"ems\"]\n");
    assert_eq!(code, 1, "{ids:?}");
    // A predicate that is not a cfg is bad input, not skipped.
    write(
        d.path(),
        "src/v2.rs",
        &format!(
            r#"{head}#[derive(Serialize, Deserialize, SessionState)]
#[cfg_attr(feature("x"), serde(default))]
#[session(name = "t", version = 2, encoding = "json")]
pub struct V2 {{ pub cipher: u16 }}
"#
        ),
    );
    write(d.path(), "Cargo.toml", manifest);
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("cfg"), "{}", r.stderr);
}

/// Other crates' types (`rustls::CipherSuite`, an imported `ServerName<'static>`) are opaque,
/// matched by their path on both sides: never "defined nowhere", never a finding by themselves.
/// A bare name that is neither imported from a crate nor defined in the sources is still bad input.
#[test]
fn foreign_types_are_opaque_by_path() {
    let d = tempfile::tempdir().unwrap();
    let head = "use serde::{Deserialize, Serialize};\nuse sessionlint::SessionState;\nuse pki_types::ServerName;\n";
    let v = |n: u32, extra: &str| {
        format!(
            r#"{head}#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "t", version = {n}, encoding = "json")]
pub struct V{n} {{ pub suite: rustls::CipherSuite, pub sni: Option<ServerName<'static>>, {extra} }}
"#
        )
    };
    write(
        d.path(),
        "v1.rs",
        &v(1, "#[session(ems)] #[serde(default)] pub ems: bool"),
    );
    write(
        d.path(),
        "v2.rs",
        &v(2, "#[session(ems)] #[serde(default)] pub ems: bool"),
    );
    let r = sessionlint(&["check", ".", "--message-format", "json"], d.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("\"findings\": []"), "{}", r.stdout);
    let r = sessionlint(&["snapshot", "."], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let snap = std::fs::read_to_string(d.path().join("session-schemas/t/v1.toml")).unwrap();
    assert!(
        snap.contains("opaque rustls::CipherSuite")
            && snap.contains("opaque pki_types::ServerName"),
        "{snap}"
    );
    // And the snapshot reads back as the same decoder.
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    write(
        d.path(),
        "v2.rs",
        &v(
            2,
            "pub local: Unknown, #[session(ems)] #[serde(default)] pub ems: bool",
        ),
    );
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("`Unknown`") && r.stderr.contains("defined nowhere"),
        "{}",
        r.stderr
    );
}

/// The same type name in several modules: in one file, the referring item's own inline module
/// decides; across files, where module paths would decide, the ambiguity is bad input, never a
/// guess.
#[test]
fn a_type_name_in_several_modules_is_resolved_or_refused() {
    let d = tempfile::tempdir().unwrap();
    let head = "use serde::{Deserialize, Serialize};\nuse sessionlint::SessionState;\n";
    let module = |n: u32, params: &str| {
        format!(
            r#"pub mod v{n} {{
  use super::*;
  #[derive(Serialize, Deserialize)]
  pub struct Params {{ {params} }}
  #[derive(Serialize, Deserialize, SessionState)]
  #[session(name = "t", version = {n}, encoding = "json")]
  pub struct Ticket {{ pub cipher: u16, pub params: Params }}
}}
"#
        )
    };
    write(
        d.path(),
        "tickets.rs",
        &format!(
            "{head}{}{}",
            module(1, "pub a: u8"),
            module(
                2,
                "pub a: u8, #[session(ems)] #[serde(default)] pub ems: bool"
            )
        ),
    );
    let r = sessionlint(&["check", ".", "--message-format", "json"], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    // v2's Params (with the carrier) was read for v2: the hazard is the EMS key v1 ignores.
    assert!(
        r.stdout.contains("ems-accepted-by-older-decoder"),
        "{}",
        r.stdout
    );
    // Two files defining `Params`, referred to from a third: refused, naming both.
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "a.rs",
        "#[derive(serde::Serialize, serde::Deserialize)]\npub struct Params { pub a: u8 }\n",
    );
    write(
        d.path(),
        "b.rs",
        "#[derive(serde::Serialize, serde::Deserialize)]\npub struct Params { pub b: u16 }\n",
    );
    write(
        d.path(),
        "t.rs",
        &format!(
            r#"{head}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct T {{ pub params: Params }}
"#
        ),
    );
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("a.rs:") && r.stderr.contains("b.rs:") && r.stderr.contains("2 places"),
        "{}",
        r.stderr
    );
}

/// A crate laid out as TLS crates are: `src/v1.rs` and `src/v2.rs` each define `Ticket` and
/// `Params`; fields name them through `super::`, `crate::`, a `use` with a rename, or bare in
/// their own module; `[[type]] name` takes a module path, and a bare name matching both is bad
/// input asking for one.
#[test]
fn module_paths_pick_the_type_across_files() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "Cargo.toml",
        "[package]\nname = \"tickets\"\nversion = \"0.1.0\"\n",
    );
    write(
        d.path(),
        "src/lib.rs",
        "pub mod v1;\npub mod v2;\npub mod util { pub fn is_false(b: &bool) -> bool { !*b } }\n",
    );
    let ser = "#[derive(serde::Serialize, serde::Deserialize)]";
    write(
        d.path(),
        "src/v1.rs",
        &format!("{ser}\npub struct Params {{ pub group: u16 }}\n{ser}\npub struct Ticket {{ pub cipher: u16, pub params: Params }}\n"),
    );
    // v2 keeps v1's Params through a renamed import, and has Params of its own.
    write(
        d.path(),
        "src/v2.rs",
        &format!(
            r#"use crate::v1::Params as OldParams;
{ser}
pub struct Params {{ pub group: u16, #[serde(default)] pub hint: u8 }}
{ser}
pub struct Ticket {{ pub cipher: u16, pub params: self::Params, pub legacy: Option<OldParams>, #[serde(default)] pub ems: bool }}
"#
        ),
    );
    let config = |v1: &str, v2: &str| {
        format!(
            r#"paths = ["src"]

[[type]]
name = "{v1}"
format = "t"
version = 1
encoding = "json"

[[type]]
name = "{v2}"
format = "t"
version = 2
encoding = "json"
ems = "ems"
"#
        )
    };
    write(
        d.path(),
        "sessionlint.toml",
        &config("v1::Ticket", "crate::v2::Ticket"),
    );
    let r = sessionlint(&["check", ".", "--message-format", "json"], d.path());
    // v1 ignores v2's new key.
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("ems-accepted-by-older-decoder"),
        "{}",
        r.stdout
    );
    let r = sessionlint(&["snapshot", "."], d.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v1 = std::fs::read_to_string(d.path().join("session-schemas/t/v1.toml")).unwrap();
    let v2 = std::fs::read_to_string(d.path().join("session-schemas/t/v2.toml")).unwrap();
    // Each version read its own module's Params; v2's `legacy` field read v1's.
    assert!(!v1.contains("hint") && !v1.contains("legacy"), "{v1}");
    assert!(
        v2.contains("ident = \"hint\"") && v2.contains("ident = \"legacy\""),
        "{v2}"
    );
    // A bare name matching both files' items is refused, naming both with their paths.
    write(
        d.path(),
        "sessionlint.toml",
        &config("Ticket", "v2::Ticket"),
    );
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("v1::Ticket at")
            && r.stderr.contains("v2::Ticket at")
            && r.stderr.contains("module path"),
        "{}",
        r.stderr
    );
    // A path to a module that has no such type says so.
    write(
        d.path(),
        "sessionlint.toml",
        &config("v3::Ticket", "v2::Ticket"),
    );
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("`v3::Ticket` matches no struct"),
        "{}",
        r.stderr
    );
}

/// The configuration is read into enums: an unknown encoding or role is bad input at its own
/// line, with what to write.
#[test]
fn configuration_values_are_typed_and_located() {
    let d = tempfile::tempdir().unwrap();
    for (cfg, line, says) in [
        (
            "paths = []\nencoding = \"jsonx\"\n",
            2,
            "unknown encoding `jsonx`; write one of json",
        ),
        (
            "[[type]]\nname = \"T\"\nversion = 1\nrole = \"proxy\"\n",
            4,
            "unknown role `proxy`",
        ),
        (
            "[levels]\nolder-session-rejected = \"fatal\"\n",
            2,
            "unknown variant `fatal`",
        ),
    ] {
        write(d.path(), "sessionlint.toml", cfg);
        let r = sessionlint(&["check", "."], d.path());
        assert_eq!(r.code, 2, "{cfg}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("sessionlint.toml:{line}")) && r.stderr.contains(says),
            "{cfg}: {}",
            r.stderr
        );
    }
}

/// Advice a reviewer can act on: a schema-file finding advises in wire terms (no serde attribute
/// means anything to a hand-written codec), and in the backward direction the older version is
/// named as the writer of the sessions, not as a decoder.
#[test]
fn advice_speaks_the_formats_language_and_names_each_side() {
    let r = sessionlint(&["check", "examples/real-world/rustls"], &root());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let text = format!("{}{}", r.stdout, r.stderr);
    assert!(
        text.contains("so that older parsers refuse only those"),
        "{text}"
    );
    assert!(!text.contains("deny_unknown_fields"), "{text}");
    assert!(
        text.contains("the older encoder: rustls-client-session v1 writes the sessions"),
        "{text}"
    );
    // ...while the forward direction names it as the decoder that accepts.
    assert!(
        text.contains("the older decoder: rustls-client-session v1 decoder"),
        "{text}"
    );
    // A serde format keeps the serde advice.
    let r = sessionlint(&["check", "examples/quickstart"], &root());
    assert!(r.stdout.contains("deny_unknown_fields"), "{}", r.stdout);
    // `explain` gives both, in words a maintainer uses.
    let r = sessionlint(&["explain", "ems-accepted-by-older-decoder"], &root());
    assert!(
        r.stdout.contains("For formats described in schema files"),
        "{}",
        r.stdout
    );
    for rule in sessionlint::rules::RULES {
        let r = sessionlint(&["explain", rule.id()], &root());
        assert!(!r.stdout.contains("carrier"), "{}: {}", rule.id(), r.stdout);
    }
}

/// `diff OLD NEW` reads each side with its own configuration, like `check`: plain serde types
/// named by `[[type]]` (module paths included), the default encoding, and `--type` by the Rust
/// type's name.
#[test]
fn diff_honours_the_configuration() {
    let d = tempfile::tempdir().unwrap();
    let side = |dir: &str, ems: bool| {
        let root = d.path().join(dir);
        write(
            &root,
            "Cargo.toml",
            "[package]\nname = \"t\"\nversion = \"0.1.0\"\n",
        );
        write(&root, "src/lib.rs", "pub mod tickets;\n");
        write(
            &root,
            "src/tickets.rs",
            &format!(
                "#[derive(serde::Serialize, serde::Deserialize)]\npub struct Ticket {{ pub cipher: u16{} }}\n",
                if ems { ", #[serde(default)] pub ems: bool" } else { "" }
            ),
        );
        write(
            &root,
            "sessionlint.toml",
            &format!(
                "encoding = \"json\"\n\n[[type]]\nname = \"tickets::Ticket\"\nformat = \"t\"\nversion = {}\n{}",
                if ems { 2 } else { 1 },
                if ems { "ems = \"ems\"\n" } else { "" }
            ),
        );
        root
    };
    let (old, new) = (side("old", false), side("new", true));
    for ty in [None, Some("Ticket"), Some("t")] {
        let mut args = vec!["diff", old.to_str().unwrap(), new.to_str().unwrap()];
        if let Some(t) = ty {
            args.extend(["--type", t]);
        }
        let r = sessionlint(&args, &root());
        assert_eq!(r.code, 1, "{ty:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("ems-accepted-by-older-decoder"),
            "{}",
            r.stdout
        );
    }
}

/// Critical properties beside EMS: from the derive, from zero-annotation configuration, and in
/// schema files; each finding names its property in JSON.
#[test]
fn critical_properties_are_judged_like_ems() {
    let r = sessionlint(
        &[
            "check",
            "tests/rules/critical-property-accepted-by-older-decoder",
            "--message-format",
            "json",
        ],
        &root(),
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let doc = r.json();
    let f = &doc["findings"][0];
    assert_eq!(f["property"], "quic", "{f}");
    assert_eq!(f["rule"], "critical-property-accepted-by-older-decoder");
    // The rollout gate counts the property too: v2's writer waits for the v1 servers.
    let r = sessionlint(
        &[
            "plan",
            "tests/rules/critical-property-accepted-by-older-decoder",
            "--message-format",
            "json",
        ],
        &root(),
    );
    let doc = r.json();
    let g = doc["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["writer"] == 2)
        .unwrap()
        .clone();
    assert_eq!(g["min_decoder"], 2, "{g}");
    assert_eq!(
        g["blocked_by"][0]["rules"][0], "critical-property-accepted-by-older-decoder",
        "{g}"
    );
    // Zero-annotation: `critical = { quic = "is_quic" }`.
    let d = tempfile::tempdir().unwrap();
    let ser = "#[derive(serde::Serialize, serde::Deserialize)]";
    write(
        d.path(),
        "v1.rs",
        &format!("{ser}\npub struct T1 {{ pub cipher: u16 }}\n"),
    );
    write(
        d.path(),
        "v2.rs",
        &format!(
            "{ser}\npub struct T2 {{ pub cipher: u16, #[serde(default)] pub is_quic: bool }}\n"
        ),
    );
    write(
        d.path(),
        "sessionlint.toml",
        r#"encoding = "json"

[[type]]
name = "T1"
format = "t"
version = 1

[[type]]
name = "T2"
format = "t"
version = 2
critical = { quic = "is_quic" }
"#,
    );
    let r = sessionlint(&["check", ".", "--message-format", "json"], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("\"property\": \"quic\""), "{}", r.stdout);
    // A schema file: `session = { critical = { name = "quic", kind = "flag" } }`.
    let d = tempfile::tempdir().unwrap();
    let head = |v: u32| {
        format!(
            r#"name = "t"
version = {v}
encoding = "json"
root = "T"

[types.T]
kind = "struct"

[[types.T.fields]]
ident = "cipher"
ty = "u16"
"#
        )
    };
    write(d.path(), "v1.schema.toml", &head(1));
    write(
        d.path(),
        "v2.schema.toml",
        &format!(
            r#"{}
[[types.T.fields]]
ident = "is_quic"
ty = "bool"
missing = "default"
session = {{ critical = {{ name = "quic", kind = "flag" }} }}
"#,
            head(2)
        ),
    );
    let r = sessionlint(&["check", ".", "--message-format", "json"], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("critical-property-accepted-by-older-decoder"),
        "{}",
        r.stdout
    );
}

/// `plan`'s reader-first split is offered only where the new decoder reads the previous format
/// and something blocks the new writer.
#[test]
fn plan_offers_a_reader_first_split_only_where_it_helps() {
    let gate = |example: &str, writer: u64| -> serde_json::Value {
        let r = sessionlint(&["plan", example, "--message-format", "json"], &root());
        assert_eq!(r.code, 0, "{}", r.stderr);
        let doc = r.json();
        doc["gates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["writer"] == writer)
            .unwrap()
            .clone()
    };
    let g = gate("examples/quickstart", 2);
    assert_eq!(g["min_decoder"], 2);
    assert_eq!(g["reader_first"]["writes"], 1, "{g}");
    assert_eq!(g["reader_first"]["reader_min_decoder"], 1, "{g}");
    // v2's decoder refuses v1's sessions: no reader can ship first.
    let g = gate("examples/bincode-appended", 2);
    assert!(g["reader_first"].is_null(), "{g}");
    // Nothing blocks v3: no split.
    let g = gate("examples/real-world/boringssl", 3);
    assert!(
        g["reader_first"].is_null() && g["blocked_by"].as_array().unwrap().is_empty(),
        "{g}"
    );
}

/// `#[session(envelope = "ID")]` (and `[[type]] envelope`) name the ticket keys or session cache
/// a version's sessions are sealed under: decoders that declare another refuse them before
/// parsing. An empty name is bad input at its line; a name that is repository text never reaches
/// the terminal raw.
#[test]
fn envelopes_are_declared_read_and_checked() {
    let d = tempfile::tempdir().unwrap();
    let two = |v1: &str, v2: &str| {
        format!(
            "{v1}#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"t\", version = 1, encoding = \"bincode\")]\npub struct V1 {{ pub suite: u16 }}\n\
             {v2}#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"t\", version = 2, encoding = \"bincode\")]\npub struct V2 {{ pub suite: u16, #[session(ems)] pub ems: bool }}\n"
        )
    };
    let f = write(d.path(), "t.rs", &two("", ""));
    assert_eq!(sessionlint(&["check", &f], &root()).code, 1);
    // Declared on one side only: not assumed to differ.
    write(
        d.path(),
        "t.rs",
        &two("", "#[session(envelope = \"k2\")]\n"),
    );
    assert_eq!(sessionlint(&["check", &f], &root()).code, 1);
    write(
        d.path(),
        "t.rs",
        &two(
            "#[session(envelope = \"k1\")]\n",
            "#[session(envelope = \"k2\")]\n",
        ),
    );
    let r = sessionlint(&["check", &f], &root());
    assert_eq!(r.code, 0, "{}", r.stdout);
    write(d.path(), "t.rs", &two("", "#[session(envelope = \" \")]\n"));
    assert_bad_input(
        &sessionlint(&["check", &f], &root()),
        &f,
        Some(4),
        "`envelope` must not be empty",
    );
    write(d.path(), "t.rs", &two("", "#[session(envelope = 7)]\n"));
    assert_eq!(sessionlint(&["check", &f], &root()).code, 2);
    // The configuration's form, and its empty value.
    let c = tempfile::tempdir().unwrap();
    write(
        c.path(),
        "src/lib.rs",
        r#"#[derive(Serialize, Deserialize)]
pub struct V1 { pub suite: u16 }
#[derive(Serialize, Deserialize)]
pub struct V2 { pub suite: u16, pub ems: bool }
"#,
    );
    let cfg = |e1: &str| {
        format!(
            r#"encoding = "bincode"
[[type]]
name = "V1"
format = "t"
version = 1
{e1}
[[type]]
name = "V2"
format = "t"
version = 2
ems = "ems"
envelope = "k2"
"#
        )
    };
    write(c.path(), "sessionlint.toml", &cfg("envelope = \"k1\""));
    let r = sessionlint(&["check", "."], c.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    write(c.path(), "sessionlint.toml", &cfg(""));
    assert_eq!(sessionlint(&["check", "."], c.path()).code, 1);
    write(c.path(), "sessionlint.toml", &cfg("envelope = \"\""));
    let r = sessionlint(&["check", "."], c.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("`envelope` must not be empty"),
        "{}",
        r.stderr
    );
}

/// A fix's texts quote repository text (a format name, a key): in a fix they are Rust string
/// literals that parse back to the same text, and no control character reaches the terminal.
#[test]
fn fixes_quote_repository_text_safely() {
    let d = tempfile::tempdir().unwrap();
    let src = "#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"t\\u{1b}[31m\\\"x\", version = 1, encoding = \"json\")]\npub struct V1 { #[serde(rename = \"a\\\"b\")] pub suite: u16 }\n\
               #[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"t\\u{1b}[31m\\\"x\", version = 2, encoding = \"json\")]\npub struct V2 { #[serde(rename = \"a\\\"b\")] pub suite: u16, #[session(ems)] pub ems: bool }\n";
    let f = write(d.path(), "t.rs", src);
    let r = sessionlint(&["check", &f], &root());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains('\u{1b}'), "{}", r.stdout);
    let j = sessionlint(&["check", &f, "--message-format", "json"], &root());
    let doc = j.json();
    let fixes = doc["findings"][0]["fixes"].as_array().unwrap();
    let inserted: Vec<&str> = fixes
        .iter()
        .flat_map(|x| x["edits"].as_array().unwrap())
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(!inserted.is_empty());
    for text in inserted {
        // Each insert is one attribute that parses as Rust.
        syn::parse_str::<syn::DeriveInput>(&format!("{text} struct S;"))
            .unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

/// A foreign type has one name however a version spells it: imported under another name
/// (`use rustls::CipherSuite as Suite`), through an imported module (`use rustls::msgs;`), or
/// written out. Different names would make the two versions' layouts look different (a
/// data-dependent false alarm).
#[test]
fn a_foreign_type_is_named_by_its_path_however_it_is_imported() {
    let d = tempfile::tempdir().unwrap();
    let item = |n: u32, uses: &str, suite: &str, ext: &str| {
        format!(
            r#"use serde::{{Deserialize, Serialize}};
use sessionlint::SessionState;
{uses}
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = {n}, encoding = "bincode")]
pub struct V{n} {{ pub suite: {suite}, pub ext: {ext}, #[session(ems)] pub ems: bool }}
"#
        )
    };
    write(
        d.path(),
        "v1.rs",
        &item(
            1,
            "use rustls::CipherSuite as Suite;\nuse rustls::msgs;",
            "Suite",
            "msgs::Ext",
        ),
    );
    write(
        d.path(),
        "v2.rs",
        &item(2, "", "rustls::CipherSuite", "rustls::msgs::Ext"),
    );
    let r = sessionlint(&["check", ".", "--message-format", "json"], d.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("\"findings\": []"), "{}", r.stdout);
    let r = sessionlint(&["snapshot", "."], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let snap = std::fs::read_to_string(d.path().join("session-schemas/t/v1.toml")).unwrap();
    assert!(
        snap.contains("opaque rustls::CipherSuite") && snap.contains("opaque rustls::msgs::Ext"),
        "{snap}"
    );
    // A different type is still a different type.
    write(
        d.path(),
        "v2.rs",
        &item(2, "", "rustls::ProtocolVersion", "rustls::msgs::Ext"),
    );
    let r = sessionlint(&["check", ".", "--message-format", "json"], d.path());
    assert!(
        r.stdout.contains("\"data_dependent\": true"),
        "{}",
        r.stdout
    );
}

/// Reasons that name the right thing (#21.7): serde's derive left off by a `cfg_attr` is said to
/// be that, not code written by hand; a `[[type]]` that names an alias says it is one.
#[test]
fn bad_input_names_its_real_cause() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.rs"),
        r#"#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[derive(SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct T { pub cipher: u16, #[session(ems)] pub ems: bool }
"#,
    )
    .unwrap();
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("cfg_attr(feature = \"serde\"")
            && r.stderr.contains("is off")
            && !r.stderr.contains("by hand"),
        "{}",
        r.stderr
    );

    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("lib.rs"),
        r#"#[derive(Serialize, Deserialize)]
pub struct Generic<T> { pub cipher: u16, pub ext: T, pub ems: bool }
pub type Ticket = Generic<()>;
"#,
    )
    .unwrap();
    std::fs::write(
        d.path().join("sessionlint.toml"),
        "[[type]]\nname = \"Ticket\"\nformat = \"ticket\"\nversion = 1\nencoding = \"json\"\nems = \"ems\"\n",
    )
    .unwrap();
    let r = sessionlint(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("is a type alias")
            && r.stderr.contains("Generic<()>")
            && r.stderr.contains("lib.rs:3")
            && !r.stderr.contains("matches no struct"),
        "{}",
        r.stderr
    );
}

/// Every option and argument of every command says what it is (`--help`).
#[test]
fn every_option_has_help() {
    use clap::CommandFactory;
    let cli = sessionlint::cli::Cli::command();
    let mut missing = Vec::new();
    for sub in cli.get_subcommands() {
        for a in sub.get_arguments() {
            let id = a.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{} {id}", sub.get_name()));
            }
        }
    }
    assert!(missing.is_empty(), "options without help: {missing:?}");
}
