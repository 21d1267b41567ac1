//! Many source files to schemas: a byte prefilter, one parse per candidate file, an index of
//! item names, and lazy resolution of the nested types a session root uses.

use super::ctxt::Ctxt;
use super::item::{read_item, ItemInfo};
use super::locate::Locator;
use super::scan;
use crate::schema::{EmsMarker, Encoding, Origin, Schema, TypeDef};
use std::collections::{BTreeMap, HashMap};

pub struct SourceFile {
    pub path: String,
    pub text: String,
}

pub use crate::schema::Problem;

#[derive(Clone, Default)]
pub struct Options {
    /// Encoding for roots that do not name one (`--encoding`).
    pub default_encoding: Option<Encoding>,
    /// Zero-annotation mode: plain serde types made session roots by configuration.
    pub plain: Vec<PlainType>,
    /// The build whose `cfg` and `cfg_attr` are evaluated.
    pub cfg: super::Cfg,
    /// The targets the configuration names: each is a build of its own (none: target options
    /// are undecided).
    pub targets: Vec<super::cfg::Target>,
    /// Only the session items of these files (by `SourceFile::path`) are roots; every file is
    /// still searched for the types they use. For re-reading the files a revision changed.
    pub roots_in: Option<std::collections::HashSet<String>>,
    /// A working tree of at least this many files is read in two halves, each by an index of
    /// its own on a core of its own (`None`: `HALVES_FROM`). For tests that compare the two ways.
    #[doc(hidden)]
    pub halves_from: Option<usize>,
}

/// A working tree of at least this many files is read in two halves: syn's values cannot cross
/// threads, so parsing and reading session items spreads over two cores only as two indexes,
/// each reading the items of half the candidate files (and whatever those use, wherever it is).
/// Both halves see every file; what they find is merged as one index would report it. Smaller
/// trees, revisions (whose per-blob cache one index keeps), configured types (which must be
/// found among all items) and re-read scopes are read by one index.
pub const HALVES_FROM: usize = 64;

/// The stack of the thread that reads the second half: that of the command line's own thread
/// (`cli::STACK`), since parsing and building recurse as deep on either.
const HALF_STACK: usize = 256 << 20;

/// A plain serde type named in the configuration instead of annotated.
#[derive(Clone, Debug)]
pub struct PlainType {
    /// Where the configuration names it.
    pub origin: Option<Origin>,
    pub type_name: String,
    pub format: Option<String>,
    pub version: u32,
    pub encoding: Option<Encoding>,
    pub ems_flag: Option<String>,
    pub ems_variant: Option<(String, String)>,
    pub ems_mask: Option<(String, u64)>,
    /// (property, field): critical properties carried by flag fields.
    pub critical: Vec<(String, String)>,
    pub version_field: Option<String>,
    pub accepts: Option<crate::schema::Accepts>,
    pub role: crate::schema::Role,
    /// The ticket keys or session cache the sessions are sealed under.
    pub envelope: Option<String>,
}

impl PlainType {
    /// The type's own name: the last segment of a configured path (`v1::Ticket`).
    pub fn ident(&self) -> &str {
        self.type_name
            .rsplit("::")
            .next()
            .unwrap_or(&self.type_name)
    }

    /// The module a configured path names, from the crate root (`crate::` optional); `None` for
    /// a bare name.
    pub fn module(&self) -> Option<Vec<String>> {
        let mut segs: Vec<String> = self.type_name.split("::").map(str::to_string).collect();
        segs.pop();
        if segs.first().is_some_and(|s| s == "crate") {
            segs.remove(0);
        }
        (self.type_name.contains("::")).then_some(segs)
    }

    /// Gives the item the container and field keys the configuration names.
    fn apply(&self, info: &mut ItemInfo) -> Result<(), String> {
        let s = &mut info.session;
        s.present = true;
        s.name = self.format.clone().or(s.name.take());
        s.version = Some((self.version, proc_macro2::Span::call_site()));
        s.encoding = self.encoding.or(s.encoding);
        s.role = Some(self.role);
        s.envelope = self.envelope.clone().or(s.envelope.take());
        let TypeDef::Struct(st) = &mut info.def else {
            return Err(format!(
                "configured type `{}` is an enum; name the EMS field of one of its structs",
                self.type_name
            ));
        };
        let type_name = &self.type_name;
        fn field<'f>(
            fields: &'f mut [crate::schema::Field],
            ty: &str,
            name: &str,
        ) -> Result<&'f mut crate::schema::Field, String> {
            fields
                .iter_mut()
                .find(|f| f.ident == name)
                .ok_or_else(|| format!("configured type `{ty}` has no field `{name}`"))
        }
        if let Some(f) = &self.ems_flag {
            field(&mut st.fields, type_name, f)?.session.ems = Some(EmsMarker::Flag);
        }
        for (p, f) in &self.critical {
            field(&mut st.fields, type_name, f)?.session.critical = Some(crate::schema::Critical {
                name: p.clone(),
                marker: EmsMarker::Flag,
            });
        }
        if let Some((f, v)) = &self.ems_variant {
            field(&mut st.fields, type_name, f)?.session.ems =
                Some(EmsMarker::Variant { variant: v.clone() });
        }
        if let Some((f, m)) = &self.ems_mask {
            field(&mut st.fields, type_name, f)?.session.ems = Some(EmsMarker::Mask { mask: *m });
        }
        if let Some(f) = &self.version_field {
            field(&mut st.fields, type_name, f)?.session.version_field = Some(
                self.accepts
                    .clone()
                    .unwrap_or_else(crate::schema::Accepts::any),
            );
        }
        Ok(())
    }
}

#[derive(Default)]
pub struct Extraction {
    pub schemas: Vec<Schema>,
    pub problems: Vec<Problem>,
    /// Files that passed the prefilter and were parsed.
    pub parsed_files: usize,
    /// Every name the extraction looked for (types, aliases, consts, configured types): a file
    /// that mentions none of them, and no session marker, cannot change its result.
    pub looked_up: Vec<String>,
    /// The cfg options the session items consulted, and how each was decided.
    pub cfg: Vec<super::cfg::CfgOption>,
    /// How many builds were read (1 unless cfg options nothing decides, or several targets,
    /// give the session items several shapes).
    pub builds: usize,
}

struct ParsedItem {
    input: syn::DeriveInput,
    /// Byte offset of the snippet in its file.
    base: usize,
}

struct Parsed {
    file: usize,
    items: Vec<ParsedItem>,
    /// The file's line starts, for placing every item of it.
    lines: Vec<usize>,
}

/// The most parsed items (and file scans) the per-blob cache keeps between extractions.
const MAX_CACHED_ITEMS: usize = 20_000;

/// How deeply one item may nest before it is refused unparsed (syn recurses per level).
pub const MAX_NESTING: usize = 256;

/// The items read so far, by name. Files are never parsed whole: items are found with a byte
/// search (`scan`) and only they are parsed.
struct Index<'s> {
    files: &'s [SourceFile],
    parsed: Vec<Parsed>,
    /// file index -> position in `parsed`
    parsed_of: HashMap<usize, usize>,
    by_name: HashMap<String, Vec<(usize, usize)>>,
    /// Item spans already parsed, per file, so a search never adds an item twice.
    seen: HashMap<usize, Vec<usize>>,
    /// Names searched for in every file.
    searched: std::collections::HashSet<String>,
    /// (name, file) pairs searched.
    searched_in: std::collections::HashSet<(String, usize)>,
    problems: Vec<Problem>,
    markers: scan::Markers,
    /// Each file is lexed at most once; `None` when it could not be (reported once).
    scans: HashMap<usize, Option<scan::FileScan>>,
    /// Line starts of working-tree files, computed with their scans (`slot` takes them).
    lines: HashMap<usize, Vec<usize>>,
    /// File indexes in path order: the order in which a type is looked for.
    by_path: Vec<usize>,
    /// Type aliases of the scanned sources, expanded in every item parsed.
    aliases: super::aliases::Aliases<'s>,
    /// The build whose `cfg` and `cfg_attr` are evaluated in every item parsed.
    cfg: super::Cfg,
    /// The cfg options the items parsed consulted, by option.
    cfg_seen: BTreeMap<String, super::cfg::CfgOption>,
    /// Each file's `use` items, read when a path is first resolved in it.
    uses: HashMap<usize, super::modpath::Uses>,
    /// (file, offset) -> the inline `mod` blocks around that place.
    inline: HashMap<(usize, usize), Vec<String>>,
    /// Each file's blob id and the cache of per-blob results, when several revisions are read.
    ids: &'s [String],
    cache: Cache,
}

