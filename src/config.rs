//! `sessionlint.toml` at the repository root, or `[package.metadata.sessionlint]` in `Cargo.toml`.

use crate::extract::{PlainType, Problem};
use crate::findings::{Finding, Level};
use crate::project::{self, Project};
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
    #[serde(default, deserialize_with = "encoding_name")]
    pub encoding: Option<Encoding>,
    /// Where snapshots live (default `session-schemas`).
    #[serde(default)]
    pub snapshots: Option<PathBuf>,
    /// How many older versions may still be deployed next to each version (default: all).
    #[serde(default)]
    pub keep: Option<usize>,
    /// Per-rule level.
    #[serde(default)]
    pub levels: BTreeMap<String, Setting>,
    #[serde(default)]
    pub allow: Vec<Allow>,
    /// Cargo features of the build whose `cfg`/`cfg_attr` are read (default: the package's
    /// default features).
    #[serde(default)]
    pub features: Option<Vec<String>>,
    /// Other cfg options of every deployed build: set (`"unix"`, `"target_os = \"linux\""`) or
    /// unset (`"not(fuzzing)"`). An option named nowhere may be on or off: both are checked.
    #[serde(default)]
    pub cfg: Vec<String>,
    /// The targets the fleet runs: each is checked as a build of its own, and decides the
    /// target options (`unix`, `target_os`, ...). A known target's name, or
    /// `{ name = "...", cfg = ["unix", ...] }`.
    #[serde(default)]
    pub targets: Vec<TargetConfig>,
    /// The package's default features, from its Cargo.toml.
    #[serde(skip)]
    pub default_features: Vec<String>,
    /// Files whose `include!` of code written at build time is described by schema files.
    #[serde(default)]
    pub generated: Vec<Generated>,
    /// Zero-annotation mode: plain serde types named here instead of with attributes.
    #[serde(default, rename = "type")]
    pub types: Vec<PlainTypeConfig>,
    /// Where this configuration was read from, and its text (for positions).
    #[serde(skip)]
    pub file: Option<String>,
    #[serde(skip)]
    pub text: String,
}

/// An encoding by its name, with the names to write in the error (the configuration is read
/// into enums, never kept as text).
fn encoding_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Encoding>, D::Error> {
    let name: Option<String> = Option::deserialize(d)?;
    name.map(|n| {
        Encoding::parse(&n).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown encoding `{n}`; write one of {}",
                Encoding::names()
            ))
        })
    })
    .transpose()
}

fn role_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Role>, D::Error> {
    let name: Option<String> = Option::deserialize(d)?;
    name.map(|n| match n.as_str() {
        "server" => Ok(Role::Server),
        "client" => Ok(Role::Client),
        other => Err(serde::de::Error::custom(format!(
            "unknown role `{other}`; write \"server\" or \"client\""
        ))),
    })
    .transpose()
}

/// A rule's level as the configuration sets it, ordered from the weakest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Setting {
    Allow,
    Warning,
    Error,
}

impl Setting {
    fn of(level: Level) -> Setting {
        match level {
            Level::Warning | Level::Notice => Setting::Warning,
            Level::Error => Setting::Error,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Setting::Allow => "allow",
            Setting::Warning => "warning",
            Setting::Error => "error",
        }
    }
}

/// `[[generated]]`: a file that includes code written at build time (`include!(concat!(env!(
/// "OUT_DIR"), ...))`), and the schema files that describe the session types in it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generated {
    pub file: PathBuf,
    pub schemas: Vec<PathBuf>,
}

/// A target of the `targets` list.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TargetConfig {
    Known(String),
    Custom { name: String, cfg: Vec<String> },
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
    #[serde(default, deserialize_with = "encoding_name")]
    pub encoding: Option<Encoding>,
    /// Field holding the EMS flag (`bool`, `Option<bool>`, `Option<_>`).
    pub ems: Option<String>,
    /// `"field=Variant"`: an enum-typed EMS field.
    pub ems_variant: Option<String>,
    /// `"field=0x4"`: an EMS bit in an integer flags field.
    pub ems_mask: Option<String>,
    /// Critical properties: `{ quic = "is_quic" }`, each a flag field (`bool`, `Option<_>`).
    #[serde(default)]
    pub critical: std::collections::BTreeMap<String, String>,
    /// Field holding the version, and what this version's decoder accepts.
    pub version_field: Option<String>,
    pub accepts: Option<String>,
    #[serde(default, deserialize_with = "role_name")]
    pub role: Option<Role>,
    /// The ticket keys or session cache this version's sessions are sealed under.
    pub envelope: Option<String>,
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
    Problem::new(
        Origin::new(file.to_string(), line, span.start, span.len()),
        message,
        Some(help.to_string()),
    )
}

