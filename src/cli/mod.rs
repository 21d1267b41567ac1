//! The `sessionlint` command line. Exit status: 0 no error-level finding, 1 at least one,
//! 2 bad input or usage.

use crate::analysis;
use crate::extract::{self, Problem};
use crate::findings::{self, Finding};
use crate::report::{self, Summary};
use crate::rules;
use crate::schema::{Encoding, Schema};
use crate::sources::{self, SourceMap};
use clap::{Parser, Subcommand, ValueEnum};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "sessionlint",
    version,
    about = "Rollout-safety linter for TLS session serialization formats (RFC 7627 extended master secret)",
    long_about = "Fails when a newer EMS-bearing session format would still be accepted by an older decoder.\n\
                  Sources are parsed, never compiled or run: safe on untrusted pull requests.\n\
                  Exit status: 0 no error-level finding, 1 at least one, 2 bad input or usage."
)]
pub struct Cli {
    #[command(subcommand)]
    pub cmd: Cmd,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// The newest version in NEW against every decoder in OLD.
    Diff {
        /// A .rs file, a directory, or a schema snapshot .toml: the decoders deployed today.
        old: PathBuf,
        /// A .rs file, a directory, or a schema snapshot .toml: the version to roll out.
        new: PathBuf,
        /// Only this format (its `name`) or type.
        #[arg(long = "type", value_name = "NAME")]
        ty: Option<String>,
        /// Encoding for session types that do not name one.
        #[arg(long, value_parser = parse_encoding)]
        encoding: Option<Encoding>,
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Every format under PATH: every (older decoder, newer encoder) pair of its versions.
    Check {
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_parser = parse_encoding)]
        encoding: Option<Encoding>,
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        message_format: MessageFormat,
    },
    /// Lists the rules.
    Rules,
    /// Explains one rule: why it matters (RFC 7627 §5.3/§5.4) and how to fix it.
    Explain { rule: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

fn parse_encoding(s: &str) -> Result<Encoding, String> {
    Encoding::parse(s).ok_or_else(|| format!("unknown encoding `{s}`; expected one of {}", Encoding::names()))
}

/// Runs the command line; returns the exit status.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { EXIT_OK };
            let text = e.render().to_string();
            let _ = if e.use_stderr() { err.write_all(text.as_bytes()) } else { out.write_all(text.as_bytes()) };
            return code;
        }
    };
    match cli.cmd {
        Cmd::Rules => {
            for r in rules::RULES {
                let _ = writeln!(out, "{:<45} {:<8} {}", r.id, r.level.as_str(), rule_field(r.doc, "summary"));
            }
            EXIT_OK
        }
        Cmd::Explain { rule } => match rules::get(&rule) {
            Some(r) => {
                let _ = out.write_all(explain(r).as_bytes());
                EXIT_OK
            }
            None => {
                let ids: Vec<&str> = rules::RULES.iter().map(|r| r.id).collect();
                let _ = writeln!(err, "error: unknown rule `{rule}`\n  help: `sessionlint rules` lists them: {}", ids.join(", "));
                EXIT_BAD_INPUT
            }
        },
        Cmd::Check { path, encoding, message_format } => {
            let mut map = SourceMap::default();
            let opts = extract::Options { default_encoding: encoding };
            let loaded = sources::load(&path, &opts, &mut map);
            if !loaded.problems.is_empty() {
                return bad_input(&loaded.problems, &map, err);
            }
            if loaded.schemas.is_empty() {
                let _ = writeln!(
                    out,
                    "sessionlint: no session formats under {} ({} files scanned); nothing to check",
                    path.display(),
                    loaded.files_seen
                );
                return EXIT_OK;
            }
            let chains = chains(loaded.schemas);
            let mut all = Vec::new();
            let mut pairs = 0;
            let versions: usize = chains.values().map(|c| c.len()).sum();
            for versions in chains.values() {
                let refs: Vec<&Schema> = versions.iter().collect();
                pairs += refs.len() * refs.len().saturating_sub(1) / 2;
                all.extend(analysis::analyse_chain(&refs, None));
            }
            emit(all, Summary::count(&[], chains.len(), versions, pairs), message_format, &map, out)
        }
        Cmd::Diff { old, new, ty, encoding, message_format } => {
            let mut map = SourceMap::default();
            let opts = extract::Options { default_encoding: encoding };
            let old_l = sources::load(&old, &opts, &mut map);
            let new_l = sources::load(&new, &opts, &mut map);
            let mut problems = old_l.problems;
            problems.extend(new_l.problems);
            if !problems.is_empty() {
                return bad_input(&problems, &map, err);
            }
            let select = |s: &Schema| ty.as_deref().is_none_or(|t| s.name == t || s.root == t);
            let new_chains = chains(new_l.schemas.into_iter().filter(select).collect());
            let old_chains = chains(old_l.schemas.into_iter().filter(select).collect());
            let what = ty.as_deref().map(|t| format!("session type `{t}`")).unwrap_or_else(|| "session type".into());
            if new_chains.is_empty() {
                let p = sources::problem(
                    &new.display().to_string(),
                    format!("no {what} in {}", new.display()),
                    "derive SessionState with #[session(version = N, encoding = \"...\")] on the session struct, or pass --type with an existing format or type name",
                );
                return bad_input(&[p], &map, err);
            }
            let mut all = Vec::new();
            let (mut pairs, mut formats, mut versions) = (0, 0, 0);
            for (name, new_versions) in &new_chains {
                let newest = new_versions.iter().max_by_key(|s| s.version).expect("chains are never empty");
                let Some(olds) = old_chains.get(name) else {
                    let _ = writeln!(err, "note: format `{name}` has no version in {}; nothing to compare it with", old.display());
                    continue;
                };
                formats += 1;
                versions += olds.len() + 1;
                all.extend(analysis::analyse_version(newest));
                for o in olds {
                    pairs += 1;
                    all.extend(analysis::analyse_pair(o, newest));
                }
            }
            if pairs == 0 {
                let p = sources::problem(
                    &old.display().to_string(),
                    format!("no {what} in {} shares a format name with {}", old.display(), new.display()),
                    "versions of one format share #[session(name = \"...\")]; check the name, or pass --type",
                );
                return bad_input(&[p], &map, err);
            }
            emit(all, Summary::count(&[], formats, versions, pairs), message_format, &map, out)
        }
    }
}

