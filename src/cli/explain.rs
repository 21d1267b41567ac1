//! `sessionlint rules` and `sessionlint explain`: the rule files, laid out for a terminal.

use crate::rules::Rule;

pub fn explain(r: &Rule) -> String {
    let t: toml::Table = r.doc.parse().unwrap_or_default();
    let get = |k: &str| {
        t.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let refs = t
        .get("references")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str())
                .map(|s| format!("  - {s}\n"))
                .collect::<String>()
        })
        .unwrap_or_default();
    format!(
        "{} ({})\n\n{}\n\nWhy\n{}\n\nBad\n{}\n\nGood\n{}\n\nFix\n{}\n\nReferences\n{}",
        r.id,
        r.level.as_str(),
        get("summary"),
        get("explanation"),
        get("bad"),
        get("good"),
        get("fix"),
        refs
    )
}
