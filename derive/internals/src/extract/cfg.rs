//! `#[cfg(...)]` and `#[cfg_attr(..., ...)]` on session items, fields and variants. A cfg option
//! is decided only by what the configuration states: the Cargo features of the build (the
//! package's default features unless `features` is set), options set or unset in `cfg`, and the
//! target keys of a named target. `test`, `doc`, `doctest` and `miri` are off: no deployed build
//! sets them. Any other option may be on or off: every build it may give is read
//! (`workspace::extract_cached` reads once per assignment), because a merge gate that guessed
//! "off" would pass a session type that some build compiles (a `#[cfg(unix)]` on the newer
//! version made it vanish).

use std::collections::{BTreeMap, BTreeSet};
use syn::punctuated::Punctuated;

/// How a cfg option got its value in a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// A Cargo feature: the package's default features (and what they imply).
    DefaultFeatures,
    /// The configuration's `features` or `cfg`.
    Configured,
    /// The target named in the configuration's `targets`.
    Target,
    /// An option no deployed build sets (`test`, `doc`, `doctest`, `miri`).
    NeverDeployed,
    /// Not decided by the configuration: this build is one of those read with it on and off.
    Either,
}

/// A cfg option as one build reads it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Decision {
    pub on: bool,
    pub source: Source,
}

/// A target: its name and the cfg options it sets (`unix`, `target_os="linux"`, ...).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    pub name: String,
    pub options: BTreeSet<String>,
}

/// The cfg keys a target decides: with a target named, each is on exactly when the target sets it.
const TARGET_KEYS: &[&str] = &[
    "unix",
    "windows",
    "target_family",
    "target_os",
    "target_arch",
    "target_pointer_width",
    "target_endian",
    "target_env",
    "target_vendor",
];

/// Options no deployed build sets.
const NEVER_DEPLOYED: &[&str] = &["test", "doc", "doctest", "miri"];

/// Targets known by name, with the options `rustc --print cfg --target NAME` gives for the keys
/// above.
const KNOWN_TARGETS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    // name, family, os, arch, pointer width, env, vendor (all little-endian)
    (
        "x86_64-unknown-linux-gnu",
        "unix",
        "linux",
        "x86_64",
        "64",
        "gnu",
        "unknown",
    ),
    (
        "x86_64-unknown-linux-musl",
        "unix",
        "linux",
        "x86_64",
        "64",
        "musl",
        "unknown",
    ),
    (
        "aarch64-unknown-linux-gnu",
        "unix",
        "linux",
        "aarch64",
        "64",
        "gnu",
        "unknown",
    ),
    (
        "aarch64-unknown-linux-musl",
        "unix",
        "linux",
        "aarch64",
        "64",
        "musl",
        "unknown",
    ),
    (
        "i686-unknown-linux-gnu",
        "unix",
        "linux",
        "x86",
        "32",
        "gnu",
        "unknown",
    ),
    (
        "armv7-unknown-linux-gnueabihf",
        "unix",
        "linux",
        "arm",
        "32",
        "gnu",
        "unknown",
    ),
    (
        "x86_64-apple-darwin",
        "unix",
        "macos",
        "x86_64",
        "64",
        "",
        "apple",
    ),
    (
        "aarch64-apple-darwin",
        "unix",
        "macos",
        "aarch64",
        "64",
        "",
        "apple",
    ),
    (
        "x86_64-unknown-freebsd",
        "unix",
        "freebsd",
        "x86_64",
        "64",
        "",
        "unknown",
    ),
    (
        "x86_64-pc-windows-msvc",
        "windows",
        "windows",
        "x86_64",
        "64",
        "msvc",
        "pc",
    ),
    (
        "x86_64-pc-windows-gnu",
        "windows",
        "windows",
        "x86_64",
        "64",
        "gnu",
        "pc",
    ),
    (
        "aarch64-pc-windows-msvc",
        "windows",
        "windows",
        "aarch64",
        "64",
        "msvc",
        "pc",
    ),
    (
        "wasm32-unknown-unknown",
        "wasm",
        "unknown",
        "wasm32",
        "32",
        "",
        "unknown",
    ),
];

