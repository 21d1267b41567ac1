//! One validation pass over a schema, whatever it was read from (Rust source, a snapshot, a
//! hand-written schema file, the derive's run-time schema), before any analysis sees it: shapes,
//! references, enumerated values, keys that do not apply to the encoding, the EMS carrier, and
//! how far the analysis would have to expand the type. The analysis may then assume all of it.

use super::{
    EmsMarker, Encoding, EnumDef, Field, Origin, Problem, Schema, Style, Ty, TypeDef, Write,
};
use std::collections::{BTreeMap, HashMap};

/// How many values the analysis may have to expand one version into (types unrolled to the
/// walkers' depth, arrays to their modelled length). Past it a version is refused, not guessed.
pub const MAX_EXPANSION: u64 = 1 << 20;
/// The walkers' depth bound (`analysis`), mirrored here so that the estimate matches their work.
const WALK_DEPTH: usize = 48;
/// Arrays are modelled up to this many elements.
const ARRAY_ELEMS: u64 = 4096;

fn problem(origin: &Origin, message: String, help: &str) -> Problem {
    Problem {
        origin: origin.clone(),
        message,
        help: Some(help.to_string()),
    }
}

fn is_int(ty: &Ty) -> bool {
    matches!(ty, Ty::Int { .. })
}

/// The most critical properties one version may mark: each multiplies every analysis of it.
pub const MAX_PROPERTIES: usize = 16;

impl Schema {
    /// Every problem with this schema; empty when the analysis may run on it.
    pub fn validate(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let Some(root) = self.types.get(&self.root) else {
            out.push(problem(
                &self.origin,
                format!("schema root `{}` is not among its types", self.root),
                "add the root type's table under [types], or fix `root`",
            ));
            return out;
        };
        self.check_container(root, &mut out);
        for def in self.types.values() {
            self.check_shapes(def, &mut out);
            for f in def.fields() {
                self.check_field(def, f, &mut out);
            }
        }
        self.check_carriers(&mut out);
        // Every analysis runs once per property: their number bounds the work a version causes.
        let properties = self.properties();
        if properties.len() > MAX_PROPERTIES {
            out.push(problem(
                &self.origin,
                format!(
                    "`{}` version {} marks {} critical properties, more than the limit of {MAX_PROPERTIES}",
                    self.name,
                    self.version,
                    properties.len()
                ),
                "mark only the session facts whose loss widens resumption (`critical = \"NAME\"`); each is analysed on every pair",
            ));
            return out;
        }
        // Each critical property as EMS is checked: one field per session, a real variant.
        for p in properties {
            let mut theirs = Vec::new();
            self.project(&p).check_carriers(&mut theirs);
            out.extend(theirs.into_iter().map(|mut x| {
                x.message = x
                    .message
                    .replace(
                        "more than one EMS carrier",
                        &format!("more than one field for the critical property `{p}`"),
                    )
                    .replace("`ems = \"", "`critical_variant = \"");
                x.help = x.help.map(|h| {
                    h.replace(
                        "#[session(ems)]",
                        &format!("#[session(critical = \"{p}\")]"),
                    )
                    .replace("plain `ems`", "`critical` alone")
                });
                x
            }));
        }
        out.extend(wire_layout(self));
        if out.is_empty() {
            let cost = self.expansion();
            if cost > MAX_EXPANSION {
                out.push(problem(
                    &self.origin,
                    format!(
                        "{} v{} expands to more than {MAX_EXPANSION} values when its types are unrolled (recursive or deeply shared types), beyond what sessionlint analyses",
                        self.name, self.version
                    ),
                    "a session format is a flat record; model the recursive or repeated part as an opaque type (`opaque Name` in a schema file, a `with = \"...\"` codec in serde)",
                ));
            }
        }
        out
    }

