//! The released versions as they are at git revisions (`--baseline-rev`, `--release-tags`):
//! each revision's sources, snapshots and schema files, read with its own configuration (the pull
//! request's configuration cannot hide them). Every revision is listed and read through a fixed
//! number of git processes, each distinct blob is read once, and a revision whose changes since
//! the one before cannot touch a session type (no session marker, no name the extraction looked
//! for) takes the schemas read there instead of reading its sources again.

use crate::config::{self, Config};
use crate::extract::{self, Problem, SourceFile};
use crate::history::git;
use crate::project::Project;
use crate::report::SourceMap;
use crate::schema::{Encoding, Schema};
use crate::sources;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// One revision's released versions.
pub struct Baseline {
    pub rev: String,
    /// Shared with the revision before when nothing changed them: a thousand tags of one
    /// release hold its schemas once.
    pub schemas: std::sync::Arc<Vec<Schema>>,
    /// The revision's configuration: the gate's policy as that revision has it.
    pub cfg: Config,
    /// Files of the revision read (configuration, sources, schema files).
    pub files: usize,
    /// Its schemas are the previous revision's (nothing that changed could touch them).
    pub reused: bool,
    /// The cfg options its session types consulted, and the builds read.
    pub cfg_options: Vec<extract::CfgOption>,
    pub builds: usize,
}

/// What the previous revision's extraction read, to decide whether the next one can reuse it.
struct Previous {
    config: (Option<String>, Option<String>),
    sources: BTreeMap<String, String>,
    schemas: std::sync::Arc<Vec<Schema>>,
    looked_up: Vec<String>,
    cfg_options: Vec<extract::CfgOption>,
    builds: usize,
    /// Its sources take code in from other files (`include!`, `#[path] mod`).
    externals: bool,
}

/// The most revisions one run reads: a repository's tags are its data, and a hostile one can
/// hold any number of them.
pub const MAX_REVISIONS: usize = 1000;

/// The revisions to read, listed: the tags first (oldest first), then the `--baseline-rev`s.
pub struct Listed {
    pub listings: Vec<git::Listing>,
    /// How many of them, from the first, are release tags.
    pub tags: usize,
}

/// Pins and lists the revisions (`--baseline-rev`s and the tags matching `release_tags`),
/// through a fixed number of git processes.
pub fn list(
    project: &Project,
    revs_asked: &[String],
    release_tags: Option<&str>,
) -> Result<Listed, Vec<Problem>> {
    let root = project.root.display().to_string();
    let fail = |e: String, help: &str| vec![sources::problem(&root, e, help)];
    let top = project.git_top.clone().ok_or_else(|| {
        fail(
            format!(
                "--baseline-rev and --release-tags need a git work tree; {} is not in one",
                project.root.display()
            ),
            "run sessionlint inside the repository, or leave out --baseline-rev and --release-tags",
        )
    })?;
    let mut revs = Vec::new();
    if let Some(glob) = release_tags {
        let tags = git::tags(&top, glob)
            .map_err(|e| fail(e, "check that git can read the repository's tags"))?;
        if tags.len() > MAX_REVISIONS {
            return Err(fail(
                format!("{} tags match `{glob}`, more than the limit of {MAX_REVISIONS} revisions one run reads", tags.len()),
                "narrow the glob to the releases still deployed (e.g. 'v3.*')",
            ));
        }
        if tags.is_empty() {
            return Err(fail(
                format!("no tag matches `{glob}`"),
                "fetch the tags (`git fetch --tags`, or `fetch-depth: 0` in actions/checkout), or fix the glob",
            ));
        }
        revs.extend(tags);
    }
    let tags = revs.len();
    if !revs_asked.is_empty() {
        if revs_asked.len() > MAX_REVISIONS {
            return Err(fail(
                format!(
                    "{} --baseline-rev given, more than the limit of {MAX_REVISIONS}",
                    revs_asked.len()
                ),
                "pass the revisions still deployed",
            ));
        }
        revs.extend(
            git::resolve(&top, revs_asked)
                .map_err(|e| fail(e, "pass revisions that exist, e.g. origin/main or HEAD~1"))?,
        );
    }
    let listings = git::list_all(&top, &prefix_of(project, &top), &revs)
        .map_err(|e| fail(e, "check that the revisions exist and git can read them"))?;
    Ok(Listed { listings, tags })
}

