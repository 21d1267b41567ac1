//! An older version's decoder, for the self-describing encodings (maps and msgpack arrays),
//! run over everything the newer encoder may write. This is serde_derive's visitor logic plus
//! the per-encoding facts of `crate::encoding`.

use super::evidence::{EnumWhy, FieldWhy, FilledBy, ValueKind, ValueWhy};
use super::outcome::Out;
use super::semantics::{Checks, OptionFlag, Place};
use super::value::{AVal, Elem, Entry, Wire};
use crate::schema::{
    EmsMarker, EnumDef, EnumRepr, Field, Literal, Missing, Schema, StructDef, Style, Ty, TypeDef,
    Variant,
};

const MAX_DEPTH: usize = 48;
/// Optional positional elements are enumerated; past this many, the layout is data-dependent.
const MAX_OPTIONAL_ELEMS: usize = 8;
/// Up to this many keys, a struct's keys are searched in place rather than hashed.
const NARROW: usize = 16;

/// The keys of a struct's entries: by key, so that a wide struct costs what it holds, not its
/// square; a narrow one is searched in place (hashing every key cost more than the search).
struct Keys<'e> {
    entries: &'e [Entry],
    by_key: Option<std::collections::HashMap<&'e str, Vec<usize>>>,
}

impl<'e> Keys<'e> {
    fn of(entries: &'e [Entry]) -> Keys<'e> {
        let by_key = (entries.len() > NARROW).then(|| {
            let mut m: std::collections::HashMap<&str, Vec<usize>> = Default::default();
            for (i, e) in entries.iter().enumerate() {
                m.entry(e.key.as_str()).or_default().push(i);
            }
            m
        });
        Keys { entries, by_key }
    }

    /// The entries under key `n`, in order.
    fn named(&self, n: &str) -> Vec<usize> {
        match &self.by_key {
            Some(m) => m.get(n).cloned().unwrap_or_default(),
            None => (0..self.entries.len())
                .filter(|&i| self.entries[i].key == n)
                .collect(),
        }
    }

    /// A key's place among the entries (the last of several).
    fn place(&self, k: &str) -> Option<usize> {
        match &self.by_key {
            Some(m) => m.get(k).and_then(|v| v.last().copied()),
            None => self.entries.iter().rposition(|e| e.key == k),
        }
    }
}

pub struct Dec<'a> {
    pub schema: &'a Schema,
    /// Keys the encoder renamed on purpose: it writes another name and keeps these as aliases
    /// (`#[serde(rename = "k_v2", alias = "k")]`). A decoder that requires one of them refuses
    /// the encoder's sessions by the encoder's design.
    pub renamed: std::collections::BTreeSet<String>,
}

/// What a default value is to a decoder's checks.
enum Filled {
    /// The integer it reads (a bool is 0 or 1).
    Int(i128),
    /// Whether an `Option` carrier (or a variant carrier) reads it as EMS.
    Ems(bool),
    Unknown,
}

/// A literal default as the field of type `ty` holds it.
fn filled(value: &Literal, ty: &Ty, leaf: Leaf<'_>) -> Filled {
    match (value, ty) {
        (Literal::Bool(b), Ty::Bool) => Filled::Int(i128::from(*b)),
        (Literal::Int(n), Ty::Int { .. }) => Filled::Int(i128::from(*n)),
        (Literal::None, Ty::Option { .. }) => Filled::Ems(false),
        (Literal::Some(inner), Ty::Option { of }) => match OptionFlag::of(leaf.marker, of) {
            OptionFlag::IsSome => Filled::Ems(true),
            OptionFlag::OnPayload | OptionFlag::Absent => filled(inner, of, leaf),
        },
        (Literal::Variant(v), Ty::Named { .. }) => {
            Filled::Ems(leaf.marker.and_then(EmsMarker::variant) == Some(v.as_str()))
        }
        // A value that sessionlint cannot place matters only where a check reads it.
        _ if leaf.is_plain() => Filled::Ems(false),
        _ => Filled::Unknown,
    }
}

/// One older enum being decoded: the variant names it reads, and the variant that means EMS.
struct EnumRead<'e> {
    e: &'e EnumDef,
    ems_variant: Option<&'e str>,
}

