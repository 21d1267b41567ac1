//! Fixes that are proven before they are proposed. For each error-level finding of a newer
//! version, a small space of changes to that version (the older ones are deployed and cannot
//! change) is tried: each candidate is applied to the schemas, every rule runs again on every
//! pair of the deployment window, and a candidate is kept for a finding only when the finding's
//! hazard is gone and no error appears that was not there before. Its cost is read from the
//! same verdicts: which sessions that resume today would fall back to a full handshake.
//!
//! The search space, in the order TLS maintainers prefer (fewest full handshakes first):
//! - a key the older decoder requires, written under a new name by the newer version (serde
//!   formats with named fields; the newer decoder keeps the old name as an alias);
//! - a format version the older decoder checks exactly (schema files: `writes`);
//! - new ticket keys or a new session cache for the newer version (`envelope`);
//! and, for a newer decoder that misreads older sessions, `deny_unknown_fields` or an exact
//! version check on the newer side. Every candidate carries the exact edits that make it, and a
//! candidate with no edit it could express is not tried.

use crate::analysis::{reading, Kind, Reading};
use crate::encoding::{self, Family};
use crate::findings::{Finding, Level};
use crate::rules::{self, Side};
use crate::schema::{Accepts, Missing, Pos, Role, Schema, Style, Ty, TypeDef, Write};
use std::collections::BTreeSet;

pub use crate::findings::{Edit, EditKind, Fix, Seg};

/// At most this many candidates per newer version: each costs a run of every rule on every
/// pair of the window.
const MAX_CANDIDATES: usize = 8;

/// A candidate change.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Remedy {
    /// The newer version writes the root key `from` (a key the older decoder requires) as `to`.
    RenameKey {
        field: String,
        from: String,
        to: String,
    },
    /// The newer version writes `to` in its version field.
    VersionBump { field: String, to: u64 },
    /// The newer decoder accepts only the version it writes.
    VersionCheck { field: String, only: u64 },
    /// The newer decoder refuses keys it does not know.
    StrictKeys,
    /// The newer version's sessions are sealed under new ticket keys (or a new session cache).
    Envelope,
}

fn kind(c: &Remedy) -> &'static str {
    match c {
        Remedy::RenameKey { .. } => "rename",
        Remedy::VersionBump { .. } => "version-bump",
        Remedy::VersionCheck { .. } => "version-check",
        Remedy::StrictKeys => "strict-keys",
        Remedy::Envelope => "envelope",
    }
}

/// The work the fix search may do in one review, in values walked (as `review::MAX_WORK`
/// counts the rules'): proving fixes must not cost more than the check it advises on.
pub struct Budget {
    left: u64,
    spent_out: bool,
}

impl Budget {
    pub const PER_RUN: u64 = 2_000_000;

    pub fn new() -> Budget {
        Budget::with(Budget::PER_RUN)
    }

    pub fn with(left: u64) -> Budget {
        Budget {
            left,
            spent_out: false,
        }
    }

    /// Takes `n` analyses, if that many are left.
    fn take(&mut self, n: u64) -> bool {
        if n > self.left {
            self.spent_out = true;
            return false;
        }
        self.left -= n;
        true
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new()
    }
}

/// Attaches verified fixes (or why none exists) to the error findings of `new` against the
/// older versions deployed with it (`olds`).
pub fn attach(olds: &[&Schema], new: &Schema, findings: &mut [Finding], budget: &mut Budget) {
    let cost_of_one = crate::history::window_work(olds, new, true, &|s| s.expansion());
    attach_to(olds, new, &[], true, findings, budget, cost_of_one)
}

/// The errors of a window (`new` against one of `olds`, or `new` alone) still without a fix, and
/// the keys of all its errors as they stand: the rules already ran on it (`rules::check_window`).
/// A history finding is not raised again by the rules, so it is neither compared nor resolved.
fn window_errors(
    olds: &[&Schema],
    new: &Schema,
    alone: bool,
    findings: &[Finding],
) -> (Vec<usize>, BTreeSet<Key>) {
    let ours = |f: &Finding| {
        f.level == Level::Error
            && f.format == new.name
            && f.newer_version == new.version
            && match f.older_version {
                Some(v) => olds.iter().any(|o| o.version == v),
                None => alone,
            }
    };
    let targets = (0..findings.len())
        .filter(|&i| ours(&findings[i]) && findings[i].fixes.is_empty())
        .collect();
    let before = findings
        .iter()
        .filter(|f| ours(f) && !is_history(f))
        .map(|f| (f.rule.id(), f.older_version, f.property.clone()))
        .collect();
    (targets, before)
}

