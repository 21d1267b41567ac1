//! The review, in one order for every caller (`check`, `diff`, `report`, `plan`,
//! `snapshot --check`, `assert_rollout_safe`):
//!
//! inputs (working tree, snapshots, schema files, git revisions) → schemas → deployment windows
//! → rules → configuration (levels, allows) → fixes → plan.
//!
//! Callers parse their arguments into a [`Request`] (or hand schemas to [`judge`]) and render the
//! [`Review`]; none of them assembles a stage of its own.

use crate::analysis;
use crate::config::{self, Config};
use crate::deployment::Deployment;
use crate::extract::{self, Problem};
use crate::findings::{self, Finding};
use crate::history::{self, baseline, Window};
use crate::project::Project;
use crate::report::{notes, Note, SourceMap, Summary};
use crate::rules;
use crate::schema::{Encoding, Schema};
use crate::snapshot;
use crate::sources;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The most work one review's rules (and matrices) may do, in values walked (see
/// `history::window_work`): about two seconds on a 2-core machine. With `keep` unset every pair of
/// a format's versions is checked, which grows with the square of the versions; a version's
/// values grow with its types. The bound is on the product, whatever makes it large.
pub const MAX_WORK: u64 = 2_000_000;

/// What to review: a tree, the releases to check it against, and how many are deployed.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub path: PathBuf,
    /// Encoding for session types that name none.
    pub encoding: Option<Encoding>,
    /// Released revisions (`--baseline-rev`).
    pub revs: Vec<String>,
    /// Tags of releases (`--release-tags GLOB`).
    pub release_tags: Option<String>,
    /// How many older versions may still be deployed (overrides the configuration's `keep`).
    pub keep: Option<usize>,
    /// Compute the compatibility matrices and the plan's gates.
    pub matrices: bool,
    /// Keep the texts of files read at revisions, for snippets.
    pub snippets: bool,
}

/// What a review found.
#[derive(Debug, Default)]
pub struct Review {
    pub findings: Vec<Finding>,
    pub matrices: Vec<analysis::Matrix>,
    /// With the matrices: each version's rollout gate.
    pub gates: Vec<crate::plan::Gate>,
    pub summary: Summary,
}

impl Review {
    /// Whether the run fails: an error-level finding.
    pub fn has_errors(&self) -> bool {
        findings::has_errors(&self.findings)
    }

    /// Whether the change relaxes the gate against a baseline.
    pub fn relaxes(&self) -> bool {
        self.summary
            .notes
            .iter()
            .any(|n| n.kind == notes::NoteKind::Relaxation)
    }
}

/// What the working tree holds for one path: its project, configuration, versions (in sources)
/// and released versions (snapshots and schema files).
pub struct Inputs {
    pub project: Project,
    pub cfg: Config,
    pub current: Vec<Schema>,
    /// Released versions from the working tree's snapshots and schema files.
    pub released: Vec<Schema>,
    pub files_seen: usize,
    /// The Rust sources read: a git baseline reuses the ones it did not change.
    pub texts: Vec<extract::SourceFile>,
    /// The cfg options the session types consulted, and the builds read.
    pub cfg_options: Vec<extract::CfgOption>,
    pub builds: usize,
    /// What was scanned, relative to the root, when the review is of the whole project (its
    /// configuration's `paths`, or the root): `None` when the command line named a part of it.
    pub scope: Option<Vec<PathBuf>>,
}

impl Inputs {
    /// Where the project keeps its snapshots.
    pub fn snapshot_dir(&self) -> PathBuf {
        self.project.root.join(
            self.cfg
                .snapshots
                .clone()
                .unwrap_or_else(|| PathBuf::from(snapshot::DEFAULT_DIR)),
        )
    }
}

/// Two released schemas for one (format, version) in one place: which one is the release?
pub fn duplicates(schemas: &[Schema], problems: &mut Vec<Problem>) {
    let mut seen: BTreeMap<(&str, u32), &Schema> = BTreeMap::new();
    for s in schemas {
        if let Some(first) = seen.insert((&s.name, s.version), s) {
            let message = format!(
                "format `{}` version {} is claimed by two schema files: {} and {}",
                s.name, s.version, first.origin.file, s.origin.file
            );
            let help = "keep one file per released version; delete the copy, or give it its own version number";
            problems.push(Problem::new(s.origin.clone(), message, Some(help.into())));
        }
    }
}

