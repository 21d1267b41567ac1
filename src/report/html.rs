//! The matrices as a self-contained HTML page (no scripts, no external resources).

use crate::analysis::{Cell, Matrix};
use crate::findings::Finding;

use super::text::html as esc;

/// Text with `code` spans, as HTML: escaped, and each backticked span in `<code>`.
fn prose(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in esc(s).split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

fn table(m: &Matrix, cells: &[Vec<Cell>], caption: &str) -> String {
    let mut s = format!(
        "<table><caption>{}</caption><tr><th>decoder \\ encoder</th>",
        esc(caption)
    );
    for v in &m.versions {
        s.push_str(&format!("<th>v{v}</th>"));
    }
    s.push_str("</tr>\n");
    for (i, v) in m.versions.iter().enumerate() {
        s.push_str(&format!("<tr><th>v{v}</th>"));
        for c in &cells[i] {
            let class = match c {
                Cell::Resumes => "ok",
                Cell::FullHandshake => "full",
                Cell::Unsafe => "unsafe",
                Cell::None | Cell::NotCoDeployed => "none",
            };
            s.push_str(&format!("<td class=\"{class}\">{}</td>", c.label()));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
    s
}

/// The rollout gates of one format, as a table.
fn gates(format: &str, gates: &[crate::plan::Gate]) -> String {
    let mine: Vec<&crate::plan::Gate> = gates.iter().filter(|g| g.format == format).collect();
    if mine.is_empty() {
        return String::new();
    }
    let lowest = mine.iter().map(|g| g.writer).min();
    let mut s = String::from("<table>\n<caption>Rollout gates</caption>\n<tr><th>writer</th><th>enable when no decoder older than</th><th>blocked by</th><th>cost</th><th>reader first</th></tr>\n");
    for g in mine {
        let gate = match g.min_decoder {
            None => "never".to_string(),
            Some(m) if Some(m) == lowest => format!("v{m} (every known decoder)"),
            Some(m) => format!("v{m}"),
        };
        let list = |vs: &[crate::plan::Verdict]| {
            if vs.is_empty() {
                return "none".to_string();
            }
            vs.iter()
                .map(|v| {
                    let rules: Vec<String> = v
                        .rules
                        .iter()
                        .map(|r| format!("<code>{}</code>", esc(r)))
                        .collect();
                    format!("v{}: {}", v.decoder, rules.join(", "))
                })
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let version = |m: Option<u32>| m.map(|m| format!("v{m}")).unwrap_or_else(|| "never".into());
        let rf = match &g.reader_first {
            Some(r) => format!(
                "1. v{} code writing v{} (gate {})<br>2. its writer on (gate {})",
                g.writer,
                r.writes,
                version(r.reader_min_decoder),
                version(r.writer_min_decoder)
            ),
            None => "no".into(),
        };
        s.push_str(&format!(
            "<tr><td>v{}</td><td>{gate}</td><td>{}</td><td>{}</td><td>{rf}</td></tr>\n",
            g.writer,
            list(&g.blocked_by),
            list(&g.costs)
        ));
    }
    s.push_str("</table>\n");
    s
}

pub fn render(
    findings: &[Finding],
    matrices: &[Matrix],
    gate_list: &[crate::plan::Gate],
    summary: &super::Summary,
) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>sessionlint report</title>\n<style>\n\
body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n\
table{border-collapse:collapse;margin:1em 0}\ncaption{text-align:left;font-weight:bold;padding:.3em 0}\n\
th,td{border:1px solid #999;padding:.35em .8em;text-align:center}\n\
td.ok{background:#d8f5d0}\ntd.full{background:#fff1c2}\ntd.unsafe{background:#f7b4b4;font-weight:bold}\ntd.none{background:#eee;color:#777}\n\
li.error{color:#a00}\nli.warning{color:#8a5a00}\nli.note{color:#225}\nli.fix{color:#222}\n</style></head><body>\n<h1>sessionlint: who can read what</h1>\n\
<p>Rows: the decoder's version. Columns: the encoder's version. <b>UNSAFE</b>: accepted with the wrong EMS status (RFC 7627 §5.3).</p>\n",
    );
    if !summary.notes.is_empty() {
        s.push_str("<h2>Notes</h2>\n<ul>\n");
        for n in &summary.notes {
            s.push_str(&format!(
                "<li class=\"{}\"><b>{}</b>: {}</li>\n",
                n.level.as_str(),
                n.level.as_str(),
                esc(&n.message)
            ));
        }
        s.push_str("</ul>\n");
    }
    for m in matrices {
        s.push_str(&format!(
            "<h2>Format <code>{}</code></h2>\n",
            esc(&m.format)
        ));
        s.push_str(&table(m, &m.ems, "EMS sessions"));
        s.push_str(&table(m, &m.non_ems, "Non-EMS sessions"));
        for p in &m.properties {
            let with = format!("Sessions with critical property {}", p.name);
            let without = format!("Sessions without {}", p.name);
            s.push_str(&table(m, &p.with, &with));
            s.push_str(&table(m, &p.without, &without));
        }
        s.push_str(&gates(&m.format, gate_list));
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.format == m.format).collect();
        if !mine.is_empty() {
            s.push_str("<ul>\n");
            for f in mine {
                s.push_str(&finding(f));
            }
            s.push_str("</ul>\n");
        }
    }
    s.push_str("</body></html>\n");
    s
}

/// One finding as a list item: message, place, reasons, sample, help, fixes.
fn finding(f: &Finding) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "<li class=\"{}\"><b>{}</b> <code>{}</code>: {}<br><small>{}:{}</small>",
        f.level.as_str(),
        f.level.as_str(),
        esc(f.rule.id()),
        prose(&f.message),
        esc(f.file()),
        f.line()
    ));
    s.push_str("<ul>");
    for r in &f.reasons {
        s.push_str(&format!("<li>{}</li>", prose(r)));
    }
    if let Some(sample) = &f.sample {
        let which = match &f.property {
            Some(p) => format!("session with {}", esc(p)),
            None => "EMS session".to_string(),
        };
        s.push_str(&format!(
            "<li>sample {which} ({}): <pre>{}</pre></li>",
            esc(&f.newer_encoding.to_string()),
            esc(sample.trim_end())
        ));
    }
    s.push_str(&format!(
        "<li>help: {} (<code>sessionlint explain {}</code>)</li>",
        prose(f.help()),
        esc(f.rule.id())
    ));
    s.push_str("</ul>");
    if !f.fixes.is_empty() || f.no_fix.is_some() {
        s.push_str("<ul>");
        for x in &f.fixes {
            s.push_str(&format!(
                "<li class=\"fix\">verified fix: {}<br>change: {}<br>cost: {}</li>",
                prose(&x.summary),
                prose(&x.change),
                prose(&x.cost)
            ));
        }
        if let Some(why) = &f.no_fix {
            s.push_str(&format!(
                "<li class=\"fix\">no verified fix: {}</li>",
                esc(why)
            ));
        }
        s.push_str("</ul>");
    }
    s.push_str("</li>\n");
    s
}