impl<'s> Index<'s> {
    fn slot(&mut self, file: usize) -> usize {
        if let Some(p) = self.parsed_of.get(&file) {
            return *p;
        }
        let text = &self.files[file].text;
        let lines = match self.ids.get(file) {
            Some(id) => self
                .cache
                .lines
                .entry(id.clone())
                .or_insert_with(|| super::locate::line_starts(text))
                .clone(),
            None => self
                .lines
                .remove(&file)
                .unwrap_or_else(|| super::locate::line_starts(text)),
        };
        self.parsed.push(Parsed {
            file,
            items: Vec::new(),
            lines,
        });
        self.parsed_of.insert(file, self.parsed.len() - 1);
        self.parsed.len() - 1
    }

    /// Parses one item cut out of a file; syntax errors become problems at their place.
    fn add(&mut self, file: usize, span: scan::ItemSpan) {
        let seen = self.seen.entry(file).or_default();
        if seen.contains(&span.start) {
            return;
        }
        seen.push(span.start);
        let src = &self.files[file];
        let snippet = &src.text[span.start..span.end];
        if scan::nesting(snippet) > MAX_NESTING {
            let loc = Locator::new(&src.path, &src.text);
            self.problems.push(Problem {
                origin: loc.origin_at(span.start),
                message: format!("this item nests types or delimiters more than {MAX_NESTING} levels deep, beyond what sessionlint reads"),
                help: Some("a session type nests a few levels; name the inner types, or move this item out of the scanned paths".into()),
            });
            return;
        }
        let parsed = match self.ids.get(file) {
            Some(id) => self
                .cache
                .items
                .entry((id.clone(), span.start, span.end))
                .or_insert_with(|| syn::parse_str::<syn::DeriveInput>(snippet))
                .clone(),
            None => syn::parse_str::<syn::DeriveInput>(snippet),
        };
        match parsed {
            Ok(mut input) => {
                match self.cfg.apply(&mut input) {
                    Ok(applied) => {
                        let present = applied.present;
                        if !applied.consulted.is_empty() {
                            self.note_cfg(file, span.start, applied);
                        }
                        // Not in this build: not a type of it.
                        if !present {
                            return;
                        }
                    }
                    Err(why) => {
                        let loc = Locator::new(&src.path, &src.text);
                        self.problems.push(Problem {
                            origin: loc.origin_at(span.start),
                            message: format!("`{}` has {why}", input.ident),
                            help: Some("write cfg predicates with feature = \"...\", names, name = \"value\", all(), any() and not()".into()),
                        });
                        return;
                    }
                }
                if let Err(why) = self.aliases.expand(&mut input) {
                    let loc = Locator::new(&src.path, &src.text);
                    self.problems.push(Problem {
                        origin: loc.origin_at(span.start),
                        message: format!("`{}` is not read: {why}, beyond what sessionlint analyses", input.ident),
                        help: Some("a session format is a flat record of a few fields: name the repeated part as its own type, or model it as opaque (a `with = \"...\"` codec)".into()),
                    });
                    return;
                }
                let slot = self.slot(file);
                let name = input.ident.to_string();
                self.parsed[slot].items.push(ParsedItem {
                    input,
                    base: span.start,
                });
                let i = self.parsed[slot].items.len() - 1;
                self.by_name.entry(name).or_default().push((slot, i));
            }
            Err(e) => {
                let loc = Locator::new(&src.path, &src.text).at(span.start);
                for err in e {
                    self.problems.push(Problem {
                        origin: loc.origin(err.span()),
                        message: format!("cannot parse Rust source: {err}"),
                        help: Some("fix the syntax error; sessionlint reads sources with syn and never compiles them".into()),
                    });
                }
            }
        }
    }

    /// Keeps what an item's cfg attributes consulted and changed, for the report.
    fn note_cfg(&mut self, file: usize, at: usize, applied: super::cfg::Applied) {
        let src = &self.files[file];
        let mut origin = None;
        for (option, decision) in applied.consulted {
            self.cfg_seen.entry(option.clone()).or_insert_with(|| {
                let o = origin
                    .get_or_insert_with(|| Locator::new(&src.path, &src.text).origin_at(at))
                    .clone();
                super::cfg::CfgOption {
                    option,
                    decision,
                    origin: o,
                    effects: Vec::new(),
                }
            });
        }
        for e in applied.effects {
            for option in &e.options {
                if let Some(o) = self.cfg_seen.get_mut(option) {
                    if o.effects.len() < super::cfg::MAX_EFFECTS && !o.effects.contains(&e) {
                        o.effects.push(e.clone());
                    }
                }
            }
        }
    }

    /// A scan error is bad input at its place: a file that may hold a session item and cannot be
    /// delimited is never skipped.
    fn scan_failed(&mut self, file: usize, e: scan::ScanError) {
        let src = &self.files[file];
        let loc = Locator::new(&src.path, &src.text);
        self.problems.push(Problem {
            origin: loc.origin_at(e.at),
            message: format!("cannot read Rust source: {}", e.what),
            help: Some("fix the syntax; sessionlint reads sources without compiling them and does not skip a file that may hold a session type".into()),
        });
    }

    /// The lexer's view of a file, computed once.
    fn file_scan(&mut self, file: usize) -> Option<&scan::FileScan> {
        if !self.scans.contains_key(&file) {
            let scanned = match self.ids.get(file) {
                Some(id) => self
                    .cache
                    .scans
                    .entry(id.clone())
                    .or_insert_with(|| scan::scan(&self.files[file].text, &self.markers))
                    .clone(),
                None => scan::scan(&self.files[file].text, &self.markers),
            };
            let found = match scanned {
                Ok(f) => Some(f),
                Err(e) => {
                    self.scan_failed(file, e);
                    None
                }
            };
            self.scans.insert(file, found);
        }
        self.scans[&file].as_ref()
    }

    /// Every item of `file` marked as a session item, and every item named in `plain`.
    fn scan(&mut self, file: usize, plain: &[PlainType]) {
        let files = self.files;
        let Some(found) = self.file_scan(file) else {
            return;
        };
        let mut spans = found.session.clone();
        let mut failed = None;
        for p in plain {
            match found.named(&files[file].text, p.ident()) {
                Ok(s) => spans.extend(s),
                Err(e) => failed = Some(e),
            }
        }
        if let Some(e) = failed {
            return self.scan_failed(file, e);
        }
        spans.sort_by_key(|s| s.start);
        spans.dedup();
        for s in spans {
            self.add(file, s);
        }
    }

    /// Finds a type by name for an item of `near` (a parsed slot) at byte `at`: in the
    /// referring file first (in its inline module when several modules of the file define the
    /// name), else in every other file. Items not yet read are found by a byte search for the
    /// name. Several candidates with nothing to choose between them is `Several`: module paths
    /// across files are not resolved, and a guess could read the wrong type.
    fn find(&mut self, name: &str, near: usize, at: usize) -> Found {
        let near_file = self.parsed.get(near).map(|p| p.file);
        if let Some(f) = near_file {
            self.search(name, f);
            let here: Vec<(usize, usize)> = self.hits(name, |file| file == f);
            match here.as_slice() {
                [one] => return Found::One(*one),
                [] => {}
                several => {
                    let text = &self.files[f].text;
                    let mine = scan::modules_at(text, at).unwrap_or_default();
                    let same: Vec<(usize, usize)> = several
                        .iter()
                        .copied()
                        .filter(|(slot, i)| {
                            scan::modules_at(text, self.parsed[*slot].items[*i].base)
                                .unwrap_or_default()
                                == mine
                        })
                        .collect();
                    return match same.as_slice() {
                        [one] => Found::One(*one),
                        _ => Found::Several(several.to_vec()),
                    };
                }
            }
        }
        self.search_everywhere(name);
        let all = self.hits(name, |_| true);
        match all.as_slice() {
            [] => Found::None,
            [one] => Found::One(*one),
            several => Found::Several(several.to_vec()),
        }
    }

