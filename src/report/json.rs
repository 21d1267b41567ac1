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

/// One JSON document, `{ "tool": {...}, "findings": [...], "summary": {...} }`, guarded
/// (`text::json`). The findings are written and guarded on every core, each as serde_json's
/// pretty printer writes it at its depth in the document: the same bytes as one pass.
pub fn render(findings: &[Finding], summary: &Summary) -> String {
    let doc = Doc {
        tool: Tool {
            name: "sessionlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: &[],
        summary,
    };
    let skeleton = serde_json::to_string_pretty(&doc).expect("findings always serialize");
    let parts = sessionlint_internals::extract::par::map(findings, |f| {
        let one = serde_json::to_string_pretty(f).expect("findings always serialize");
        let mut out = String::with_capacity(one.len() + one.len() / 8);
        for (k, line) in one.lines().enumerate() {
            if k > 0 {
                out.push('\n');
            }
            out.push_str("    ");
            out.push_str(line);
        }
        super::text::json(&out)
    });
    let empty = "\"findings\": []";
    let at = skeleton.find(empty).expect("the document has its findings") + empty.len() - 1;
    let mut s = String::with_capacity(
        skeleton.len() + parts.iter().map(|p| p.len() + 2).sum::<usize>() + 8,
    );
    s.push_str(&super::text::json(&skeleton[..at]));
    if !parts.is_empty() {
        s.push('\n');
        s.push_str(&parts.join(",\n"));
        s.push_str("\n  ");
    }
    s.push_str(&super::text::json(&skeleton[at..]));
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
