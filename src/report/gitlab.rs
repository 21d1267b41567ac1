//! GitLab's code quality report (`artifacts: reports: codequality`): a JSON array of issues,
//! each with a description, a check name, a fingerprint, a severity and a place. GitLab shows them
//! on the merge request's changes; paths are relative to the repository root.

use crate::findings::{Finding, Level};
use serde_json::{json, Value};

/// A stable identity for one issue across runs and sessionlint releases (GitLab compares
/// reports by it): the rule, the place and the pair, never the wording. FNV-1a, twice with
/// different offsets, as 32 hex digits: stable, not cryptographic, which GitLab does not need.
fn fingerprint(parts: &[&str]) -> String {
    let fnv = |offset: u64| {
        let mut h = offset;
        for p in parts {
            for b in p.bytes().chain([0u8]) {
                h ^= b as u64;
                h = h.wrapping_mul(0x100000001b3);
            }
        }
        h
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf29ce484222325),
        fnv(0x84222325cbf29ce4)
    )
}

fn issue(
    description: &str,
    check: &str,
    severity: &str,
    file: &str,
    line: u32,
    identity: &[&str],
) -> Value {
    json!({
        "type": "issue",
        "description": super::text::clean(description),
        "check_name": check,
        "fingerprint": fingerprint(identity),
        "severity": severity,
        "location": { "path": file, "lines": { "begin": line.max(1) } },
    })
}

/// Findings and notes.
pub fn render(findings: &[Finding], summary: &super::Summary) -> String {
    let root = super::repo_path::root();
    let mut out: Vec<Value> = Vec::new();
    for f in findings {
        let file = super::repo_path::relative(f.file(), root.as_deref());
        let severity = match f.level {
            Level::Error => "critical",
            Level::Warning => "minor",
            Level::Notice => "info",
        };
        let older = f.older_version.map(|v| v.to_string()).unwrap_or_default();
        out.push(issue(
            &f.message,
            f.rule.id(),
            severity,
            &file,
            f.line(),
            &[
                f.rule.id(),
                &file,
                &f.format,
                &older,
                &f.newer_version.to_string(),
            ],
        ));
    }
    for n in &summary.notes {
        let file = super::repo_path::relative(&n.file, root.as_deref());
        out.push(issue(
            &n.message,
            "sessionlint-note",
            "info",
            &file,
            n.line,
            &["note", &file, &n.message],
        ));
    }
    format!(
        "{}\n",
        serde_json::to_string_pretty(&out).expect("issues serialize")
    )
}

/// Bad input: one blocker per problem, so that the merge request shows why nothing was checked.
pub fn render_problems(problems: &[crate::extract::Problem]) -> String {
    let root = super::repo_path::root();
    let out: Vec<Value> = problems
        .iter()
        .map(|p| {
            let file = super::repo_path::relative(&p.origin.file, root.as_deref());
            let mut msg = p.message.clone();
            if let Some(h) = &p.help {
                msg.push_str(" (help: ");
                msg.push_str(h);
                msg.push(')');
            }
            issue(
                &msg,
                "sessionlint-bad-input",
                "blocker",
                &file,
                p.origin.line,
                &["bad input", &file, &p.message],
            )
        })
        .collect();
    format!(
        "{}\n",
        serde_json::to_string_pretty(&out).expect("issues serialize")
    )
}