    fn check_container(&self, root: &TypeDef, out: &mut Vec<Problem>) {
        let der = self.encoding == Encoding::Der;
        if der && !matches!(root, TypeDef::Struct(_)) {
            out.push(problem(
                &self.origin,
                format!("the root `{}` of a `der` schema is an enum", self.root),
                "a DER session is a SEQUENCE: make the root a struct whose fields carry tags",
            ));
        }
        if der && self.trailing.is_some() {
            out.push(problem(
                &self.origin,
                "`trailing` does not apply to a `der` schema".into(),
                "a DER decoder's policy for elements it does not expect is `unknown_tags`",
            ));
        }
        if !der && self.unknown_tags.is_some() {
            out.push(problem(
                &self.origin,
                format!(
                    "`unknown_tags` applies only to `der` schemas, not `{}`",
                    self.encoding
                ),
                "remove it, or use `trailing` for what a positional decoder does with extra bytes",
            ));
        }
    }

    fn check_shapes(&self, def: &TypeDef, out: &mut Vec<Problem>) {
        let shape =
            |style: Style, n: usize, what: &str, origin: &Origin, out: &mut Vec<Problem>| {
                let ok = match style {
                    Style::Newtype => n == 1,
                    Style::Unit => n == 0,
                    Style::Struct | Style::Tuple => true,
                };
                if !ok {
                    out.push(problem(
                    origin,
                    format!("{what} is declared `{style:?}` with {n} field(s)"),
                    "a newtype has exactly one field and a unit none; fix `style` or the fields",
                ));
                }
            };
        match def {
            TypeDef::Struct(s) => shape(
                s.style,
                s.fields.len(),
                &format!("struct `{}`", s.name),
                &s.origin,
                out,
            ),
            TypeDef::Enum(e) => {
                if e.variants.is_empty() && self.encoding.is_serde() {
                    // An empty enum has no value: serde can neither write nor read one.
                    out.push(problem(
                        &e.origin,
                        format!("enum `{}` has no variants", e.name),
                        "a session type needs a value to write; give the enum its variants",
                    ));
                }
                for v in &e.variants {
                    shape(
                        v.style,
                        v.fields.len(),
                        &format!("variant `{}::{}`", e.name, v.ident),
                        &v.origin,
                        out,
                    );
                }
                self.check_dispatch(e, out);
            }
        }
        for f in def.fields() {
            for n in f.ty.named_types() {
                if !self.types.contains_key(n) {
                    out.push(problem(
                        &f.origin,
                        format!(
                            "type `{n}` (field `{}` of `{}`) is not among the schema's types",
                            f.ident,
                            def.name()
                        ),
                        &format!("add a [types.{n}] table"),
                    ));
                }
            }
        }
    }

    /// A `tls-positional` enum that dispatches on a value: its width, and one value per variant
    /// that fits it (a catch-all `other` variant needs none).
    fn check_dispatch(&self, e: &EnumDef, out: &mut Vec<Problem>) {
        let Some(width) = e.tag_width else {
            if let Some(v) = e.variants.iter().find(|v| v.tag_value.is_some()) {
                out.push(problem(
                    &v.origin,
                    format!(
                        "variant `{}::{}` has a `tag_value`, but enum `{}` has no `tag_width`",
                        e.name, v.ident, e.name
                    ),
                    "give the enum `tag_width = N` (bytes of the value it dispatches on)",
                ));
            }
            return;
        };
        if self.encoding != Encoding::TlsPositional {
            out.push(problem(
                &e.origin,
                format!(
                    "`tag_width` on enum `{}` does not apply to a `{}` schema",
                    e.name, self.encoding
                ),
                "a dispatch on a value is a `tls-positional` layout",
            ));
        }
        if ![1, 2, 4, 8].contains(&width) {
            out.push(problem(
                &e.origin,
                format!("`tag_width` of {width} bytes on enum `{}`", e.name),
                "a dispatch value is 1, 2, 4 or 8 bytes",
            ));
        }
        let mut seen = BTreeMap::new();
        for v in &e.variants {
            match v.tag_value {
                None if !v.other => out.push(problem(
                    &v.origin,
                    format!("variant `{}::{}` has no `tag_value`", e.name, v.ident),
                    "give each variant the value that selects it, or mark the catch-all with `other = true`",
                )),
                Some(t) if width < 8 && t >> (8 * width as u32) != 0 => out.push(problem(
                    &v.origin,
                    format!("`tag_value` {t:#x} of `{}::{}` does not fit in {width} bytes", e.name, v.ident),
                    "fix the value or `tag_width`",
                )),
                Some(t) => {
                    if let Some(first) = seen.insert(t, &v.ident) {
                        out.push(problem(
                            &v.origin,
                            format!("`tag_value` {t:#x} selects both `{first}` and `{}`", v.ident),
                            "each value selects one variant",
                        ));
                    }
                }
                None => {}
            }
        }
    }

