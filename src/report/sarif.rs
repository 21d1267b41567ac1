//! SARIF 2.1.0, with rule metadata from `rules/` and locations on the source field.

use crate::findings::{Finding, Level};
use crate::rules::RULES;
use serde_json::{json, Value};

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Notice => "note",
    }
}

pub fn render(findings: &[Finding], summary: &super::Summary) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let s = r.spec();
            json!({
                "id": r.id(),
                "name": r.id(),
                "shortDescription": { "text": s.summary.trim() },
                "fullDescription": { "text": s.explanation.trim() },
                "help": { "text": s.fix.trim() },
                "defaultConfiguration": { "level": level(r.level()) },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let physical = physical(f.file(), f.line());
            let mut message = f.message.clone();
            for r in &f.reasons {
                message.push_str("\n- ");
                message.push_str(r);
            }
            let mut result = json!({
                "ruleId": f.rule.id(),
                "ruleIndex": RULES.iter().position(|r| *r == f.rule).expect("every finding's rule is registered"),
                "level": level(f.level),
                "message": { "text": message },
                "locations": [ { "physicalLocation": physical } ],
                "properties": {
                    "format": f.format,
                    "olderVersion": f.older_version,
                    "newerVersion": f.newer_version,
                },
            });
            let fixes = fixes(f);
            if !fixes.is_empty() {
                result["fixes"] = Value::Array(fixes);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": driver(Some(rules)) },
            "invocations": [ {
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications(&summary.notes),
            } ],
            "results": results,
        } ],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    s.push('\n');
    s
}

/// The run's notes (cfg options read, relaxations of the gate) as tool execution notifications.
fn notifications(notes: &[super::Note]) -> Vec<Value> {
    notes
        .iter()
        .map(|n| {
            let mut v = json!({
                "level": match n.level {
                    super::NoteLevel::Note => "note",
                    super::NoteLevel::Warning => "warning",
                },
                "message": { "text": n.message },
                "descriptor": { "id": format!("sessionlint/{}", match n.kind {
                    super::NoteKind::Cfg => "cfg",
                    super::NoteKind::Relaxation => "relaxation",
                    super::NoteKind::UnusedAllow => "unused-allow",
                }) },
            });
            if !n.file.is_empty() {
                v["locations"] = json!([ { "physicalLocation": physical(&n.file, n.line) } ]);
            }
            v
        })
        .collect()
}

/// The verified fixes that are one attribute inserted in one file: an empty region replaced by
/// the attribute (SARIF §3.57). Fixes of several edits stay in the message of other formats.
fn fixes(f: &Finding) -> Vec<Value> {
    f.fixes
        .iter()
        .filter_map(|x| {
            let (edit, column, text) = x.single_insert()?;
            let at = json!({
                "startLine": edit.line,
                "startColumn": column,
                "endLine": edit.line,
                "endColumn": column,
            });
            Some(json!({
                "description": { "text": format!("{} (cost: {})", x.summary, x.cost) },
                "artifactChanges": [ {
                    "artifactLocation": { "uri": uri(&edit.file) },
                    "replacements": [ {
                        "deletedRegion": at,
                        "insertedContent": { "text": text },
                    } ],
                } ],
            }))
        })
        .collect()
}

/// A SARIF physical location: the file, and the line when one is known.
fn physical(file: &str, line: u32) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": uri(file) } });
    if line > 0 {
        physical["region"] = json!({ "startLine": line });
    }
    physical
}

/// The driver object every log names; `rules` when findings refer to them.
fn driver(rules: Option<Vec<Value>>) -> Value {
    let mut d = json!({
        "name": "sessionlint",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": "https://www.rfc-editor.org/rfc/rfc7627#section-5.3",
    });
    if let Some(r) = rules {
        d["rules"] = Value::Array(r);
    }
    d
}

/// A relative path as a URI reference: `/` separators, every byte outside the unreserved set
/// percent-encoded (a repository path may hold anything, `#`, `?` and control bytes included).
/// A file relative to the repository root (as code scanning resolves it), percent-encoded.
fn uri(path: &str) -> String {
    let p = super::repo_path::relative(path, super::repo_path::root().as_deref());
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A SARIF log for a run that stopped on bad input: no results, and each problem as a tool
/// execution notification, so that an upload step still gets a valid file and shows why.
pub fn render_problems(problems: &[crate::extract::Problem]) -> String {
    let notes: Vec<Value> = problems
        .iter()
        .map(|p| {
            let physical = physical(&p.origin.file, p.origin.line);
            let mut text = p.message.clone();
            if let Some(h) = &p.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            json!({
                "level": "error",
                "message": { "text": text },
                "locations": [ { "physicalLocation": physical } ],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": driver(None) },
            "invocations": [ {
                "executionSuccessful": false,
                "exitCode": 2,
                "toolExecutionNotifications": notes,
            } ],
            "results": [],
        } ],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    s.push('\n');
    s
}