impl Target {
    /// A target known by name (`x86_64-unknown-linux-gnu`).
    pub fn known(name: &str) -> Option<Target> {
        let (_, family, os, arch, width, env, vendor) =
            KNOWN_TARGETS.iter().find(|t| t.0 == name)?;
        let mut options: BTreeSet<String> = [
            format!("target_family=\"{family}\""),
            format!("target_os=\"{os}\""),
            format!("target_arch=\"{arch}\""),
            format!("target_pointer_width=\"{width}\""),
            "target_endian=\"little\"".to_string(),
            format!("target_env=\"{env}\""),
            format!("target_vendor=\"{vendor}\""),
        ]
        .into_iter()
        .collect();
        if matches!(*family, "unix" | "windows") {
            options.insert(family.to_string());
        }
        Some(Target {
            name: name.to_string(),
            options,
        })
    }

    /// The names `known` takes, for messages.
    pub fn known_names() -> String {
        KNOWN_TARGETS
            .iter()
            .map(|t| t.0)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A target described by its options as written (`"unix"`, `"target_os = \"linux\""`).
    pub fn custom(name: &str, options: &[String]) -> Target {
        Target {
            name: name.to_string(),
            options: options.iter().map(|o| Cfg::flag(o)).collect(),
        }
    }

    fn decides(atom: &str) -> bool {
        let key = atom.split('=').next().unwrap_or(atom);
        TARGET_KEYS.contains(&key)
    }
}

/// The options of one build.
#[derive(Clone, Debug, Default)]
pub struct Cfg {
    /// Enabled Cargo features.
    pub features: BTreeSet<String>,
    /// Whether `features` was set by the configuration (else: the package's default features).
    pub features_configured: bool,
    /// Options the configuration sets: `name` or `name="value"`.
    pub flags: BTreeSet<String>,
    /// Options the configuration unsets (`not(name)` in its `cfg`).
    pub unset: BTreeSet<String>,
    /// The target of this build, when the configuration names targets.
    pub target: Option<Target>,
    /// Values given to the options nothing decides, for this build of the several read.
    pub either: BTreeMap<String, bool>,
}

/// What one `cfg` or `cfg_attr` did to a session item in one build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effect {
    /// What it governs: "`V2`", "field `V2.ems`", "variant `E::A`".
    pub what: String,
    /// For a `cfg_attr`: the attributes it adds (`#[serde(default)]`); `None` for a `cfg`.
    pub attrs: Option<String>,
    /// The predicate as written (`feature = "ems"`).
    pub pred: String,
    /// Whether it held in this build.
    pub on: bool,
    /// The options it consulted.
    pub options: Vec<String>,
}

/// Whether a `cfg` or `cfg_attr` stands on the item, a variant or a field.
fn mentions_cfg(input: &syn::DeriveInput) -> bool {
    let any = |attrs: &[syn::Attribute]| {
        attrs
            .iter()
            .any(|a| a.path().is_ident("cfg") || a.path().is_ident("cfg_attr"))
    };
    let fields = |f: &syn::Fields| f.iter().any(|f| any(&f.attrs));
    any(&input.attrs)
        || match &input.data {
            syn::Data::Struct(s) => fields(&s.fields),
            syn::Data::Enum(e) => e
                .variants
                .iter()
                .any(|v| any(&v.attrs) || fields(&v.fields)),
            syn::Data::Union(u) => u.fields.named.iter().any(|f| any(&f.attrs)),
        }
}

/// What evaluating the cfg attributes of one item found: whether the item exists, the options
/// consulted (with how each was decided), and what the attributes changed.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    pub present: bool,
    pub consulted: BTreeMap<String, Decision>,
    pub effects: Vec<Effect>,
}

/// A cfg option the session items of a run consulted, for the report: how it was decided,
/// where it was first met, and what it changed.
#[derive(Clone, Debug)]
pub struct CfgOption {
    /// `unix`, `feature="ems"`, `target_os="linux"`.
    pub option: String,
    pub decision: Decision,
    pub origin: crate::schema::Origin,
    /// What it governs (as the first build read it), at most `MAX_EFFECTS`.
    pub effects: Vec<Effect>,
}

/// How many effects an option keeps for the report.
pub const MAX_EFFECTS: usize = 4;

/// Reads a cfg predicate; `Err` when it is not one.
struct Eval<'c> {
    cfg: &'c Cfg,
    consulted: BTreeMap<String, Decision>,
}