    /// Each `wire` key against the encoding it belongs to and the field's type. Messages quote the
    /// key, so that a schema file's diagnostic points at its line.
    fn check_wire(&self, name: &str, f: &Field, out: &mut Vec<Problem>) {
        let at = &f.origin;
        let der = self.encoding == Encoding::Der;
        let w = &f.wire;
        let keys: [(&str, bool, bool); 8] = [
            // key, set, allowed in this encoding
            ("tag", w.tag.is_some(), der),
            ("implicit", w.implicit, der),
            ("min_len", w.min_len.is_some(), true),
            ("prefix", w.prefix.is_some(), !der),
            ("if_remaining", w.if_remaining, !der),
            ("lenient", w.lenient, !der),
            ("one_is_true", w.one_is_true, !der),
            ("max_len", w.max_len.is_some(), true),
        ];
        for (key, set, allowed) in keys {
            if set && !allowed {
                out.push(problem(
                    at,
                    format!("field {name}: `{key}` does not apply to a `{}` schema", self.encoding),
                    if der {
                        "a DER element carries its own tag and length; TLS-presentation keys (`prefix`, `if_remaining`, `lenient`, `one_is_true`) do not apply"
                    } else {
                        "context tags exist only in `der` schemas"
                    },
                ));
            }
        }
        check_lengths(name, f, out);
        if w.implicit && w.tag.is_none() {
            out.push(problem(
                at,
                format!("`implicit` on {name}, which has no `tag`"),
                "`implicit` says how a context tag is written; give the tag (`tag = 3`)",
            ));
        }
        if w.one_is_true && !matches!(f.ty, Ty::Bool | Ty::Option { .. }) {
            out.push(problem(
                at,
                format!(
                    "`one_is_true` on {name}, whose type `{}` is neither a bool nor an Option",
                    f.ty
                ),
                "it describes how a bool byte or an Option's presence byte is read",
            ));
        }
    }

    fn check_field(&self, def: &TypeDef, f: &Field, out: &mut Vec<Problem>) {
        let serde = self.encoding.is_serde();
        let at = &f.origin;
        let name = format!("`{}.{}`", def.name(), f.ident);
        if !f.wire.is_empty() && serde {
            out.push(problem(
                at,
                format!("field {name} has a [wire] layout, but encoding `{}` is a serde encoding", self.encoding),
                "wire layouts belong to `der` and `tls-positional` schemas; remove the [wire] table or change the encoding",
            ));
        }
        if !serde {
            self.check_wire(&name, f, out);
        }
        if let Write::Unless(cond) = &f.write {
            self.check_unless(def, f, cond, out);
        }
        let s = &f.session;
        if s.known_bits.is_some() && !is_int(&f.ty) {
            out.push(problem(
                at,
                format!(
                    "`known_bits` on {name}, whose type `{}` is not an integer",
                    f.ty
                ),
                "known bits describe an integer flags field",
            ));
        }
        if s.version_field.is_some() && !is_int(&f.ty) {
            out.push(problem(
                at,
                format!(
                    "{name} is the version field but its type `{}` is not an integer",
                    f.ty
                ),
                "a version field is an integer",
            ));
        }
        if s.writes.is_some() && s.version_field.is_none() {
            out.push(problem(at, format!("`writes` on {name}, which is not the version field"), "`writes` says what the encoder puts in its version field; add `version_field` or remove it"));
        }
        for (key, set) in [("check", s.check.is_some()), ("values", s.values.is_some())] {
            if set && !is_int(&f.ty) && fixed_bytes(f).is_none() {
                out.push(problem(
                    at,
                    format!("`{key}` on {name}, whose type `{}` is neither an integer nor a fixed run of at most 8 bytes", f.ty),
                    "`check` (what a decoder requires after parsing) and `values` (what an encoder writes) describe integers, or opaques of one length (`min_len` = `max_len` at most 8), read big-endian",
                ));
            }
        }
        check_ems_keys(&name, f, out);
    }