    /// The module of a parsed item (its file's place in `src/` and the `mod` blocks around it).
    fn module_of(&mut self, slot: usize, i: usize) -> Vec<String> {
        let file = self.parsed[slot].file;
        let mut m = super::modpath::of_file(&self.files[file].path);
        m.extend(self.inline_at(file, self.parsed[slot].items[i].base));
        m
    }

    /// The inline `mod` blocks around byte `at` of a file, computed once per place.
    /// The full path a `use` item in scope of item `key` gives `name` (a rename undone).
    fn imported(&mut self, key: (usize, usize), name: &str) -> Option<Vec<String>> {
        let file = self.parsed[key.0].file;
        let inline = self.inline_at(file, self.parsed[key.0].items[key.1].base);
        let files = self.files;
        self.uses
            .entry(file)
            .or_insert_with(|| super::modpath::Uses::read(&files[file].text))
            .imported(&inline, name)
    }

    fn inline_at(&mut self, file: usize, at: usize) -> Vec<String> {
        let text = &self.files[file].text;
        self.inline
            .entry((file, at))
            .or_insert_with(|| scan::modules_at(text, at).unwrap_or_default())
            .clone()
    }

    /// The type that field `ident` of item `key` names `name`. A bare name that no `use` brings
    /// in is looked for near the item (`find`); a path or an imported name is followed through
    /// the module tree to the definition in the module it names (a rename undone). When no
    /// module matches (a re-export, `#[path]`), one definition in all the sources is that one;
    /// several are `Several`, never a guess.
    fn resolve(&mut self, name: &str, key: (usize, usize), ident: &str) -> Found {
        let file = self.parsed[key.0].file;
        let at = self.parsed[key.0].items[key.1].base;
        let inline = self.inline_at(file, at);
        let here = self.module_of(key.0, key.1);
        let segs = field_path(&self.parsed[key.0].items[key.1].input, ident, name)
            .unwrap_or_else(|| vec![name.to_string()]);
        let files = self.files;
        let uses = self
            .uses
            .entry(file)
            .or_insert_with(|| super::modpath::Uses::read(&files[file].text));
        let candidates = super::modpath::candidates(&here, &inline, &segs, uses);
        let plain: Vec<String> = here.iter().chain([&name.to_string()]).cloned().collect();
        if segs.len() == 1 && candidates == [plain] {
            return match self.find(name, key.0, at) {
                Found::Several(hits) => {
                    let mine: Vec<_> = hits
                        .iter()
                        .copied()
                        .filter(|(s, i)| self.module_of(*s, *i) == here)
                        .collect();
                    match mine.as_slice() {
                        [one] => Found::One(*one),
                        _ => Found::Several(hits),
                    }
                }
                other => other,
            };
        }
        let mut every = Vec::new();
        for path in &candidates {
            let Some((target, module)) = path.split_last() else {
                continue;
            };
            self.search_everywhere(target);
            let all = self.hits(target, |_| true);
            let there: Vec<_> = all
                .iter()
                .copied()
                .filter(|(s, i)| self.module_of(*s, *i) == module)
                .collect();
            match there.as_slice() {
                [] => every.extend(all),
                [one] => return Found::One(*one),
                _ => return Found::Several(there),
            }
        }
        every.sort_unstable();
        every.dedup();
        match every.as_slice() {
            [] => Found::None,
            [one] => Found::One(*one),
            _ => Found::Several(every),
        }
    }

    /// Reads every item called `name` in every file (once).
    fn search_everywhere(&mut self, name: &str) {
        if self.searched.insert(name.to_string()) {
            for f in self.by_path.clone() {
                self.search(name, f);
            }
        }
    }

    /// The items called `name` read so far, in files that `keep` accepts.
    fn hits(&self, name: &str, keep: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .copied()
            .filter(|(slot, _)| keep(self.parsed[*slot].file))
            .collect()
    }

    /// Reads every item called `name` in file `f` (once).
    fn search(&mut self, name: &str, f: usize) {
        if !self.searched_in.insert((name.to_string(), f)) {
            return;
        }
        let text = self.files[f].text.as_bytes();
        let finder = memchr::memmem::Finder::new(name.as_bytes());
        if !finder
            .find_iter(text)
            .any(|at| scan::is_word_at(text, at, name.len()))
        {
            return;
        }
        let files = self.files;
        let text = &files[f].text;
        match self.file_scan(f).map(|found| found.named(text, name)) {
            Some(Ok(spans)) => {
                for s in spans {
                    self.add(f, s);
                }
            }
            Some(Err(e)) => self.scan_failed(f, e),
            None => {}
        }
    }

    fn locator(&self, slot: usize, item: usize) -> Locator<'_> {
        let file = self.parsed[slot].file;
        Locator::with_lines(
            &self.files[file].path,
            &self.files[file].text,
            &self.parsed[slot].lines,
        )
        .at(self.parsed[slot].items[item].base)
    }
}

fn problems_from(cx: Ctxt, loc: &Locator<'_>, out: &mut Vec<Problem>) {
    for e in cx.into_errors() {
        for err in e {
            out.push(Problem {
                origin: loc.origin(err.span()),
                message: err.to_string(),
                help: None,
            });
        }
    }
}

/// The path of another crate by which field `ident` of item `key` names the type `name`: a path
/// whose first segment is not `crate`, `self` or `super`, or a bare name the file imports from
/// one. `None` when the type is this crate's (and then must be found).
fn foreign_path(
    index: &mut Index<'_>,
    key: (usize, usize),
    ident: &str,
    name: &str,
) -> Option<String> {
    let local = |root: &str| matches!(root, "crate" | "self" | "super");
    let segs = field_path(&index.parsed[key.0].items[key.1].input, ident, name)?;
    // Named by its whole path however it is spelled: an import under another name
    // (`use rustls::CipherSuite as Suite`) or through a module (`use rustls::msgs; msgs::Ext`)
    // names what the path written out names.
    let (first, rest) = segs.split_first()?;
    let mut path = index
        .imported(key, first)
        .unwrap_or_else(|| vec![first.clone()]);
    path.extend(rest.iter().cloned());
    (path.len() > 1 && !local(&path[0])).then(|| path.join("::"))
}

/// The path (segments) by which field `ident` of `item` names the type `name`, if its type
/// names it by a path ending in `name`.
fn field_path(item: &syn::DeriveInput, ident: &str, name: &str) -> Option<Vec<String>> {
    let fields: Vec<&syn::Field> = match &item.data {
        syn::Data::Struct(s) => s.fields.iter().collect(),
        syn::Data::Enum(e) => e.variants.iter().flat_map(|v| v.fields.iter()).collect(),
        syn::Data::Union(_) => Vec::new(),
    };
    let ty = fields
        .iter()
        .enumerate()
        .find(|(i, f)| match &f.ident {
            Some(id) => id == ident,
            None => i.to_string() == ident,
        })
        .map(|(_, f)| &f.ty)?;
    let mut paths = Vec::new();
    type_paths(ty, &mut paths);
    paths.into_iter().find_map(|p| {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        (segs.last().map(String::as_str) == Some(name)).then_some(segs)
    })
}