/// A finding about what was released rather than about a pair's verdict.
fn is_history(f: &Finding) -> bool {
    matches!(rules::check_of(f.rule), Some(rules::Check::History))
}

/// `attach`; `alone`: whether the findings about `new` alone are this window's too; `newer`:
/// the later versions co-deployed with `new`, which read its sessions and write sessions it
/// reads (a fix to `new` costs there too). One candidate costs `cost_of_one`: a run of every
/// rule on every pair of the window, for EMS and each property (`history::window_work`).
fn attach_to(
    olds: &[&Schema],
    new: &Schema,
    newer: &[&Schema],
    alone: bool,
    findings: &mut [Finding],
    budget: &mut Budget,
    cost_of_one: u64,
) {
    let (targets, before) = window_errors(olds, new, alone, findings);
    if targets.is_empty() {
        return;
    }
    let candidates = candidates_of(olds, new, findings, &targets);
    let mut tried: Vec<String> = Vec::new();
    let mut memo = CostMemo::default();
    for c in &candidates {
        memo.after.clear();
        // One fix of each kind per finding: a candidate whose kind every finding has is not run.
        if targets.iter().all(|&i| has_kind(&findings[i], c)) {
            continue;
        }
        if !budget.take(cost_of_one) {
            break;
        }
        let Some((olds2, new2, edits)) = apply(c, olds, new) else {
            continue;
        };
        let refs: Vec<&Schema> = olds2.iter().collect();
        let after = errors(&refs, &new2);
        tried.push(words(c, new).0);
        if after.difference(&before).next().is_some() {
            continue;
        }
        for &i in &targets {
            let f = &findings[i];
            if older_of(olds, f).is_none() || is_history(f) {
                continue;
            }
            // One fix of each kind: the first key that verifies stands for the others.
            if !resolved(f, &after) || has_kind(f, c) {
                continue;
            }
            let (summary, change) = words(c, new);
            let change = format!("{change}{}", declared(c));
            let cost = cost(f, olds, new, &refs, &new2, newer, &mut memo);
            findings[i].fixes.push(Fix {
                summary,
                change,
                verified: true,
                cost,
                edits: edits.clone(),
                kind: kind(c),
            });
        }
    }
    for &i in &targets {
        if findings[i].fixes.is_empty() {
            findings[i].no_fix = Some(no_fix(&findings[i], budget, &tried));
        }
    }
}

/// Whether `f` already has a fix of `c`'s kind.
fn has_kind(f: &Finding, c: &Remedy) -> bool {
    f.fixes.iter().any(|x| x.kind == kind(c))
}

/// Why a finding has no verified fix: the budget ran out, or what was tried did not verify.
fn no_fix(f: &Finding, budget: &Budget, tried: &[String]) -> String {
    if budget.spent_out {
        format!("the fix search stopped: this review already walked the {} values one run may spend proving fixes; check fewer versions at once (`keep`) to see fixes here", Budget::PER_RUN)
    } else {
        why_none(f, tried)
    }
}

/// The distinct candidate fixes for the findings at `targets`, at most `MAX_CANDIDATES`.
fn candidates_of(
    olds: &[&Schema],
    new: &Schema,
    findings: &[Finding],
    targets: &[usize],
) -> Vec<Remedy> {
    let mut candidates: Vec<Remedy> = Vec::new();
    for &i in targets {
        let f = &findings[i];
        let Some(old) = older_of(olds, f) else {
            continue;
        };
        for c in candidates_for(old, new, olds, side(f)) {
            if !candidates.contains(&c) {
                candidates.push(c);
            }
        }
    }
    candidates.truncate(MAX_CANDIDATES);
    candidates
}

