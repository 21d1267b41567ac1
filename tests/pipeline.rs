//! One pipeline behind every command: on the same inputs and the same configuration, `check`,
//! `diff` and `plan` judge the same findings (the allows and levels of the configuration applied
//! to all of them alike).

mod common;
use common::sessionlint;
use std::collections::BTreeSet;
use std::path::Path;

const V1: &str = r#"use serde::{Deserialize, Serialize};
use sessionlint::SessionState;
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 1, encoding = "json")]
#[serde(deny_unknown_fields)]
pub struct TicketV1 { pub cipher: u16, pub secret: Vec<u8> }
"#;
const V2: &str = r#"use serde::{Deserialize, Serialize};
use sessionlint::SessionState;
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 { pub cipher: u16, pub secret: Vec<u8>, #[session(ems)] pub ems: bool, pub hint: u8 }
"#;
const CONFIG: &str = r#"[levels]
non-ems-session-rejected-by-older-decoder = "error"

[[allow]]
rule = "older-session-rejected"
format = "ticket"
reason = "v1 entries expire before v2 ships"
"#;

/// (rule, level) of a JSON document's findings.
fn found(stdout: &str) -> BTreeSet<(String, String)> {
    let doc: serde_json::Value =
        serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    common::findings(&doc)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["level"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn every_command_judges_the_same_findings() {
    let d = tempfile::tempdir().unwrap();
    // `check` sees both versions in one tree.
    let both = d.path().join("both");
    write(&both, "v1.rs", V1);
    write(&both, "v2.rs", V2);
    write(&both, "sessionlint.toml", CONFIG);
    // `diff` takes the deployed tree and the change, the change with the configuration.
    let old = d.path().join("old");
    let new = d.path().join("new");
    write(&old, "v1.rs", V1);
    write(&new, "v2.rs", V2);
    write(&new, "sessionlint.toml", CONFIG);

    let check = sessionlint(&["check", ".", "--message-format", "json"], &both);
    let diff = sessionlint(&["diff", "../old", ".", "--message-format", "json"], &new);
    assert_eq!(check.code, diff.code, "{}\n{}", check.stdout, diff.stdout);
    let (c, f) = (found(&check.stdout), found(&diff.stdout));
    assert_eq!(c, f, "check and diff disagree");
    // The configuration applied: raised to an error, allowed away.
    assert!(
        c.contains(&(
            "non-ems-session-rejected-by-older-decoder".to_string(),
            "error".to_string()
        )),
        "{c:?}"
    );
    assert!(
        !c.iter().any(|(r, _)| r == "older-session-rejected"),
        "{c:?}"
    );
    // The plan's blockers are the errors of the same findings.
    let plan = sessionlint(&["plan", ".", "--message-format", "json"], &both);
    let doc = plan.json();
    let blocked: BTreeSet<String> = doc["gates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["blocked_by"].as_array().unwrap().iter())
        .flat_map(|b| b["rules"].as_array().unwrap().iter())
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    let errors: BTreeSet<String> = c
        .iter()
        .filter(|(_, l)| l == "error")
        .map(|(r, _)| r.clone())
        .collect();
    assert_eq!(blocked, errors, "plan and check disagree");
}

#[path = "../examples/gen_workload.rs"]
#[allow(dead_code)]
mod gen_workload;

/// Work spread over threads (reading, scans, rules, the fix search, human layout) gives the
/// same report, byte for byte, as one thread: order and results never depend on timing.
#[test]
fn threads_change_nothing_but_time() {
    let d = tempfile::tempdir().unwrap();
    let spec = gen_workload::Spec {
        lines: 40_000,
        formats: 12,
        versions: 5,
        seed: 7,
    };
    gen_workload::generate(d.path(), &spec).unwrap();
    let p = d.path().to_str().unwrap();
    let with = |threads: &str, format: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sessionlint"))
            .args(["check", p, "--message-format", format])
            .env("NO_COLOR", "1")
            .env("SESSIONLINT_THREADS", threads)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    for format in ["json", "human"] {
        let one = with("1", format);
        assert_eq!(one.0, Some(1), "the workload has unsafe versions");
        assert!(one.1.contains("verified"), "{}", one.1);
        for threads in ["2", "4"] {
            assert_eq!(with(threads, format), one, "{threads} threads, {format}");
        }
    }
}

/// A large working tree is read by two indexes, one per half of its candidate files: what they
/// find, merged, is what one index finds. On a generated tree, with cross-half cases added: a
/// part type in the other half, a cfg'd derive, a version claimed in both halves, a part with a
/// syntax error used from both, a type that is not serde's.
#[test]
fn two_halves_read_as_one_index_reads() {
    use sessionlint::extract::{extract, Options, SourceFile};
    let d = tempfile::tempdir().unwrap();
    let spec = gen_workload::Spec {
        lines: 120_000,
        formats: 12,
        versions: 3,
        seed: 7,
    };
    gen_workload::generate(d.path(), &spec).unwrap();
    let mut files: Vec<SourceFile> = Vec::new();
    let mut stack = vec![d.path().join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let path = p
                    .strip_prefix(d.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.push(SourceFile {
                    path,
                    text: std::fs::read_to_string(&p).unwrap(),
                });
            }
        }
    }
    let head = "use serde::{Deserialize, Serialize};\nuse sessionlint::SessionState;\n";
    let extra = [
        (
            "src/aaa_first.rs",
            r#"
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cross", version = 1, encoding = "json")]
pub struct CrossV1 { pub part: ZzzPart, pub broken: Broken }

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "twice", version = 1, encoding = "json")]
pub struct TwiceA { pub cipher: u16 }

#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[derive(SessionState)]
#[session(name = "gated", version = 1, encoding = "json")]
pub struct Gated { pub cipher: u16 }
"#,
        ),
        (
            "src/zzz_last.rs",
            r#"
#[derive(Serialize, Deserialize, SessionState)]
pub struct ZzzPart { #[session(ems)] pub ems: bool, pub hint: u8 }

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "cross", version = 2, encoding = "json")]
pub struct CrossV2 { pub part: ZzzPart, pub broken: Broken, pub more: u8 }

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "twice", version = 1, encoding = "json")]
pub struct TwiceB { pub cipher: u16 }

#[derive(rkyv::Serialize, rkyv::Deserialize, SessionState)]
#[session(name = "other", version = 1, encoding = "json")]
pub struct NotSerde { pub cipher: u16 }

#[derive(Serialize, Deserialize)]
pub struct Broken { pub a: u8 pub b: u8 }
"#,
        ),
    ];
    for (path, text) in extra {
        files.push(SourceFile {
            path: path.to_string(),
            text: format!("{head}{text}"),
        });
    }
    assert!(
        files.len() >= sessionlint::extract::HALVES_FROM,
        "{}",
        files.len()
    );
    let read = |halves_from: usize| {
        let opts = Options {
            halves_from: Some(halves_from),
            ..Options::default()
        };
        let ex = extract(&files, &opts);
        let cfg: Vec<String> = ex.cfg.iter().map(|c| format!("{c:?}")).collect();
        (ex.schemas, ex.problems, cfg)
    };
    let (one, halves) = (read(usize::MAX), read(2));
    assert!(
        one.0.len() > 20 && !one.1.is_empty() && !one.2.is_empty(),
        "{:?}",
        one.1
    );
    assert_eq!(one.0, halves.0, "schemas");
    assert_eq!(one.1, halves.1, "problems");
    assert_eq!(one.2, halves.2, "cfg notes");
    // The second half is read on a thread of its own: as deep an item as the command line reads
    // (nesting just inside its bound) in the last file is judged there too, not a crash.
    let deep = format!(
        "{head}#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"deep\", version = 1, encoding = \"json\")]\npub struct Deep {{ pub v: {}u8{} }}\n",
        "Option<".repeat(240),
        ">".repeat(240)
    );
    std::fs::write(d.path().join("src/zzz_deep.rs"), deep).unwrap();
    let r = sessionlint(&["check", ".", "--message-format", "json"], d.path());
    assert!(matches!(r.code, 0..=2), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("\"exit_code\"") || r.stdout.contains("\"findings\""),
        "{}",
        r.stderr
    );
}

