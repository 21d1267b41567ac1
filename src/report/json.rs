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

#[derive(Serialize)]
struct BadInput<'a> {
    tool: Tool,
    /// Nothing was checked: the run stopped on these.
    errors: Vec<Problem<'a>>,
    exit_code: i32,
}

#[derive(Serialize)]
struct Problem<'a> {
    file: &'a str,
    line: u32,
    message: &'a str,
    help: Option<&'a str>,
}

/// The document for a run that stopped on bad input (exit 2): the errors, each with its place,
/// so that a consumer of the JSON learns why nothing was checked.
pub fn render_problems(problems: &[crate::extract::Problem]) -> String {
    let doc = BadInput {
        tool: Tool {
            name: "sessionlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        errors: problems
            .iter()
            .map(|p| Problem {
                file: &p.origin.file,
                line: p.origin.line,
                message: &p.message,
                help: p.help.as_deref(),
            })
            .collect(),
        exit_code: 2,
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("problems always serialize");
    s.push('\n');
    s
}