/// Every path naming a type in `ty`, generic arguments included.
fn type_paths<'a>(ty: &'a syn::Type, out: &mut Vec<&'a syn::Path>) {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            out.push(&p.path);
            for seg in &p.path.segments {
                if let syn::PathArguments::AngleBracketed(a) = &seg.arguments {
                    for g in &a.args {
                        if let syn::GenericArgument::Type(t) = g {
                            type_paths(t, out);
                        }
                    }
                }
            }
        }
        syn::Type::Array(a) => type_paths(&a.elem, out),
        syn::Type::Slice(a) => type_paths(&a.elem, out),
        syn::Type::Reference(r) => type_paths(&r.elem, out),
        syn::Type::Paren(p) => type_paths(&p.elem, out),
        syn::Type::Group(g) => type_paths(&g.elem, out),
        syn::Type::Tuple(t) => t.elems.iter().for_each(|e| type_paths(e, out)),
        _ => {}
    }
}

/// What depends only on a file's bytes (and the derive names that mark session items), kept
/// between the extractions of several revisions of one repository, by git blob id: each distinct
/// file is lexed, and its aliases and line starts read, once.
#[derive(Default)]
pub struct Cache {
    /// The markers the scans below were made with.
    derives: Vec<String>,
    scans: HashMap<String, Result<scan::FileScan, scan::ScanError>>,
    aliases: HashMap<String, Vec<(String, syn::ItemType)>>,
    lines: HashMap<String, Vec<usize>>,
    /// Items as syn parsed them, before cfg and aliases: (blob id, start, end).
    items: HashMap<(String, usize, usize), Result<syn::DeriveInput, syn::Error>>,
    /// Types alias expansion has added over every extraction made with this cache (builds and
    /// revisions of one run): bounded by `aliases::MAX_RUN_TYPES`.
    alias_types: usize,
}

/// What a search for a type name found.
enum Found {
    None,
    One((usize, usize)),
    Several(Vec<(usize, usize)>),
}

/// Reads every session format version from the given files.
pub fn extract(files: &[SourceFile], opts: &Options) -> Extraction {
    extract_cached(files, &[], opts, &mut Cache::default())
}

/// The most cfg options nothing decides that one run reads both ways (each doubles the builds).
pub const MAX_EITHER_OPTIONS: usize = 4;
/// The most builds (targets times the values of undecided options) one run reads.
pub const MAX_BUILDS: usize = 16;

/// One build read: its target and the values given to the options nothing decides.
type BuildKey = (Option<String>, BTreeMap<String, bool>);

/// `extract`, with per-blob results kept in `cache` between calls; `ids[i]` is the git blob id
/// of `files[i]` (the content's own hash: two files with one id have the same bytes).
///
/// Every build the configuration leaves possible is read: one per named target, times every
/// value of the cfg options it does not decide that the session items consult (found by
/// reading, so a second round follows when a build meets an option the first did not). A
/// version whose schema differs between builds is returned once per shape, each with the
/// builds it is compiled in (`Schema::build`); the problems of every build are reported.
pub fn extract_cached(
    files: &[SourceFile],
    ids: &[String],
    opts: &Options,
    cache: &mut Cache,
) -> Extraction {
    let given = ids.len() == files.len();
    // Within one run a path names one text: it keys the per-blob cache between builds (a single
    // build does without the cache's copies).
    let by_path: Vec<String> = if given {
        ids.to_vec()
    } else {
        files.iter().map(|f| format!("path:{}", f.path)).collect()
    };
    let targets: Vec<Option<super::cfg::Target>> = if opts.targets.is_empty() {
        vec![opts.cfg.target.clone()]
    } else {
        opts.targets.iter().cloned().map(Some).collect()
    };
    let mut either: std::collections::BTreeSet<String> = Default::default();
    let mut first_seen: BTreeMap<String, super::cfg::CfgOption> = BTreeMap::new();
    loop {
        let values = assignments(&either);
        let count = targets.len() * values.len();
        if either.len() > MAX_EITHER_OPTIONS || count > MAX_BUILDS {
            return too_many_builds(&first_seen, &either, targets.len());
        }
        let mut builds: Vec<(BuildKey, Extraction)> = Vec::new();
        let mut more = false;
        for t in &targets {
            for v in &values {
                let mut o = opts.clone();
                o.cfg.target = t.clone();
                o.cfg.either = v.clone();
                let ids_now = if count == 1 { ids } else { &by_path };
                let ex = extract_build(files, ids_now, &o, cache);
                for c in &ex.cfg {
                    if c.decision.source == super::cfg::Source::Either
                        && either.insert(c.option.clone())
                    {
                        more = true;
                    }
                    first_seen
                        .entry(c.option.clone())
                        .or_insert_with(|| c.clone());
                }
                builds.push(((t.as_ref().map(|t| t.name.clone()), v.clone()), ex));
            }
        }
        // A build met an option the others took as on: read every build again with it.
        if !more {
            return merge_builds(builds, targets.len() > 1);
        }
    }
}

/// Every assignment of on/off to `options`, leaving out those no target has: two values of one
/// target key (`target_os = "linux"` and `"macos"`), or `unix` with `windows`.
fn assignments(options: &std::collections::BTreeSet<String>) -> Vec<BTreeMap<String, bool>> {
    let list: Vec<&String> = options.iter().collect();
    let n = list.len().min(MAX_EITHER_OPTIONS + 1);
    let mut out = Vec::new();
    for bits in 0u32..(1 << n) {
        let a: BTreeMap<String, bool> = list
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, o)| ((*o).clone(), bits & (1 << i) == 0))
            .collect();
        let on: Vec<&String> = a.iter().filter(|(_, v)| **v).map(|(k, _)| k).collect();
        let key = |o: &str| o.split('=').next().unwrap_or(o).to_string();
        let mut keys: Vec<String> = on
            .iter()
            .filter(|o| o.contains('='))
            .map(|o| key(o))
            .collect();
        let before = keys.len();
        keys.sort();
        keys.dedup();
        let exclusive = on.iter().any(|o| *o == "unix") && on.iter().any(|o| *o == "windows");
        if keys.len() == before && !exclusive {
            out.push(a);
        }
    }
    out
}

/// Bad input: the session items depend on more cfg options than one run reads both ways.
fn too_many_builds(
    seen: &BTreeMap<String, super::cfg::CfgOption>,
    either: &std::collections::BTreeSet<String>,
    targets: usize,
) -> Extraction {
    let names: Vec<String> = either.iter().map(|o| format!("`{o}`")).collect();
    let origin = either
        .iter()
        .find_map(|o| seen.get(o))
        .map(|o| o.origin.clone())
        .unwrap_or_default();
    Extraction {
        problems: vec![Problem {
            origin,
            message: format!(
                "the session types depend on {} cfg options the configuration does not decide ({}){}: reading every build they may give is more than the {MAX_BUILDS} builds one run reads",
                either.len(),
                names.join(", "),
                if targets > 1 {
                    format!(", for each of {targets} targets")
                } else {
                    String::new()
                }
            ),
            help: Some("decide them in the configuration: `cfg = [\"name\", \"not(other)\"]` for options set or unset in every deployed build, `targets = [\"x86_64-unknown-linux-gnu\"]` for target options; each option left undecided doubles the builds checked".into()),
        }],
        ..Extraction::default()
    }
}

/// One extraction from the builds read: a version with one schema in every build is one
/// schema; one whose schema differs between builds (or that only some builds compile) is one
/// schema per shape, each naming its builds.
/// One shape of a session type, and the builds (indices) that give it.
type Shape = (Schema, Vec<usize>);

