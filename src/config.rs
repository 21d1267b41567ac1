//! `sessionlint.toml` at the repository root, or `[package.metadata.sessionlint]` in `Cargo.toml`.

use crate::extract::{PlainType, Problem};
use crate::findings::{Finding, Level};
use crate::rules;
use crate::schema::{Encoding, Origin, Role};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Paths to scan, relative to the root (default: the root).
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// Encoding for session types that name none.
    #[serde(default)]
    pub encoding: Option<String>,
    /// Where snapshots live (default `session-schemas`).
    #[serde(default)]
    pub snapshots: Option<PathBuf>,
    /// How many older versions may still be deployed next to each version (default: all).
    #[serde(default)]
    pub keep: Option<usize>,
    /// Per-rule level: "error", "warning" or "allow".
    #[serde(default)]
    pub levels: BTreeMap<String, String>,
    #[serde(default)]
    pub allow: Vec<Allow>,
    /// Zero-annotation mode: plain serde types named here instead of with attributes.
    #[serde(default, rename = "type")]
    pub types: Vec<PlainTypeConfig>,
    /// Where this configuration was read from.
    #[serde(skip)]
    pub file: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    pub rule: String,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlainTypeConfig {
    /// The Rust type name.
    pub name: String,
    pub format: Option<String>,
    pub version: u32,
    pub encoding: Option<String>,
    /// Field holding the EMS flag (`bool`, `Option<bool>`, `Option<_>`).
    pub ems: Option<String>,
    /// `"field=Variant"`: an enum-typed EMS field.
    pub ems_variant: Option<String>,
    /// `"field=0x4"`: an EMS bit in an integer flags field.
    pub ems_mask: Option<String>,
    /// Field holding the version, and what this version's decoder accepts.
    pub version_field: Option<String>,
    pub accepts: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
}

#[derive(Deserialize)]
struct CargoManifest {
    package: Option<CargoPackage>,
}

#[derive(Deserialize)]
struct CargoPackage {
    metadata: Option<CargoMetadata>,
}

#[derive(Deserialize)]
struct CargoMetadata {
    sessionlint: Option<toml::Value>,
}

fn problem(
    file: &str,
    text: &str,
    span: Option<std::ops::Range<usize>>,
    message: String,
    help: &str,
) -> Problem {
    let span = span.unwrap_or(0..0);
    let line = text[..span.start.min(text.len())].matches('\n').count() as u32 + 1;
    Problem {
        origin: Origin {
            file: file.to_string(),
            line,
            offset: span.start,
            len: span.len(),
        },
        message,
        help: Some(help.to_string()),
    }
}

/// Reads the configuration for `root` (a directory): `sessionlint.toml`, else the Cargo.toml
/// metadata table, else defaults.
pub fn load(root: &Path, texts: &mut crate::sources::SourceMap) -> Result<Config, Vec<Problem>> {
    let file = root.join("sessionlint.toml");
    if let Ok(text) = std::fs::read_to_string(&file) {
        let shown = file.to_string_lossy().into_owned();
        texts.texts.insert(shown.clone(), text.clone());
        let mut cfg: Config = toml::from_str(&text).map_err(|e| {
            vec![problem(
                &shown,
                &text,
                e.span(),
                format!("invalid configuration: {}", e.message()),
                "see the README's configuration section",
            )]
        })?;
        cfg.file = Some(shown);
        validate(&cfg, &text)?;
        return Ok(cfg);
    }
    let manifest = root.join("Cargo.toml");
    if let Ok(text) = std::fs::read_to_string(&manifest) {
        let shown = manifest.to_string_lossy().into_owned();
        if let Ok(m) = toml::from_str::<CargoManifest>(&text) {
            if let Some(v) = m
                .package
                .and_then(|p| p.metadata)
                .and_then(|m| m.sessionlint)
            {
                texts.texts.insert(shown.clone(), text.clone());
                let mut cfg: Config = v.try_into().map_err(|e: toml::de::Error| {
                    vec![problem(
                        &shown,
                        &text,
                        None,
                        format!("invalid [package.metadata.sessionlint]: {}", e.message()),
                        "see the README's configuration section",
                    )]
                })?;
                cfg.file = Some(shown);
                validate(&cfg, &text)?;
                return Ok(cfg);
            }
        }
    }
    Ok(Config::default())
}