/// Attaches fixes to the error findings of every window that can take one; the errors of a
/// window that cannot (a version with several shapes) say why.
pub fn attach_windows(
    windows: &[&crate::history::Window<'_>],
    findings: &mut Vec<Finding>,
    budget: &mut Budget,
    size: &dyn Fn(&Schema) -> u64,
) {
    let mut jobs = jobs_of(windows, findings, size);
    // Windows share the budget in their order, so a search that may run out of it runs them
    // one after another. One that cannot (every window's every candidate fits) runs them on
    // every core, each over its own findings (those about its newer version): the same result.
    let most = jobs.iter().fold(0u64, |w, j| {
        w.saturating_add(j.cost_of_one.saturating_mul(MAX_CANDIDATES as u64))
    });
    let mut versions: Vec<(&str, u32)> = jobs
        .iter()
        .map(|j| (j.window.new.name.as_str(), j.window.new.version))
        .collect();
    versions.sort_unstable();
    let distinct = versions.windows(2).all(|p| p[0] != p[1]);
    if most > budget.left || !distinct || jobs.len() < 2 {
        for j in &jobs {
            let w = j.window;
            attach_to(
                &w.olds,
                w.new,
                &j.newer,
                w.alone,
                findings,
                budget,
                j.cost_of_one,
            );
        }
        return;
    }
    let at: std::collections::HashMap<(&str, u32), usize> = jobs
        .iter()
        .enumerate()
        .map(|(k, j)| ((j.window.new.name.as_str(), j.window.new.version), k))
        .collect();
    let mut rest = Vec::new();
    for f in findings.drain(..) {
        match at.get(&(f.format.as_str(), f.newer_version)).copied() {
            Some(k) => jobs[k].findings.push(f),
            None => rest.push(f),
        }
    }
    let done = sessionlint_internals::extract::par::map_into(jobs, |mut j| {
        let w = j.window;
        let mut own = Budget::with(u64::MAX);
        attach_to(
            &w.olds,
            w.new,
            &j.newer,
            w.alone,
            &mut j.findings,
            &mut own,
            j.cost_of_one,
        );
        (u64::MAX - own.left, j.findings)
    });
    for (spent, mut fs) in done {
        budget.left -= spent.min(budget.left);
        rest.append(&mut fs);
    }
    *findings = rest;
}

/// A fix-search job for every window that can take a fix; the errors of a window that cannot
/// (a version with several shapes) are told why.
fn jobs_of<'a>(
    windows: &[&'a crate::history::Window<'a>],
    findings: &mut [Finding],
    size: &dyn Fn(&Schema) -> u64,
) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job<'a>> = Vec::new();
    for w in windows {
        if w.fixable {
            // The later versions whose windows hold this one: they meet it in a fleet.
            let mut newer: Vec<&Schema> = Vec::new();
            for later in windows.iter().filter(|x| {
                x.new.name == w.new.name
                    && x.new.version > w.new.version
                    && x.olds.iter().any(|o| o.version == w.new.version)
            }) {
                if !newer.iter().any(|n| n.version == later.new.version) {
                    newer.push(later.new);
                }
            }
            let cost_of_one = crate::history::window_work(&w.olds, w.new, true, size);
            jobs.push(Job {
                window: w,
                newer,
                cost_of_one,
                findings: Vec::new(),
            });
            continue;
        }
        for f in findings.iter_mut() {
            let ours = f.level == Level::Error
                && f.format == w.new.name
                && f.newer_version == w.new.version
                && f.fixes.is_empty()
                && f.no_fix.is_none();
            if ours {
                f.no_fix = Some("this version has several shapes (cfg options the configuration does not decide give builds different schemas), and fixes are proven for one shape per version: decide the options (`cfg`, `targets`) to see verified fixes".into());
            }
        }
    }
    jobs
}

/// One window's fix search, with what it needs.
struct Job<'a> {
    window: &'a crate::history::Window<'a>,
    newer: Vec<&'a Schema>,
    cost_of_one: u64,
    findings: Vec<Finding>,
}

fn older_of<'a>(olds: &[&'a Schema], f: &Finding) -> Option<&'a Schema> {
    match f.older_version {
        Some(v) => olds.iter().copied().find(|o| o.version == v),
        // A finding about the newer version alone: candidates are not about a pair.
        None => None,
    }
}

/// Which decoder a finding is about (`None`: the version alone).
fn side(f: &Finding) -> Option<Side> {
    f.older_version.and(f.rule.decoder_side())
}