/// The matrices a review shows read the rules' own verdicts (`analysis::Known`) instead of
/// analysing each pair again: cell for cell they are the matrices analysed afresh, with a
/// version of two shapes (a cfg either way), two critical properties, and a window narrower than
/// the chain.
#[test]
fn matrices_read_off_the_rules_verdicts_are_the_matrices_analysed_afresh() {
    use sessionlint::analysis::{matrix, matrix_with, Known};
    use sessionlint::deployment::Deployment;
    use sessionlint::extract::{extract, Options, SourceFile};
    use sessionlint::{history, rules};
    let text = r#"
use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct V1 { pub cipher: u16 }

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 2, encoding = "json")]
pub struct V2 { pub cipher: u16, #[cfg(target_os = "linux")] #[session(ems)] #[serde(default)] pub ems: bool }

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 3, encoding = "json")]
#[serde(deny_unknown_fields)]
pub struct V3 {
    pub cipher: u16,
    #[session(ems)] #[serde(default)] pub ems: bool,
    #[session(critical = "early_data")] #[serde(default)] pub early: bool,
}

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 4, encoding = "json")]
pub struct V4 {
    pub cipher: u16,
    #[session(ems)] pub ems: bool,
    #[session(critical = "early_data")] pub early: bool,
    #[session(critical = "ticket_age")] #[serde(default)] pub age: bool,
}
"#;
    let files = [SourceFile {
        path: "src/t.rs".into(),
        text: text.into(),
    }];
    let ex = extract(&files, &Options::default());
    assert!(ex.problems.is_empty(), "{:?}", ex.problems);
    let chains = history::chains(ex.schemas, Vec::new());
    let chain = &chains["t"];
    let versions: Vec<_> = history::versions(chain).into_iter().flatten().collect();
    assert_eq!(versions.len(), 5, "v2 has two shapes");
    for fleet in [Deployment::ALL, Deployment::keeping(Some(1))] {
        let mut known = Known::default();
        for w in history::windows(chain, fleet) {
            known.extend(rules::check_window_known(&w).1);
        }
        assert!(!known.is_empty());
        let read = serde_json::to_value(matrix_with(&versions, fleet, &known)).unwrap();
        let fresh = serde_json::to_value(matrix(&versions, fleet)).unwrap();
        assert_eq!(read, fresh);
        assert_eq!(read["properties"][0]["name"], "early_data", "{read}");
        assert_eq!(read["properties"][1]["name"], "ticket_age", "{read}");
    }
}