impl<'e> EnumRead<'e> {
    fn find(&self, name: &str) -> Option<&'e Variant> {
        self.e
            .variants
            .iter()
            .find(|var| var.read && var.de_names.iter().any(|n| n == name))
    }

    fn other(&self) -> Option<&'e Variant> {
        self.e.variants.iter().find(|var| var.other)
    }

    /// Everything `var` accepts is EMS when it is the carrier variant.
    fn classify(&self, var: &Variant, out: Out) -> Out {
        if self.ems_variant == Some(var.ident.as_str()) {
            out.as_ems()
        } else {
            out
        }
    }

    /// A variant name the enum does not know: `#[serde(other)]` takes it, else it is rejected.
    fn unknown(&self, name: &str, wire: Wire) -> Out {
        match self.other() {
            Some(o) => self
                .classify(o, Out::accept(wire))
                .note(EnumWhy::UnknownVariantCaught {
                    name: name.to_string(),
                    owner: self.e.name.clone(),
                    other: o.ident.clone(),
                }),
            None => Out::reject_strict(EnumWhy::UnknownVariant {
                name: name.to_string(),
                owner: self.e.name.clone(),
            }),
        }
    }
}

/// What the older decoder checks on one value beyond its type.
type Leaf<'a> = Checks<'a>;

fn kind(v: &AVal) -> ValueKind {
    match v {
        AVal::Null => ValueKind::Null,
        AVal::Bool(_) => ValueKind::Bool,
        AVal::Int(_) | AVal::IntAny { .. } => ValueKind::Int,
        AVal::Float => ValueKind::Float,
        AVal::Str(_) => ValueKind::Str,
        AVal::Seq(_) | AVal::List(_) => ValueKind::Seq,
        AVal::Map(_) | AVal::DynMap(_) => ValueKind::Map,
        AVal::OneOf(_) => ValueKind::Any,
        AVal::Opaque(_) => ValueKind::Custom,
    }
}