/// An error, as the search compares them: rule, older version, property.
type Key = (&'static str, Option<u32>, Option<String>);

fn errors(olds: &[&Schema], new: &Schema) -> BTreeSet<Key> {
    let mut all = rules::check_version(new);
    for o in olds {
        all.extend(rules::check_pair(o, new));
    }
    all.into_iter()
        .filter(|f| f.level == Level::Error)
        .map(|f| (f.rule.id(), f.older_version, f.property))
        .collect()
}

/// The finding's hazard is gone: no error about the same decoder of the same pair and property.
fn resolved(f: &Finding, after: &BTreeSet<Key>) -> bool {
    let s = side(f);
    !after.iter().any(|(rule, older, property)| {
        *older == f.older_version
            && *property == f.property
            && match s {
                Some(s) => rules::get(rule).and_then(|r| r.decoder_side()) == Some(s),
                None => *rule == f.rule.id(),
            }
    })
}

fn family(s: &Schema) -> Family {
    encoding::facts(s.encoding).family
}

/// The root, when it is a struct with named fields (the only shape whose keys a fix renames or
/// whose unknown keys it refuses).
fn root_struct(s: &Schema) -> Option<&crate::schema::StructDef> {
    match s.root_def()? {
        TypeDef::Struct(st) if !st.transparent && st.style == Style::Struct => Some(st),
        _ => None,
    }
}

fn is_rust(s: &Schema) -> bool {
    s.origin.file.ends_with(".rs")
}

fn is_schema_file(s: &Schema) -> bool {
    s.origin.file.ends_with(".schema.toml") && s.origin.attr_at.is_some()
}

/// What a version's encoder writes in its version field.
fn written(s: &Schema, field: &crate::schema::Field) -> u64 {
    field.session.writes.unwrap_or(s.version as u64)
}

fn candidates_for(old: &Schema, new: &Schema, olds: &[&Schema], side: Option<Side>) -> Vec<Remedy> {
    let mut out = Vec::new();
    match side {
        Some(Side::Older) => {
            out.extend(renames(old, new));
            out.extend(version_bump(old, new, olds));
        }
        Some(Side::Newer) => {
            if strict_keys_apply(new) {
                out.push(Remedy::StrictKeys);
            }
            out.extend(version_check(old, new));
        }
        None => return out,
    }
    // A newer version that already declares its keys would need them replaced, not declared.
    if new.envelope.id.is_none() {
        out.push(Remedy::Envelope);
    }
    out
}

/// Keys of the older root that its decoder requires and the newer version writes as they are,
/// each renamed in the newer version (an insert of one serde attribute on a field without one).
fn renames(old: &Schema, new: &Schema) -> Vec<Remedy> {
    if family(old) != Family::Map || family(new) != Family::Map || !is_rust(new) {
        return Vec::new();
    }
    let (Some(o), Some(n)) = (root_struct(old), root_struct(new)) else {
        return Vec::new();
    };
    let taken: BTreeSet<&str> = o
        .fields
        .iter()
        .chain(&n.fields)
        .flat_map(|f| f.de_names.iter().chain([&f.ser_name]).map(String::as_str))
        .collect();
    let mut out = Vec::new();
    for of in &o.fields {
        let required = of.read
            && !of.flatten
            && of.missing == Missing::Error
            && !matches!(of.ty, Ty::Option { .. });
        if !required {
            continue;
        }
        let Some(nf) = n.fields.iter().find(|g| {
            of.de_names.contains(&g.ser_name)
                && g.write == Write::Always
                && !g.flatten
                && g.ser_name == g.ident
                && g.de_names == [g.ser_name.clone()]
                && g.origin.attr_at.is_some()
        }) else {
            continue;
        };
        let to = format!("{}_v{}", nf.ser_name, new.version);
        if taken.contains(to.as_str()) {
            continue;
        }
        out.push(Remedy::RenameKey {
            field: nf.ident.clone(),
            from: nf.ser_name.clone(),
            to,
        });
    }
    out
}

/// The newer version writes a format version no older decoder of the window accepts, where the
/// older one checks it (schema files, whose `writes` says what the encoder writes).
fn version_bump(old: &Schema, new: &Schema, olds: &[&Schema]) -> Option<Remedy> {
    if !is_schema_file(new) {
        return None;
    }
    let of = old.version_field()?;
    let nf = new.version_field()?;
    if of.ident != nf.ident || of.session.version_field.as_ref()?.is_any() {
        return None;
    }
    let (_, max) = nf.ty.int_range()?;
    let now = written(new, nf);
    (now + 1..now + 65)
        .filter(|k| (*k as i128) <= max)
        .find(|k| {
            olds.iter().all(|o| {
                o.version_field()
                    .and_then(|f| f.session.version_field.as_ref())
                    .is_some_and(|a| !a.contains(*k as i128))
            })
        })
        .map(|to| Remedy::VersionBump {
            field: nf.ident.clone(),
            to,
        })
}

/// The newer decoder accepts only its own version, where the older one writes another.
fn version_check(old: &Schema, new: &Schema) -> Option<Remedy> {
    if !is_schema_file(new) {
        return None;
    }
    let nf = new.version_field()?;
    let of = old.version_field()?;
    let own = written(new, nf);
    let theirs = written(old, of);
    let accepts = nf.session.version_field.as_ref()?;
    (of.ident == nf.ident && own != theirs && accepts.contains(theirs as i128)).then(|| {
        Remedy::VersionCheck {
            field: nf.ident.clone(),
            only: own,
        }
    })
}

fn strict_keys_apply(new: &Schema) -> bool {
    family(new) == Family::Map
        && is_rust(new)
        && root_struct(new).is_some_and(|st| {
            !st.deny_unknown_fields
                && !st.fields.iter().any(|f| f.flatten)
                && st.origin.attr_at.is_some()
        })
}

/// The envelope names: each older version keeps the keys it has; the newer one gets new ones.
fn envelope_id(s: &Schema, taken: &[&Schema]) -> String {
    let mut id = format!("{}-v{}", s.name, s.version);
    while taken
        .iter()
        .any(|o| o.version != s.version && o.envelope.id.as_deref() == Some(id.as_str()))
    {
        id.push_str("-new");
    }
    id
}

/// The envelope fix applied: new keys for `new`, and the keys the older versions have named on
/// each (one id for every older version that names none). `None` when a version's keys cannot
/// be named where it is read.
fn envelope(
    olds: &[&Schema],
    new: &Schema,
    olds2: &mut [Schema],
    new2: &mut Schema,
    edits: &mut Vec<Edit>,
) -> Option<()> {
    let all: Vec<&Schema> = olds.iter().copied().chain([new]).collect();
    // The older versions that name no keys share the ones the fleet has today: one id
    // for all of them (the oldest's), so that the change parts only `new` from them.
    let shared = olds2
        .iter()
        .filter(|o| o.envelope.id.is_none())
        .min_by_key(|o| o.version)
        .map(|o| envelope_id(o, &all));
    for o in olds2.iter_mut().filter(|o| o.envelope.id.is_none()) {
        let id = shared.clone().expect("an older version without keys");
        // An older version whose keys cannot be named where it is read (a released
        // revision, a generated snapshot, a configured type): after the newer version's
        // edit alone, sessionlint would still see one envelope, so the fix would not
        // verify on the next run. Not proposed.
        let theirs = declare_envelope(o, &id);
        if theirs.is_empty() {
            return None;
        }
        edits.extend(theirs);
        o.envelope.id = Some(id);
    }
    let id = envelope_id(new, &all);
    let mine = declare_envelope(new, &id);
    if mine.is_empty() {
        return None;
    }
    edits.extend(mine);
    new2.envelope.id = Some(id);
    Some(())
}

/// The candidate applied: the window's older versions (only the envelope names theirs), the
/// newer version, and the edits. `None` when no edit can express it.
fn apply(c: &Remedy, olds: &[&Schema], new: &Schema) -> Option<(Vec<Schema>, Schema, Vec<Edit>)> {
    let mut olds2: Vec<Schema> = olds.iter().map(|o| (*o).clone()).collect();
    let mut new2 = new.clone();
    let mut edits = Vec::new();
    let root = new.root.clone();
    match c {
        Remedy::RenameKey { field, from, to } => {
            let st = root_mut(&mut new2)?;
            let f = st.fields.iter_mut().find(|f| &f.ident == field)?;
            f.ser_name = to.clone();
            f.de_names = vec![to.clone(), from.clone()];
            edits.push(insert(
                &f.origin.file,
                f.origin.attr_at?,
                format!("#[serde(rename = {to:?}, alias = {from:?})] "),
            ));
        }
        Remedy::StrictKeys => {
            let st = root_mut(&mut new2)?;
            st.deny_unknown_fields = true;
            edits.push(insert(
                &st.origin.file,
                st.origin.attr_at?,
                "#[serde(deny_unknown_fields)] ".to_string(),
            ));
        }
        Remedy::VersionBump { field, to } => {
            let file = new.origin.file.clone();
            let (i, f) = field_mut(&mut new2, field)?;
            f.session.writes = Some(*to);
            edits.push(set(
                &file,
                f.origin.line,
                &root,
                i,
                "writes",
                to.to_string(),
            ));
            let acc = f.session.version_field.as_mut()?;
            if !acc.contains(*to as i128) {
                acc.ranges.push((Some(*to), Some(*to)));
                let text = quoted(&acc.to_string());
                edits.push(set(&file, f.origin.line, &root, i, "version_field", text));
            }
        }
        Remedy::VersionCheck { field, only } => {
            let file = new.origin.file.clone();
            let (i, f) = field_mut(&mut new2, field)?;
            f.session.version_field = Some(Accepts::exact(*only));
            let text = quoted(&only.to_string());
            edits.push(set(&file, f.origin.line, &root, i, "version_field", text));
        }
        Remedy::Envelope => envelope(olds, new, &mut olds2, &mut new2, &mut edits)?,
    }
    Some((olds2, new2, edits))
}

fn root_mut(s: &mut Schema) -> Option<&mut crate::schema::StructDef> {
    match s.types.get_mut(&s.root)? {
        TypeDef::Struct(st) => Some(st),
        TypeDef::Enum(_) => None,
    }
}

/// The root's field called `ident`, with its index in the schema file's field list.
fn field_mut<'a>(s: &'a mut Schema, ident: &str) -> Option<(usize, &'a mut crate::schema::Field)> {
    root_mut(s)?
        .fields
        .iter_mut()
        .enumerate()
        .find(|(_, f)| f.ident == ident)
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// An attribute (`text`, ending in a space) inserted at `at`: on a line of its own, indented as
/// the line it goes in front of, when nothing else precedes that place on its line; else in
/// front of it on the same line.
fn insert(file: &str, at: Pos, text: String) -> Edit {
    let text = match at.indent {
        Some(n) => format!("{}\n{}", text.trim_end(), " ".repeat(n as usize)),
        None => text,
    };
    Edit {
        file: file.to_string(),
        line: at.line,
        what: EditKind::Insert {
            offset: at.offset,
            column: at.column,
            text,
        },
    }
}

fn set(file: &str, line: u32, root: &str, i: usize, key: &str, value: String) -> Edit {
    Edit {
        file: file.to_string(),
        line,
        what: EditKind::Set {
            path: vec![
                Seg::Key("types".into()),
                Seg::Key(root.into()),
                Seg::Key("fields".into()),
                Seg::Index(i),
                Seg::Key("session".into()),
                Seg::Key(key.into()),
            ],
            value,
        },
    }
}

/// The edit that declares `s`'s envelope, where its file can take one.
fn declare_envelope(s: &Schema, id: &str) -> Vec<Edit> {
    let Some(at) = s.origin.attr_at else {
        return Vec::new();
    };
    if is_rust(s) {
        vec![insert(
            &s.origin.file,
            at,
            format!("#[session(envelope = {id:?})] "),
        )]
    } else if is_schema_file(s) {
        vec![Edit {
            file: s.origin.file.clone(),
            line: 1,
            what: EditKind::Set {
                path: vec![Seg::Key("envelope".into()), Seg::Key("id".into())],
                value: quoted(id),
            },
        }]
    } else {
        Vec::new()
    }
}

/// Who holds sessions, in the plural.
fn holders(role: Role) -> &'static str {
    match role {
        Role::Server => "servers",
        Role::Client => "clients",
    }
}

