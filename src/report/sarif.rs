//! SARIF 2.1.0, with rule metadata from `rules/` and locations on the source field.

use crate::findings::{Finding, Level};
use crate::rules::RULES;
use serde_json::{json, Value};

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

pub fn render(findings: &[Finding]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.text("summary") },
                "fullDescription": { "text": r.text("explanation") },
                "help": { "text": r.text("fix") },
                "defaultConfiguration": { "level": level(r.level) },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut physical = json!({ "artifactLocation": { "uri": uri(&f.file) } });
            if f.line > 0 {
                physical["region"] = json!({ "startLine": f.line });
            }
            let mut message = f.message.clone();
            for r in &f.reasons {
                message.push_str("\n- ");
                message.push_str(r);
            }
            json!({
                "ruleId": f.rule,
                "ruleIndex": RULES.iter().position(|r| r.id == f.rule).unwrap_or(0),
                "level": level(f.level),
                "message": { "text": message },
                "locations": [ { "physicalLocation": physical } ],
                "properties": {
                    "format": f.format,
                    "olderVersion": f.older_version,
                    "newerVersion": f.newer_version,
                },
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": {
                "name": "sessionlint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://www.rfc-editor.org/rfc/rfc7627#section-5.3",
                "rules": rules,
            } },
            "results": results,
        } ],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    s.push('\n');
    s
}

/// A relative path as a URI reference: `/` separators, spaces and `%` escaped.
fn uri(path: &str) -> String {
    let p = path.strip_prefix("./").unwrap_or(path).replace('\\', "/");
    p.replace('%', "%25").replace(' ', "%20")
}