fn merge_builds(mut builds: Vec<(BuildKey, Extraction)>, by_target: bool) -> Extraction {
    if builds.len() == 1 {
        let (_, mut ex) = builds.pop().expect("one build");
        ex.builds = 1;
        return ex;
    }
    let all: Vec<BuildKey> = builds.iter().map(|(k, _)| k.clone()).collect();
    let mut out = Extraction {
        builds: builds.len(),
        ..Extraction::default()
    };
    let mut cfg: BTreeMap<String, super::cfg::CfgOption> = BTreeMap::new();
    // Per (format, version): each distinct shape, with the builds that give it.
    let mut shapes: BTreeMap<(String, u32), Vec<Shape>> = BTreeMap::new();
    for (b, (_, ex)) in builds.into_iter().enumerate() {
        out.problems.extend(ex.problems);
        out.parsed_files = out.parsed_files.max(ex.parsed_files);
        out.looked_up.extend(ex.looked_up);
        for c in ex.cfg {
            cfg.entry(c.option.clone()).or_insert(c);
        }
        for s in ex.schemas {
            let list = shapes.entry((s.name.clone(), s.version)).or_default();
            match list.iter_mut().find(|(x, _)| x.same_as(&s)) {
                Some((_, bs)) => bs.push(b),
                None => list.push((s, vec![b])),
            }
        }
    }
    out.problems.sort();
    out.problems.dedup();
    out.looked_up.sort();
    out.looked_up.dedup();
    out.cfg = cfg.into_values().collect();
    for (_, list) in shapes {
        let whole = list.len() == 1 && list[0].1.len() == all.len();
        for (mut s, bs) in list {
            if !whole {
                s.build = Some(describe_builds(&all, &bs, by_target));
            }
            out.schemas.push(s);
        }
    }
    out
}