    /// `write = { unless = ... }`: in serde schemas the `skip_serializing_if` path; in wire
    /// schemas a condition: `when present`, `when true`, `when non-zero`, or `when <field>` of
    /// the same struct.
    fn check_unless(&self, def: &TypeDef, f: &Field, cond: &str, out: &mut Vec<Problem>) {
        let path_ok = !cond.is_empty()
            && cond.split("::").all(|seg| {
                let mut c = seg.chars();
                c.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                    && c.all(|c| c.is_alphanumeric() || c == '_')
            });
        let ok = if self.encoding.is_serde() {
            path_ok
        } else {
            match cond.strip_prefix("when ") {
                Some("present" | "true" | "false" | "non-zero") => true,
                Some(other) => def.fields().iter().any(|g| g.ident == other),
                None => false,
            }
        };
        if !ok {
            let help = if self.encoding.is_serde() {
                "in a serde schema `unless` is the skip_serializing_if path, e.g. `Option::is_none`"
            } else {
                "write `when present`, `when true`, `when false`, `when non-zero`, or `when <field>` naming a field of the same struct"
            };
            out.push(problem(
                &f.origin,
                format!(
                    "`unless = \"{cond}\"` on `{}.{}` is not a condition sessionlint knows",
                    def.name(),
                    f.ident
                ),
                help,
            ));
        }
    }