fn canon(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// The paths a configuration has scanned, relative to the root (`.` for the whole root).
fn scope_of(cfg: &Config) -> Vec<PathBuf> {
    if cfg.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        cfg.paths.iter().map(|p| crate::project::tidy(p)).collect()
    }
}

/// Whether `file` (relative to the root) lies in `scope`.
fn in_scope(scope: &[PathBuf], file: &Path) -> bool {
    let file = crate::project::tidy(file);
    scope
        .iter()
        .any(|s| s.as_os_str() == "." || file.starts_with(s))
}

/// A shown path relative to the project root (`./src/a.rs` under root `.` is `src/a.rs`).
fn below_root(project: &Project, shown: &str) -> PathBuf {
    let p = crate::project::tidy(Path::new(shown));
    p.strip_prefix(crate::project::tidy(&project.root))
        .map(Path::to_path_buf)
        .unwrap_or(p)
}

/// Sources under review (and snapshots) for `path`, with its project's configuration.
pub fn inputs(
    path: &Path,
    encoding: Option<Encoding>,
    map: &mut SourceMap,
) -> Result<Inputs, Vec<Problem>> {
    let project = Project::find(path).map_err(|p| vec![p])?;
    let cfg = config::load(&project, map)?;
    let opts = cfg.extract_options(encoding)?;
    let at_root = canon(path) == project.canon;
    let scan: Vec<PathBuf> = if at_root && !cfg.paths.is_empty() {
        cfg.paths.iter().map(|p| project.root.join(p)).collect()
    } else {
        vec![path.to_path_buf()]
    };
    let mut problems = Vec::new();
    let mut current = Vec::new();
    let mut released = Vec::new();
    let mut files_seen = 0;
    let mut texts = Vec::new();
    let mut cfg_options = Vec::new();
    let mut builds = 1;
    for p in &scan {
        let l = sources::load(p, &project, &opts, &cfg.generated_files(&project), map);
        problems.extend(l.problems);
        current.extend(l.schemas);
        released.extend(l.snapshots);
        files_seen += l.files_seen;
        texts.extend(l.texts);
        cfg_options.extend(l.cfg);
        builds = builds.max(l.builds);
    }
    let snap_dir = project.root.join(
        cfg.snapshots
            .clone()
            .unwrap_or_else(|| PathBuf::from(snapshot::DEFAULT_DIR)),
    );
    let snap_canon = canon(&snap_dir);
    // The walk above read the snapshot directory only if it lies under a scanned path and is
    // named so that the walk knows its files (`session-schemas`); any other name is read here.
    let walked = scan.iter().any(|s| snap_canon.starts_with(canon(s)))
        && sources::is_schema_path(&snap_dir.join("v1.toml"));
    if !walked {
        let (s, p) = snapshot::read_all(&snap_dir, &project, map);
        files_seen += s.len();
        released.extend(s);
        problems.extend(p);
    }
    duplicates(&released, &mut problems);
    problems.extend(missing_generated(&cfg, &project));
    if !problems.is_empty() {
        return Err(problems);
    }
    let scope = at_root.then(|| scope_of(&cfg));
    Ok(Inputs {
        project,
        cfg,
        current,
        released,
        files_seen,
        texts,
        cfg_options,
        builds,
        scope,
    })
}

/// What stands for generated code must be there, or that code goes unchecked.
fn missing_generated(cfg: &Config, project: &Project) -> Vec<Problem> {
    let mut problems = Vec::new();
    for g in &cfg.generated {
        for s in &g.schemas {
            if project.root.join(s).symlink_metadata().is_err() {
                problems.push(sources::problem(
                    cfg.file.as_deref().unwrap_or(""),
                    format!(
                        "[[generated]] `{}` names `{}`, which does not exist",
                        g.file.display(),
                        s.display()
                    ),
                    "write the schema file that describes the generated session types",
                ));
            }
        }
    }
    problems
}