/// The builds `these` (of `all`), as a condition: what they share (`unix`, `not(unix)`,
/// `target x86_64-pc-windows-msvc`), else each build's own.
fn describe_builds(all: &[BuildKey], these: &[usize], by_target: bool) -> String {
    let one = |k: &BuildKey, only: &dyn Fn(&str) -> bool| -> Vec<String> {
        let mut parts = Vec::new();
        if by_target && only("target") {
            if let Some(t) = &k.0 {
                parts.push(format!("target {t}"));
            }
        }
        for (o, on) in &k.1 {
            if only(o) {
                parts.push(if *on { o.clone() } else { format!("not({o})") });
            }
        }
        parts
    };
    let first = &all[these[0]];
    let shared = |o: &str| {
        these.iter().all(|&b| {
            let k = &all[b];
            if o == "target" {
                k.0 == first.0
            } else {
                k.1.get(o) == first.1.get(o)
            }
        })
    };
    let common = one(first, &shared);
    if !common.is_empty() {
        return common.join(", ");
    }
    these
        .iter()
        .map(|&b| {
            let parts = one(&all[b], &|_| true);
            if parts.is_empty() {
                "every build".to_string()
            } else {
                parts.join(", ")
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// One build's extraction (`opts.cfg` is the build): find the session items, read them, build
/// a schema for each root.
fn extract_build(
    files: &[SourceFile],
    ids: &[String],
    opts: &Options,
    cache: &mut Cache,
) -> Extraction {
    let ids = if ids.len() == files.len() { ids } else { &[] };
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|a, b| files[*a].path.cmp(&files[*b].path));
    let facts = alias_facts(files, ids, cache);
    let halves = ids.is_empty()
        && opts.plain.is_empty()
        && opts.roots_in.is_none()
        && files.len() >= opts.halves_from.unwrap_or(HALVES_FROM);
    let parts = if halves {
        // About as many files that name `SessionState` (most candidates do) in each half.
        let named = facts.iter().filter(|f| f.1 .0).count();
        let mut seen = 0;
        let cut = order
            .iter()
            .position(|&f| {
                seen += usize::from(facts[f].1 .0);
                seen > named / 2
            })
            .unwrap_or(order.len());
        let (first, second) = order.split_at(cut);
        let half = |mine: &[usize]| {
            let cache = Cache::default();
            read_with_index(files, &[], opts, cache, &order, mine, facts.clone(), true).0
        };
        let (a, b) = if super::par::threads() > 1 {
            std::thread::scope(|s| {
                // Parsing and building recurse as deep as the calling thread may: the same room.
                let other = std::thread::Builder::new()
                    .stack_size(HALF_STACK)
                    .spawn_scoped(s, || half(second));
                let a = half(first);
                let b = match other {
                    Ok(h) => h.join().expect("reading a half never panics"),
                    // No thread to be had: this one reads the other half too.
                    Err(_) => half(second),
                };
                (a, b)
            })
        } else {
            (half(first), half(second))
        };
        vec![a, b]
    } else {
        let (part, kept) = read_with_index(
            files,
            ids,
            opts,
            std::mem::take(cache),
            &order,
            &order,
            facts,
            false,
        );
        *cache = kept;
        vec![part]
    };
    merge_parts(parts, files, opts)
}

/// What one index read: its schemas (not yet one per version), problems, cfg notes, the names
/// it looked up, and how many files it parsed.
struct Part {
    schemas: Vec<Schema>,
    problems: Vec<Problem>,
    cfg_seen: BTreeMap<String, super::cfg::CfgOption>,
    looked_up: std::collections::BTreeSet<String>,
    parsed: usize,
}

/// One index over every file, reading the session items of the files `mine` (in `order`, the
/// files by path) and building their roots; `inline`: scan on this thread (the other core reads
/// the other half). Returns the index's per-blob cache too.
#[allow(clippy::too_many_arguments)]
fn read_with_index(
    files: &[SourceFile],
    ids: &[String],
    opts: &Options,
    cache: Cache,
    order: &[usize],
    mine: &[usize],
    facts: Vec<AliasFacts>,
    inline: bool,
) -> (Part, Cache) {
    let mut index = Index::new(files, ids, opts, cache);
    let named_state = index.learn_aliases(facts);
    index.by_path = order.to_vec();
    let read = index.scan_candidates(mine, &named_state, opts, inline);
    index.check_configured(opts);
    // Said once every item is in: whether a cfg left out an item's derives is known then.
    for n in read.not_serde {
        let problem = not_serde_problem(&index.cfg_seen, n);
        index.problems.push(problem);
    }
    let (roots, mut infos) = (read.roots, read.infos);
    let mut schemas = Vec::new();
    for (slot, i) in roots {
        if let Some(s) = build_schema(&mut index, &mut infos, (slot, i), opts) {
            schemas.push(s);
        }
    }
    index.cache.alias_types = index.aliases.spent.get();
    // Per-blob results are a cache: past a bound they are dropped and read again if needed, so
    // that a thousand revisions of distinct sources do not hold every item parsed.
    if index.cache.items.len() > MAX_CACHED_ITEMS {
        index.cache.items.clear();
    }
    if index.cache.scans.len() > MAX_CACHED_ITEMS {
        index.cache.scans.clear();
    }
    let mut looked_up: std::collections::BTreeSet<String> =
        index.aliases.asked().into_iter().collect();
    looked_up.extend(index.searched.iter().cloned());
    looked_up.extend(index.searched_in.iter().map(|(n, _)| n.clone()));
    let part = Part {
        schemas,
        problems: index.problems,
        cfg_seen: index.cfg_seen,
        looked_up,
        parsed: index.parsed.len(),
    };
    (part, index.cache)
}

/// The parts' findings as one index reports them: one schema per version, defaults resolved,
/// problems sorted once each, every cfg option once (as the first part met it, with the effects
/// of both).
fn merge_parts(parts: Vec<Part>, files: &[SourceFile], opts: &Options) -> Extraction {
    let mut schemas = Vec::new();
    let mut problems = Vec::new();
    let mut cfg_seen: BTreeMap<String, super::cfg::CfgOption> = BTreeMap::new();
    let mut looked_up: std::collections::BTreeSet<String> = Default::default();
    let mut parsed_files = 0;
    for p in parts {
        schemas.extend(p.schemas);
        problems.extend(p.problems);
        for (option, o) in p.cfg_seen {
            match cfg_seen.get_mut(&option) {
                None => {
                    cfg_seen.insert(option, o);
                }
                Some(first) => {
                    for e in o.effects {
                        if first.effects.len() < super::cfg::MAX_EFFECTS
                            && !first.effects.contains(&e)
                        {
                            first.effects.push(e);
                        }
                    }
                }
            }
        }
        looked_up.extend(p.looked_up);
        parsed_files += p.parsed;
    }
    let mut unique = one_per_version(&mut problems, schemas);
    super::defaults::resolve(&mut unique, files);
    problems.sort();
    problems.dedup();
    looked_up.extend(opts.plain.iter().map(|p| p.ident().to_string()));
    Extraction {
        schemas: unique,
        problems,
        parsed_files,
        looked_up: looked_up.into_iter().collect(),
        cfg: cfg_seen.into_values().collect(),
        builds: 1,
    }
}

/// The schemas, one per (name, version): two roots claiming one make the chain ambiguous.
fn one_per_version(problems: &mut Vec<Problem>, mut schemas: Vec<Schema>) -> Vec<Schema> {
    let mut seen: BTreeMap<(String, u32), Origin> = BTreeMap::new();
    schemas.sort_by(|a, b| (&a.name, a.version, &a.origin).cmp(&(&b.name, b.version, &b.origin)));
    let mut unique = Vec::new();
    for s in schemas {
        if let Some(first) = seen.get(&(s.name.clone(), s.version)) {
            problems.push(Problem {
                origin: s.origin.clone(),
                message: format!(
                    "`{}` claims format `{}` version {}, already claimed by {}:{}",
                    s.root, s.name, s.version, first.file, first.line
                ),
                help: Some("give each version its own number, or its own `name` if it is a different format".into()),
            });
            continue;
        }
        seen.insert((s.name.clone(), s.version), s.origin.clone());
        unique.push(s);
    }
    unique
}

/// An item that is not read as serde-derived: its name, where it is, and why.
type NotSerde = (String, Origin, String);

/// The session items read so far: the roots to build, what was read of each item, and those
/// that are not serde's (said once every item is in).
#[derive(Default)]
struct Read {
    roots: Vec<(usize, usize)>,
    infos: HashMap<(usize, usize), ItemInfo>,
    not_serde: Vec<NotSerde>,
}

/// A file's `type` alias spans (`None` when the cache has its aliases), whether `SessionState`
/// occurs in it, and the aliases of `SessionState` it declares.
type AliasFacts = (Option<Vec<(String, usize, usize)>>, (bool, Vec<String>));

/// A candidate file: its scan (`None` when the cache has it) and its line starts (empty when
/// the cache keeps them).
type Prescan = (
    usize,
    Option<Result<scan::FileScan, scan::ScanError>>,
    Vec<usize>,
);

/// Each file's `type` alias spans (`None` when the cache has its aliases) and `SessionState`
/// aliases, found on every core (the byte-level half of reading aliases).
fn alias_facts(files: &[SourceFile], ids: &[String], cache: &Cache) -> Vec<AliasFacts> {
    let cached: Vec<bool> = (0..files.len())
        .map(|f| ids.get(f).is_some_and(|id| cache.aliases.contains_key(id)))
        .collect();
    let all: Vec<usize> = (0..files.len()).collect();
    super::par::map(&all, |&f| {
        let text = &files[f].text;
        let spans = (!cached[f]).then(|| scan::type_aliases(text).unwrap_or_default());
        (spans, scan::state_aliases(text))
    })
}

impl<'s> Index<'s> {
    fn new(files: &'s [SourceFile], ids: &'s [String], opts: &Options, cache: Cache) -> Self {
        Index {
            files,
            parsed: Vec::new(),
            parsed_of: HashMap::new(),
            by_name: HashMap::new(),
            seen: HashMap::new(),
            searched: Default::default(),
            searched_in: Default::default(),
            problems: Vec::new(),
            markers: scan::Markers::default(),
            scans: HashMap::new(),
            lines: HashMap::new(),
            by_path: Vec::new(),
            aliases: Default::default(),
            cfg: opts.cfg.clone(),
            cfg_seen: BTreeMap::new(),
            uses: HashMap::new(),
            inline: HashMap::new(),
            ids,
            cache,
        }
    }

    /// Every file's `type` aliases and `SessionState` aliases, from their byte-level facts
    /// (`alias_facts`); the aliases are parsed here, with syn. Returns, per file, whether
    /// `SessionState` occurs in it.
    fn learn_aliases(&mut self, facts: Vec<AliasFacts>) -> Vec<bool> {
        let (files, ids) = (self.files, self.ids);
        let mut alias_cache = std::mem::take(&mut self.cache.aliases);
        let mut named_state = Vec::with_capacity(files.len());
        let mut of_file = Vec::with_capacity(files.len());
        for (f, (spans, (named, found))) in facts.into_iter().enumerate() {
            let text = &files[f].text;
            let read = || super::aliases::Aliases::of_spans(text, spans.unwrap_or_default());
            of_file.push(match ids.get(f) {
                Some(id) => alias_cache.entry(id.clone()).or_insert_with(read).clone(),
                None => read(),
            });
            named_state.push(named);
            self.markers.learn(found);
        }
        let mut of_file = of_file.into_iter();
        self.aliases =
            super::aliases::Aliases::gather_with(files, |_| of_file.next().unwrap_or_default());
        self.cache.aliases = alias_cache;
        self.aliases.spent.set(self.cache.alias_types);
        // Scans made with other markers are not this extraction's.
        if self.cache.derives != self.markers.derives {
            self.cache.scans.clear();
            self.cache.derives = self.markers.derives.clone();
        }
        named_state
    }

    /// Scans every file that may hold a session item (or a configured type) and parses its
    /// items. The scans read every byte of a candidate and run on every core; parsing is
    /// syn's, whose values are not `Send`, and runs here.
    fn scan_candidates(
        &mut self,
        order: &[usize],
        named_state: &[bool],
        opts: &Options,
        inline: bool,
    ) -> Read {
        let (files, ids) = (self.files, self.ids);
        let markers = self.markers.clone();
        let candidate = |f: usize| {
            let text = &files[f].text;
            let rooted = opts
                .roots_in
                .as_ref()
                .is_none_or(|only| only.contains(&files[f].path));
            rooted
                && (named_state[f]
                    || scan::may_hold_session(text.as_bytes(), &markers)
                    || opts.plain.iter().any(|p| text.contains(p.ident())))
        };
        let cached: Vec<bool> = (0..files.len())
            .map(|f| {
                ids.get(f)
                    .is_some_and(|id| self.cache.scans.contains_key(id))
            })
            .collect();
        let prescan = |&f: &usize| -> Option<Prescan> {
            let text = &files[f].text;
            candidate(f).then(|| {
                let scanned = (!cached[f]).then(|| scan::scan(text, &markers));
                let lines = match ids.get(f) {
                    Some(_) => Vec::new(),
                    None => super::locate::line_starts(text),
                };
                (f, scanned, lines)
            })
        };
        let mut read = Read::default();
        let take = |p: Option<Prescan>| {
            if let Some((f, scanned, lines)) = p {
                self.take_scan(f, scanned, lines);
                self.scan(f, &opts.plain);
                self.read_items(f, opts, &mut read);
            }
        };
        if inline {
            // One half of the tree: the other core reads the other half.
            order.iter().map(prescan).for_each(take);
        } else {
            // Parsing and reading a file's items (syn, on this thread) overlap the scans of the
            // files after it (on the others).
            super::par::in_order(order, prescan, take);
        }
        read
    }

    /// Keeps a candidate file's scan and line starts, reporting a scan that failed.
    fn take_scan(
        &mut self,
        f: usize,
        scanned: Option<Result<scan::FileScan, scan::ScanError>>,
        lines: Vec<usize>,
    ) {
        if !lines.is_empty() {
            self.lines.insert(f, lines);
        }
        if let Some(scanned) = scanned {
            if let Some(id) = self.ids.get(f) {
                self.cache.scans.insert(id.clone(), scanned.clone());
            }
            match scanned {
                Ok(found) => {
                    self.scans.insert(f, Some(found));
                }
                Err(e) => {
                    self.scans.insert(f, None);
                    self.scan_failed(f, e);
                }
            }
        }
    }

    /// A configured type is one item: none is a typo or a stale entry, several are ambiguous.
    fn check_configured(&mut self, opts: &Options) {
        for p in &opts.plain {
            let all: Vec<(usize, usize)> = self.by_name.get(p.ident()).cloned().unwrap_or_default();
            let hits = all
                .iter()
                .filter(|(slot, i)| p.module().is_none_or(|m| self.module_of(*slot, *i) == m))
                .count();
            if hits == 1 {
                continue;
            }
            let places: Vec<String> = all
                .iter()
                .map(|&(slot, i)| {
                    let o = self
                        .locator(slot, i)
                        .origin_at(self.parsed[slot].items[i].base);
                    let mut path = self.module_of(slot, i);
                    path.push(p.ident().to_string());
                    format!("{} at {}:{}", path.join("::"), o.file, o.line)
                })
                .collect();
            // A `type` alias of that name: say what it stands for, not that nothing matches.
            if hits == 0 {
                if let Some(problem) = alias_named(self.files, p) {
                    self.problems.push(problem);
                    continue;
                }
            }
            self.problems.push(Problem {
                origin: p.origin.clone().unwrap_or_default(),
                message: match (hits, places.is_empty()) {
                    (0, true) => format!("[[type]] `{}` matches no struct or enum in the scanned sources", p.type_name),
                    (0, false) => format!("[[type]] `{}` matches no struct or enum in the scanned sources; there are {}", p.type_name, places.join(", ")),
                    _ => format!("[[type]] `{}` matches {hits} items ({}); it must name exactly one", p.type_name, places.join(", ")),
                },
                help: Some(if hits == 0 {
                    "check the name and the scanned `paths` (a type generated by `macro_rules!` or another macro cannot be read: describe its format in a schema file); a configured type that is not read would leave its format unchecked".into()
                } else {
                    "write the type's module path from the crate root (`name = \"v1::Ticket\"`), so that the name picks one item".into()
                }),
            });
        }
    }

    /// Reads every item of `file` that derives SessionState (and so validates it), root or
    /// part, and every configured type, into `read`.
    fn read_items(&mut self, file: usize, opts: &Options, read: &mut Read) {
        let Some(&slot) = self.parsed_of.get(&file) else {
            return;
        };
        if opts
            .roots_in
            .as_ref()
            .is_some_and(|only| !only.contains(&self.files[file].path))
        {
            // Read as a part where a root uses it, not as a root.
            return;
        }
        for i in 0..self.parsed[slot].items.len() {
            let Some((info, clean)) = self.read_one(slot, i, opts, &mut read.not_serde) else {
                continue;
            };
            if info.is_root() && clean {
                read.roots.push((slot, i));
            }
            read.infos.insert((slot, i), info);
        }
    }

    /// One item of `read_items`: what was read and whether it read without errors; `None` when
    /// it is not a session item, or cannot be read (reported).
    fn read_one(
        &mut self,
        slot: usize,
        i: usize,
        opts: &Options,
        not_serde: &mut Vec<NotSerde>,
    ) -> Option<(ItemInfo, bool)> {
        let configured = opts
            .plain
            .iter()
            .any(|p| self.parsed[slot].items[i].input.ident == p.ident());
        let module = if configured {
            self.module_of(slot, i)
        } else {
            Vec::new()
        };
        let loc = self.locator(slot, i);
        let item = &self.parsed[slot].items[i].input;
        let plain = opts
            .plain
            .iter()
            .find(|p| item.ident == p.ident() && p.module().is_none_or(|m| module == m));
        let annotated = super::item::derives(&item.attrs, "SessionState")
            || item.attrs.iter().any(|a| a.path().is_ident("session"));
        if !annotated && plain.is_none() {
            return None;
        }
        let text = &self.files[self.parsed[slot].file].text;
        let base = self.parsed[slot].items[i].base;
        // A configured type found inside a `macro_rules!` template is the macro's, not the
        // file's. (Checked for configured types only: finding template bodies lexes the whole
        // file, which the scan avoids; an annotated template with `$` fragments fails to parse.)
        let in_macro = plain.is_some()
            && scan::macro_rules_bodies(text)
                .unwrap_or_default()
                .iter()
                .any(|(a, b)| (*a..*b).contains(&base));
        let why = if in_macro {
            Some(format!("`{}` is written inside a `macro_rules!` definition: it is a template the macro expands, and sessionlint never expands macros", item.ident))
        } else {
            super::framework::not_serde(item, text)
        };
        if let Some(why) = why {
            not_serde.push((item.ident.to_string(), loc.origin(item.ident.span()), why));
            return None;
        }
        let cx = Ctxt::new();
        let mut info = read_item(&cx, item, &loc);
        if let (Some(p), Some(info)) = (plain, info.as_mut()) {
            if let Err(e) = p.apply(info) {
                cx.error_spanned_by(&item.ident, e);
            }
        }
        // A root with its own errors is not built: its follow-on errors would be noise.
        let clean = !cx.has_errors();
        let mut found = Vec::new();
        problems_from(cx, &loc, &mut found);
        self.problems.extend(found);
        info.map(|info| (info, clean))
    }
}

/// A configured type that names a `type` alias: what it stands for, as a problem.
fn alias_named(files: &[SourceFile], p: &PlainType) -> Option<Problem> {
    let (target, file, line) = files.iter().find_map(|f| {
        let (start, end) = *scan::code_items(&f.text, "type", p.ident()).ok()?.first()?;
        let t: syn::ItemType = scan::parse_bounded(&f.text[start..end])?;
        let line = f.text[..start].matches('\n').count() + 1;
        let target = quote::ToTokens::to_token_stream(&t.ty)
            .to_string()
            .replace(' ', "");
        Some((target, f.path.clone(), line))
    })?;
    Some(Problem {
        origin: p.origin.clone().unwrap_or_default(),
        message: format!("[[type]] `{}` is a type alias (`type {} = {target}` at {file}:{line}), and sessionlint reads structs and enums: it does not instantiate a generic type or follow an alias to one", p.type_name, p.ident()),
        help: Some("name the struct or enum itself in [[type]] (a generic one cannot be read with its parameters filled: give the session version a concrete type, or describe its format in a schema file)".into()),
    })
}

/// A session item without serde's derives (`why`), as a problem; when serde's derive sits under
/// a `cfg_attr` this build leaves off, it says so, not "by hand".
fn not_serde_problem(
    cfg_seen: &BTreeMap<String, super::cfg::CfgOption>,
    (ident, origin, why): NotSerde,
) -> Problem {
    let what = format!("`{ident}`");
    let off = cfg_seen
        .values()
        .flat_map(|o| o.effects.iter().map(move |e| (o, e)))
        .find(|(_, e)| {
            e.what == what
                && !e.on
                && e.attrs.as_deref().is_some_and(|a| {
                    a.contains("derive") && (a.contains("Serialize") || a.contains("Deserialize"))
                })
        });
    let (message, help) = match off {
        Some((o, e)) => (
            format!(
                "{what} derives serde's traits only under `#[cfg_attr({}, ...)]`, and `{}` is off in the build sessionlint reads{}: in that build it has no serde code",
                e.pred,
                o.option,
                match o.decision.source {
                    super::cfg::Source::DefaultFeatures => " (the package's default features do not enable it)",
                    super::cfg::Source::Configured => " (as the configuration states)",
                    super::cfg::Source::NeverDeployed => " (no deployed build sets it)",
                    _ => "",
                }
            ),
            format!("check the build that serializes sessions: turn `{}` on in sessionlint.toml (`features` or `cfg`)", o.option),
        ),
        None => (why, "derive serde's Serialize and Deserialize on session types, or describe a hand-written format in a schema file (`*.schema.toml`, see docs/schema-language.md)".to_string()),
    };
    Problem {
        origin,
        message,
        help: Some(help),
    }
}

fn build_schema(
    index: &mut Index<'_>,
    infos: &mut HashMap<(usize, usize), ItemInfo>,
    root: (usize, usize),
    opts: &Options,
) -> Option<Schema> {
    let root_info = &infos[&root];
    let session = root_info.session.clone();
    let root_name = root_info.def.name().to_string();
    let mut origin = root_info.def.origin().clone();
    // `#[session(...)]` keys can be added only where SessionState is derived (a configured type
    // takes them from the configuration): the schema's own place says where they go.
    if !root_info.derives_session_state {
        origin.attr_at = None;
    }
    let Some(encoding) = session.encoding.or(opts.default_encoding) else {
        index.problems.push(Problem {
            origin: origin.clone(),
            message: format!("session type `{root_name}` names no encoding"),
            help: Some(format!(
                "add #[session(encoding = \"...\")] with one of {}, or pass --encoding",
                Encoding::names()
            )),
        });
        return None;
    };

    let mut walk = TypesWalk {
        keys: HashMap::from([(root, root_name.clone())]),
        taken: HashMap::from([(root_name.clone(), root)]),
        queue: vec![root],
        failed: false,
    };
    let mut types: BTreeMap<String, TypeDef> = BTreeMap::new();
    let mut done: std::collections::HashSet<(usize, usize)> = Default::default();
    while let Some(key) = walk.queue.pop() {
        if !done.insert(key) {
            continue;
        }
        if !read_part(index, infos, key) {
            walk.failed = true;
            continue;
        }
        let mut def = infos[&key].def.clone();
        def.set_name(walk.keys[&key].clone());
        walk.resolve_fields(index, &mut def, key);
        types.insert(def.name().to_string(), def);
    }
    if walk.failed {
        return None;
    }
    let schema = Schema {
        name: session.name.clone().unwrap_or_else(|| root_name.clone()),
        version: session.version.map(|v| v.0).unwrap_or(0),
        encoding,
        trailing: session.trailing,
        role: session.role.unwrap_or_default(),
        unknown_tags: None,
        envelope: crate::schema::Envelope {
            exact_length: false,
            id: session.envelope.clone(),
        },
        root: root_name,
        types,
        origin,
        build: None,
    };
    let before = index.problems.len();
    check_schema(&schema, &mut index.problems);
    (index.problems.len() == before).then_some(schema)
}

/// The items a schema takes in, from its root: their keys under [types], the items still to
/// read, and whether any could not be resolved.
struct TypesWalk {
    /// Each item's key under [types]: its name, or its module path when another item of the
    /// same name is already in the schema (`v1::Params` beside `Params`).
    keys: HashMap<(usize, usize), String>,
    taken: HashMap<String, (usize, usize)>,
    queue: Vec<(usize, usize)>,
    failed: bool,
}

impl TypesWalk {
    /// Resolves the types `def`'s fields name: items of the scanned sources are queued and
    /// named by their keys, another crate's types become opaque, anything else is a problem.
    fn resolve_fields(&mut self, index: &mut Index<'_>, def: &mut TypeDef, key: (usize, usize)) {
        let mut foreign: Vec<(String, String, String)> = Vec::new();
        let mut renamed: Vec<(String, String, String)> = Vec::new();
        for f in def.fields() {
            // Each name once: an expanded alias may repeat one many times.
            let mut names = f.ty.named_types();
            names.sort_unstable();
            names.dedup();
            for name in names {
                match index.resolve(name, key, &f.ident) {
                    Found::One(hit) => {
                        let (k, unique) = key_of(
                            index,
                            &mut self.keys,
                            &mut self.taken,
                            hit,
                            f,
                            name,
                            def.name(),
                        );
                        self.failed |= !unique;
                        if k != name {
                            renamed.push((f.ident.clone(), name.to_string(), k));
                        }
                        self.queue.push(hit)
                    }
                    Found::Several(hits) => {
                        self.failed = true;
                        let p = several_problem(index, &hits, f, name, def.name());
                        index.problems.push(p);
                    }
                    Found::None => match foreign_path(index, key, &f.ident, name) {
                        // Another crate's type: opaque, matched by its path on both sides.
                        Some(path) => foreign.push((f.ident.clone(), name.to_string(), path)),
                        None => {
                            self.failed = true;
                            index.problems.push(Problem {
                            origin: f.origin.clone(),
                            message: format!(
                                "type `{name}` (field `{}` of `{}`) is defined nowhere in the scanned sources",
                                f.ident,
                                def.name()
                            ),
                            help: Some(
                                "scan the directory that defines it, or wrap the field with a type sessionlint knows; it never compiles the code to find it".into(),
                            ),
                        });
                        }
                    },
                }
            }
        }
        for (ident, name, path) in foreign {
            def.set_field_type(&ident, |t| {
                t.replace_named(&name, &crate::schema::Ty::Opaque { name: path.clone() })
            });
        }
        for (ident, name, key) in renamed {
            def.set_field_type(&ident, |t| {
                t.replace_named(&name, &crate::schema::Ty::Named { name: key.clone() })
            });
        }
    }
}

/// Reads an item a schema uses, if it is not read yet; false when it cannot be (reported).
fn read_part(
    index: &mut Index<'_>,
    infos: &mut HashMap<(usize, usize), ItemInfo>,
    key: (usize, usize),
) -> bool {
    let std::collections::hash_map::Entry::Vacant(slot) = infos.entry(key) else {
        return true;
    };
    let loc = index.locator(key.0, key.1);
    let cx = Ctxt::new();
    let info = read_item(&cx, &index.parsed[key.0].items[key.1].input, &loc);
    let mut found = Vec::new();
    problems_from(cx, &loc, &mut found);
    drop(loc);
    index.problems.extend(found);
    match info {
        Some(info) => {
            slot.insert(info);
            true
        }
        None => false,
    }
}

/// The key under [types] of the item `hit` a field names: its name, or its module path when
/// another item of the same name is already in the schema (`v1::Params` beside `Params`).
/// Not unique (reported) when two items have one path (two crates' `src/v1.rs`).
#[allow(clippy::too_many_arguments)]
fn key_of(
    index: &mut Index<'_>,
    keys: &mut HashMap<(usize, usize), String>,
    taken: &mut HashMap<String, (usize, usize)>,
    hit: (usize, usize),
    f: &crate::schema::Field,
    name: &str,
    of: &str,
) -> (String, bool) {
    if let Some(k) = keys.get(&hit) {
        return (k.clone(), true);
    }
    let own = index.parsed[hit.0].items[hit.1].input.ident.to_string();
    let k = if taken.contains_key(&own) {
        let mut m = index.module_of(hit.0, hit.1);
        m.push(own);
        m.join("::")
    } else {
        own
    };
    let unique = taken.insert(k.clone(), hit).is_none();
    if !unique {
        index.problems.push(Problem {
            origin: f.origin.clone(),
            message: format!("type `{name}` (field `{}` of `{of}`) and another type the same schema uses are both `{k}`", f.ident),
            help: Some("give the types distinct names; sessionlint tells same-named types apart by module path within one crate".into()),
        });
    }
    keys.insert(hit, k.clone());
    (k, unique)
}

/// A type a field names that several items define, with nothing to choose between them.
fn several_problem(
    index: &Index<'_>,
    hits: &[(usize, usize)],
    f: &crate::schema::Field,
    name: &str,
    of: &str,
) -> Problem {
    let places: Vec<String> = hits
        .iter()
        .map(|(slot, i)| {
            let o = index
                .locator(*slot, *i)
                .origin_at(index.parsed[*slot].items[*i].base);
            format!("{}:{}", o.file, o.line)
        })
        .collect();
    Problem {
        origin: f.origin.clone(),
        message: format!(
            "type `{name}` (field `{}` of `{of}`) is defined in {} places ({}), and the way the field names it does not pick one",
            f.ident,
            hits.len(),
            places.join(", ")
        ),
        help: Some("name the type by its module path in the field (`crate::v1::Ticket`, `super::v1::Ticket`) or import it with `use`; sessionlint follows `mod` blocks and files, `use` items and renames, and `self`/`super`/`crate`, but not glob imports, re-exports or `#[path]`".into()),
    }
}

/// Checks that need the whole resolved schema (see `Schema::validate`).
pub fn check_schema(schema: &Schema, problems: &mut Vec<Problem>) {
    problems.extend(schema.validate());
}
