//! What a version's encoder may write, for the self-describing encodings: every session of the
//! wanted kind (EMS, non-EMS, any) as one structured set of choices.

use super::semantics::{carrier_value, OptionFlag, Want};
use super::value::{AVal, Elem, Entry};
use crate::encoding::{Facts, Family};
use crate::schema::{
    EmsMarker, EnumDef, EnumRepr, Field, Schema, StructDef, Style, Ty, TypeDef, Variant, Write,
};

/// Recursive types end in `None`/empty well before this; it only bounds pathological input.
const MAX_DEPTH: usize = 48;

pub struct Gen<'a> {
    pub schema: &'a Schema,
    pub facts: Facts,
}

impl<'a> Gen<'a> {
    pub fn new(schema: &'a Schema, facts: Facts) -> Self {
        Gen { schema, facts }
    }

    /// `None` when no session of that kind can be written at all.
    pub fn root(&self, want: Want) -> Option<AVal> {
        match self.schema.root_def()? {
            TypeDef::Struct(s) => self.strukt(s, want, 0),
            TypeDef::Enum(e) => {
                let v = root_variant(e, self.schema)?;
                self.enumm(e, std::slice::from_ref(v), want, None, 0)
            }
        }
    }

    fn holds(&self, f: &Field) -> bool {
        f.session.ems.is_some() || self.schema.holds_carrier(&f.ty)
    }

    fn field(&self, f: &Field, want: Want, depth: usize) -> Option<AVal> {
        let want = if self.holds(f) { want } else { Want::Any };
        if f.session.version_field.is_some() {
            return Some(AVal::Int(
                f.session.writes.unwrap_or(self.schema.version as u64) as i128,
            ));
        }
        // A modelled adapter writes its form (`ty`); other custom code writes what only the
        // same code reads.
        if f.custom_codec && !f.codec_wire {
            return if f.session.ems.is_some() || want != Want::Ems {
                Some(AVal::Opaque(f.codec_id().unwrap_or_else(|| {
                    [f.ident.as_str(), " (custom serde code)"].concat()
                })))
            } else {
                None
            };
        }
        self.ty(
            &f.ty,
            want,
            f.session.ems.as_ref(),
            f.session.known_bits,
            depth,
        )
    }

    fn ty(
        &self,
        ty: &Ty,
        want: Want,
        marker: Option<&EmsMarker>,
        bits: Option<u64>,
        depth: usize,
    ) -> Option<AVal> {
        if depth > MAX_DEPTH {
            return (want != Want::Ems).then(|| AVal::Opaque("recursion limit".into()));
        }
        let holds = marker.is_some() || self.schema.holds_carrier(ty);
        let want = if holds {
            want
        } else if want == Want::Ems {
            return None;
        } else {
            Want::Any
        };
        let d = depth + 1;
        match ty {
            Ty::Option { of } => self.option(of, want, marker, bits, d),
            Ty::Seq { .. } | Ty::Array { .. } | Ty::Tuple { .. } | Ty::Map { .. } => {
                self.collection(ty, want, marker, bits, d)
            }
            Ty::Named { name } => self.named(name, want, marker, d),
            Ty::Opaque { name } => (want != Want::Ems).then(|| AVal::Opaque(name.clone())),
            _ => Some(self.scalar(ty, want, marker, bits)),
        }
    }

    /// A scalar: a flag or mask carrier holds the value of the kind of session asked for.
    fn scalar(&self, ty: &Ty, want: Want, marker: Option<&EmsMarker>, bits: Option<u64>) -> AVal {
        match (ty, marker) {
            (Ty::Bool, Some(m @ EmsMarker::Flag)) => match carrier_value(m, want) {
                Some(v) => AVal::Bool(v == 1),
                None => AVal::OneOf(vec![AVal::Bool(false), AVal::Bool(true)]),
            },
            (Ty::Bool, _) => AVal::OneOf(vec![AVal::Bool(false), AVal::Bool(true)]),
            (Ty::Int { .. }, Some(m @ EmsMarker::Mask { mask })) => match want {
                // The EMS bits alone, or with every other bit the version declares it sets
                // (as the layout walker tries them).
                Want::Ems => {
                    let ems = carrier_value(m, want).expect("a mask writes its bits");
                    let others = bits.map_or(0, |b| b & !mask) as i128;
                    let (_, hi) = ty.int_range().unwrap_or((0, i128::MAX));
                    if others == 0 || ems | others > hi {
                        AVal::Int(ems)
                    } else {
                        AVal::OneOf(vec![AVal::Int(ems), AVal::Int(ems | others)])
                    }
                }
                // Any word without the EMS bits.
                Want::NonEms => AVal::IntAny {
                    bits: bits.map(|b| b & !mask).or(Some(!mask)),
                },
                Want::Any => AVal::IntAny { bits },
            },
            (Ty::Int { .. }, _) => AVal::IntAny { bits },
            (Ty::Float { .. }, _) => AVal::Float,
            (Ty::Unit, _) => AVal::Null,
            // Char, Str; compound and opaque types never reach here.
            _ => AVal::Str(String::new()),
        }
    }