/// Each schema's value count (`Schema::expansion`), computed once per schema of a review.
#[derive(Default)]
pub struct Sizes(std::cell::RefCell<std::collections::HashMap<usize, u64>>);

impl Sizes {
    pub fn of(&self, s: &Schema) -> u64 {
        let key = s as *const Schema as usize;
        if let Some(v) = self.0.borrow().get(&key) {
            return *v;
        }
        let v = s.expansion();
        self.0.borrow_mut().insert(key, v);
        v
    }
}

/// The schemas a review judges, from whatever source, with the configuration that judges them.
pub struct Gathered {
    pub cfg: Config,
    pub current: Vec<Schema>,
    pub released: Vec<Schema>,
    /// Findings raised while reading (a released version changed between revisions).
    pub early: Vec<Finding>,
    pub notes: Vec<Note>,
    pub files: usize,
    pub builds: usize,
    /// Which versions run side by side.
    pub fleet: Deployment,
}

/// Reads what `req` names: the working tree, and the revisions (pinned and listed while the
/// working tree is read).
pub fn gather(req: &Request, map: &mut SourceMap) -> Result<Gathered, Vec<Problem>> {
    let project = Project::find(&req.path).map_err(|p| vec![p])?;
    let wants_git = !req.revs.is_empty() || req.release_tags.is_some();
    let (loaded, listed) = std::thread::scope(|s| {
        let git = wants_git.then(|| {
            let project = &project;
            s.spawn(move || baseline::list(project, &req.revs, req.release_tags.as_deref()))
        });
        let loaded = inputs(&req.path, req.encoding, map);
        (
            loaded,
            git.map(|h| h.join().expect("the git reader never panics")),
        )
    });
    let mut inp = loaded?;
    let texts = std::mem::take(&mut inp.texts);
    let mut early = Vec::new();
    let mut base_files = 0;
    let mut released: Vec<Schema> = std::mem::take(&mut inp.released);
    let mut keep = req.keep.or(inp.cfg.keep);
    let mut cfg_options = std::mem::take(&mut inp.cfg_options);
    let mut notes = Vec::new();
    let mut builds = inp.builds;
    if let Some(listed) = listed {
        let listed = listed?;
        let bases = baseline::read(
            &project,
            &listed.listings,
            req.encoding,
            texts,
            req.snippets,
            map,
        )?;
        let merged = baseline::merge(&bases, listed.tags, keep);
        early.extend(merged.rereleased.iter().map(|(first, again)| {
            rules::released_schema_changed::finding(history::Change::Rereleased { first, again })
        }));
        // A tag window replaces the version window: every version of the kept releases may meet
        // every other.
        if listed.tags > 0 && keep.is_some() {
            keep = None;
        }
        // The revisions are what was released: a working-tree snapshot cannot rewrite them.
        let kept = as_released(released, &merged, &mut early);
        moved_formats(&inp.project, &inp.current, &merged.schemas, &mut early);
        released = merged.schemas;
        released.extend(kept);
        // The baselines' scope binds the change: what their `paths` cover is read too, and a
        // session type found only there is checked and reported.
        if let Some(scope) = inp.scope.clone() {
            widen_scope(
                &mut inp,
                &scope,
                &bases,
                req,
                map,
                &mut released,
                &mut early,
            )?;
        }
        notes.extend(relaxation_notes(&bases, &inp.cfg));
        for base in &bases {
            cfg_options.extend(base.cfg_options.iter().cloned());
            builds = builds.max(base.builds);
        }
        base_files = bases.iter().map(|b| b.files).sum();
    }
    notes.splice(0..0, cfg_notes(&inp.cfg, &cfg_options));
    Ok(Gathered {
        cfg: inp.cfg,
        current: inp.current,
        released,
        early,
        notes,
        files: inp.files_seen + base_files,
        builds,
        fleet: Deployment::keeping(keep),
    })
}