impl<'a> Dec<'a> {
    /// This decoder reading what `encoder` writes: its deliberately renamed keys known.
    pub fn reading(schema: &'a Schema, encoder: &Schema) -> Self {
        let renamed = encoder
            .types
            .values()
            .flat_map(|d| d.fields())
            .flat_map(|f| {
                f.de_names
                    .iter()
                    .filter(|n| **n != f.ser_name && f.write != crate::schema::Write::Never)
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect();
        Dec { schema, renamed }
    }

    pub fn root(&self, v: &AVal) -> Out {
        let ty = Ty::Named {
            name: self.schema.root.clone(),
        };
        self.value(&ty, v, Leaf::default(), 0)
    }

    pub fn value(&self, ty: &Ty, v: &AVal, leaf: Leaf<'_>, depth: usize) -> Out {
        if depth > MAX_DEPTH {
            return Out::data_dependent(v.concretize(), ValueWhy::TooDeep);
        }
        let d = depth + 1;
        if let AVal::OneOf(alts) = v {
            return Out::union_all(alts.iter().map(|a| self.value(ty, a, leaf, depth)));
        }
        match (ty, v) {
            (Ty::Opaque { name }, AVal::Opaque(n)) if n == name => Out::accept(v.concretize()),
            (Ty::Opaque { name }, _) => self.unseen(
                ty,
                v,
                leaf,
                ValueWhy::TypeNotModelled { name: name.clone() },
            ),
            (_, AVal::Opaque(n)) => self.unseen(
                ty,
                v,
                leaf,
                ValueWhy::WrittenByCustomCode { name: n.clone() },
            ),
            (Ty::Option { of }, AVal::Null) => {
                let _ = of;
                Out::accept(Wire::Null)
            }
            (Ty::Option { of }, _) => self.some(of, v, leaf, d),
            (Ty::Bool, AVal::Bool(b)) => match leaf.read(i128::from(*b), Place::Value) {
                Ok(a) if a.ems => Out::accept_ems(Wire::Bool(*b)),
                Ok(_) => Out::accept(Wire::Bool(*b)),
                Err(rejected) => rejected,
            },
            (Ty::Int { .. }, AVal::Int(i)) => self.int(ty, *i, leaf),
            (Ty::Int { .. }, AVal::IntAny { bits }) => {
                let mut cands = leaf.candidates();
                cands.retain(|c| bits.is_none_or(|b| (*c as u64) & !b == 0));
                Out::union_all(cands.into_iter().map(|c| self.int(ty, c, leaf)))
            }
            (Ty::Float { .. }, AVal::Float) => Out::accept(Wire::Float),
            (Ty::Float { .. }, AVal::Int(_) | AVal::IntAny { .. }) => {
                Out::data_dependent(v.concretize(), ValueWhy::IntAsFloat)
            }
            (Ty::Str, AVal::Str(s)) => Out::accept(Wire::Str(s.clone())),
            (Ty::Char, AVal::Str(_)) => Out::data_dependent(v.concretize(), ValueWhy::StrAsChar),
            (Ty::Unit, AVal::Null) => Out::accept(Wire::Null),
            (Ty::Seq { .. } | Ty::Array { .. } | Ty::Tuple { .. }, AVal::List(e)) => {
                self.list(ty, e, d)
            }
            (Ty::Seq { .. } | Ty::Array { .. } | Ty::Tuple { .. }, AVal::Seq(elems)) => {
                self.seq(ty, elems, d)
            }
            (Ty::Map { value, .. }, AVal::DynMap(e)) => Out::accept(Wire::Map(Vec::new())).union(
                self.value(value, e, Leaf::default(), d)
                    .map_wire(|w| Wire::Map(vec![("k".into(), w)])),
            ),
            (Ty::Map { key, value }, AVal::Map(entries)) if **key == Ty::Str => {
                self.string_map(value, entries, d)
            }
            (Ty::Named { name }, _) => match self.schema.type_def(name) {
                Some(TypeDef::Struct(s)) => self.strukt(s, v, leaf, d),
                Some(TypeDef::Enum(e)) => self.enumm(e, v, leaf, d),
                None => Out::data_dependent(
                    v.concretize(),
                    ValueWhy::TypeMissing { name: name.clone() },
                ),
            },
            (ty, v) => Out::reject(ValueWhy::InvalidType {
                found: kind(v),
                expected: ty.clone(),
            }),
        }
    }

    /// `Some` of an `Option`: a flag carrier on `Option<bool>` reads the bool; on any other
    /// `Option`, `Some(_)` itself is EMS.
    fn some(&self, of: &Ty, v: &AVal, leaf: Leaf<'_>, d: usize) -> Out {
        match OptionFlag::of(leaf.marker, of) {
            OptionFlag::IsSome => self
                .value(
                    of,
                    v,
                    Leaf {
                        marker: None,
                        ..leaf
                    },
                    d,
                )
                .as_ems(),
            OptionFlag::OnPayload | OptionFlag::Absent => self.value(of, v, leaf, d),
        }
    }

    /// A list of any length the newer encoder may write: empty, or one representative element.
    fn list(&self, ty: &Ty, e: &AVal, d: usize) -> Out {
        let empty = match ty {
            Ty::Seq { .. } | Ty::Array { len: 0, .. } => Out::accept(Wire::Seq(Vec::new())),
            _ => Out::reject(ValueWhy::InvalidLength),
        };
        let one = self.seq(
            ty,
            &[Elem {
                val: e.clone(),
                optional: false,
            }],
            d,
        );
        empty.union(one)
    }

    /// A map with string keys read from a struct-like map: every entry's value, each optional
    /// one present or not.
    fn string_map(&self, value: &Ty, entries: &[Entry], d: usize) -> Out {
        let outs = entries
            .iter()
            .map(|e| {
                let present = self
                    .value(value, &e.val, Leaf::default(), d)
                    .map_wire(wrap(&e.key));
                if e.optional {
                    present.union(Out::accept(Wire::Map(Vec::new())))
                } else {
                    present
                }
            })
            .collect();
        Out::product(outs, concat_maps)
    }

    fn int(&self, ty: &Ty, i: i128, leaf: Leaf<'_>) -> Out {
        let (lo, hi) = ty.int_range().unwrap_or((i128::MIN, i128::MAX));
        if i < lo || i > hi {
            return Out::reject(ValueWhy::IntDoesNotFit {
                value: i,
                ty: ty.clone(),
            });
        }
        match leaf.read(i, Place::Value) {
            Err(rejected) => rejected,
            Ok(a) => {
                let out = if a.ems {
                    Out::accept_ems(Wire::Int(i))
                } else {
                    Out::accept(Wire::Int(i))
                };
                a.note.into_iter().fold(out, Out::note)
            }
        }
    }

    fn seq(&self, ty: &Ty, elems: &[Elem], d: usize) -> Out {
        let elems: Vec<&Elem> = elems.iter().filter(|e| !e.optional).collect();
        let types: Vec<&Ty> = match ty {
            Ty::Seq { of } => elems.iter().map(|_| &**of).collect(),
            Ty::Array { of, len } if *len == elems.len() => elems.iter().map(|_| &**of).collect(),
            Ty::Tuple { items } if items.len() == elems.len() => items.iter().collect(),
            _ => {
                return Out::reject(ValueWhy::LengthMismatch {
                    len: elems.len(),
                    ty: ty.clone(),
                })
            }
        };
        let outs = elems
            .iter()
            .zip(types)
            .map(|(e, t)| self.value(t, &e.val, Leaf::default(), d))
            .collect();
        Out::product(outs, Wire::Seq)
    }

    fn strukt(&self, s: &StructDef, v: &AVal, leaf: Leaf<'_>, d: usize) -> Out {
        let read: Vec<&Field> = s.fields.iter().filter(|f| f.read).collect();
        if s.transparent || s.style == Style::Newtype {
            return match read.first() {
                Some(f) => self.field_value(f, v, d),
                None => Out::accept(v.concretize()),
            };
        }
        let _ = leaf;
        match (s.style, v) {
            (Style::Unit, AVal::Null) => Out::accept(Wire::Null),
            (Style::Struct, AVal::Map(entries)) => {
                self.fields(&s.name, &s.fields, s.deny_unknown_fields, entries, d)
            }
            (Style::Struct | Style::Tuple, AVal::Seq(elems)) => {
                self.positional(&s.name, &read, elems, d)
            }
            (_, v) => Out::reject(ValueWhy::NotAStruct {
                found: kind(v),
                name: s.name.clone(),
            }),
        }
    }

    fn field_value(&self, f: &Field, v: &AVal, d: usize) -> Out {
        if f.custom_codec {
            // The same code on the same type: it reads back what it wrote.
            if let (AVal::Opaque(id), Some(mine)) = (v, f.codec_id()) {
                if *id == mine && Leaf::of(f).is_plain() && !self.schema.holds_carrier(&f.ty) {
                    return Out::accept(v.concretize()).note(ValueWhy::SameCode {
                        field: f.ident.clone(),
                        code: mine,
                    });
                }
            }
            // A modelled adapter: a value not of its form is refused, one of its form is read
            // by code that may still refuse it (a string that is not base64).
            if f.codec_wire {
                let typed = self.value(&f.ty, v, Leaf::of(f), d);
                if !typed.accepts() {
                    return typed;
                }
            }
            return self.unseen(
                &f.ty,
                v,
                Leaf::of(f),
                ValueWhy::CustomSerde {
                    field: f.ident.clone(),
                    codec: f.codec.clone(),
                },
            );
        }
        self.value(&f.ty, v, Leaf::of(f), d)
    }

    /// A value read by code sessionlint does not model. Where it cannot set EMS in this decoder
    /// (no carrier on it or in its type), only its acceptance is unknown; otherwise its reading
    /// is too.
    fn unseen(&self, ty: &Ty, v: &AVal, leaf: Leaf<'_>, why: ValueWhy) -> Out {
        if leaf.is_plain() && !self.schema.holds_carrier(ty) {
            Out::accept_if(v.concretize(), why)
        } else {
            Out::data_dependent(v.concretize(), why)
        }
    }

    /// serde_derive's `visit_map`: keys by name, unknown keys ignored unless denied, missing keys
    /// filled by `default` (or `None` for an `Option`).
    pub fn fields(
        &self,
        owner: &str,
        fields: &[Field],
        deny: bool,
        entries: &[Entry],
        d: usize,
    ) -> Out {
        let mut claims: Vec<(&Field, String)> = Vec::new();
        let mut catch_all: Option<&Ty> = None;
        self.claims(owner, fields, &mut claims, &mut catch_all, 0);
        let mut outs = Vec::new();
        let mut used = vec![false; entries.len()];
        let keys = Keys::of(entries);
        for (f, owner_name) in &claims {
            let mut hits: Vec<usize> = f.de_names.iter().flat_map(|n| keys.named(n)).collect();
            hits.sort_unstable();
            hits.dedup();
            for &h in &hits {
                used[h] = true;
            }
            // What a missing key means is worked out only where a key may be missing.
            let out = match hits.first() {
                None => self.missing(owner_name, f),
                Some(&h) => {
                    let e = &entries[h];
                    let present = self.field_value(f, &e.val, d).map_wire(wrap(&e.key));
                    if e.optional {
                        present.union(self.missing(owner_name, f))
                    } else {
                        present
                    }
                }
            };
            outs.push(out);
        }
        for (e, _) in entries.iter().zip(&used).filter(|(_, u)| !**u) {
            outs.push(self.unknown_key(owner, e, deny, catch_all, d));
        }
        Out::product(outs, move |parts| {
            let mut m = match concat_maps(parts) {
                Wire::Map(m) => m,
                _ => unreachable!(),
            };
            m.sort_by_key(|(k, _)| keys.place(k.as_str()));
            Wire::Map(m)
        })
    }

    /// A key no field claims: rejected under `deny_unknown_fields` (unless the encoder may leave
    /// it out), kept by a flattened catch-all, or ignored.
    fn unknown_key(
        &self,
        owner: &str,
        e: &Entry,
        deny: bool,
        catch_all: Option<&Ty>,
        d: usize,
    ) -> Out {
        if deny {
            if e.optional {
                Out::accept(Wire::Map(Vec::new()))
                    .note(FieldWhy::MayBeLeftOut { key: e.key.clone() })
            } else {
                Out::reject_strict(FieldWhy::UnknownFieldDenied {
                    key: e.key.clone(),
                    owner: owner.to_string(),
                })
            }
        } else if let Some(vt) = catch_all {
            self.value(vt, &e.val, Leaf::default(), d)
                .map_wire(wrap(&e.key))
                .note(FieldWhy::KeptByCatchAll {
                    key: e.key.clone(),
                    owner: owner.to_string(),
                })
        } else {
            Out::accept(Wire::Map(vec![(e.key.clone(), e.val.concretize())])).note(
                FieldWhy::UnknownKeyIgnored {
                    key: e.key.clone(),
                    field: e.field.clone(),
                    owner: owner.to_string(),
                },
            )
        }
    }

    /// Keys a struct claims, through flattened structs; a flattened map is the catch-all.
    fn claims<'s>(
        &'s self,
        owner: &str,
        fields: &'s [Field],
        out: &mut Vec<(&'s Field, String)>,
        catch_all: &mut Option<&'s Ty>,
        depth: usize,
    ) {
        for f in fields.iter().filter(|f| f.read) {
            if f.flatten {
                match &f.ty {
                    Ty::Named { name } if depth < MAX_DEPTH => {
                        if let Some(TypeDef::Struct(inner)) = self.schema.type_def(name) {
                            self.claims(&inner.name, &inner.fields, out, catch_all, depth + 1);
                            continue;
                        }
                    }
                    Ty::Map { value, .. } => *catch_all = Some(value),
                    other => *catch_all = Some(other),
                }
                continue;
            }
            out.push((f, owner.to_string()));
        }
    }

    fn missing(&self, owner: &str, f: &Field) -> Out {
        match &f.missing {
            Missing::Error if matches!(f.ty, Ty::Option { .. }) && !f.custom_codec => {
                Out::accept(Wire::Map(Vec::new())).note(FieldWhy::MissingOption {
                    owner: owner.to_string(),
                    field: f.ident.clone(),
                })
            }
            // The newer version writes this key under another name on purpose.
            Missing::Error if f.de_names.iter().any(|n| self.renamed.contains(n)) => {
                Out::reject_designed(FieldWhy::RenamedOnPurpose {
                    key: f.de_names.first().unwrap_or(&f.ident).clone(),
                    owner: owner.to_string(),
                })
            }
            Missing::Error => Out::reject(FieldWhy::MissingField {
                key: f.de_names.first().unwrap_or(&f.ident).clone(),
                owner: owner.to_string(),
            }),
            _ => self.fill(owner, f, Wire::Map(Vec::new())),
        }
    }

    /// A field the newer bytes leave out, filled by its default: `Default::default()`, or the
    /// value a `default = "path"` function was read to return. The decoder's checks apply to it
    /// (a version default outside `accepts` is rejected, an EMS default reads as EMS); a default
    /// sessionlint could not read, on a field whose value matters, makes the verdict depend on it.
    fn fill(&self, owner: &str, f: &Field, wire: Wire) -> Out {
        let leaf = Leaf::of(f);
        let (value, by) = match &f.missing {
            Missing::Default => (self.default_value(f, leaf), FilledBy::SerdeDefault),
            Missing::DefaultValue { path, value } => (
                filled(value, &f.ty, leaf),
                FilledBy::Returns {
                    path: path.clone(),
                    value: value.clone(),
                },
            ),
            Missing::DefaultFn(path) if leaf.marker.is_some() || leaf.accepts.is_some() => {
                return Out::data_dependent(
                    wire,
                    FieldWhy::DefaultUnread {
                        owner: owner.to_string(),
                        field: f.ident.clone(),
                        path: path.clone(),
                    },
                );
            }
            Missing::DefaultFn(path) => {
                (Filled::Ems(false), FilledBy::NotRun { path: path.clone() })
            }
            Missing::Error => {
                return Out::reject(FieldWhy::NoDefault {
                    owner: owner.to_string(),
                    field: f.ident.clone(),
                })
            }
        };
        let out = match value {
            Filled::Int(i) => match leaf.read(i, Place::Value) {
                Err(_) if leaf.accepts.is_some() => {
                    return Out::reject_strict(FieldWhy::VersionDefaultRefused {
                        owner: owner.to_string(),
                        field: f.ident.clone(),
                        value: i,
                        accepts: leaf.accepts.expect("checked").clone(),
                    })
                }
                Err(rejected) => return rejected,
                Ok(a) if a.ems => Out::accept_ems(wire),
                Ok(_) => Out::accept(wire),
            },
            Filled::Ems(true) => Out::accept_ems(wire),
            Filled::Ems(false) => Out::accept(wire),
            Filled::Unknown => {
                return Out::data_dependent(
                    wire,
                    FieldWhy::DefaultUnrelated {
                        owner: owner.to_string(),
                        field: f.ident.clone(),
                        by,
                    },
                )
            }
        };
        out.note(FieldWhy::FilledByDefault {
            owner: owner.to_string(),
            field: f.ident.clone(),
            by,
        })
    }

    /// What `Default::default()` is to the decoder's checks: 0 (false) for scalars, `None`,
    /// the `#[default]` variant.
    fn default_value(&self, f: &Field, leaf: Leaf<'_>) -> Filled {
        match (leaf.marker, &f.ty) {
            (Some(EmsMarker::Variant { variant }), Ty::Named { name }) => {
                Filled::Ems(match self.schema.type_def(name) {
                    Some(TypeDef::Enum(e)) => e
                        .variants
                        .iter()
                        .any(|v| v.is_default && &v.ident == variant),
                    _ => false,
                })
            }
            (_, Ty::Bool | Ty::Int { .. }) => Filled::Int(0),
            _ => Filled::Ems(false),
        }
    }

    /// serde_derive's `visit_seq` under rmp_serde: fields in order, an array longer than the
    /// struct is rejected, a shorter one only fills trailing `#[serde(default)]` fields.
    fn positional(&self, owner: &str, read: &[&Field], elems: &[Elem], d: usize) -> Out {
        let optional: Vec<usize> = (0..elems.len()).filter(|i| elems[*i].optional).collect();
        if optional.len() > MAX_OPTIONAL_ELEMS {
            return Out::data_dependent(
                Wire::Seq(Vec::new()),
                FieldWhy::TooManyOptionalFields {
                    owner: owner.to_string(),
                },
            );
        }
        let mut acc = Vec::new();
        for mask in 0u32..(1 << optional.len()) {
            let chosen: Vec<&Elem> = elems
                .iter()
                .enumerate()
                .filter(|(i, _)| match optional.iter().position(|o| o == i) {
                    Some(bit) => mask & (1 << bit) != 0,
                    None => true,
                })
                .map(|(_, e)| e)
                .collect();
            acc.push(self.positional_one(owner, read, &chosen, d));
        }
        Out::union_all(acc)
    }

    fn positional_one(&self, owner: &str, read: &[&Field], elems: &[&Elem], d: usize) -> Out {
        if elems.len() > read.len() {
            return Out::reject_strict(FieldWhy::ArrayTooLong {
                len: elems.len(),
                fields: read.len(),
                owner: owner.to_string(),
            });
        }
        let mut outs = Vec::new();
        for (i, f) in read.iter().enumerate() {
            match elems.get(i) {
                Some(e) => outs.push(
                    self.field_value(f, &e.val, d)
                        .map_wire(|w| Wire::Seq(vec![w])),
                ),
                None => match &f.missing {
                    Missing::Default | Missing::DefaultFn(_) | Missing::DefaultValue { .. } => {
                        outs.push(self.fill(owner, f, Wire::Seq(Vec::new())))
                    }
                    Missing::Error => {
                        return Out::reject(FieldWhy::ArrayTooShort {
                            len: elems.len(),
                            owner: owner.to_string(),
                            field: f.ident.clone(),
                        })
                    }
                },
            }
        }
        Out::product(outs, |parts| {
            Wire::Seq(
                parts
                    .into_iter()
                    .flat_map(|p| match p {
                        Wire::Seq(v) => v,
                        other => vec![other],
                    })
                    .collect(),
            )
        })
    }

    fn enumm(&self, e: &EnumDef, v: &AVal, leaf: Leaf<'_>, d: usize) -> Out {
        let r = EnumRead {
            e,
            ems_variant: leaf.marker.and_then(EmsMarker::variant),
        };
        match e.repr {
            EnumRepr::External => self.external(&r, v, d),
            EnumRepr::Internal | EnumRepr::Adjacent => self.tagged(&r, v, d),
            EnumRepr::Untagged => self.untagged(&r, v, d),
        }
    }

    /// serde's default representation: a unit variant's name, or a one-key map to its content.
    fn external(&self, r: &EnumRead<'_>, v: &AVal, d: usize) -> Out {
        let e = r.e;
        match v {
            AVal::Str(name) => match r.find(name) {
                Some(var) if var.style == Style::Unit => {
                    r.classify(var, Out::accept(Wire::Str(name.clone())))
                }
                Some(var) => Out::reject(EnumWhy::NotAUnitVariant {
                    style: var.style,
                    variant: var.ident.clone(),
                }),
                None => r.unknown(name, Wire::Str(name.clone())),
            },
            AVal::Map(entries) if entries.len() == 1 && !entries[0].optional => {
                let en = &entries[0];
                match r.find(&en.key) {
                    Some(var) => r
                        .classify(var, self.content(e, var, &en.val, d))
                        .map_wire(wrap(&en.key)),
                    None if r.other().is_some()
                        && crate::encoding::facts(self.schema.encoding).other_takes_data =>
                    {
                        r.unknown(&en.key, v.concretize())
                            .note(EnumWhy::OtherDropsData {
                                encoding: self.schema.encoding,
                            })
                    }
                    None if r.other().is_some() => Out::reject(EnumWhy::OtherRefusesData {
                        name: en.key.clone(),
                    }),
                    None => Out::reject_strict(EnumWhy::UnknownVariant {
                        name: en.key.clone(),
                        owner: e.name.clone(),
                    }),
                }
            }
            v => Out::reject(EnumWhy::NotAnEnum {
                found: kind(v),
                name: e.name.clone(),
            }),
        }
    }

    /// `#[serde(tag = "...")]` (internal) or `#[serde(tag, content)]` (adjacent): a map whose tag
    /// key names the variant.
    fn tagged(&self, r: &EnumRead<'_>, v: &AVal, d: usize) -> Out {
        let e = r.e;
        let tag = e.tag.clone().unwrap_or_default();
        let AVal::Map(entries) = v else {
            return Out::reject(EnumWhy::NotAnEnum {
                found: kind(v),
                name: e.name.clone(),
            });
        };
        let Some(te) = entries.iter().find(|en| en.key == tag) else {
            return Out::reject(EnumWhy::MissingTag {
                tag: tag.clone(),
                owner: e.name.clone(),
            });
        };
        let AVal::Str(name) = &te.val else {
            return Out::reject(EnumWhy::TagNotAString {
                tag: tag.clone(),
                owner: e.name.clone(),
            });
        };
        let head = Wire::Map(vec![(tag.clone(), Wire::Str(name.clone()))]);
        let Some(var) = r.find(name) else {
            // Adjacently tagged, a catch-all is a unit variant: content other than unit is
            // refused ("invalid type: map, expected unit variant").
            let content_key = e.content.clone().unwrap_or_default();
            let content = entries.iter().find(|en| en.key == content_key);
            return match content {
                Some(c) if e.repr == EnumRepr::Adjacent && r.other().is_some() => {
                    let refused = Out::reject(EnumWhy::OtherRefusesContent {
                        name: name.clone(),
                        content: content_key.clone(),
                    });
                    let unit = matches!(c.val, AVal::Null);
                    match (unit, c.optional) {
                        (true, _) => r.unknown(name, v.concretize()),
                        (false, true) => refused.union(r.unknown(name, v.concretize())),
                        (false, false) => refused,
                    }
                }
                _ => r.unknown(name, v.concretize()),
            };
        };
        let rest: Vec<Entry> = entries.iter().filter(|en| en.key != tag).cloned().collect();
        let body = if e.repr == EnumRepr::Internal {
            self.internal_body(e, var, rest, d)
        } else {
            let content_key = e.content.clone().unwrap_or_default();
            match (rest.iter().find(|en| en.key == content_key), var.style) {
                (None, Style::Unit) => Out::accept(Wire::Map(Vec::new())),
                (None, _) => Out::reject(FieldWhy::MissingField {
                    key: content_key.clone(),
                    owner: e.name.clone(),
                }),
                (Some(c), _) => self.content(e, var, &c.val, d).map_wire(wrap(&content_key)),
            }
        };
        r.classify(var, body)
            .map_wire(move |w| concat_maps(vec![head.clone(), w]))
    }

    /// An internally tagged variant's content: the map's other keys.
    fn internal_body(&self, e: &EnumDef, var: &Variant, rest: Vec<Entry>, d: usize) -> Out {
        match var.style {
            Style::Unit => Out::accept(AVal::Map(rest).concretize()),
            Style::Struct => self.fields(
                &super::name(&e.name, "::", &var.ident),
                &var.fields,
                e.deny_unknown_fields,
                &rest,
                d,
            ),
            Style::Newtype => self.value(
                &var.fields[0].ty,
                &AVal::Map(rest),
                Leaf::of(&var.fields[0]),
                d,
            ),
            Style::Tuple => Out::reject(EnumWhy::InternalTuple),
        }
    }

    /// `#[serde(untagged)]`: serde tries the variants in order; the first that decodes wins.
    /// Later variants are unioned in up to the first that accepts everything, which may
    /// over-report for values an earlier variant catches.
    fn untagged(&self, r: &EnumRead<'_>, v: &AVal, d: usize) -> Out {
        let e = r.e;
        let outs: Vec<Out> = e
            .variants
            .iter()
            .filter(|var| var.read)
            .map(|var| {
                let o = match var.style {
                    Style::Unit => match v {
                        AVal::Null => Out::accept(Wire::Null),
                        _ => Out::reject(EnumWhy::UntaggedUnit),
                    },
                    _ => self.content(e, var, v, d),
                };
                r.classify(var, o)
            })
            .collect();
        let first_full = outs.iter().position(|o| o.accepts() && o.reject.is_none());
        let considered = match first_full {
            Some(i) => outs.into_iter().take(i + 1).collect::<Vec<_>>(),
            None => outs,
        };
        let u = Out::union_all(considered);
        if u.accepts() {
            u
        } else {
            Out::reject(EnumWhy::NoUntaggedMatch {
                owner: e.name.clone(),
            })
        }
    }

    fn content(&self, e: &EnumDef, var: &Variant, v: &AVal, d: usize) -> Out {
        match var.style {
            Style::Unit => match v {
                AVal::Null => Out::accept(Wire::Null),
                _ => Out::reject(EnumWhy::ExpectedVariant {
                    found: kind(v),
                    style: Style::Unit,
                    variant: var.ident.clone(),
                }),
            },
            Style::Newtype => self.field_value(&var.fields[0], v, d),
            Style::Tuple => match v {
                AVal::Seq(elems) => {
                    let read: Vec<&Field> = var.fields.iter().filter(|f| f.read).collect();
                    self.positional(&super::name(&e.name, "::", &var.ident), &read, elems, d)
                }
                v => Out::reject(EnumWhy::ExpectedVariant {
                    found: kind(v),
                    style: Style::Tuple,
                    variant: var.ident.clone(),
                }),
            },
            Style::Struct => match v {
                AVal::Map(entries) => self.fields(
                    &super::name(&e.name, "::", &var.ident),
                    &var.fields,
                    e.deny_unknown_fields,
                    entries,
                    d,
                ),
                AVal::Seq(elems) => {
                    let read: Vec<&Field> = var.fields.iter().filter(|f| f.read).collect();
                    self.positional(&super::name(&e.name, "::", &var.ident), &read, elems, d)
                }
                v => Out::reject(EnumWhy::ExpectedVariant {
                    found: kind(v),
                    style: Style::Struct,
                    variant: var.ident.clone(),
                }),
            },
        }
    }
}

fn wrap(key: &str) -> impl Fn(Wire) -> Wire + '_ {
    move |w| Wire::Map(vec![(key.to_string(), w)])
}

fn concat_maps(parts: Vec<Wire>) -> Wire {
    let mut out = Vec::new();
    for p in parts {
        if let Wire::Map(m) = p {
            out.extend(m);
        }
    }
    Wire::Map(out)
}