/// The candidate in words: (summary, change).
fn words(c: &Remedy, new: &Schema) -> (String, String) {
    let v = new.version;
    let root = &new.root;
    match c {
        Remedy::RenameKey { field, from, to } => (
            format!("v{v} writes the key `{from}` as `{to}`: older decoders that require `{from}` refuse v{v}'s sessions"),
            format!("`#[serde(rename = \"{to}\", alias = \"{from}\")]` on `{root}.{field}` (the alias keeps v{v} reading older sessions)"),
        ),
        Remedy::VersionBump { to, field } => (
            format!("v{v} writes format version {to}, which the older decoder refuses by its exact version check"),
            format!("`writes = {to}` in the `session` of the version field `{root}.{field}` (and {to} in its `version_field` range)"),
        ),
        Remedy::VersionCheck { only, field } => (
            format!("v{v}'s decoder accepts only format version {only}, its own: older sessions fall back to a full handshake instead of being misread"),
            format!("`version_field = \"{only}\"` in the `session` of the version field `{root}.{field}`"),
        ),
        Remedy::StrictKeys => (
            format!("v{v}'s decoder refuses keys it does not know, so older sessions carrying a key it dropped fall back to a full handshake"),
            format!("`#[serde(deny_unknown_fields)]` on `{root}`"),
        ),
        Remedy::Envelope => {
            let what = match new.role {
                Role::Server => "new ticket encryption keys (or a new session cache)",
                Role::Client => "a new session cache (a new storage key or file)",
            };
            (
                format!("seal v{v}'s sessions under {what} that older {} do not have", holders(new.role)),
                match new.role {
                    Role::Server => format!("{what} for v{v}, with no older keys kept for decryption"),
                    Role::Client => format!("{what} for v{v}, and older caches no longer read"),
                },
            )
        }
    }
}