    /// `None` or `Some`: a flag carrier on a non-bool `Option` is EMS exactly when `Some`.
    fn option(
        &self,
        of: &Ty,
        want: Want,
        marker: Option<&EmsMarker>,
        bits: Option<u64>,
        d: usize,
    ) -> Option<AVal> {
        let rule = OptionFlag::of(marker, of);
        match rule {
            OptionFlag::OnPayload | OptionFlag::IsSome => {
                let some_ems = || match rule {
                    OptionFlag::OnPayload => Some(AVal::Bool(true)),
                    _ => self.ty(of, Want::Any, None, None, d),
                };
                match want {
                    Want::Ems => some_ems(),
                    Want::NonEms => AVal::one_of(
                        [
                            Some(AVal::Null),
                            (rule == OptionFlag::OnPayload).then_some(AVal::Bool(false)),
                        ]
                        .into_iter()
                        .flatten()
                        .collect(),
                    ),
                    Want::Any => AVal::one_of(
                        [Some(AVal::Null), some_ems()]
                            .into_iter()
                            .flatten()
                            .collect(),
                    ),
                }
            }
            OptionFlag::Absent => {
                let some = self.ty(of, want, marker, bits, d);
                match want {
                    Want::Ems => some,
                    _ => AVal::one_of([Some(AVal::Null), some].into_iter().flatten().collect()),
                }
            }
        }
    }

    /// Sequences, arrays, tuples and maps: an EMS value puts the carrier in one element.
    fn collection(
        &self,
        ty: &Ty,
        want: Want,
        marker: Option<&EmsMarker>,
        bits: Option<u64>,
        d: usize,
    ) -> Option<AVal> {
        match ty {
            Ty::Seq { of } => {
                let elem = self.ty(of, want, marker, bits, d);
                match (want, elem) {
                    (Want::Ems, e) => e.map(|e| {
                        AVal::Seq(vec![Elem {
                            val: e,
                            optional: false,
                        }])
                    }),
                    (_, Some(e)) => Some(AVal::List(Box::new(e))),
                    (_, None) => Some(AVal::Seq(Vec::new())),
                }
            }
            Ty::Array { of, len } => {
                let e = self.ty(of, want, marker, bits, d)?;
                Some(AVal::Seq(
                    (0..*len.min(&256))
                        .map(|_| Elem {
                            val: e.clone(),
                            optional: false,
                        })
                        .collect(),
                ))
            }
            Ty::Tuple { items } => {
                let mut out = Vec::new();
                let mut ems_placed = false;
                for t in items {
                    let w = if want == Want::Ems && !ems_placed && self.schema.holds_carrier(t) {
                        ems_placed = true;
                        Want::Ems
                    } else if want == Want::Ems {
                        Want::Any
                    } else {
                        want
                    };
                    out.push(Elem {
                        val: self.ty(t, w, None, None, d)?,
                        optional: false,
                    });
                }
                (want != Want::Ems || ems_placed).then_some(AVal::Seq(out))
            }
            Ty::Map { value, .. } => match want {
                Want::Ems => None,
                _ => Some(AVal::DynMap(Box::new(self.ty(
                    value,
                    Want::Any,
                    None,
                    None,
                    d,
                )?))),
            },
            _ => None,
        }
    }

    fn named(&self, name: &str, want: Want, m: Option<&EmsMarker>, d: usize) -> Option<AVal> {
        match self.schema.type_def(name)? {
            TypeDef::Struct(s) => self.strukt(s, want, d),
            TypeDef::Enum(e) => {
                let written: Vec<Variant> =
                    e.variants.iter().filter(|v| v.write).cloned().collect();
                let variant_marker = m.and_then(EmsMarker::variant);
                self.enumm(e, &written, want, variant_marker, d)
            }
        }
    }

    pub(crate) fn strukt(&self, s: &StructDef, want: Want, depth: usize) -> Option<AVal> {
        let written: Vec<&Field> = s
            .fields
            .iter()
            .filter(|f| f.write != Write::Never)
            .collect();
        if want == Want::Ems && !written.iter().any(|f| self.holds(f)) {
            return None;
        }
        if s.transparent || s.style == Style::Newtype {
            let f = written.first()?;
            return self.field(f, want, depth);
        }
        match s.style {
            Style::Unit => Some(AVal::Null),
            Style::Tuple => self.elems(&written, want, depth).map(AVal::Seq),
            _ if self.facts.family == Family::Array => {
                self.elems(&written, want, depth).map(AVal::Seq)
            }
            _ => self.entries(&written, want, depth).map(AVal::Map),
        }
    }

    fn elems(&self, fields: &[&Field], want: Want, depth: usize) -> Option<Vec<Elem>> {
        fields
            .iter()
            .map(|f| {
                let val = self.field(f, want, depth)?;
                Some(Elem {
                    val,
                    optional: self.optional(f, want),
                })
            })
            .collect()
    }

    /// A `skip_serializing_if` field may be left out, except the EMS carrier of an EMS session:
    /// the predicate is assumed to skip only the default (non-EMS) value.
    fn optional(&self, f: &Field, want: Want) -> bool {
        matches!(f.write, Write::Unless(_)) && !(want == Want::Ems && self.holds(f))
    }