impl Eval<'_> {
    fn atom(&mut self, atom: String) -> bool {
        let d = self.cfg.decide(&atom);
        let on = d.on;
        self.consulted.entry(atom).or_insert(d);
        on
    }

    /// A whole predicate: its value and the options it consulted.
    fn pred(&mut self, pred: &syn::Meta) -> Option<(bool, Vec<String>)> {
        let mut one = Eval {
            cfg: self.cfg,
            consulted: BTreeMap::new(),
        };
        let on = one.holds(pred)?;
        let options: Vec<String> = one.consulted.keys().cloned().collect();
        self.consulted.append(&mut one.consulted);
        Some((on, options))
    }

    fn holds(&mut self, pred: &syn::Meta) -> Option<bool> {
        match pred {
            syn::Meta::Path(p) => Some(self.atom(p.get_ident()?.to_string())),
            syn::Meta::NameValue(nv) => {
                let name = nv.path.get_ident()?.to_string();
                let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(v),
                    ..
                }) = &nv.value
                else {
                    return None;
                };
                Some(self.atom(format!("{name}=\"{}\"", v.value())))
            }
            syn::Meta::List(l) => {
                let args = l
                    .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                    .ok()?;
                // Every operand is read (no short cut), so that every option consulted is known.
                let vals: Option<Vec<bool>> = args.iter().map(|m| self.holds(m)).collect();
                let vals = vals?;
                match l.path.get_ident()?.to_string().as_str() {
                    "all" => Some(vals.iter().all(|v| *v)),
                    "any" => Some(vals.iter().any(|v| *v)),
                    "not" if vals.len() == 1 => Some(!vals[0]),
                    _ => None,
                }
            }
        }
    }
}

/// A cfg predicate as written, for messages (`feature = "ems"`).
fn shown(pred: &syn::Meta) -> String {
    let s = quote::ToTokens::to_token_stream(pred).to_string();
    s.replace(" (", "(").replace("( ", "(").replace(" )", ")")
}