/// Every `.rs` file under `dir`, with its code lines (comments dropped).
fn code_lines(dir: &Path) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                for (i, line) in text.lines().enumerate() {
                    if !line.trim_start().starts_with("//") {
                        out.push((p.display().to_string(), i + 1, line.to_string()));
                    }
                }
            }
        }
    }
    assert!(!out.is_empty(), "no source under {}", dir.display());
    out
}

/// Data flows one way: the analysis names no later stage and words nothing (its reasons are
/// values, worded by `findings::evidence`), and findings name no rule, report or command.
#[test]
fn no_stage_reaches_back_and_the_analysis_holds_no_prose() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let later = [
        "crate::findings",
        "crate::rules",
        "crate::report",
        "crate::review",
        "crate::fixes",
        "crate::plan",
        "crate::history",
        "crate::vectors",
        "crate::cli",
    ];
    for (file, n, line) in code_lines(&src.join("analysis")) {
        assert!(
            !line.contains("format!("),
            "{file}:{n}: prose in the analysis: {line}"
        );
        for l in &later[..] {
            assert!(
                !line.contains(l),
                "{file}:{n}: the analysis reaches {l}: {line}"
            );
        }
    }
    for (file, n, line) in code_lines(&src.join("findings")) {
        for l in &later[1..] {
            assert!(!line.contains(l), "{file}:{n}: findings reach {l}: {line}");
        }
    }
}