/// For the envelope: how sessionlint sees the change.
fn declared(c: &Remedy) -> &'static str {
    match c {
        Remedy::Envelope => "; declared as `envelope` on each version (the older ones name the keys they have), so that sessionlint sees the break",
        _ => "",
    }
}

/// The readings `cost` compares, each computed once: those before any change are the same for
/// every candidate and finding of a window, those after a change the same for every finding the
/// candidate fixes. Keyed by the property, the co-deployed version (its place among the older
/// versions, then the later ones), whether `new` is the decoder, and the kind of session.
type CostKey = (Option<String>, usize, bool, Kind);

#[derive(Default)]
struct CostMemo {
    /// The reading before the change, and whether its encoder carries the property.
    before: std::collections::HashMap<CostKey, (Option<Reading>, bool)>,
    after: std::collections::HashMap<CostKey, Option<Reading>>,
}

/// A reading of the `property` projections of `dec` and `enc`.
fn projected_reading(
    property: Option<&str>,
    dec: &Schema,
    enc: &Schema,
    kind: Kind,
) -> (Option<Reading>, bool) {
    match property {
        Some(p) => {
            let enc = enc.project(p);
            (
                reading(&dec.project(p), &enc, kind),
                enc.ems_carrier().is_some(),
            )
        }
        None => (reading(dec, enc, kind), enc.ems_carrier().is_some()),
    }
}