impl Cfg {
    /// A configuration option as written (`unix`, `target_os = "linux"`), normalised.
    pub fn flag(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// How this build reads one option (`unix`, `target_os="linux"`, `feature="x"`).
    pub fn decide(&self, atom: &str) -> Decision {
        let d = |on, source| Decision { on, source };
        if let Some(f) = atom
            .strip_prefix("feature=\"")
            .and_then(|f| f.strip_suffix('"'))
        {
            let source = if self.features_configured {
                Source::Configured
            } else {
                Source::DefaultFeatures
            };
            return d(self.features.contains(f), source);
        }
        if self.flags.contains(atom) {
            return d(true, Source::Configured);
        }
        if self.unset.contains(atom) {
            return d(false, Source::Configured);
        }
        if let Some(t) = &self.target {
            if Target::decides(atom) {
                return d(t.options.contains(atom), Source::Target);
            }
        }
        if NEVER_DEPLOYED.contains(&atom) {
            return d(false, Source::NeverDeployed);
        }
        // Undecided: the builds read are one per value; the first read takes it on.
        d(
            self.either.get(atom).copied().unwrap_or(true),
            Source::Either,
        )
    }

    /// Whether a cfg predicate holds; `None` when it is not one.
    pub fn holds(&self, pred: &syn::Meta) -> Option<bool> {
        Eval {
            cfg: self,
            consulted: BTreeMap::new(),
        }
        .holds(pred)
    }

    /// Attributes as this build sees them: `cfg_attr`s whose predicate holds become their
    /// attributes, others vanish. `Err` names an attribute whose predicate is not a cfg.
    fn attrs(
        &self,
        ev: &mut Eval<'_>,
        attrs: &mut Vec<syn::Attribute>,
        what: &str,
        effects: &mut Vec<Effect>,
    ) -> Result<(), String> {
        let mut out = Vec::with_capacity(attrs.len());
        for a in attrs.drain(..) {
            if !a.path().is_ident("cfg_attr") {
                out.push(a);
                continue;
            }
            let syn::Meta::List(l) = &a.meta else {
                return Err("a `cfg_attr` without arguments".into());
            };
            let args = l
                .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                .map_err(|e| format!("a `cfg_attr` sessionlint cannot read: {e}"))?;
            let mut it = args.into_iter();
            let pred = it.next().ok_or("an empty `cfg_attr`")?;
            let metas: Vec<syn::Meta> = it.collect();
            let (on, options) = ev
                .pred(&pred)
                .ok_or("a `cfg_attr` whose condition is not a cfg predicate")?;
            let list = metas
                .iter()
                .map(|m| format!("#[{}]", shown(m)))
                .collect::<Vec<_>>()
                .join(" ");
            effects.push(Effect {
                what: what.to_string(),
                attrs: Some(list),
                pred: shown(&pred),
                on,
                options,
            });
            if on {
                out.extend(metas.into_iter().map(|meta| syn::Attribute {
                    pound_token: a.pound_token,
                    style: a.style,
                    bracket_token: a.bracket_token,
                    meta,
                }));
            }
        }
        *attrs = out;
        // A nested `cfg_attr` is expanded in turn.
        if attrs.iter().any(|a| a.path().is_ident("cfg_attr")) {
            return self.attrs(ev, attrs, what, effects);
        }
        Ok(())
    }

    /// Whether an item, field or variant exists in this build (`#[cfg(...)]`).
    fn present(
        &self,
        ev: &mut Eval<'_>,
        attrs: &[syn::Attribute],
        what: &str,
        effects: &mut Vec<Effect>,
    ) -> Result<bool, String> {
        let mut present = true;
        for a in attrs.iter().filter(|a| a.path().is_ident("cfg")) {
            let syn::Meta::List(l) = &a.meta else {
                return Err("a `cfg` without a predicate".into());
            };
            let pred: syn::Meta = l
                .parse_args()
                .map_err(|e| format!("a `cfg` sessionlint cannot read: {e}"))?;
            let (on, options) = ev
                .pred(&pred)
                .ok_or("a `cfg` whose condition is not a cfg predicate")?;
            effects.push(Effect {
                what: what.to_string(),
                attrs: None,
                pred: shown(&pred),
                on,
                options,
            });
            present &= on;
        }
        Ok(present)
    }

    /// The item as this build compiles it (`present` false when the build leaves it out), with
    /// the options consulted and what they changed.
    pub fn apply(&self, input: &mut syn::DeriveInput) -> Result<Applied, String> {
        // Most items have no cfg at all: nothing to evaluate, nothing to say.
        if !mentions_cfg(input) {
            return Ok(Applied {
                present: true,
                consulted: BTreeMap::new(),
                effects: Vec::new(),
            });
        }
        let mut ev = Eval {
            cfg: self,
            consulted: BTreeMap::new(),
        };
        let mut effects = Vec::new();
        let item = input.ident.to_string();
        self.attrs(
            &mut ev,
            &mut input.attrs,
            &format!("`{item}`"),
            &mut effects,
        )?;
        let present = self.present(&mut ev, &input.attrs, &format!("`{item}`"), &mut effects)?;
        if present {
            match &mut input.data {
                syn::Data::Struct(s) => self.fields(&mut ev, &mut s.fields, &item, &mut effects)?,
                syn::Data::Enum(e) => {
                    let variants = std::mem::take(&mut e.variants);
                    for mut v in variants {
                        let owner = format!("{item}::{}", v.ident);
                        let what = format!("variant `{owner}`");
                        self.attrs(&mut ev, &mut v.attrs, &what, &mut effects)?;
                        if self.present(&mut ev, &v.attrs, &what, &mut effects)? {
                            self.fields(&mut ev, &mut v.fields, &owner, &mut effects)?;
                            e.variants.push(v);
                        }
                    }
                }
                syn::Data::Union(_) => {}
            }
        }
        Ok(Applied {
            present,
            consulted: ev.consulted,
            effects,
        })
    }

    fn fields(
        &self,
        ev: &mut Eval<'_>,
        fields: &mut syn::Fields,
        owner: &str,
        effects: &mut Vec<Effect>,
    ) -> Result<(), String> {
        let list = match fields {
            syn::Fields::Named(n) => &mut n.named,
            syn::Fields::Unnamed(u) => &mut u.unnamed,
            syn::Fields::Unit => return Ok(()),
        };
        for (i, mut f) in std::mem::take(list).into_iter().enumerate() {
            let name = f
                .ident
                .as_ref()
                .map_or_else(|| i.to_string(), |id| id.to_string());
            let what = format!("field `{owner}.{name}`");
            self.attrs(ev, &mut f.attrs, &what, effects)?;
            if self.present(ev, &f.attrs, &what, effects)? {
                list.push(f);
            }
        }
        Ok(())
    }
}
