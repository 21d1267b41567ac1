//! `sessionlint rules` and `sessionlint explain`: the rule files, laid out for a terminal.

use crate::rules::Rule;

pub fn explain(r: &Rule) -> String {
    let s = r.spec();
    let refs: String = s.references.iter().map(|x| format!("  - {x}\n")).collect();
    let wire = s
        .wire_help
        .as_deref()
        .map(|w| format!("\n\nFor formats described in schema files (hand-written codecs)\n{w}"))
        .unwrap_or_default();
    format!(
        "{} ({})\n\n{}\n\nWhy\n{}\n\nBad\n{}\n\nGood\n{}\n\nFix\n{}{wire}\n\nReferences\n{}",
        r.id(),
        r.level().as_str(),
        s.summary.trim(),
        s.explanation.trim(),
        s.bad.trim(),
        s.good.trim(),
        s.fix.trim(),
        refs
    )
}
