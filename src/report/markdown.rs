//! A migration review report for a pull request comment: per format, the versions, who can read
//! what (EMS and non-EMS sessions), then every finding with its reasons and fix.

use super::Summary;
use crate::analysis::Matrix;
use crate::findings::Finding;
use crate::report::text;

fn grid(m: &Matrix, cells: &[Vec<crate::analysis::Cell>]) -> String {
    let mut s = String::from("| decoder \\ encoder |");
    for v in &m.versions {
        s.push_str(&format!(" v{v} |"));
    }
    s.push_str("\n|---|");
    s.push_str(&"---|".repeat(m.versions.len()));
    s.push('\n');
    for (i, v) in m.versions.iter().enumerate() {
        s.push_str(&format!("| v{v} |"));
        for c in &cells[i] {
            let l = c.label();
            if l == "UNSAFE" {
                s.push_str(" **UNSAFE** |");
            } else {
                s.push_str(&format!(" {l} |"));
            }
        }
        s.push('\n');
    }
    s
}

/// The rollout gates of one format, as a table.
pub fn gates(format: &str, gates: &[crate::plan::Gate]) -> String {
    let mine: Vec<&crate::plan::Gate> = gates.iter().filter(|g| g.format == format).collect();
    if mine.is_empty() {
        return String::new();
    }
    let lowest = mine.iter().map(|g| g.writer).min();
    let mut s = String::from(
        "#### Rollout gates

| writer | enable when no decoder older than | blocked by | cost | reader first |
|---|---|---|---|---|
",
    );
    for g in mine {
        let gate = match g.min_decoder {
            None => "never".to_string(),
            Some(m) if Some(m) == lowest => format!("v{m} (every known decoder)"),
            Some(m) => format!("v{m}"),
        };
        let list = |vs: &[crate::plan::Verdict]| {
            if vs.is_empty() {
                "none".to_string()
            } else {
                vs.iter()
                    .map(|v| {
                        format!(
                            "v{}: {}",
                            v.decoder,
                            v.rules
                                .iter()
                                .map(|r| format!("`{r}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        };
        let rf = match &g.reader_first {
            Some(r) => format!(
                "1. v{} code writing v{} (gate {}); 2. its writer on (gate {})",
                g.writer,
                r.writes,
                r.reader_min_decoder
                    .map(|m| format!("v{m}"))
                    .unwrap_or_else(|| "never".into()),
                r.writer_min_decoder
                    .map(|m| format!("v{m}"))
                    .unwrap_or_else(|| "never".into())
            ),
            None => "no".into(),
        };
        s.push_str(&format!(
            "| v{} | {gate} | {} | {} | {rf} |\n",
            g.writer,
            list(&g.blocked_by),
            list(&g.costs)
        ));
    }
    s.push('\n');
    s
}

/// `sessionlint plan --message-format markdown`: every format's gates.
pub fn render_plan(all: &[crate::plan::Gate]) -> String {
    let mut s = String::from("## sessionlint: rollout gates\n\n");
    let mut formats: Vec<&str> = all.iter().map(|g| g.format.as_str()).collect();
    formats.dedup();
    for f in formats {
        s.push_str(&format!(
            "### Format <code>{}</code>\n\n",
            text::markdown(f)
        ));
        s.push_str(&gates(f, all));
    }
    s
}

/// The run's notes (cfg options read, relaxations of the gate) as a list.
pub fn render_notes(notes: &[super::Note]) -> String {
    if notes.is_empty() {
        return String::new();
    }
    let mut s = String::from("### Notes\n\n");
    for n in notes {
        let at = if n.file.is_empty() {
            String::new()
        } else {
            format!(" (<code>{}</code>)", text::markdown(&n.file))
        };
        s.push_str(&format!(
            "- **{}**: {}{at}\n",
            n.level.as_str(),
            text::markdown_message(&n.message)
        ));
    }
    s.push('\n');
    s
}

pub fn render(
    findings: &[Finding],
    matrices: &[Matrix],
    gate_list: &[crate::plan::Gate],
    summary: &Summary,
) -> String {
    let mut s = String::from("## sessionlint: session format rollout review\n\n");
    s.push_str(&format!(
        "{}, {} across {}, {}, {}.\n\n",
        text::count(summary.errors, "error"),
        text::count(summary.warnings, "warning"),
        text::count(summary.formats, "format"),
        text::count(summary.versions, "version"),
        text::count(summary.pairs, "pair"),
    ));
    s.push_str(&render_notes(&summary.notes));
    for m in matrices {
        s.push_str(&format!(
            "### Format <code>{}</code>\n\n",
            text::markdown(&m.format)
        ));
        s.push_str(&matrix_tables(m));
        s.push_str(&gates(&m.format, gate_list));
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.format == m.format).collect();
        if mine.is_empty() {
            s.push_str("No findings.\n\n");
            continue;
        }
        s.push_str("#### Findings\n\n");
        for f in mine {
            s.push_str(&finding(f));
        }
        s.push('\n');
    }
    s
}

/// One finding: its pair, reasons, sample, help and fixes.
fn finding(f: &Finding) -> String {
    let mut s = String::new();
    // Forward rules: the older version decodes what the newer one wrote; backward
    // rules (older sessions in the newer decoder): the other way round.
    let pair = match f.older_version {
        Some(o) if f.older_is_writer() => {
            format!("v{} decoder, v{o} encoder", f.newer_version)
        }
        Some(o) => format!("v{o} decoder, v{} encoder", f.newer_version),
        None => format!("v{}", f.newer_version),
    };
    s.push_str(&format!(
        "- **{}** `{}` ({pair}) at <code>{}:{}</code>: {}\n",
        f.level.as_str(),
        f.rule.id(),
        text::markdown(f.file()),
        f.line(),
        text::markdown_message(&f.message)
    ));
    for r in &f.reasons {
        s.push_str(&format!("  - {}\n", text::markdown_message(r)));
    }
    if let Some(sample) = &f.sample {
        let which = match &f.property {
            Some(p) => format!("session with {}", text::markdown(p)),
            None => "EMS session".to_string(),
        };
        s.push_str(&format!(
            "  - sample {which}: <code>{}</code>\n",
            text::markdown(sample.trim())
        ));
    }
    s.push_str(&format!(
        "  - help: {} (`sessionlint explain {}`)\n",
        text::markdown_message(f.help()),
        f.rule.id()
    ));
    for x in &f.fixes {
        s.push_str(&format!(
            "  - verified fix: {}<br>change: {}<br>cost: {}\n",
            text::markdown_message(&x.summary),
            text::markdown_message(&x.change),
            text::markdown_message(&x.cost)
        ));
    }
    if let Some(why) = &f.no_fix {
        s.push_str(&format!(
            "  - no verified fix: {}\n",
            text::markdown_message(why)
        ));
    }
    s
}

/// A format's versions and its matrices: EMS, non-EMS, and each critical property.
fn matrix_tables(m: &Matrix) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "Versions: {}\n\n",
        m.versions
            .iter()
            .map(|v| format!("v{v}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    s.push_str("EMS sessions (rows: decoder version, columns: encoder version):\n\n");
    s.push_str(&grid(m, &m.ems));
    s.push_str("\nNon-EMS sessions:\n\n");
    s.push_str(&grid(m, &m.non_ems));
    s.push('\n');
    for p in &m.properties {
        let name = text::markdown(&p.name);
        s.push_str(&format!(
            "Sessions with critical property <code>{name}</code>:\n\n"
        ));
        s.push_str(&grid(m, &p.with));
        s.push_str(&format!("\nSessions without <code>{name}</code>:\n\n"));
        s.push_str(&grid(m, &p.without));
        s.push('\n');
    }
    s
}