    /// One EMS carrier per version, and an enum carrier that names a real variant.
    fn check_carriers(&self, out: &mut Vec<Problem>) {
        let mut carriers = Vec::new();
        for def in self.types.values() {
            for f in def.fields() {
                let Some(m) = &f.session.ems else { continue };
                carriers.push((def.name(), f));
                let EmsMarker::Variant { variant } = m else {
                    continue;
                };
                let target = f.ty.named_types().first().and_then(|n| self.types.get(*n));
                match target {
                    Some(TypeDef::Enum(e)) if e.variants.iter().any(|v| &v.ident == variant) => {}
                    Some(TypeDef::Enum(e)) => out.push(problem(
                        &f.origin,
                        format!(
                            "`ems = \"{variant}\"`: enum `{}` has no variant `{variant}`",
                            e.name
                        ),
                        &format!(
                            "name one of: {}",
                            e.variants
                                .iter()
                                .map(|v| v.ident.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )),
                    _ => out.push(problem(
                        &f.origin,
                        format!(
                            "`ems = \"{variant}\"` needs an enum-typed field; `{}` is not an enum",
                            f.ty
                        ),
                        "on a bool or Option field write plain `ems`",
                    )),
                }
            }
        }
        // One carrier per session: per variant of a root enum whose variants are versions.
        let groups: Vec<Vec<(&str, &Field)>> = match self.root_def() {
            Some(TypeDef::Enum(e)) => e
                .variants
                .iter()
                .map(|v| {
                    let mut seen = vec![self.root.clone()];
                    let mut found = Vec::new();
                    for f in &v.fields {
                        self.carriers_in(e.name.as_str(), f, &mut seen, &mut found);
                    }
                    found
                })
                .collect(),
            _ => vec![carriers],
        };
        for carriers in groups {
            for (owner, f) in carriers.iter().skip(1) {
                out.push(problem(
                    &f.origin,
                    format!(
                        "format `{}` v{} has more than one EMS carrier in one session (`{}.{}` and `{}.{}`)",
                        self.name, self.version, carriers[0].0, carriers[0].1.ident, owner, f.ident
                    ),
                    "mark exactly one field with #[session(ems)] (one per variant of a root enum whose variants are versions)",
                ));
            }
        }
    }

    /// The EMS carriers field `f` of type `owner` holds, itself or in the types it names.
    fn carriers_in<'a>(
        &'a self,
        owner: &'a str,
        f: &'a Field,
        seen: &mut Vec<String>,
        out: &mut Vec<(&'a str, &'a Field)>,
    ) {
        if f.session.ems.is_some() {
            out.push((owner, f));
        }
        for name in f.ty.named_types() {
            if seen.iter().any(|s| s == name) {
                continue;
            }
            seen.push(name.to_string());
            if let Some(def) = self.types.get(name) {
                for inner in def.fields() {
                    self.carriers_in(def.name(), inner, seen, out);
                }
            }
        }
    }

    /// An upper bound on the values the walkers expand this version into, memoised per (type,
    /// depth) so that computing it is linear in the schema even when the expansion is not.
    pub fn expansion(&self) -> u64 {
        let mut memo: HashMap<(&str, usize), u64> = HashMap::new();
        self.ty_cost(
            &Ty::Named {
                name: self.root.clone(),
            },
            0,
            &mut memo,
        )
    }

    fn ty_cost<'a>(
        &'a self,
        ty: &'a Ty,
        depth: usize,
        memo: &mut HashMap<(&'a str, usize), u64>,
    ) -> u64 {
        if depth > WALK_DEPTH {
            return 1;
        }
        let d = depth + 1;
        match ty {
            Ty::Option { of } | Ty::Seq { of } => 1u64.saturating_add(self.ty_cost(of, d, memo)),
            Ty::Array { of, len } => (*len as u64)
                .clamp(1, ARRAY_ELEMS)
                .saturating_mul(self.ty_cost(of, d, memo)),
            Ty::Tuple { items } => items
                .iter()
                .fold(1u64, |acc, t| acc.saturating_add(self.ty_cost(t, d, memo))),
            Ty::Map { key, value } => 1u64
                .saturating_add(self.ty_cost(key, d, memo))
                .saturating_add(self.ty_cost(value, d, memo)),
            Ty::Named { name } => {
                if let Some(c) = memo.get(&(name.as_str(), depth)) {
                    return *c;
                }
                let Some(def) = self.types.get(name) else {
                    return 1;
                };
                let c = def.fields().iter().fold(1u64, |acc, f| {
                    acc.saturating_add(self.ty_cost(&f.ty, d, memo))
                });
                memo.insert((name.as_str(), depth), c);
                c
            }
            _ => 1,
        }
    }
}

/// How many length-prefixed levels a type has (`Vec<Vec<u8>>`: 2).
fn seq_levels(ty: &Ty) -> usize {
    match ty {
        Ty::Seq { of } => 1 + seq_levels(of),
        _ => 0,
    }
}

/// Two declarations that claim one wire slot: tags of a DER SEQUENCE, fields after a field read
/// only if bytes remain.
fn wire_layout(schema: &Schema) -> Vec<Problem> {
    let mut out = Vec::new();
    for def in schema.types.values() {
        let TypeDef::Struct(st) = def else { continue };
        let mut tags: BTreeMap<u32, &str> = BTreeMap::new();
        let mut tail: Option<&str> = None;
        for f in &st.fields {
            if let Some(t) = f.wire.tag {
                if let Some(first) = tags.insert(t, &f.ident) {
                    out.push(problem(
                        &f.origin,
                        format!("tag [{t}] is used by `{first}` and `{}`", f.ident),
                        "each element of a DER SEQUENCE needs its own context tag",
                    ));
                }
            }
            if let Some(t) = tail {
                out.push(problem(
                    &f.origin,
                    format!(
                        "field `{}` follows `{t}`, which is read only if bytes remain",
                        f.ident
                    ),
                    "a field read `if bytes remain` consumes the rest: it must be the last field",
                ));
            }
            if f.wire.if_remaining {
                tail = Some(&f.ident);
            }
        }
    }
    out
}

/// The length of an opaque a `check` or `values` can read as a big-endian integer: `[u8; N]`, or
/// `Vec<u8>` with `min_len` = `max_len`, of at most 8 bytes.
pub fn fixed_bytes(f: &Field) -> Option<usize> {
    let n = match &f.ty {
        Ty::Array { of, len } if **of == Ty::int(false, 8) => *len,
        Ty::Seq { of } if **of == Ty::int(false, 8) => {
            let max = f.wire.outer_max_len()?;
            (f.wire.min_len == Some(max)).then_some(max as usize)?
        }
        _ => return None,
    };
    (1..=8).contains(&n).then_some(n)
}

/// A field's EMS keys: `written`, `ignored` and the marker, against its type and each other.
fn check_ems_keys(name: &str, f: &Field, out: &mut Vec<Problem>) {
    let (at, s) = (&f.origin, &f.session);
    if s.written.is_some() && s.ems.is_none() {
        out.push(problem(
            at,
            format!("`written` on {name}, which is not an EMS carrier"),
            "`written = \"any\"` says that a version writes its EMS carrier whatever the session's EMS status",
        ));
    }
    if s.ignored && s.ems.is_none() {
        out.push(problem(
            at,
            format!("`ignored` on {name}, which is not an EMS carrier"),
            "`ignored` marks an EMS carrier that is read and not acted on",
        ));
    }
    if s.ems.is_some() && s.version_field.is_some() {
        out.push(problem(
            at,
            format!("{name} is both the version field and the EMS carrier"),
            "mark the EMS flag and the version on separate fields",
        ));
    }
    match &s.ems {
        Some(EmsMarker::Flag) if !matches!(f.ty, Ty::Bool | Ty::Option { .. }) => {
            out.push(problem(
                at,
                format!(
                    "`ems` on {name}, whose type `{}` is neither bool nor Option",
                    f.ty
                ),
                "use `ems = \"Variant\"` on an enum field or `ems_mask` on an integer flags field",
            ))
        }
        Some(EmsMarker::Mask { mask }) => {
            if !is_int(&f.ty) {
                out.push(problem(
                    at,
                    format!(
                        "`ems_mask` on {name}, whose type `{}` is not an integer",
                        f.ty
                    ),
                    "an EMS mask selects a bit of an integer flags field",
                ));
            }
            if *mask == 0 {
                out.push(problem(
                    at,
                    format!("`ems_mask = 0` on {name} selects no bit"),
                    "name the EMS bit, e.g. `ems_mask = 0x4`",
                ));
            }
            if s.known_bits.is_some_and(|k| mask & !k != 0) {
                out.push(problem(
                    at,
                    format!("`ems_mask` of {name} lies outside its `known_bits`"),
                    "a decoder that knows the EMS bit lists it in `known_bits`",
                ));
            }
        }
        _ => {}
    }
}

/// A field's length keys: `prefix` widths and levels, `max_len` and `min_len`.
fn check_lengths(name: &str, f: &Field, out: &mut Vec<Problem>) {
    let (at, w) = (&f.origin, &f.wire);
    let inner = match &f.ty {
        Ty::Option { of } => of,
        t => t,
    };
    if let Some(p) = &w.prefix {
        for width in &p.0 {
            if ![1, 2, 3, 4].contains(width) {
                out.push(problem(
                    at,
                    format!("`prefix` of {width} bytes for {name}"),
                    "TLS length prefixes are 1, 2, 3 or 4 bytes",
                ));
            }
        }
        let levels = seq_levels(inner);
        if levels == 0 {
            out.push(problem(
                at,
                format!("`prefix` on {name}, whose type `{}` has no length", f.ty),
                "a length prefix belongs to an opaque (`Vec<u8>`) or a list",
            ));
        } else if p.0.len() > levels {
            out.push(problem(
                at,
                format!(
                    "`prefix` gives {} widths for {name}, whose type `{}` has {levels} level(s)",
                    p.0.len(),
                    f.ty
                ),
                "give one width per level, outermost first, or one width for every level",
            ));
        }
    }
    for (key, set) in [
        ("max_len", w.max_len.is_some()),
        ("min_len", w.min_len.is_some()),
    ] {
        if set && seq_levels(inner) == 0 && *inner != Ty::Str {
            out.push(problem(
                at,
                format!("`{key}` on {name}, whose type `{}` has no length", f.ty),
                "a length limit belongs to an opaque (`Vec<u8>`), a string or a list",
            ));
        }
    }
    if let Some(m) = &w.max_len {
        let levels = seq_levels(inner);
        if levels > 0 && m.0.len() > levels {
            out.push(problem(
                at,
                format!(
                    "`max_len` gives {} limits for {name}, whose type `{}` has {levels} level(s)",
                    m.0.len(),
                    f.ty
                ),
                "give one limit per level, outermost first",
            ));
        }
        if let (Some(lo), Some(hi)) = (w.min_len, m.0.first()) {
            if lo > *hi {
                out.push(problem(
                    at,
                    format!("`min_len = {lo}` on {name} is above its `max_len = {hi}`"),
                    "no value would be accepted",
                ));
            }
        }
    }
}
