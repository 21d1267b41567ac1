//! GitHub Actions workflow commands: `::error file=…,line=…,title=…::…`.

use crate::findings::{Finding, Level};

fn data(s: &str) -> String {
    super::text::neutralise_hash_commands(&super::text::clean(s))
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A file as GitHub places annotations on the diff: relative to the repository root.
fn file(f: &str, root: Option<&std::path::Path>) -> String {
    property(&super::repo_path::relative(f, root))
}

/// Bad input as annotations: the run failed, and the log should say where.
pub fn render_problems(problems: &[crate::extract::Problem]) -> String {
    let root = super::repo_path::root();
    let mut out = String::new();
    for p in problems {
        let line = if p.origin.line > 0 {
            format!(",line={}", p.origin.line)
        } else {
            String::new()
        };
        let mut msg = p.message.clone();
        if let Some(h) = &p.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        out.push_str(&format!(
            "::error file={}{line},title={}::{}\n",
            file(&p.origin.file, root.as_deref()),
            property("sessionlint: bad input (nothing was checked)"),
            data(&msg)
        ));
    }
    out
}

pub fn render(findings: &[Finding], summary: &super::Summary) -> String {
    let root = super::repo_path::root();
    let mut out = String::new();
    for n in &summary.notes {
        let cmd = match n.level {
            super::NoteLevel::Note => "notice",
            super::NoteLevel::Warning => "warning",
        };
        let place = if n.file.is_empty() {
            String::new()
        } else if n.line > 0 {
            format!("file={},line={},", file(&n.file, root.as_deref()), n.line)
        } else {
            format!("file={},", file(&n.file, root.as_deref()))
        };
        out.push_str(&format!(
            "::{cmd} {place}title={}::{}\n",
            property("sessionlint"),
            data(&n.message)
        ));
    }
    for f in findings {
        let cmd = match f.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        };
        let mut msg = f.message.clone();
        for r in &f.reasons {
            msg.push_str("\n- ");
            msg.push_str(r);
        }
        for x in &f.fixes {
            msg.push_str(&format!(
                "\nverified fix: {}: {} (cost: {})",
                x.summary, x.change, x.cost
            ));
        }
        let line = if f.line() > 0 {
            format!(",line={}", f.line())
        } else {
            String::new()
        };
        out.push_str(&format!(
            "::{cmd} file={}{line},title={}::{}\n",
            file(f.file(), root.as_deref()),
            property(&format!(
                "sessionlint {} ({} v{})",
                f.rule.id(),
                f.format,
                f.newer_version
            )),
            data(&msg)
        ));
    }
    out
}