/// Reads the configuration of a project: `sessionlint.toml` at its root, else the Cargo.toml
/// metadata table, else defaults. Both are repository files: read through `project`.
pub fn load(
    project: &Project,
    texts: &mut crate::report::SourceMap,
) -> Result<Config, Vec<Problem>> {
    let file = project.root.join("sessionlint.toml");
    let manifest = project.root.join("Cargo.toml");
    let read =
        |p: &Path| project::read_text(p, &project.canon, "configuration").map_err(|e| vec![e]);
    let (sessionlint, cargo) = (read(&file)?, read(&manifest)?);
    from_texts(
        sessionlint.map(|t| (file.to_string_lossy().into_owned(), t)),
        cargo.map(|t| (manifest.to_string_lossy().into_owned(), t)),
        texts,
    )
}

/// The configuration from the texts of `sessionlint.toml` and `Cargo.toml` (either may be absent):
/// shared by the working tree and a git revision.
pub fn from_texts(
    sessionlint: Option<(String, String)>,
    cargo: Option<(String, String)>,
    texts: &mut crate::report::SourceMap,
) -> Result<Config, Vec<Problem>> {
    let defaults = cargo
        .as_ref()
        .map(|(_, t)| default_features(t))
        .unwrap_or_default();
    let mut cfg = read_config(sessionlint, cargo, texts)?;
    cfg.default_features = defaults;
    Ok(cfg)
}

/// The features a default build of the package enables: `default` and what it implies
/// (features of dependencies, `dep:x` and `x/y`, are not this package's).
fn default_features(cargo: &str) -> Vec<String> {
    let Ok(t) = cargo.parse::<toml::Table>() else {
        return Vec::new();
    };
    let Some(features) = t.get("features").and_then(|f| f.as_table()) else {
        return Vec::new();
    };
    let mut on: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut todo = vec!["default".to_string()];
    while let Some(f) = todo.pop() {
        for implied in features
            .get(&f)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
        {
            if !implied.contains(':') && !implied.contains('/') && on.insert(implied.to_string()) {
                todo.push(implied.to_string());
            }
        }
    }
    on.into_iter().collect()
}

fn read_config(
    sessionlint: Option<(String, String)>,
    cargo: Option<(String, String)>,
    texts: &mut crate::report::SourceMap,
) -> Result<Config, Vec<Problem>> {
    if let Some((shown, text)) = sessionlint {
        texts.texts.insert(shown.clone(), text.clone());
        let cfg: Config = toml::from_str(&text).map_err(|e| {
            vec![problem(
                &shown,
                &text,
                e.span(),
                format!("invalid configuration: {}", e.message()),
                "see the README's configuration section",
            )]
        })?;
        return finish(cfg, shown, text);
    }
    if let Some((shown, text)) = cargo {
        if let Some((v, which)) = project::manifest_table(&text) {
            texts.texts.insert(shown.clone(), text.clone());
            let cfg: Config = v.try_into().map_err(|e: toml::de::Error| {
                vec![problem(
                    &shown,
                    &text,
                    None,
                    format!("invalid [{which}.metadata.sessionlint]: {}", e.message()),
                    "see the README's configuration section",
                )]
            })?;
            return finish(cfg, shown, text);
        }
    }
    Ok(Config::default())
}

/// A configuration read from `shown`: validated, and remembering its text for positions.
fn finish(mut cfg: Config, shown: String, text: String) -> Result<Config, Vec<Problem>> {
    cfg.file = Some(shown);
    validate(&cfg, &text)?;
    cfg.text = text;
    Ok(cfg)
}