/// Which sessions that are resumed today fall back to a full handshake after the change, on
/// every pair of the window (readings shared through `memo`).
#[allow(clippy::too_many_arguments)]
fn cost(
    f: &Finding,
    olds: &[&Schema],
    new: &Schema,
    olds2: &[&Schema],
    new2: &Schema,
    newer: &[&Schema],
    memo: &mut CostMemo,
) -> String {
    let property = f.property.as_deref();
    let prop = property.unwrap_or("EMS");
    let mut items = Vec::new();
    // Every co-deployed version against `new`, before and after the change: the older ones
    // (which the change may edit too) and the later ones (which it leaves as they are).
    let others: Vec<(&Schema, &Schema)> = olds
        .iter()
        .zip(olds2)
        .map(|(o, o2)| (*o, *o2))
        .chain(newer.iter().map(|l| (*l, *l)))
        .collect();
    for (i, (o, o2)) in others.iter().enumerate() {
        for new_decodes in [false, true] {
            let (dec, enc, dec2, enc2) = if new_decodes {
                (new, *o, new2, *o2)
            } else {
                (*o, new, *o2, new2)
            };
            for kind in [Kind::Ems, Kind::NonEms] {
                let key = (f.property.clone(), i, new_decodes, kind);
                let (before, carries) = memo
                    .before
                    .entry(key.clone())
                    .or_insert_with(|| projected_reading(property, dec, enc, kind))
                    .clone();
                let after = memo
                    .after
                    .entry(key)
                    .or_insert_with(|| projected_reading(property, dec2, enc2, kind).0)
                    .clone();
                let (Some(b), Some(a)) = (before, after) else {
                    continue;
                };
                let lost = falls_back(&b, &a, kind);
                if lost == Lost::None {
                    continue;
                }
                let sessions = match (kind, carries) {
                    (_, false) => "sessions".to_string(),
                    (Kind::Ems, true) if prop == "EMS" => "EMS sessions".to_string(),
                    (Kind::Ems, true) => format!("sessions with {prop}"),
                    (Kind::NonEms, true) if prop == "EMS" => "non-EMS sessions".to_string(),
                    (Kind::NonEms, true) => format!("sessions without {prop}"),
                };
                let some = if lost == Lost::Some { "some " } else { "" };
                items.push(format!(
                    "{some}{sessions} written by v{} on v{} {}",
                    enc.version,
                    dec.version,
                    holders(new.role)
                ));
            }
        }
    }
    if items.is_empty() {
        "no other session falls back to a full handshake".to_string()
    } else {
        format!("full handshakes for {}", items.join("; "))
    }
}

#[derive(PartialEq)]
enum Lost {
    None,
    Some,
    All,
}

/// Sessions resumed correctly before and refused after. A kind of session is a cost wherever
/// any of it resumed correctly: a misread of some sessions (certain, or depending on the data)
/// is a hazard the change removes, and the others, read correctly, now fall back too.
fn falls_back(before: &Reading, after: &Reading, kind: Kind) -> Lost {
    let correct = match kind {
        Kind::Ems => before.with_ems.is_some(),
        Kind::NonEms => before.without_ems.is_some(),
    };
    // Read depending on the data: some sessions may have been read correctly, unless the
    // decoder cannot read EMS at all (an EMS session it accepts is a misread).
    let maybe = before.depends.is_some() && (kind == Kind::NonEms || before.decoder_carries);
    if !correct && !maybe {
        return Lost::None;
    }
    // Only some were resumed correctly before: the rest were refused or misread.
    let partly = !correct || before.rejection.is_some() || before.misread(kind).is_some();
    if !after.accepts() {
        if partly {
            Lost::Some
        } else {
            Lost::All
        }
    } else if after.rejection.is_some() && before.rejection.is_none() {
        Lost::Some
    } else {
        Lost::None
    }
}