/// Groups versions by format name; formats and versions in a stable order.
pub fn chains(schemas: Vec<Schema>) -> BTreeMap<String, Vec<Schema>> {
    let mut m: BTreeMap<String, Vec<Schema>> = BTreeMap::new();
    for s in schemas {
        m.entry(s.name.clone()).or_default().push(s);
    }
    for v in m.values_mut() {
        v.sort_by_key(|s| s.version);
    }
    m
}

fn emit(mut all: Vec<Finding>, shape: Summary, fmt: MessageFormat, map: &SourceMap, out: &mut dyn Write) -> i32 {
    findings::sort(&mut all);
    all.dedup();
    let summary = Summary::count(&all, shape.formats, shape.versions, shape.pairs);
    let text = match fmt {
        MessageFormat::Human => report::human::render(&all, &summary, map),
        MessageFormat::Json => report::json::render(&all, &summary),
    };
    let _ = out.write_all(text.as_bytes());
    if analysis::has_errors(&all) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn bad_input(problems: &[Problem], map: &SourceMap, err: &mut dyn Write) -> i32 {
    for p in problems {
        let _ = err.write_all(report::human::render_problem(p, map).as_bytes());
    }
    let _ = writeln!(err, "sessionlint: {} input error{}; nothing was checked", problems.len(), if problems.len() == 1 { "" } else { "s" });
    EXIT_BAD_INPUT
}

/// One string field of a rule file (TOML).
fn rule_field(doc: &str, key: &str) -> String {
    doc.parse::<toml::Table>()
        .ok()
        .and_then(|t| t.get(key).and_then(|v| v.as_str()).map(str::to_string))
        .unwrap_or_default()
}

fn explain(r: &rules::Rule) -> String {
    let t: toml::Table = r.doc.parse().unwrap_or_default();
    let get = |k: &str| t.get(k).and_then(|v| v.as_str()).unwrap_or("").trim().to_string();
    let refs = t
        .get("references")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).map(|s| format!("  - {s}\n")).collect::<String>())
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