fn validate(cfg: &Config, text: &str) -> Result<(), Vec<Problem>> {
    let file = cfg.file.clone().unwrap_or_default();
    let at = |needle: &str| text.find(needle).map(|i| i..i + needle.len());
    let mut problems = Vec::new();
    check_rule_names(cfg, &file, text, &mut problems);
    if cfg.keep == Some(0) {
        problems.push(problem(
            &file,
            text,
            at("keep"),
            "`keep = 0` checks no pair at all".into(),
            "write how many older versions may still be deployed next to each version (1 or more), or leave `keep` out to check them all",
        ));
    }
    check_paths(cfg, &file, text, &mut problems);
    for c in &cfg.cfg {
        if let Err(e) = cfg_entry(c) {
            problems.push(problem(
                &file,
                text,
                at(c),
                e,
                "see the README's configuration section",
            ));
        }
    }
    if let Err(e) = cfg.targets() {
        problems.push(problem(
            &file,
            text,
            at("targets"),
            e,
            "see the README's configuration section",
        ));
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

/// Every rule `[[allow]]` and `[levels]` name exists, and every allow says why.
fn check_rule_names(cfg: &Config, file: &str, text: &str, problems: &mut Vec<Problem>) {
    let at = |needle: &str| text.find(needle).map(|i| i..i + needle.len());
    for a in &cfg.allow {
        if rules::get(&a.rule).is_none() {
            problems.push(problem(
                file,
                text,
                at(&a.rule),
                format!("[[allow]] names unknown rule `{}`", a.rule),
                "`sessionlint rules` lists them",
            ));
        }
        if a.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            problems.push(problem(
                file,
                text,
                at(&a.rule),
                format!("[[allow]] of `{}` has no reason", a.rule),
                "write `reason = \"...\"`: why this finding is acceptable, for the next reviewer",
            ));
        }
    }
    for rule in cfg.levels.keys() {
        if rules::get(rule).is_none() {
            problems.push(problem(
                file,
                text,
                at(rule),
                format!("[levels] names unknown rule `{rule}`"),
                "`sessionlint rules` lists them",
            ));
        }
    }
}

/// Every path stays inside the project root, and `[[generated]]` names schema files.
fn check_paths(cfg: &Config, file: &str, text: &str, problems: &mut Vec<Problem>) {
    let at = |needle: &str| text.find(needle).map(|i| i..i + needle.len());
    let generated = cfg
        .generated
        .iter()
        .flat_map(|g| std::iter::once(&g.file).chain(&g.schemas));
    for p in cfg
        .paths
        .iter()
        .chain(cfg.snapshots.iter())
        .chain(generated)
    {
        let escapes = p.is_absolute()
            || p.components()
                .any(|c| matches!(c, std::path::Component::ParentDir));
        if escapes {
            let shown = p.to_string_lossy();
            problems.push(problem(
                file,
                text,
                at(&shown),
                format!("`{shown}` leaves the project root"),
                "paths in the configuration are relative to the project root and stay inside it",
            ));
        }
    }
    for g in &cfg.generated {
        let shown = g.file.to_string_lossy();
        if g.schemas.is_empty() {
            problems.push(problem(file, text, at(&shown), format!("[[generated]] `{shown}` names no schema file"), "list the schema files that describe the session types its generated code defines: `schemas = [\"...\"]`"));
        }
        for s in &g.schemas {
            if !crate::sources::is_schema_path(s) {
                let sh = s.to_string_lossy();
                problems.push(problem(
                    file,
                    text,
                    at(&sh),
                    format!("[[generated]] names `{sh}`, which is not read as a schema file"),
                    "name `*.schema.toml` files, or snapshots under the snapshot directory",
                ));
            }
        }
    }
}

/// One entry of `cfg`: an option and whether it is set (`"unix"`, `"target_os = \"linux\""`)
/// or unset (`"not(fuzzing)"`). `Err` says what is wrong with it.
fn cfg_entry(c: &str) -> Result<(String, bool), String> {
    let flat = crate::extract::Cfg::flag(c);
    let (name, on) = match flat.strip_prefix("not(").and_then(|r| r.strip_suffix(')')) {
        Some(inner) => (inner.to_string(), false),
        None => (flat, true),
    };
    let key = name.split('=').next().unwrap_or(&name);
    let value_ok = match name.split_once('=') {
        None => true,
        Some((_, v)) => {
            v.len() >= 2
                && v.starts_with('"')
                && v.ends_with('"')
                && !v[1..v.len() - 1].contains('"')
        }
    };
    let key_ok = !key.is_empty()
        && key
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        && !key.starts_with(|ch: char| ch.is_ascii_digit());
    if !key_ok || !value_ok || key == "feature" {
        return Err(if key == "feature" {
            format!("`cfg` entry `{c}`: features are set with `features = [...]`")
        } else {
            format!("`cfg` entry `{c}` is not an option: write `name`, `name = \"value\"` or `not(name)`")
        });
    }
    Ok((name, on))
}

/// Where the working tree's policy is weaker than the base revision's: allows it adds, levels it
/// lowers, a shorter `keep`. The configuration is the change's to make, in its diff; these lines
/// make sure a reviewer sees it.
pub fn relaxations(base: &Config, now: &Config) -> Vec<String> {
    let mut out = Vec::new();
    for a in &now.allow {
        let known = base
            .allow
            .iter()
            .any(|b| b.rule == a.rule && b.format == a.format);
        if !known {
            out.push(format!(
                "it adds [[allow]] rule = \"{}\"{}",
                a.rule,
                a.format
                    .as_deref()
                    .map(|f| format!(" format = \"{f}\""))
                    .unwrap_or_default()
            ));
        }
    }
    for (rule, level) in &now.levels {
        let before = base.levels.get(rule).copied();
        let default = rules::get(rule).map_or(Setting::Error, |r| Setting::of(r.level()));
        if *level < before.unwrap_or(default) {
            out.push(format!("it lowers `{rule}` to \"{}\"", level.as_str()));
        }
    }
    out.extend(narrower_scope(base, now));
    for g in &now.generated {
        if !base.generated.iter().any(|b| b.file == g.file) {
            out.push(format!(
                "it exempts the generated code included by `{}` ([[generated]])",
                g.file.display()
            ));
        }
    }
    let span = |k: Option<usize>| k.unwrap_or(usize::MAX);
    if span(now.keep) < span(base.keep) {
        out.push(format!(
            "it checks fewer older versions (keep = {}, was {})",
            now.keep.unwrap_or(0),
            base.keep.map_or("all".to_string(), |k| k.to_string())
        ));
    }
    out.extend(build_changed(base, now));
    out
}

/// A narrower scope: a path the base scanned that none of the change's covers.
fn narrower_scope(base: &Config, now: &Config) -> Option<String> {
    let covers =
        |scope: &[PathBuf], p: &Path| scope.is_empty() || scope.iter().any(|s| p.starts_with(s));
    let narrowed: Vec<String> = if base.paths.is_empty() {
        (!now.paths.is_empty())
            .then(|| "the whole project".to_string())
            .into_iter()
            .collect()
    } else {
        base.paths
            .iter()
            .filter(|p| !covers(&now.paths, p))
            .map(|p| format!("`{}`", p.display()))
            .collect()
    };
    (!narrowed.is_empty())
        .then(|| format!("it scans fewer paths (no longer {})", narrowed.join(", ")))
}

/// A different build can turn on the very `cfg_attr` that makes a decoder look strict, or
/// decide away an option under which the newer version lives.
fn build_changed(base: &Config, now: &Config) -> Option<String> {
    let (b, n) = (base.build(), now.build());
    let targets = |c: &Config| {
        c.targets()
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.name)
            .collect::<Vec<_>>()
    };
    if (&b.features, &b.flags, &b.unset) != (&n.features, &n.flags, &n.unset)
        || targets(base) != targets(now)
    {
        let list = |c: &crate::extract::Cfg, t: Vec<String>| {
            c.features
                .iter()
                .map(|f| format!("feature = \"{f}\""))
                .chain(c.flags.iter().cloned())
                .chain(c.unset.iter().map(|u| format!("not({u})")))
                .chain(t.into_iter().map(|t| format!("target {t}")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Some(format!(
            "it changes the build whose cfg and cfg_attr are read ({}; was {})",
            list(&n, targets(now)),
            list(&b, targets(base))
        ));
    }
    None
}

impl Config {
    /// The files of `[[generated]]`, as shown below the project root.
    pub fn generated_files(&self, project: &Project) -> Vec<String> {
        self.generated
            .iter()
            .map(|g| project.root.join(&g.file).to_string_lossy().into_owned())
            .collect()
    }

    /// The build whose `cfg` and `cfg_attr` sessionlint evaluates: its features, and the options
    /// the configuration sets or unsets (the targets are `targets()`).
    pub fn build(&self) -> crate::extract::Cfg {
        let mut flags = std::collections::BTreeSet::new();
        let mut unset = std::collections::BTreeSet::new();
        // Entries are checked when the configuration is read (`validate`).
        for (name, on) in self.cfg.iter().filter_map(|c| cfg_entry(c).ok()) {
            if on {
                flags.insert(name);
            } else {
                unset.insert(name);
            }
        }
        crate::extract::Cfg {
            features: self
                .features
                .clone()
                .unwrap_or_else(|| self.default_features.clone())
                .into_iter()
                .collect(),
            features_configured: self.features.is_some(),
            flags,
            unset,
            target: None,
            either: Default::default(),
        }
    }

    /// The targets named in the configuration, each a build of its own.
    pub fn targets(&self) -> Result<Vec<crate::extract::Target>, String> {
        self.targets
            .iter()
            .map(|t| match t {
                TargetConfig::Known(name) => crate::extract::Target::known(name).ok_or_else(|| {
                    format!(
                        "unknown target `{name}`; name one of {}, or write {{ name = \"{name}\", cfg = [\"unix\", \"target_os = \\\"linux\\\"\"] }} with its options",
                        crate::extract::Target::known_names()
                    )
                }),
                TargetConfig::Custom { name, cfg } => {
                    for c in cfg {
                        cfg_entry(c).and_then(|(_, on)| {
                            on.then_some(()).ok_or_else(|| format!("target `{name}`: list the options it sets; `{c}` unsets one"))
                        })?;
                    }
                    Ok(crate::extract::Target::custom(name, cfg))
                }
            })
            .collect()
    }

    /// How to read the sources of the project this configuration belongs to.
    pub fn extract_options(
        &self,
        encoding: Option<Encoding>,
    ) -> Result<crate::extract::Options, Vec<Problem>> {
        let bad = |e: String| {
            vec![crate::project::problem(
                self.file.as_deref().unwrap_or(""),
                e,
                "fix the configuration",
            )]
        };
        Ok(crate::extract::Options {
            roots_in: None,
            halves_from: None,
            cfg: self.build(),
            targets: self.targets().map_err(bad)?,
            default_encoding: encoding.or(self.encoding()),
            plain: self.plain_types().map_err(bad)?,
        })
    }

    pub fn encoding(&self) -> Option<Encoding> {
        self.encoding
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
                let encoding = t.encoding;
                let accepts = match &t.accepts {
                    Some(a) => Some(
                        crate::schema::Accepts::parse(a)
                            .map_err(|e| format!("[[type]] {}: {e}", t.name))?,
                    ),
                    None => None,
                };
                if t.envelope.as_deref().is_some_and(|e| e.trim().is_empty()) {
                    return Err(format!(
                        "[[type]] {}: `envelope` must not be empty: name the ticket keys or session cache its sessions are sealed under",
                        t.name
                    ));
                }
                let role = t.role.unwrap_or_default();
                let needle = format!("\"{}\"", t.name);
                let offset = self.text.find(&needle).unwrap_or(0);
                let line = self.text[..offset].matches('\n').count() as u32 + 1;
                let len = if offset > 0 { needle.len() } else { 0 };
                let origin = self
                    .file
                    .as_ref()
                    .map(|f| crate::schema::Origin::new(f.clone(), line, offset, len));
                Ok(PlainType {
                    origin,
                    type_name: t.name.clone(),
                    format: t.format.clone(),
                    version: t.version,
                    encoding,
                    ems_flag: t.ems.clone(),
                    ems_variant: split(&t.ems_variant, "ems_variant")?,
                    ems_mask: mask,
                    critical: t.critical.clone().into_iter().collect(),
                    version_field: t.version_field.clone(),
                    accepts,
                    role,
                    envelope: t.envelope.clone(),
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
            if let Some(i) = self.allow.iter().position(|a| {
                f.rule == a.rule.as_str() && a.format.as_deref().is_none_or(|x| x == f.format)
            }) {
                used[i] = true;
                continue;
            }
            match self.levels.get(f.rule.id()) {
                Some(Setting::Allow) => continue,
                Some(Setting::Warning) => f.level = Level::Warning,
                Some(Setting::Error) => {
                    if f.level != Level::Error && f.fixes.is_empty() && f.no_fix.is_none() {
                        f.no_fix = Some("raised to an error by the configuration: sessionlint searches fixes for the errors of the rules' own levels; the rule's help says what to change".into());
                    }
                    f.level = Level::Error
                }
                None => {}
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