/// The project root relative to the git top level, `/`-terminated (empty at the top).
fn prefix_of(project: &Project, top: &Path) -> String {
    project
        .canon
        .strip_prefix(top)
        .map(|p| {
            let p = p.to_string_lossy().replace('\\', "/");
            if p.is_empty() {
                p
            } else {
                format!("{p}/")
            }
        })
        .unwrap_or_default()
}

/// The released versions of every revision, merged.
pub struct Merged {
    /// One schema per (format, version): as the newest revision that has it released it.
    pub schemas: Vec<Schema>,
    /// Versions released twice with two schemas: the first release, then the other
    /// (`history::Change::Rereleased`).
    pub rereleased: Vec<(Schema, Schema)>,
    /// Versions released only by tags outside the `keep` window: no longer deployed.
    pub dropped: std::collections::BTreeSet<(String, u32)>,
}

/// Merges the baselines (the first `tags` are release tags, oldest first): a version seen at
/// several revisions is one version; with `keep`, only the newest `keep` tags' versions remain.
pub fn merge(bases: &[Baseline], tags: usize, keep: Option<usize>) -> Merged {
    let mut by: BTreeMap<(String, u32), Schema> = BTreeMap::new();
    let mut rereleased = Vec::new();
    // A reused revision holds exactly the schemas of the one before it.
    for b in bases.iter().filter(|b| !b.reused) {
        for s in b.schemas.iter() {
            let key = (s.name.clone(), s.version);
            match by.get(&key) {
                Some(first) if !first.same_as(s) => {
                    rereleased.push((first.clone(), s.clone()));
                    by.insert(key, s.clone());
                }
                Some(_) => {}
                None => {
                    by.insert(key, s.clone());
                }
            }
        }
    }
    let mut dropped = std::collections::BTreeSet::new();
    if let Some(k) = keep.filter(|_| tags > 0) {
        let kept_from = tags.saturating_sub(k);
        let in_window: std::collections::BTreeSet<(String, u32)> = bases[kept_from..]
            .iter()
            .flat_map(|b| b.schemas.iter().map(|s| (s.name.clone(), s.version)))
            .collect();
        for key in by.keys() {
            if !in_window.contains(key) {
                dropped.insert(key.clone());
            }
        }
        by.retain(|k, _| !dropped.contains(k));
    }
    Merged {
        schemas: by.into_values().collect(),
        rereleased,
        dropped,
    }
}

/// Reads every listed revision (oldest first) as a baseline.
pub fn read(
    project: &Project,
    listings: &[git::Listing],
    encoding: Option<Encoding>,
    working: Vec<SourceFile>,
    want_snippets: bool,
    map: &mut SourceMap,
) -> Result<Vec<Baseline>, Vec<Problem>> {
    let top = project.git_top.clone().ok_or_else(|| {
        vec![sources::problem(
            &project.root.display().to_string(),
            format!(
                "a git baseline needs a git work tree; {} is not in one",
                project.root.display()
            ),
            "run sessionlint inside the repository, or leave out --baseline-rev and --release-tags",
        )]
    })?;
    let mut r = Revisions {
        at_rev: project.root.display().to_string(),
        top,
        store: Blobs::new(project, working),
        // Per-blob work (lexing, aliases, line starts) is shared by the revisions' extractions.
        cache: extract::Cache::default(),
        encoding,
        want_snippets,
        prev: None,
    };
    // Each revision's configuration first: it decides what else belongs to its baseline.
    let (wanted, mut all_problems) = r.configurations(listings, map)?;
    r.fetch_wanted(listings, &wanted)?;
    let mut out = Vec::new();
    for (l, (cfg, rs, schema)) in listings.iter().zip(wanted) {
        let mut problems = Vec::new();
        let (reused, mut schemas, read, cfg_options, builds) =
            r.extract_at(l, &cfg, &rs, map, &mut problems)?;
        r.schema_files_at(l, &schema, &mut schemas, map, &mut problems);
        all_problems.extend(problems);
        out.push(Baseline {
            rev: l.rev.clone(),
            schemas,
            files: read + schema.len() + 2,
            cfg,
            reused: reused && schema.is_empty(),
            cfg_options,
            builds,
        });
    }
    if !all_problems.is_empty() {
        all_problems.sort();
        all_problems.dedup();
        return Err(all_problems);
    }
    Ok(out)
}

