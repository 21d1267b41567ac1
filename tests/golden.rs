//! Golden files for every output format, from one run over the quickstart example, and the
//! SARIF output validated against the SARIF 2.1.0 JSON schema (tests/sarif-schema-2.1.0.json,
//! the OASIS schema as shipped in the MIT-licensed serde-sarif 0.8.0 crate).
//!
//! To accept a deliberate change: `UPDATE_GOLDEN=1 cargo test --test golden`, then review the diff.

mod common;
use common::{root, sessionlint};

fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing; run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(
        expected,
        actual,
        "{} differs from the output; if the change is deliberate, run with UPDATE_GOLDEN=1",
        path.display()
    );
}

fn check(format: &str) -> String {
    let r = sessionlint(
        &[
            "check",
            "examples/bincode-appended",
            "--message-format",
            format,
        ],
        &root(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.stdout
}

#[test]
fn sarif_is_stable_and_valid_against_the_sarif_2_1_0_schema() {
    let out = check("sarif");
    golden("bincode-appended.sarif.json", &out);
    let instance: serde_json::Value = serde_json::from_str(&out).unwrap();
    let validator = common::sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF output is not valid SARIF 2.1.0:\n{}",
        errors.join("\n")
    );
    // And the validator does reject what is not SARIF.
    let mut broken = instance.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));
    let result = &instance["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "examples/bincode-appended/new.rs"
    );
    let rule_ids: Vec<&str> = instance["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rule_ids.len(), sessionlint::rules::RULES.len());
}

#[test]
fn github_annotations_are_stable() {
    let out = check("github");
    assert!(
        out.lines()
            .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")),
        "{out}"
    );
    golden("bincode-appended.github.txt", &out);
}

#[test]
fn markdown_report_is_stable() {
    let out = check("markdown");
    assert!(
        out.contains("| decoder \\ encoder |") && out.contains("**UNSAFE**"),
        "{out}"
    );
    golden("bincode-appended.md", &out);
}

#[test]
fn json_is_stable() {
    golden("bincode-appended.json", &check("json"));
}

#[test]
fn human_report_is_stable() {
    golden("bincode-appended.txt", &check("human"));
}

/// A report written to a stream the command line names (a named pipe here; `/dev/stdout` is one
/// too) goes through it: no file is renamed over it, which would replace the pipe or the device.
#[cfg(unix)]
#[test]
fn a_report_to_a_named_pipe_is_written_through_it() {
    use std::io::Read;
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("report.md");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    // Opened to read before sessionlint opens it to write, without blocking: were the pipe
    // replaced, this end would read nothing rather than wait for ever. (The report is smaller
    // than a pipe's buffer.)
    let mut reader = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .unwrap()
    };
    let target = fifo.to_str().unwrap();
    let r = sessionlint(
        &["report", "examples/bincode-appended", "--markdown", target],
        &root(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut text = String::new();
    let _ = reader.read_to_string(&mut text);
    assert!(text.contains("UNSAFE"), "{text}");
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe is still a pipe");
}

#[test]
fn html_report_holds_both_matrices() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("report.html");
    let r = sessionlint(
        &[
            "report",
            "examples/bincode-appended",
            "--html",
            out.to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains("<caption>EMS sessions</caption>")
            && html.contains("<caption>Non-EMS sessions</caption>")
    );
    // v1 decoding v2's EMS session is the unsafe cell; v2 decoding v1's is a full handshake.
    assert!(
        html.contains(
            r#"<tr><th>v1</th><td class="ok">resumes</td><td class="unsafe">UNSAFE</td></tr>"#
        ) || html.contains(
            r#"<tr><th>v1</th><td class="none">-</td><td class="unsafe">UNSAFE</td></tr>"#
        ),
        "{html}"
    );
    assert!(!html.contains("<script"), "self-contained, no scripts");
    golden("bincode-appended.html", &html);
}

/// A fix that is one inserted attribute is a SARIF `fix` (an empty region replaced by the
/// attribute), valid against the schema; fixes of several edits are not.
#[test]
fn sarif_carries_one_attribute_fixes() {
    let r = sessionlint(
        &["check", "examples/quickstart", "--message-format", "sarif"],
        &root(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let instance = r.json();
    assert!(common::sarif_validator().is_valid(&instance));
    let fixes = instance["runs"][0]["results"][0]["fixes"]
        .as_array()
        .unwrap();
    assert_eq!(
        fixes.len(),
        1,
        "the rename; the envelope is two edits: {fixes:?}"
    );
    let change = &fixes[0]["artifactChanges"][0];
    assert_eq!(
        change["artifactLocation"]["uri"],
        "examples/quickstart/ticket.rs"
    );
    let rep = &change["replacements"][0];
    assert_eq!(
        rep["deletedRegion"]["startLine"],
        rep["deletedRegion"]["endLine"]
    );
    assert_eq!(
        rep["deletedRegion"]["startColumn"],
        rep["deletedRegion"]["endColumn"]
    );
    let text = rep["insertedContent"]["text"].as_str().unwrap();
    assert!(text.starts_with("#[serde(rename = "), "{text}");
    // The region's line and column are where the JSON edit's byte offset is.
    let src = std::fs::read_to_string(root().join("examples/quickstart/ticket.rs")).unwrap();
    let line = rep["deletedRegion"]["startLine"].as_u64().unwrap() as usize;
    let col = rep["deletedRegion"]["startColumn"].as_u64().unwrap() as usize;
    let at = src.lines().nth(line - 1).unwrap();
    assert!(at[col - 1..].starts_with("pub version"), "{at}");
}