    pub(crate) fn entries(
        &self,
        fields: &[&Field],
        want: Want,
        depth: usize,
    ) -> Option<Vec<Entry>> {
        let mut out = Vec::new();
        for f in fields {
            if f.flatten {
                if let Ty::Named { name } = &f.ty {
                    if let Some(TypeDef::Struct(inner)) = self.schema.type_def(name) {
                        let w = if self.holds(f) { want } else { Want::Any };
                        let inner_fields: Vec<&Field> = inner
                            .fields
                            .iter()
                            .filter(|f| f.write != Write::Never)
                            .collect();
                        out.extend(self.entries(&inner_fields, w, depth + 1)?);
                        continue;
                    }
                }
                // A flattened catch-all may be empty.
                continue;
            }
            let val = self.field(f, want, depth)?;
            let mut optional = self.optional(f, want);
            // toml has no null: a `None` field is left out.
            let val = if !self.facts.writes_none {
                strip_null(val, &mut optional)
            } else {
                Some(val)
            };
            if let Some(val) = val {
                out.push(Entry {
                    key: f.ser_name.clone(),
                    val,
                    optional,
                    field: f.ident.clone(),
                });
            }
        }
        Some(out)
    }

    fn enumm(
        &self,
        e: &EnumDef,
        variants: &[Variant],
        want: Want,
        marker: Option<&str>,
        depth: usize,
    ) -> Option<AVal> {
        let mut alts = Vec::new();
        for v in variants {
            let holds = v.fields.iter().any(|f| self.holds(f));
            let w = match (marker, want) {
                (Some(m), Want::Ems) if v.ident != m => continue,
                (Some(m), Want::NonEms) if v.ident == m => continue,
                (Some(_), _) => Want::Any,
                (None, Want::Ems) if !holds => continue,
                (None, w) => w,
            };
            if let Some(a) = self.variant(e, v, w, depth) {
                alts.push(a);
            }
        }
        AVal::one_of(alts)
    }

    fn variant(&self, e: &EnumDef, v: &Variant, want: Want, depth: usize) -> Option<AVal> {
        let fields: Vec<&Field> = v
            .fields
            .iter()
            .filter(|f| f.write != Write::Never)
            .collect();
        let content = || -> Option<Option<AVal>> {
            Some(match v.style {
                Style::Unit => None,
                Style::Newtype => Some(self.field(fields.first()?, want, depth)?),
                Style::Tuple => Some(AVal::Seq(self.elems(&fields, want, depth)?)),
                Style::Struct if self.facts.family == Family::Array => {
                    Some(AVal::Seq(self.elems(&fields, want, depth)?))
                }
                Style::Struct => Some(AVal::Map(self.entries(&fields, want, depth)?)),
            })
        };
        let tag_entry = |tag: &str| Entry {
            key: tag.to_string(),
            val: AVal::Str(v.ser_name.clone()),
            optional: false,
            field: super::name(&e.name, "::", &v.ident),
        };
        match e.repr {
            EnumRepr::External => Some(match content()? {
                None => AVal::Str(v.ser_name.clone()),
                Some(c) => AVal::Map(vec![Entry {
                    key: v.ser_name.clone(),
                    val: c,
                    optional: false,
                    field: super::name(&e.name, "::", &v.ident),
                }]),
            }),
            EnumRepr::Internal => {
                let tag = e.tag.as_deref().unwrap_or("type");
                let mut entries = vec![tag_entry(tag)];
                match content()? {
                    None => {}
                    Some(AVal::Map(es)) => entries.extend(es),
                    // serde refuses to write it: a newtype variant internally tagged needs a map.
                    Some(_) => {
                        return Some(AVal::Opaque(
                            ["internally tagged ", &super::name(&e.name, "::", &v.ident)].concat(),
                        ))
                    }
                }
                Some(AVal::Map(entries))
            }
            EnumRepr::Adjacent => {
                let mut entries = vec![tag_entry(e.tag.as_deref().unwrap_or("t"))];
                if let Some(c) = content()? {
                    entries.push(Entry {
                        key: e.content.clone().unwrap_or_else(|| "c".into()),
                        val: c,
                        optional: false,
                        field: super::name(&e.name, "::", &v.ident),
                    });
                }
                Some(AVal::Map(entries))
            }
            EnumRepr::Untagged => Some(content()?.unwrap_or(AVal::Null)),
        }
    }
}

fn strip_null(val: AVal, optional: &mut bool) -> Option<AVal> {
    match val {
        AVal::Null => {
            *optional = true;
            None
        }
        AVal::OneOf(alts) => {
            let n = alts.len();
            let kept: Vec<AVal> = alts
                .into_iter()
                .filter(|a| !matches!(a, AVal::Null))
                .collect();
            if kept.len() < n {
                *optional = true;
            }
            AVal::one_of(kept)
        }
        other => Some(other),
    }
}

/// The one variant a root enum's encoder writes (see `Schema::written_variant`).
pub fn root_variant<'e>(e: &'e EnumDef, schema: &Schema) -> Option<&'e Variant> {
    schema.written_variant(e)
}