/// A revision's configuration, and the Rust sources and schema files it covers.
type Wanted<'l> = (Config, Vec<&'l git::Entry>, Vec<&'l git::Entry>);

/// One revision's extraction: whether it reused the previous one's, its schemas, the files it
/// read, the cfg options consulted and the builds read.
type Extracted = (
    bool,
    std::sync::Arc<Vec<Schema>>,
    usize,
    Vec<extract::CfgOption>,
    usize,
);

/// The revisions being read, oldest first, and what their reading shares.
struct Revisions {
    /// Where git problems are reported (the project root, as shown).
    at_rev: String,
    top: PathBuf,
    store: Blobs,
    cache: extract::Cache,
    encoding: Option<Encoding>,
    want_snippets: bool,
    prev: Option<Previous>,
}

fn is_config(e: &git::Entry) -> bool {
    !e.symlink && (e.path == "sessionlint.toml" || e.path == "Cargo.toml")
}

impl Revisions {
    fn git_problem(&self, e: String) -> Vec<Problem> {
        vec![sources::problem(
            &self.at_rev,
            e,
            "check that the revision exists and git can read it",
        )]
    }

    /// Each revision's configuration, and the files it covers; symlinks among them are
    /// problems, reported with whatever else the revisions hold wrong.
    fn configurations<'l>(
        &mut self,
        listings: &'l [git::Listing],
        map: &mut SourceMap,
    ) -> Result<(Vec<Wanted<'l>>, Vec<Problem>), Vec<Problem>> {
        let config_entries: Vec<(&git::Listing, &git::Entry)> = listings
            .iter()
            .flat_map(|l| {
                l.entries
                    .iter()
                    .filter(|e| is_config(e))
                    .map(move |e| (l, e))
            })
            .collect();
        self.store
            .fetch(&self.top, &config_entries)
            .map_err(|e| self.git_problem(e))?;
        let mut wanted = Vec::new();
        let mut problems = Vec::new();
        for l in listings {
            let text_of = |name: &str| {
                l.entries
                    .iter()
                    .find(|e| e.path == name && is_config(e))
                    .and_then(|e| self.store.text(e))
                    .map(|t| (l.shown(name), t.to_string()))
            };
            let cfg = config::from_texts(text_of("sessionlint.toml"), text_of("Cargo.toml"), map)?;
            let (rs, schema, symlinks) = wanted_files(l, &cfg);
            problems.extend(symlinks);
            wanted.push((cfg, rs, schema));
        }
        Ok((wanted, problems))
    }

    /// Fetches every file the revisions cover. Every file a revision lists is read, or the run
    /// says which was not: never a silent skip.
    fn fetch_wanted(
        &mut self,
        listings: &[git::Listing],
        wanted: &[Wanted<'_>],
    ) -> Result<(), Vec<Problem>> {
        let all: Vec<(&git::Listing, &git::Entry)> = listings
            .iter()
            .zip(wanted)
            .flat_map(|(l, (_, rs, schema))| rs.iter().chain(schema).map(move |e| (l, *e)))
            .collect();
        self.store
            .fetch(&self.top, &all)
            .map_err(|e| self.git_problem(e))?;
        let unread: Vec<Problem> = all
            .iter()
            .filter(|(_, e)| self.store.text(e).is_none())
            .map(|(l, e)| {
                sources::problem(
                    &l.shown(&e.path),
                    "is listed at the revision but its contents could not be read",
                    "check that git can read the revision's objects",
                )
            })
            .collect();
        if unread.is_empty() {
            Ok(())
        } else {
            Err(unread)
        }
    }

    /// The revision's schemas from its Rust sources: the previous revision's when nothing that
    /// could change them changed, else read (only the changed files' roots when only session
    /// items changed).
    fn extract_at(
        &mut self,
        l: &git::Listing,
        cfg: &Config,
        rs: &[&git::Entry],
        map: &mut SourceMap,
        problems: &mut Vec<Problem>,
    ) -> Result<Extracted, Vec<Problem>> {
        let text_at = |name: &str| {
            l.entries
                .iter()
                .find(|e| e.path == name)
                .and_then(|e| self.store.text(e))
                .map(str::to_string)
        };
        let config = (text_at("sessionlint.toml"), text_at("Cargo.toml"));
        let sources_here: BTreeMap<String, String> =
            rs.iter().map(|e| (e.path.clone(), e.id.clone())).collect();
        let prev = self.prev.as_ref();
        let same_config = prev.is_some_and(|p| p.config == config);
        let change = prev
            .filter(|_| same_config)
            .map(|p| changes(p, &sources_here, &self.store));
        // (Never when the previous revision took code in from other files: `changes` looks at
        // the sources only.)
        let reusable = matches!(change, Some(Change::None)) && prev.is_some_and(|p| !p.externals);
        if let Some(p) = prev.filter(|_| reusable) {
            let reused = (
                true,
                std::sync::Arc::clone(&p.schemas),
                0,
                p.cfg_options.clone(),
                p.builds,
            );
            return Ok(reused);
        }
        let mut opts = cfg.extract_options(self.encoding)?;
        // Session items changed, and nothing the previous revision's types used: read only the
        // changed files' roots (resolving through every file) and keep the others'. (Not where
        // the previous read had several builds: its shapes are named after them.)
        let one_build = prev.is_some_and(|p| p.builds == 1 && !p.externals);
        let partial = match &change {
            Some(Change::Roots(paths)) if opts.plain.is_empty() && one_build => Some(paths.clone()),
            _ => None,
        };
        if let Some(paths) = &partial {
            opts.roots_in = Some(paths.iter().map(|p| l.shown(p)).collect());
        }
        let (files, ids, externals) = self.sources_at(l, cfg, rs, problems);
        let mut ex = extract::extract_cached(&files, &ids, &opts, &mut self.cache);
        if let Some(paths) = &partial {
            ex = self.with_unchanged(ex, paths, &files, &ids, &mut opts);
        }
        problems.append(&mut ex.problems);
        keep_texts(&files, problems, self.want_snippets, &ex.schemas, map);
        ex.schemas.iter_mut().for_each(Schema::read_only);
        let shared = std::sync::Arc::new(std::mem::take(&mut ex.schemas));
        self.prev = Some(Previous {
            config,
            sources: sources_here,
            schemas: std::sync::Arc::clone(&shared),
            looked_up: ex.looked_up,
            cfg_options: ex.cfg.clone(),
            builds: ex.builds,
            externals,
        });
        Ok((false, shared, files.len(), ex.cfg, ex.builds))
    }

    /// A read of the changed files' roots, completed with the previous revision's schemas of
    /// the unchanged files; or a full read when that cannot be done.
    fn with_unchanged(
        &mut self,
        mut ex: extract::Extraction,
        paths: &std::collections::BTreeSet<String>,
        files: &[SourceFile],
        ids: &[String],
        opts: &mut extract::Options,
    ) -> extract::Extraction {
        let Some(p) = &self.prev else { return ex };
        // The previous schemas of unchanged files, then the changed files' own.
        let kept: Vec<Schema> = p
            .schemas
            .iter()
            .filter(|s| !paths.contains(path_of(&s.origin.file)))
            .cloned()
            .collect();
        let clash = kept.iter().any(|k| {
            ex.schemas
                .iter()
                .any(|n| n.name == k.name && n.version == k.version)
        });
        if clash || ex.builds > 1 {
            // Two files claim one version (the full read reports it), or the changed files'
            // types have several builds (the full read names every shape).
            opts.roots_in = None;
            return extract::extract_cached(files, ids, opts, &mut self.cache);
        }
        let mut options = p.cfg_options.clone();
        options.append(&mut ex.cfg);
        ex.cfg = options;
        ex.looked_up.extend(p.looked_up.iter().cloned());
        ex.looked_up.sort();
        ex.looked_up.dedup();
        let mut all = kept;
        all.append(&mut ex.schemas);
        ex.schemas = all;
        ex
    }

    /// The revision's Rust sources with their blob ids, the code they take in with `include!`
    /// and `#[path] mod` included; and whether they take any in.
    fn sources_at(
        &mut self,
        l: &git::Listing,
        cfg: &Config,
        rs: &[&git::Entry],
        problems: &mut Vec<Problem>,
    ) -> (Vec<SourceFile>, Vec<String>, bool) {
        let (mut files, mut ids): (Vec<SourceFile>, Vec<String>) = rs
            .iter()
            .filter_map(|e| {
                let file = SourceFile {
                    path: l.shown(&e.path),
                    text: self.store.text(e)?.to_string(),
                };
                Some((file, e.id.clone()))
            })
            .unzip();
        let generated: Vec<String> = cfg
            .generated
            .iter()
            .map(|g| g.file.to_string_lossy().replace('\\', "/"))
            .collect();
        let before = files.len();
        let mut taken = Vec::new();
        let (store, top) = (&mut self.store, &self.top);
        let mut read_at_rev = |target: &str| -> Result<Option<String>, Problem> {
            let path = path_of(target);
            let Some(e) = l.entries.iter().find(|e| e.path == path) else {
                return Ok(None);
            };
            if e.symlink {
                return Err(sources::problem(
                    target,
                    "is a symlink at the baseline revision; it was not followed",
                    "replace the symlink with the file itself",
                ));
            }
            store.fetch(top, &[(l, e)]).map_err(|m| {
                sources::problem(target, m, "check that git can read the revision's objects")
            })?;
            taken.push(e.id.clone());
            Ok(store.text(e).map(str::to_string))
        };
        problems.extend(sources::follow_external(
            &mut files,
            Vec::new(),
            &mut read_at_rev,
            &generated,
        ));
        ids.extend(taken);
        let externals = files.len() > before || files.iter().any(|f| scan_externals(&f.text));
        (files, ids, externals)
    }

    /// The revision's schema files, added to its schemas: a version in a source and in a schema
    /// file at one revision must agree.
    fn schema_files_at(
        &self,
        l: &git::Listing,
        schema: &[&git::Entry],
        schemas: &mut std::sync::Arc<Vec<Schema>>,
        map: &mut SourceMap,
        problems: &mut Vec<Problem>,
    ) {
        let mut released_files = Vec::new();
        let mut texts = Vec::new();
        for e in schema {
            let Some(text) = self.store.text(e) else {
                continue;
            };
            let path = l.shown(&e.path);
            match crate::snapshot::parse(&path, text) {
                Ok(s) => released_files.push(s),
                Err(p) => {
                    texts.push(SourceFile {
                        path,
                        text: text.to_string(),
                    });
                    problems.push(p)
                }
            }
        }
        crate::review::duplicates(&released_files, problems);
        for s in released_files {
            match schemas
                .iter()
                .find(|x| x.name == s.name && x.version == s.version)
            {
                Some(x) if !x.same_as(&s) => problems.push(Problem::new(
                    s.origin.clone(),
                    format!(
                        "at {}, format `{}` version {} has two different schemas: {} and {}",
                        l.rev, s.name, s.version, x.origin.file, s.origin.file
                    ),
                    Some("a released version has one schema; fix the revision's snapshot".into()),
                )),
                Some(_) => {}
                None => {
                    if self.want_snippets {
                        let e = schema.iter().find(|e| l.shown(&e.path) == s.origin.file);
                        if let Some(t) = e.and_then(|e| self.store.text(e)) {
                            texts.push(SourceFile {
                                path: s.origin.file.clone(),
                                text: t.to_string(),
                            });
                        }
                    }
                    let mut s = s;
                    s.read_only();
                    std::sync::Arc::make_mut(schemas).push(s)
                }
            }
        }
        for f in texts {
            map.texts.insert(f.path, f.text);
        }
    }
}