/// Every relaxation of the gate against each baseline's configuration, once each.
fn relaxation_notes(bases: &[baseline::Baseline], cfg: &Config) -> Vec<Note> {
    let mut said = BTreeSet::new();
    let shown = cfg.file.clone().unwrap_or_default();
    let mut out = Vec::new();
    for base in bases {
        for what in config::relaxations(&base.cfg, cfg) {
            if said.insert(what.clone()) {
                out.push(notes::relaxation(&base.rev, &what, &shown));
            }
        }
    }
    out
}

/// What the cfg options the session types consulted were taken to be, once per option.
fn cfg_notes(cfg: &Config, options: &[extract::CfgOption]) -> Vec<Note> {
    let targets: Vec<String> = cfg
        .targets()
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.name)
        .collect();
    let mut seen = BTreeSet::new();
    options
        .iter()
        .filter(|o| seen.insert(o.option.clone()))
        .map(|o| notes::cfg(o, &targets))
        .collect()
}

/// The working tree's released versions that the revisions do not hold (those they hold are
/// theirs: a working-tree schema file that differs from one is a finding).
fn as_released(
    released: Vec<Schema>,
    merged: &baseline::Merged,
    early: &mut Vec<Finding>,
) -> Vec<Schema> {
    let mut kept = Vec::new();
    for s in released {
        match merged
            .schemas
            .iter()
            .find(|b| b.name == s.name && b.version == s.version)
        {
            Some(b) if !b.same_as(&s) => {
                early.push(rules::released_schema_changed::finding(
                    history::Change::SchemaFileEdited {
                        released: b,
                        file: &s,
                    },
                ));
            }
            Some(_) => {}
            None if merged.dropped.contains(&(s.name.clone(), s.version)) => {}
            None => kept.push(s),
        }
    }
    kept
}

