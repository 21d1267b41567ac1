use super::Summary;
use crate::findings::Finding;
use serde::Serialize;

#[derive(Serialize)]
struct Doc<'a> {
    tool: Tool,
    findings: &'a [Finding],
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// One JSON document: `{ "findings": [...], "summary": {...}, "tool": {...} }`.
pub fn render(findings: &[Finding], summary: &Summary) -> String {
    let doc = Doc {
        tool: Tool {
            name: "sessionlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
        summary,
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("findings always serialize");
    s.push('\n');
    s
}