/// The revision's sources and schema files under its configured paths, and a problem for each
/// that is a symlink (never followed).
fn wanted_files<'l>(
    l: &'l git::Listing,
    cfg: &Config,
) -> (Vec<&'l git::Entry>, Vec<&'l git::Entry>, Vec<Problem>) {
    let snap_dir = cfg
        .snapshots
        .clone()
        .unwrap_or_else(|| PathBuf::from(crate::snapshot::DEFAULT_DIR));
    let snap_dir = snap_dir.to_string_lossy().replace('\\', "/");
    let under = |path: &str, dir: &str| {
        let dir = dir.trim_end_matches('/');
        dir.is_empty() || dir == "." || path == dir || path.starts_with(&format!("{dir}/"))
    };
    let scanned = |path: &str| {
        cfg.paths.is_empty()
            || cfg
                .paths
                .iter()
                .any(|p| under(path, &p.to_string_lossy().replace('\\', "/")))
    };
    let (mut rs, mut schema, mut problems) = (Vec::new(), Vec::new(), Vec::new());
    for e in &l.entries {
        let p = Path::new(&e.path);
        let is_rs = e.path.ends_with(".rs") && scanned(&e.path);
        let is_schema = e.path.ends_with(".toml")
            && ((sources::is_schema_path(p) && scanned(&e.path)) || under(&e.path, &snap_dir));
        if !(is_rs || is_schema) {
            continue;
        }
        if e.symlink {
            problems.push(sources::problem(
                &l.shown(&e.path),
                "is a symlink at the baseline revision; it was not followed",
                "replace the symlink with the file itself",
            ));
        } else if is_rs {
            rs.push(e);
        } else {
            schema.push(e);
        }
    }
    (rs, schema, problems)
}