/// Reads what the baselines' `paths` cover beyond the change's own scope: a session item found
/// only there is checked, and reported as out of scope.
fn widen_scope(
    inp: &mut Inputs,
    scope: &[PathBuf],
    bases: &[baseline::Baseline],
    req: &Request,
    map: &mut SourceMap,
    released: &mut Vec<Schema>,
    early: &mut Vec<Finding>,
) -> Result<(), Vec<Problem>> {
    let wider: Vec<(&str, PathBuf)> = bases
        .iter()
        .flat_map(|b| {
            scope_of(&b.cfg)
                .into_iter()
                .map(move |p| (b.rev.as_str(), p))
        })
        .filter(|(_, p)| !in_scope(scope, p) || p.as_os_str() == ".")
        .collect();
    if !wider.is_empty() && scope.iter().all(|s| s.as_os_str() != ".") {
        let opts = inp.cfg.extract_options(req.encoding)?;
        let generated = inp.cfg.generated_files(&inp.project);
        let mut seen = BTreeSet::new();
        let mut problems = Vec::new();
        for (rev, p) in wider {
            if !seen.insert(p.clone()) {
                continue;
            }
            let target = if p.as_os_str() == "." {
                inp.project.root.clone()
            } else {
                inp.project.root.join(&p)
            };
            let l = sources::load(&target, &inp.project, &opts, &generated, map);
            problems.extend(l.problems);
            inp.files_seen += l.files_seen;
            let snap_dir = crate::project::tidy(
                &inp.cfg
                    .snapshots
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(snapshot::DEFAULT_DIR)),
            );
            let outside = |s: &Schema| {
                let file = below_root(&inp.project, &s.origin.file);
                !in_scope(scope, &file) && !file.starts_with(&snap_dir)
            };
            for s in l.schemas.into_iter().filter(|s| outside(s)) {
                early.push(rules::out_of_scope_session_item::finding(&s, rev));
                inp.current.push(s);
            }
            // Hand-written schema files there too.
            for s in l.snapshots.into_iter().filter(|s| outside(s)) {
                if !released
                    .iter()
                    .any(|r| r.name == s.name && r.version == s.version)
                {
                    early.push(rules::out_of_scope_session_item::finding(&s, rev));
                    released.push(s);
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
    }
    Ok(())
}

/// `released-schema-changed` for a released type that the change moves to another format name
/// (`[[type]] format = "other"`, or its `#[session(name)]` edited): one type, one format.
/// Both sides' files are compared relative to the root: a revision's as `REV:path`, the working
/// tree's as shown (absolute when the root was given so).
fn moved_formats(
    project: &Project,
    current: &[Schema],
    released: &[Schema],
    out: &mut Vec<Finding>,
) {
    let released_path = |s: &Schema| {
        let f = &s.origin.file;
        crate::project::tidy(Path::new(f.split_once(':').map_or(f.as_str(), |(_, p)| p)))
    };
    for c in current {
        let here = below_root(project, &c.origin.file);
        let was = released
            .iter()
            .find(|r| r.root == c.root && released_path(r) == here && r.name != c.name);
        if let Some(r) = was {
            out.push(rules::released_schema_changed::finding(
                history::Change::Renamed {
                    released: r,
                    current: c,
                },
            ));
        }
    }
}

/// Reviews `req`: gathers its inputs and judges them.
pub fn review(req: &Request, map: &mut SourceMap) -> Result<Review, Vec<Problem>> {
    let g = gather(req, map)?;
    judge(g, req.matrices)
}

/// Judges gathered schemas: every format's windows through the rules, the configuration's
/// levels and allows, then fixes for the errors that remain, then matrices and gates.
pub fn judge(g: Gathered, matrices: bool) -> Result<Review, Vec<Problem>> {
    let fleet = g.fleet;
    let chains = history::chains(g.current, g.released);
    // Each format's windows, computed once: the budget, the rules and the fixes read them.
    let windows: Vec<(&String, Vec<Window<'_>>)> = chains
        .iter()
        .map(|(name, c)| (name, history::windows(c, fleet)))
        .collect();
    within_budget(&chains, &windows, matrices)?;
    let counts: Vec<history::Counts> = chains
        .values()
        .zip(&windows)
        .map(|(c, (_, ws))| history::Counts {
            versions: history::versions(c).len(),
            pairs: ws.iter().map(|w| w.olds.len()).sum(),
        })
        .collect();
    let flat: Vec<&Window<'_>> = windows.iter().flat_map(|(_, ws)| ws).collect();
    let mut found = g.early;
    found.extend(
        chains
            .values()
            .filter_map(history::nothing_to_compare)
            .map(rules::no_older_version_to_compare::finding),
    );
    found.extend(flat.iter().filter(|w| !w.alone).map(|w| {
        rules::released_schema_changed::finding(history::Change::InPlace {
            released: w.olds[0],
            current: w.new,
        })
    }));
    let known = judge_windows(&flat, matrices, &mut found);
    let review = settle(
        &g.cfg,
        found,
        &flat,
        Summary {
            files: g.files,
            builds: g.builds,
            notes: g.notes,
            formats: chains.len(),
            versions: counts.iter().map(|c| c.versions).sum(),
            pairs: counts.iter().map(|c| c.pairs).sum(),
            ..Summary::default()
        },
    );
    let mut review = review;
    if matrices {
        review.matrices = chains
            .values()
            .map(|c| {
                analysis::matrix_with(
                    &history::versions(c)
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>(),
                    fleet,
                    &known,
                )
            })
            .collect();
        let versions: BTreeMap<String, Vec<u32>> = review
            .matrices
            .iter()
            .map(|m| (m.format.clone(), m.versions.clone()))
            .collect();
        review.gates = crate::plan::gates(&versions, fleet, &review.findings);
    }
    Ok(review)
}

/// Every window through the rules, on every core (windows are judged independently), their
/// findings added to `found`; with `matrices`, the cells of the verdicts the rules reach, which
/// the matrices read.
fn judge_windows(
    flat: &[&Window<'_>],
    matrices: bool,
    found: &mut Vec<Finding>,
) -> analysis::Known {
    let mut known = analysis::Known::default();
    if matrices {
        for (f, k) in
            sessionlint_internals::extract::par::map(flat, |w| rules::check_window_known(w))
        {
            found.extend(f);
            known.extend(k);
        }
    } else {
        found.extend(
            sessionlint_internals::extract::par::map(flat, |w| rules::check_window(w))
                .into_iter()
                .flatten(),
        );
    }
    known
}

/// Refuses a review whose rules would walk more than `MAX_WORK` values, before any runs, naming
/// the format that costs most.
fn within_budget(
    chains: &BTreeMap<String, history::Chain>,
    windows: &[(&String, Vec<Window<'_>>)],
    matrices: bool,
) -> Result<(), Vec<Problem>> {
    let sizes = Sizes::default();
    let size = |s: &Schema| sizes.of(s);
    // What the rules will cost, before any runs: by format, to name the largest.
    let mut by_format: Vec<(&String, u64)> = chains
        .iter()
        .zip(windows)
        .map(|((name, c), (_, ws))| {
            let work = ws.iter().fold(0u64, |w, x| {
                w.saturating_add(history::window_work(&x.olds, x.new, x.alone, &size))
            });
            let matrix = if matrices {
                let all: Vec<&Schema> = history::versions(c).into_iter().flatten().collect();
                // Every cell reads each kind of session: two readings per (decoder, encoder).
                all.iter().fold(0u64, |w, d| {
                    w.saturating_add(
                        2u64.saturating_mul(history::window_work(&all, d, false, &size)),
                    )
                })
            } else {
                0
            };
            (name, work.saturating_add(matrix))
        })
        .collect();
    let planned = by_format
        .iter()
        .fold(0u64, |w, (_, x)| w.saturating_add(*x));
    if planned > MAX_WORK {
        by_format.sort_by_key(|(_, w)| std::cmp::Reverse(*w));
        let (name, work) = by_format[0];
        let chain = &chains[name];
        let largest = chain
            .released
            .iter()
            .chain(&chain.current)
            .map(size)
            .max()
            .unwrap_or(0);
        return Err(vec![sources::problem(
            &chain.released.first().or(chain.current.first()).map(|s| s.origin.file.clone()).unwrap_or_default(),
            format!(
                "checking every pair of versions would walk {planned} values (format `{name}` alone {work}: {} versions of up to {largest} values and {} critical properties, each analysed on every pair{}), more than the limit of {MAX_WORK}",
                history::version_count(chain),
                history::property_count(chain),
                if matrices { ", and again for the matrices" } else { "" }
            ),
            "set `keep` (or --keep) to how many older versions may still be deployed next to each version, or model large repeated parts as opaque types",
        )]);
    }
    Ok(())
}

/// The stages after the rules, shared by every caller: the configuration's levels and allows,
/// fixes for the errors left, one order.
fn settle(cfg: &Config, found: Vec<Finding>, windows: &[&Window<'_>], summary: Summary) -> Review {
    let (mut kept, unused) = cfg.apply(found);
    let mut budget = crate::fixes::Budget::new();
    let sizes = Sizes::default();
    crate::fixes::attach_windows(windows, &mut kept, &mut budget, &|s| sizes.of(s));
    findings::sort(&mut kept);
    kept.dedup();
    let mut summary = Summary {
        files: summary.files,
        builds: summary.builds,
        notes: summary.notes,
        ..Summary::count(&kept, summary.formats, summary.versions, summary.pairs)
    };
    let shown = cfg.file.clone().unwrap_or_default();
    for u in unused {
        summary.notes.push(notes::unused_allow(&u, &shown));
    }
    Review {
        findings: kept,
        summary,
        ..Review::default()
    }
}

/// Each format's versions, each as its shapes: a version in a source is the source's, not a
/// snapshot's.
type Shapes = BTreeMap<String, BTreeMap<u32, Vec<Schema>>>;

fn shapes_by_version(
    sources: Vec<Schema>,
    snapshots: Vec<Schema>,
    select: &dyn Fn(&Schema) -> bool,
) -> Shapes {
    let mut m: Shapes = BTreeMap::new();
    for s in sources.into_iter().filter(|s| select(s)) {
        m.entry(s.name.clone())
            .or_default()
            .entry(s.version)
            .or_default()
            .push(s);
    }
    for s in snapshots.into_iter().filter(|s| select(s)) {
        let shapes = m
            .entry(s.name.clone())
            .or_default()
            .entry(s.version)
            .or_default();
        if shapes.is_empty() {
            shapes.push(s);
        }
    }
    m
}

/// `diff`'s windows: the newest version of each format (each of its shapes) against every
/// version of that format on the old side; with the formats and versions they cover.
fn newest_against<'a>(
    new_chains: &'a Shapes,
    old_chains: &'a Shapes,
) -> (Vec<Window<'a>>, usize, usize) {
    let mut windows: Vec<Window<'_>> = Vec::new();
    let (mut formats, mut versions) = (0, 0);
    for (name, new_versions) in new_chains {
        let newest = new_versions
            .values()
            .last()
            .expect("chains are never empty");
        let Some(olds) = old_chains.get(name) else {
            continue;
        };
        formats += 1;
        versions += olds.len() + 1;
        let olds: Vec<&Schema> = olds.values().flatten().collect();
        let single = newest.len() == 1 && olds.len() == old_chains[name].len();
        for (k, n) in newest.iter().enumerate() {
            let mut o = olds.clone();
            o.extend(newest[..k].iter());
            windows.push(Window {
                olds: o,
                new: n,
                alone: true,
                fixable: single,
            });
        }
    }
    (windows, formats, versions)
}

/// `diff OLD NEW`: the newest version of each format in NEW against every decoder in OLD,
/// judged with NEW's configuration (the change's, as `check` judges the working tree).
pub fn diff(
    old: &Path,
    new: &Path,
    ty: Option<&str>,
    encoding: Option<Encoding>,
    map: &mut SourceMap,
) -> Result<Review, Vec<Problem>> {
    let side = |p: &Path, map: &mut SourceMap| -> Result<(sources::Loaded, Config), Vec<Problem>> {
        let project = Project::find(p).map_err(|e| vec![e])?;
        let cfg = config::load(&project, map)?;
        let opts = cfg.extract_options(encoding)?;
        let generated = cfg.generated_files(&project);
        Ok((sources::load(p, &project, &opts, &generated, map), cfg))
    };
    let (old_l, _) = side(old, map)?;
    let (new_l, cfg) = side(new, map)?;
    let mut problems = old_l.problems;
    problems.extend(new_l.problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let select = |s: &Schema| ty.is_none_or(|t| s.name == t || s.root == t);
    let new_chains = shapes_by_version(new_l.schemas, new_l.snapshots, &select);
    let old_chains = shapes_by_version(old_l.schemas, old_l.snapshots, &select);
    let what = ty
        .map(|t| format!("session type `{t}`"))
        .unwrap_or_else(|| "session type".into());
    if new_chains.is_empty() {
        return Err(vec![sources::problem(
            &new.display().to_string(),
            format!("no {what} in {}", new.display()),
            "derive SessionState with #[session(version = N, encoding = \"...\")] on the session struct, or pass --type with an existing format or type name",
        )]);
    }
    let (windows, formats, versions) = newest_against(&new_chains, &old_chains);
    let pairs: usize = windows.iter().map(|w| w.olds.len()).sum();
    if pairs == 0 {
        return Err(vec![sources::problem(
            &old.display().to_string(),
            format!(
                "no {what} in {} shares a format name with {} (formats there: {})",
                old.display(),
                new.display(),
                new_chains.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
            "versions of one format share #[session(name = \"...\")]; check the name, or pass --type",
        )]);
    }
    let flat: Vec<&Window<'_>> = windows.iter().collect();
    let mut found = Vec::new();
    judge_windows(&flat, false, &mut found);
    let mut seen = BTreeSet::new();
    let notes: Vec<Note> = old_l
        .cfg
        .iter()
        .chain(&new_l.cfg)
        .filter(|o| seen.insert(o.option.clone()))
        .map(|o| notes::cfg(o, &[]))
        .collect();
    Ok(settle(
        &cfg,
        found,
        &flat,
        Summary {
            files: old_l.files_seen + new_l.files_seen,
            builds: old_l.builds.max(new_l.builds),
            notes,
            formats,
            versions,
            pairs,
            ..Summary::default()
        },
    ))
}