/// Why no fix is shown.
fn why_none(f: &Finding, tried: &[String]) -> String {
    if let Some(why) = &f.rule.spec().no_fix {
        return why.clone();
    }
    if tried.is_empty() {
        "sessionlint found no change it can write as an edit and check again here: none of its candidates (a renamed key, a format version, new ticket keys) applies to this format, or the older version is read where its ticket keys cannot be declared (a released revision, a generated snapshot, a configured type); the rule's help lists the changes to make by hand".to_string()
    } else {
        format!(
            "none of the changes sessionlint tried makes this pair safe without an error elsewhere in the window: {}",
            tried.join("; ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{extract, Options, SourceFile};

    fn schemas(src: &str) -> Vec<Schema> {
        let ex = extract(
            &[SourceFile {
                path: "src/t.rs".into(),
                text: src.into(),
            }],
            &Options::default(),
        );
        assert!(ex.problems.is_empty(), "{:?}", ex.problems);
        let mut s = ex.schemas;
        s.sort_by_key(|s| s.version);
        s
    }

    #[test]
    fn a_candidate_that_does_not_verify_is_not_shown() {
        // v2 dropped EMS from a nested struct: `deny_unknown_fields` on v2's root is tried (the
        // search cannot know where the dropped key lives) and refuses nothing v1 wrote, so only
        // the new envelope is shown.
        let s = schemas(
            r#"
#[derive(Serialize, Deserialize)]
pub struct P1 { #[session(ems)] pub ems: bool, pub suite: u16 }
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct V1 { pub params: P1 }

#[derive(Serialize, Deserialize)]
pub struct P2 { pub suite: u16 }
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 2, encoding = "json")]
pub struct V2 { pub params: P2 }
"#,
        );
        let (old, new) = (&s[0], &s[1]);
        let mut found = rules::check_pair(old, new);
        let dropped = found
            .iter()
            .position(|f| f.rule == "ems-dropped-by-newer-decoder")
            .expect("v2 drops v1's EMS");
        let tried = candidates_for(old, new, &[old], side(&found[dropped]));
        assert!(tried.contains(&Remedy::StrictKeys), "{tried:?}");
        attach(&[old], new, &mut found, &mut Budget::new());
        let kinds: Vec<&str> = found[dropped].fixes.iter().map(|x| x.kind).collect();
        assert_eq!(kinds, ["envelope"]);
    }

    #[test]
    fn a_spent_budget_says_so_instead_of_searching() {
        let s = schemas(
            r#"
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct V1 { pub suite: u16 }
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 2, encoding = "json")]
pub struct V2 { pub suite: u16, #[session(ems)] pub ems: bool }
"#,
        );
        // One candidate costs the window's work.
        let one = crate::history::window_work(&[&s[0]], &s[1], true, &|x| x.expansion());
        let mut found = rules::check_pair(&s[0], &s[1]);
        attach(&[&s[0]], &s[1], &mut found, &mut Budget::with(one - 1));
        let f = found.iter().find(|f| f.level == Level::Error).unwrap();
        assert!(f.fixes.is_empty());
        assert!(f
            .no_fix
            .as_deref()
            .unwrap()
            .contains("the fix search stopped"));
        let mut found = rules::check_pair(&s[0], &s[1]);
        attach(&[&s[0]], &s[1], &mut found, &mut Budget::with(one));
        let f = found.iter().find(|f| f.level == Level::Error).unwrap();
        assert_eq!(f.fixes.len(), 1, "one candidate's worth: the rename");
    }

    #[test]
    fn an_envelope_verifies_with_the_olders_keys_named() {
        // Undeclared envelopes are never assumed to differ: the candidate names both.
        let s = schemas(
            r#"
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "bincode")]
pub struct V1 { pub suite: u16 }
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 2, encoding = "bincode")]
pub struct V2 { pub suite: u16, #[session(ems)] pub ems: bool }
"#,
        );
        let (olds, new, edits) = apply(&Remedy::Envelope, &[&s[0]], &s[1]).unwrap();
        assert_eq!(olds[0].envelope.id.as_deref(), Some("t-v1"));
        assert_eq!(new.envelope.id.as_deref(), Some("t-v2"));
        assert_eq!(edits.len(), 2);
        let mut half = new.clone();
        half.envelope.id = None;
        assert!(rules::check_pair(&olds[0], &half)
            .iter()
            .any(|f| f.rule == "ems-accepted-by-older-decoder"));
        assert!(!rules::check_pair(&olds[0], &new)
            .iter()
            .any(|f| f.level == Level::Error));
    }
}