/// What changed in the sources since the previous revision, as far as its extraction can tell.
enum Change {
    /// Nothing a session type is read from: its schemas are this revision's too.
    None,
    /// Files holding session items changed (these paths), and none of them defines or imports
    /// a name the previous extraction looked for: only their roots need reading again.
    Roots(std::collections::BTreeSet<String>),
    /// Anything else: read everything again.
    All,
}

/// How the sources that differ between the previous revision and this one (added, removed or
/// changed; both their texts) can touch the previous extraction.
fn changes(p: &Previous, now: &BTreeMap<String, String>, store: &Blobs) -> Change {
    let changed: Vec<(&String, &String)> = p
        .sources
        .iter()
        .filter(|(path, id)| now.get(*path) != Some(*id))
        .chain(
            now.iter()
                .filter(|(path, id)| p.sources.get(*path) != Some(*id)),
        )
        .collect();
    let words: std::collections::HashSet<&str> = p.looked_up.iter().map(String::as_str).collect();
    let mut roots = std::collections::BTreeSet::new();
    for (path, id) in changed {
        let Some(text) = store.by_id.get(id) else {
            return Change::All;
        };
        if extract::scan::defines_or_imports(text, &words) {
            return Change::All;
        }
        // A session item (or what may be one): its file's roots are read again.
        let marked = ["session", "SessionState"]
            .iter()
            .any(|m| extract::scan::contains_word(text.as_bytes(), m.as_bytes()));
        if marked {
            roots.insert(path.clone());
        }
    }
    if roots.is_empty() {
        Change::None
    } else {
        Change::Roots(roots)
    }
}