fn validate(cfg: &Config, text: &str) -> Result<(), Vec<Problem>> {
    let file = cfg.file.clone().unwrap_or_default();
    let at = |needle: &str| text.find(needle).map(|i| i..i + needle.len());
    let mut problems = Vec::new();
    for a in &cfg.allow {
        if rules::get(&a.rule).is_none() {
            problems.push(problem(
                &file,
                text,
                at(&a.rule),
                format!("[[allow]] names unknown rule `{}`", a.rule),
                "`sessionlint rules` lists them",
            ));
        }
        if a.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            problems.push(problem(
                &file,
                text,
                at(&a.rule),
                format!("[[allow]] of `{}` has no reason", a.rule),
                "write `reason = \"...\"`: why this finding is acceptable, for the next reviewer",
            ));
        }
    }
    for (rule, level) in &cfg.levels {
        if rules::get(rule).is_none() {
            problems.push(problem(
                &file,
                text,
                at(rule),
                format!("[levels] names unknown rule `{rule}`"),
                "`sessionlint rules` lists them",
            ));
        }
        if !matches!(level.as_str(), "error" | "warning" | "allow") {
            problems.push(problem(
                &file,
                text,
                at(level),
                format!("unknown level `{level}` for `{rule}`"),
                "write \"error\", \"warning\" or \"allow\"",
            ));
        }
    }
    if let Some(e) = &cfg.encoding {
        if Encoding::parse(e).is_none() {
            problems.push(problem(
                &file,
                text,
                at(e),
                format!("unknown encoding `{e}`"),
                &format!("write one of {}", Encoding::names()),
            ));
        }
    }
    if let Err(e) = cfg.plain_types() {
        problems.push(problem(
            &file,
            text,
            None,
            e,
            "see the README's zero-annotation section",
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

impl Config {
    pub fn encoding(&self) -> Option<Encoding> {
        self.encoding.as_deref().and_then(Encoding::parse)
    }

    pub fn plain_types(&self) -> Result<Vec<PlainType>, String> {
        self.types
            .iter()
            .map(|t| {
                let split = |s: &Option<String>,
                             what: &str|
                 -> Result<Option<(String, String)>, String> {
                    match s {
                        None => Ok(None),
                        Some(v) => v
                            .split_once('=')
                            .map(|(a, b)| Some((a.trim().to_string(), b.trim().to_string())))
                            .ok_or_else(|| {
                                format!("[[type]] {}: `{what}` must read \"field=value\"", t.name)
                            }),
                    }
                };
                let mask = match split(&t.ems_mask, "ems_mask")? {
                    None => None,
                    Some((f, m)) => {
                        let m2 = m.trim_start_matches("0x");
                        let radix = if m.starts_with("0x") { 16 } else { 10 };
                        Some((
                            f,
                            u64::from_str_radix(m2, radix)
                                .ok()
                                .filter(|v| *v <= i64::MAX as u64)
                                .ok_or_else(|| format!("[[type]] {}: ems_mask `{m}` is not an integer of at most 63 bits", t.name))?,
                        ))
                    }
                };
                let encoding =
                    match &t.encoding {
                        Some(e) => Some(Encoding::parse(e).ok_or_else(|| {
                            format!("[[type]] {}: unknown encoding `{e}`", t.name)
                        })?),
                        None => None,
                    };
                let accepts = match &t.accepts {
                    Some(a) => Some(
                        crate::schema::Accepts::parse(a)
                            .map_err(|e| format!("[[type]] {}: {e}", t.name))?,
                    ),
                    None => None,
                };
                let role = match t.role.as_deref() {
                    None | Some("server") => Role::Server,
                    Some("client") => Role::Client,
                    Some(other) => {
                        return Err(format!("[[type]] {}: unknown role `{other}`", t.name))
                    }
                };
                Ok(PlainType {
                    type_name: t.name.clone(),
                    format: t.format.clone(),
                    version: t.version,
                    encoding,
                    ems_flag: t.ems.clone(),
                    ems_variant: split(&t.ems_variant, "ems_variant")?,
                    ems_mask: mask,
                    version_field: t.version_field.clone(),
                    accepts,
                    role,
                })
            })
            .collect()
    }

    /// Applies level overrides and allows; returns the findings kept, and the allows that matched
    /// nothing (an unused allow is reported so it does not outlive its reason).
    pub fn apply(&self, findings: Vec<Finding>) -> (Vec<Finding>, Vec<String>) {
        let mut used = vec![false; self.allow.len()];
        let mut out = Vec::new();
        for mut f in findings {
            if let Some(i) = self
                .allow
                .iter()
                .position(|a| a.rule == f.rule && a.format.as_deref().is_none_or(|x| x == f.format))
            {
                used[i] = true;
                continue;
            }
            match self.levels.get(f.rule).map(String::as_str) {
                Some("allow") => continue,
                Some("warning") => f.level = Level::Warning,
                Some("error") => f.level = Level::Error,
                _ => {}
            }
            out.push(f);
        }
        let unused = self
            .allow
            .iter()
            .zip(used)
            .filter(|(_, u)| !u)
            .map(|(a, _)| {
                format!(
                    "[[allow]] rule = \"{}\"{} matched no finding; remove it",
                    a.rule,
                    a.format
                        .as_deref()
                        .map(|f| format!(" format = \"{f}\""))
                        .unwrap_or_default()
                )
            })
            .collect();
        (out, unused)
    }
}