/// The path of `REV:path` (a revision's name holds no `:`).
fn path_of(shown: &str) -> &str {
    shown.split_once(':').map_or(shown, |(_, p)| p)
}

/// A revision's files exist nowhere on disk: keep those a report will show.
fn keep_texts(
    files: &[SourceFile],
    problems: &[Problem],
    want_snippets: bool,
    schemas: &[Schema],
    map: &mut SourceMap,
) {
    for f in files {
        let shown = problems.iter().any(|p| p.origin.file == f.path)
            || (want_snippets && schemas.iter().any(|s| s.origin.file == f.path));
        if shown {
            map.texts.insert(f.path.clone(), f.text.clone());
        }
    }
}

/// Blob texts by id, each read once: from the working tree where the file there is the same
/// blob (hashed as git would, without filters), else from git.
struct Blobs {
    by_id: HashMap<String, String>,
    working: HashMap<PathBuf, String>,
    root: PathBuf,
    canon: PathBuf,
    /// Bytes held from git: bounded like the working tree's sources (`project::MAX_TOTAL`), or
    /// a thousand tags of distinct large files would hold them all.
    held: u64,
}

impl Blobs {
    fn new(project: &Project, working: Vec<SourceFile>) -> Blobs {
        Blobs {
            by_id: HashMap::new(),
            working: working
                .into_iter()
                .map(|f| (crate::project::tidy(Path::new(&f.path)), f.text))
                .collect(),
            root: project.root.clone(),
            canon: project.canon.clone(),
            held: 0,
        }
    }

    fn text(&self, e: &git::Entry) -> Option<&str> {
        self.by_id.get(&e.id).map(String::as_str)
    }

    /// Makes every entry's text available: the working tree's when it is the same blob
    /// (hashing on every core), else one `cat-file --batch` for the rest.
    fn fetch(
        &mut self,
        top: &Path,
        entries: &[(&git::Listing, &git::Entry)],
    ) -> Result<(), String> {
        let mut todo: Vec<(&git::Listing, &git::Entry)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (l, e) in entries {
            if !self.by_id.contains_key(&e.id) && seen.insert(e.id.clone()) {
                todo.push((l, e));
            }
        }
        let here: Vec<Option<String>> = todo
            .iter()
            .map(|&(_, e)| {
                let p = self.root.join(&e.path);
                // Taken, not copied: a path read again for another revision is read from disk.
                self.working.remove(&crate::project::tidy(&p)).or_else(|| {
                    crate::project::read(&p, &self.canon, &extract::scan::Markers::default())
                        .ok()
                        .and_then(|b| String::from_utf8(b).ok())
                })
            })
            .collect();
        let same: Vec<bool> = {
            let pairs: Vec<(&git::Entry, Option<&String>)> = todo
                .iter()
                .map(|(_, e)| *e)
                .zip(here.iter().map(Option::as_ref))
                .collect();
            let test = |(e, t): &(&git::Entry, Option<&String>)| {
                t.is_some_and(|t| git::same_blob(e, t.as_bytes()))
            };
            let chunk = pairs.len().div_ceil(2).max(1);
            std::thread::scope(|s| {
                let hs: Vec<_> = pairs
                    .chunks(chunk)
                    .map(|c| s.spawn(move || c.iter().map(test).collect::<Vec<_>>()))
                    .collect();
                hs.into_iter()
                    .flat_map(|h| h.join().expect("hashing never panics"))
                    .collect()
            })
        };
        let mut from_git = Vec::new();
        for (((l, e), text), same) in todo.iter().zip(here).zip(same) {
            match text {
                Some(t) if same => {
                    self.by_id.insert(e.id.clone(), t);
                }
                _ => from_git.push((e.id.clone(), l.shown(&e.path))),
            }
        }
        let shown: HashMap<&str, &str> = from_git
            .iter()
            .map(|(i, s)| (i.as_str(), s.as_str()))
            .collect();
        for (id, bytes) in git::read_ids(top, &from_git)? {
            let text = String::from_utf8(bytes).map_err(|_| {
                format!(
                    "{} is not UTF-8",
                    shown.get(id.as_str()).unwrap_or(&"a file")
                )
            })?;
            self.held += text.len() as u64;
            if self.held > crate::project::MAX_TOTAL {
                return Err(format!(
                    "the revisions read hold more than {} MiB of sources that may define session types (at {})",
                    crate::project::MAX_TOTAL >> 20,
                    shown.get(id.as_str()).unwrap_or(&"a file")
                ));
            }
            self.by_id.insert(id, text);
        }
        Ok(())
    }
}

/// Whether a source takes code in from another file (`include!`, `#[path] mod`); one that cannot
/// be lexed might.
fn scan_externals(text: &str) -> bool {
    extract::scan::external_code(text).map_or(true, |e| !e.is_empty())
}
