//! The packed encodings (bincode, postcard): no field names, no struct lengths. A struct is the
//! concatenation of its fields, so the older decoder reads the newer bytes by position. Where
//! the two layouts agree, values line up; where they first differ, what the older decoder
//! reads depends on the data, and that is reported as unsafe unless a rejection is proven first.

// A rejection is itself the verdict (an `Out`), returned early from the walk; boxing it would
// only add an allocation on the path that ends the walk.
#![allow(clippy::result_large_err)]

mod bytes;

use super::generate::root_variant;
use super::outcome::Out;
use super::semantics::Want;
use super::semantics::{carrier_value, Checks, Place};
use super::value::Wire;
use crate::schema::{
    Accepts, EmsMarker, EnumRepr, Field, Schema, Style, Trailing, Ty, TypeDef, Write,
};

const MAX_DEPTH: usize = 48;
/// Bounds the branching over optional fields and variants.
const MAX_STEPS: usize = 20_000;

/// An enum variant's name and payload slots.
type Variant = (String, Vec<Slot>);

#[derive(Clone, Debug)]
enum Atom {
    Bool,
    Int {
        signed: bool,
        bits: u8,
    },
    Float {
        bits: u8,
    },
    Char,
    Str,
    /// Tag byte, then the payload when 1.
    Opt(Vec<Slot>),
    /// Length (of the given prefix width in bytes; 0: the encoding's own), then elements; at
    /// most the given count when the schema limits it.
    Seq(Vec<Slot>, u8, Option<u64>),
    /// Decoder only: read if bytes remain; `lenient`: a parse failure counts as absence.
    Tail(Vec<Slot>, bool),
    Map(Vec<Slot>, Vec<Slot>),
    /// Variant index, then its payload. Names are kept for reasons and `ems = "V"`.
    Enum {
        variants: Vec<Variant>,
        other: Option<usize>,
        /// A TLS dispatch value instead of an index: its width and each variant's value.
        tags: Option<(u8, Vec<Option<u64>>)>,
    },
    Opaque(String),
    /// `skip_serializing_if`: the encoder may write nothing here.
    Cond(Vec<Slot>),
}

#[derive(Clone, Debug, Default)]
struct Meta {
    label: String,
    /// Encoder side: the exact integer written (a version field, an EMS flag or mask).
    val: Option<i128>,
    /// Encoder side: an `Option` that must be `Some`, a list that must be non-empty.
    forced: bool,
    /// Encoder side: the variants the encoder may write here.
    allowed: Option<Vec<usize>>,
    /// An opaque slot (flatten, custom codec) that holds the EMS carrier: what it says is unknown.
    holds: bool,
    /// Either side: this slot is the EMS carrier's own value.
    carrier: bool,
    /// Encoder side: the flag bits this version writes (its own `known_bits`), and the bits of
    /// them that mean EMS.
    writes_bits: Option<u64>,
    writes_mask: u64,
    /// Decoder side.
    marker: Option<EmsMarker>,
    accepts: Option<Accepts>,
    known_bits: Option<u64>,
    /// Decoder side: the set the value must lie in for the session to resume.
    check: Option<Accepts>,
    /// Encoder side: the values this version writes here (`None`: any of the type).
    values: Option<Accepts>,
    /// Decoder side: a bool or presence byte is true only when it is 1 (else any byte but 0 and
    /// 1 is refused).
    one_is_true: bool,
    /// Decoder side: the fewest elements of a list it accepts.
    min_len: u64,
}

impl Meta {
    /// The decoder's checks on this slot.
    fn checks(&self) -> Checks<'_> {
        Checks {
            marker: self.marker.as_ref(),
            accepts: self.accepts.as_ref(),
            known_bits: self.known_bits,
            check: self.check.as_ref(),
        }
    }
}

#[derive(Clone, Debug)]
struct Slot {
    atom: Atom,
    meta: Meta,
}

fn shape_eq(a: &[Slot], b: &[Slot]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| atom_eq(&x.atom, &y.atom))
}

fn atom_eq(a: &Atom, b: &Atom) -> bool {
    use Atom::*;
    match (a, b) {
        (Bool, Bool) | (Char, Char) | (Str, Str) => true,
        (
            Int {
                signed: s1,
                bits: b1,
            },
            Int {
                signed: s2,
                bits: b2,
            },
        ) => s1 == s2 && b1 == b2,
        (Float { bits: a }, Float { bits: b }) => a == b,
        (Seq(x, p, _), Seq(y, q, _)) => p == q && shape_eq(x, y),
        (Opt(x), Opt(y)) | (Cond(x), Cond(y)) => shape_eq(x, y),
        (Tail(x, _), Tail(y, _)) => shape_eq(x, y),
        (Map(k1, v1), Map(k2, v2)) => shape_eq(k1, k2) && shape_eq(v1, v2),
        (
            Enum {
                variants: v1,
                tags: t1,
                ..
            },
            Enum {
                variants: v2,
                tags: t2,
                ..
            },
        ) => {
            t1 == t2 && v1.len() == v2.len() && v1.iter().zip(v2).all(|(a, b)| shape_eq(&a.1, &b.1))
        }
        (Opaque(x), Opaque(y)) => x == y,
        _ => false,
    }
}

fn describe(a: &Atom) -> String {
    match a {
        Atom::Bool => "bool".into(),
        Atom::Int { signed, bits } => format!("{}{bits}", if *signed { 'i' } else { 'u' }),
        Atom::Float { bits } => format!("f{bits}"),
        Atom::Char => "char".into(),
        Atom::Str => "string".into(),
        Atom::Opt(_) => "Option tag".into(),
        Atom::Seq(..) => "sequence length".into(),
        Atom::Tail(..) => "optional tail".into(),
        Atom::Map(..) => "map length".into(),
        Atom::Enum { tags: Some(_), .. } => "dispatch value".into(),
        Atom::Enum { .. } => "enum variant index".into(),
        Atom::Opaque(n) => n.clone(),
        Atom::Cond(_) => "conditionally written field".into(),
    }
}

/// Which side a layout describes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Encoder(Want),
    Decoder,
}

struct Flat<'a> {
    schema: &'a Schema,
    side: Side,
}

impl Flat<'_> {
    fn root(&self) -> Option<Vec<Slot>> {
        let root = Ty::Named {
            name: self.schema.root.clone(),
        };
        let dispatch = |e: &crate::schema::EnumDef| {
            e.tag_width.is_some() && !e.variants.iter().any(|v| v.current)
        };
        if let (Side::Encoder(want), Some(TypeDef::Enum(e))) = (self.side, self.schema.root_def()) {
            if dispatch(e) {
                // A root that dispatches on a value (its protocol version) writes every variant.
                return self.ty(&root, want, None, &self.schema.root, 0);
            }
            // A root enum whose variants are versions: its encoder writes one.
            let v = root_variant(e, self.schema)?;
            let idx = e.variants.iter().position(|x| x.ident == v.ident)?;
            let mut slots = self.ty(&root, want, None, &self.schema.root, 0)?;
            let first = slots.first_mut()?;
            if !first
                .meta
                .allowed
                .as_ref()
                .is_some_and(|a| a.contains(&idx))
            {
                return None;
            }
            first.meta.allowed = Some(vec![idx]);
            return Some(slots);
        }
        let want = match self.side {
            Side::Encoder(w) => w,
            Side::Decoder => Want::Any,
        };
        self.ty(&root, want, None, &self.schema.root, 0)
    }

    fn holds(&self, f: &Field) -> bool {
        f.session.ems.is_some() || self.schema.holds_carrier(&f.ty)
    }

    fn fields(&self, fields: &[Field], want: Want, owner: &str, depth: usize) -> Option<Vec<Slot>> {
        let mut out = Vec::new();
        self.fields_into(fields, want, owner, depth, &mut out)?;
        Some(out)
    }

    /// `fields`, appended to `out` (one vector for a whole layout: nested types are not copied
    /// level by level).
    fn fields_into(
        &self,
        fields: &[Field],
        want: Want,
        owner: &str,
        depth: usize,
        out: &mut Vec<Slot>,
    ) -> Option<()> {
        if want == Want::Ems
            && !fields
                .iter()
                .any(|f| self.holds(f) && f.write != Write::Never)
        {
            return None;
        }
        for f in fields {
            let label = format!("{owner}.{}", f.ident);
            match self.side {
                Side::Encoder(_) if f.write == Write::Never => continue,
                Side::Decoder if !f.read => continue,
                _ => {}
            }
            let w = if self.holds(f) { want } else { Want::Any };
            let start = out.len();
            // Custom code is a layout of its own; the same code on the same type is the same
            // layout in both versions. A modelled adapter writes its form (`ty`).
            if (f.custom_codec && !f.codec_wire) || f.flatten {
                let meta = Meta {
                    holds: self.holds(f),
                    label: label.clone(),
                    ..Meta::default()
                };
                let name = match f.codec_id() {
                    Some(id) if !f.flatten => id,
                    _ => format!("{label} (custom serde code)"),
                };
                out.push(Slot {
                    atom: Atom::Opaque(name),
                    meta,
                });
            } else {
                self.ty_into(&f.ty, w, Some(f), &label, depth + 1, out)?;
            }
            if self.side != Side::Decoder && f.session.version_field.is_some() {
                if let Some(s) = out.get_mut(start) {
                    s.meta.val =
                        Some(f.session.writes.unwrap_or(self.schema.version as u64) as i128);
                }
            }
            if self.side == Side::Decoder && f.wire.if_remaining {
                let slots: Vec<Slot> = out.drain(start..).collect();
                out.push(Slot {
                    atom: Atom::Tail(slots, f.wire.lenient),
                    meta: Meta {
                        label: label.clone(),
                        ..Meta::default()
                    },
                });
            }
            let conditional =
                matches!(f.write, Write::Unless(_)) && !(want == Want::Ems && self.holds(f));
            if matches!(self.side, Side::Encoder(_)) && conditional {
                let slots: Vec<Slot> = out.drain(start..).collect();
                out.push(Slot {
                    atom: Atom::Cond(slots),
                    meta: Meta {
                        label: label.clone(),
                        ..Meta::default()
                    },
                });
            }
        }
        Some(())
    }

    fn ty(
        &self,
        ty: &Ty,
        want: Want,
        field: Option<&Field>,
        label: &str,
        depth: usize,
    ) -> Option<Vec<Slot>> {
        let mut out = Vec::new();
        self.ty_into(ty, want, field, label, depth, &mut out)?;
        Some(out)
    }

    /// A sequence's slot: its prefix widths and limits, and whether the encoder is forced to
    /// write elements (the EMS carrier inside, or a decoder's minimum length).
    fn seq_slot(
        &self,
        of: &Ty,
        want: Want,
        field: Option<&Field>,
        label: &str,
        depth: usize,
        meta: &mut Meta,
    ) -> Atom {
        let enc = matches!(self.side, Side::Encoder(_));
        meta.forced = enc && want == Want::Ems;
        let widths = field.and_then(|f| f.wire.prefix.clone());
        let max = field.and_then(|f| f.wire.max_len.clone());
        let min = field.and_then(|f| f.wire.min_len).unwrap_or(0);
        // An encoder never writes fewer elements than its decoder accepts.
        meta.forced |= enc && min > 0;
        if !enc {
            meta.min_len = min;
        }
        self.seq(of, want, widths, max, label, depth)
    }

    /// A tuple's items: the carrier sits in the first item that can hold it.
    fn tuple_into(
        &self,
        items: &[Ty],
        want: Want,
        label: &str,
        depth: usize,
        out: &mut Vec<Slot>,
    ) -> Option<()> {
        let at = items.iter().position(|t| self.schema.holds_carrier(t));
        let wants = items.iter().enumerate().map(|(i, t)| {
            let w = if want == Want::Ems && Some(i) == at {
                Want::Ems
            } else {
                Want::Any
            };
            (t, w)
        });
        self.items_into(wants, label, depth, out)
    }

    /// `ty`, appended to `out`.
    fn ty_into(
        &self,
        ty: &Ty,
        want: Want,
        field: Option<&Field>,
        label: &str,
        depth: usize,
        out: &mut Vec<Slot>,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            out.push(Slot {
                atom: Atom::Opaque("recursion limit".into()),
                meta: Meta::default(),
            });
            return Some(());
        }
        let marker = field.and_then(|f| f.session.ems.clone());
        let want = self.narrowed(ty, want, marker.is_some())?;
        let enc = matches!(self.side, Side::Encoder(_));
        let mut meta = self.meta(field, label);
        if enc {
            // The encoder's carrier holds exactly the value of the kind of session asked for.
            meta.val = match (ty, &marker) {
                (Ty::Bool, Some(m @ EmsMarker::Flag))
                | (Ty::Int { .. }, Some(m @ EmsMarker::Mask { .. })) => carrier_value(m, want),
                _ => None,
            };
        }
        let mut one = |atom: Atom, meta: Meta| {
            out.push(Slot { atom, meta });
            Some(())
        };
        match ty {
            Ty::Bool => one(Atom::Bool, meta),
            Ty::Int { signed, bits } => one(
                Atom::Int {
                    signed: *signed,
                    bits: *bits,
                },
                meta,
            ),
            Ty::Float { bits } => one(Atom::Float { bits: *bits }, meta),
            Ty::Char => one(Atom::Char, meta),
            Ty::Str => one(Atom::Str, meta),
            Ty::Unit => Some(()),
            Ty::Option { of } => {
                let slot = self.option_slot(of, want, field, label, depth, meta);
                one(slot.atom, slot.meta)
            }
            Ty::Seq { of } => {
                let atom = self.seq_slot(of, want, field, label, depth, &mut meta);
                one(atom, meta)
            }
            Ty::Array { of, len } => {
                // The first element carries what the array must hold; the rest may be anything.
                let first = std::iter::once((&**of, want));
                let rest = std::iter::repeat_n((&**of, Want::Any), (*len).clamp(1, 4096) - 1);
                self.items_into(first.chain(rest).take(*len), label, depth, out)
            }
            Ty::Tuple { items } => self.tuple_into(items, want, label, depth, out),
            Ty::Map { key, value } => {
                let k = self.ty(key, Want::Any, None, label, depth + 1)?;
                let v = self.ty(value, Want::Any, None, label, depth + 1)?;
                one(Atom::Map(k, v), meta)
            }
            Ty::Opaque { name } => one(Atom::Opaque(name.clone()), meta),
            Ty::Named { name } => self.named_into(name, want, marker.as_ref(), meta, depth, out),
        }
    }

    /// A length-prefixed list of `of`: each nested level takes the next declared width.
    fn seq(
        &self,
        of: &Ty,
        want: Want,
        widths: Option<crate::schema::Prefix>,
        max: Option<crate::schema::Limits>,
        label: &str,
        depth: usize,
    ) -> Atom {
        let width = widths
            .as_ref()
            .and_then(|w| w.0.first().copied())
            .unwrap_or(0);
        let inner = match of {
            Ty::Seq { of: inner } if depth < MAX_DEPTH => vec![Slot {
                atom: self.seq(
                    inner,
                    want,
                    widths.map(|w| w.inner()),
                    max.as_ref().and_then(|m| m.inner()),
                    label,
                    depth + 1,
                ),
                meta: Meta {
                    label: label.to_string(),
                    ..Meta::default()
                },
            }],
            _ => self
                .ty(of, want, None, label, depth + 1)
                .unwrap_or_default(),
        };
        Atom::Seq(inner, width, max.map(|m| m.0[0]))
    }

    /// A type defined in the schema: a struct's fields in order, or an enum; appended to `out`.
    fn named_into(
        &self,
        name: &str,
        want: Want,
        marker: Option<&EmsMarker>,
        meta: Meta,
        depth: usize,
        out: &mut Vec<Slot>,
    ) -> Option<()> {
        match self.schema.type_def(name) {
            None => out.push(Slot {
                atom: Atom::Opaque(name.to_string()),
                meta,
            }),
            Some(TypeDef::Struct(s)) if s.style == Style::Unit => {}
            Some(TypeDef::Struct(s)) => {
                return self.fields_into(&s.fields, want, &s.name, depth + 1, out)
            }
            Some(TypeDef::Enum(e)) => out.extend(self.enum_slots(e, want, marker, meta, depth)?),
        }
        Some(())
    }

    /// The slots of consecutive items, each of the kind asked, appended to `out`; `None` if one
    /// cannot be written.
    fn items_into<'t>(
        &self,
        items: impl Iterator<Item = (&'t Ty, Want)>,
        label: &str,
        depth: usize,
        out: &mut Vec<Slot>,
    ) -> Option<()> {
        for (t, w) in items {
            self.ty_into(t, w, None, label, depth + 1, out)?;
        }
        Some(())
    }

    /// The kind of session a value must belong to: only a value that holds the carrier can be
    /// EMS or non-EMS (`None`: an EMS session cannot be written through it); others are anything.
    fn narrowed(&self, ty: &Ty, want: Want, is_carrier: bool) -> Option<Want> {
        if is_carrier || self.schema.holds_carrier(ty) {
            Some(want)
        } else if want == Want::Ems {
            None
        } else {
            Some(Want::Any)
        }
    }

    /// What one slot knows of its field: the encoder's own flag bits, or the decoder's checks.
    fn meta(&self, field: Option<&Field>, label: &str) -> Meta {
        let marker = field.and_then(|f| f.session.ems.clone());
        let mut meta = Meta {
            label: label.to_string(),
            carrier: marker.is_some(),
            ..Meta::default()
        };
        if matches!(self.side, Side::Encoder(_)) {
            meta.writes_bits = field.and_then(|f| f.session.known_bits);
            // What it writes: its `values`, else what its own decoder's `check` admits (a
            // version writes no session it would not resume itself).
            meta.values = field.and_then(|f| f.session.values.clone().or(f.session.check.clone()));
            if let Some(EmsMarker::Mask { mask }) = &marker {
                meta.writes_mask = *mask;
            }
        } else {
            meta.check = field.and_then(|f| f.session.check.clone());
            // A carrier the decoder reads but does not act on reads nothing as EMS.
            meta.marker = marker.filter(|_| !field.is_some_and(|f| f.session.ignored));
            meta.accepts = field.and_then(|f| f.session.version_field.clone());
            meta.known_bits = field.and_then(|f| f.session.known_bits);
            meta.one_is_true = field.is_some_and(|f| f.wire.one_is_true);
        }
        meta
    }

    /// An `Option`: a flag carrier on `Option<bool>` stays on the bool; on any other `Option`,
    /// `Some` is the EMS value and the payload is anything. The encoder writes `Some` for EMS
    /// sessions, and only `None` for non-EMS ones when `Some` would mean EMS.
    fn option_slot(
        &self,
        of: &Ty,
        want: Want,
        field: Option<&Field>,
        label: &str,
        depth: usize,
        mut meta: Meta,
    ) -> Slot {
        let flag = field.is_some_and(|f| f.session.ems == Some(EmsMarker::Flag));
        let on_bool = flag && *of == Ty::Bool;
        let inner_field = if on_bool { field } else { None };
        let inner_want = if flag && !on_bool { Want::Any } else { want };
        let inner = self
            .ty(of, inner_want, inner_field, label, depth + 1)
            .unwrap_or_default();
        if matches!(self.side, Side::Encoder(_)) {
            meta.forced = want == Want::Ems;
            if flag && !on_bool && want == Want::NonEms {
                meta.allowed = Some(vec![0]);
            }
        }
        Slot {
            atom: Atom::Opt(inner),
            meta,
        }
    }

    /// Which kind of payload a variant may hold: `None` when the encoder writes no such session
    /// in it (EMS lives in another variant, or nowhere in this one).
    fn variant_want(
        &self,
        v: &crate::schema::Variant,
        carrier: Option<&String>,
        want: Want,
    ) -> Option<Want> {
        match (carrier, want) {
            (Some(m), Want::Ems) => (&v.ident == m).then_some(Want::Any),
            (Some(m), Want::NonEms) => (&v.ident != m).then_some(Want::Any),
            (None, Want::Ems) => v.fields.iter().any(|f| self.holds(f)).then_some(Want::Ems),
            (_, w) => Some(w),
        }
    }

    fn enum_slots(
        &self,
        e: &crate::schema::EnumDef,
        want: Want,
        marker: Option<&EmsMarker>,
        mut meta: Meta,
        depth: usize,
    ) -> Option<Vec<Slot>> {
        if e.repr != EnumRepr::External && e.tag_width.is_none() {
            // bincode and postcard cannot decode tagged or untagged enums at all (they need
            // deserialize_any).
            return Some(vec![Slot {
                atom: Atom::Opaque(format!("{} (a non-external enum)", e.name)),
                meta,
            }]);
        }
        let enc = matches!(self.side, Side::Encoder(_));
        let carrier = match marker {
            Some(EmsMarker::Variant { variant }) => Some(variant),
            _ => None,
        };
        let mut variants = Vec::new();
        let mut allowed = Vec::new();
        for (i, v) in e.variants.iter().enumerate() {
            let vw = self.variant_want(v, carrier, want);
            let payload = self.fields(
                &v.fields,
                vw.unwrap_or(Want::Any),
                &format!("{}::{}", e.name, v.ident),
                depth + 1,
            );
            if vw.is_some() && payload.is_some() && (!enc || v.write) {
                allowed.push(i);
            }
            variants.push((v.ident.clone(), payload.unwrap_or_default()));
        }
        if enc {
            if allowed.is_empty() {
                return None;
            }
            meta.allowed = Some(allowed);
        }
        let other = e.variants.iter().position(|v| v.other);
        let tags = e
            .tag_width
            .map(|w| (w, e.variants.iter().map(|v| v.tag_value).collect()));
        Some(vec![Slot {
            atom: Atom::Enum {
                variants,
                other,
                tags,
            },
            meta,
        }])
    }
}

struct Walk {
    trailing: Trailing,
    packing: Packing,
    steps: usize,
}

/// How integers are packed: bincode 1 `serialize` is fixint, postcard is varint, TLS codecs
/// big-endian with declared length-prefix widths.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    Fixint,
    Varint,
    Tls,
}

const INF: u64 = u64::MAX / 4;

/// `x` followed by `rest`.
fn cat(x: &[Slot], rest: &[Slot]) -> Vec<Slot> {
    let mut v = x.to_vec();
    v.extend_from_slice(rest);
    v
}

/// Least and most bytes a run of slots takes on the wire.
fn size(slots: &[Slot], p: Packing) -> (u64, u64) {
    slots.iter().fold((0, 0), |(lo, hi), s| {
        let (a, b) = atom_size(&s.atom, p);
        (lo.saturating_add(a).min(INF), hi.saturating_add(b).min(INF))
    })
}

fn atom_size(a: &Atom, p: Packing) -> (u64, u64) {
    let varint = |bits: u8| (1, (bits as u64).div_ceil(7));
    let len = match p {
        Packing::Fixint => (8, 8),
        Packing::Varint => varint(64),
        Packing::Tls => (2, 2),
    };
    match a {
        Atom::Bool => (1, 1),
        Atom::Int { bits: 8, .. } => (1, 1),
        Atom::Int { bits, .. } => match p {
            Packing::Fixint | Packing::Tls => (*bits as u64 / 8, *bits as u64 / 8),
            Packing::Varint => varint(*bits + 1),
        },
        Atom::Float { bits } => (*bits as u64 / 8, *bits as u64 / 8),
        Atom::Char => match p {
            Packing::Fixint | Packing::Tls => (1, 4),
            Packing::Varint => (2, 5),
        },
        Atom::Seq(inner, w, max) => {
            let prefix = if *w > 0 && p == Packing::Tls {
                (*w as u64, *w as u64)
            } else {
                len
            };
            let hi = match max {
                Some(m) => prefix
                    .1
                    .saturating_add(m.saturating_mul(size(inner, p).1))
                    .min(INF),
                None => INF,
            };
            (prefix.0, hi)
        }
        Atom::Str | Atom::Map(..) => (len.0, INF),
        Atom::Tail(inner, _) => (0, size(inner, p).1),
        Atom::Opt(inner) => (1, 1u64.saturating_add(size(inner, p).1).min(INF)),
        Atom::Enum { variants, tags, .. } => {
            let tag = match (p, tags) {
                (_, Some((w, _))) => (*w as u64, *w as u64),
                (Packing::Fixint, None) => (4, 4),
                (Packing::Varint, None) => varint(32),
                (Packing::Tls, None) => (1, 1),
            };
            let lo = variants.iter().map(|v| size(&v.1, p).0).min().unwrap_or(0);
            let hi = variants.iter().map(|v| size(&v.1, p).1).max().unwrap_or(0);
            (tag.0 + lo, tag.1.saturating_add(hi).min(INF))
        }
        Atom::Opaque(_) => (0, INF),
        Atom::Cond(inner) => (0, size(inner, p).1),
    }
}

/// A list of bytes (`Vec<u8>`).
fn is_bytes(inner: &[Slot]) -> bool {
    matches!(
        inner,
        [Slot {
            atom: Atom::Int {
                signed: false,
                bits: 8
            },
            ..
        }]
    )
}

/// The values `acc` holds, shifted right by `by` bits (their high part): exact, the shift is
/// monotonic.
fn shifted(acc: &Accepts, by: u8) -> Option<Accepts> {
    if acc.is_any() {
        return None;
    }
    let ranges = acc
        .ranges
        .iter()
        .map(|(lo, hi)| (lo.map(|v| v >> by), hi.map(|v| v >> by)))
        .collect();
    Some(Accepts { ranges })
}

/// The values `acc` holds, in their low `bits` bits: exact where a range does not wrap, any
/// value otherwise.
fn masked(acc: &Accepts, bits: u8) -> Option<Accepts> {
    if acc.is_any() || bits >= 64 {
        return None;
    }
    let mask = (1u64 << bits) - 1;
    let mut ranges = Vec::new();
    for (lo, hi) in &acc.ranges {
        let (lo, hi) = (lo.unwrap_or(0), hi.unwrap_or(u64::MAX));
        if hi - lo >= mask || (lo & mask) > (hi & mask) {
            return None;
        }
        ranges.push((Some(lo & mask), Some(hi & mask)));
    }
    Some(Accepts { ranges })
}

/// Whether some value `acc` admits, read as a `y`-bit integer, holds the `x`-bit value `v` in
/// its first `x` bits on the wire (its low bits when little-endian, its high bits when not).
/// Ranges too wide to enumerate are assumed to.
fn admits_part(acc: &Accepts, v: i128, x: u8, y: u8, le: bool) -> bool {
    if acc.is_any() {
        return true;
    }
    let matches = |c: i128| {
        if le {
            c & ((1i128 << x) - 1) == v
        } else {
            c >> (y - x) == v
        }
    };
    acc.ranges.iter().any(|(lo, hi)| {
        let (lo, hi) = (lo.unwrap_or(0) as i128, hi.map_or(i128::MAX, |h| h as i128));
        hi - lo >= 1 << 16 || (lo..=hi).any(matches)
    })
}

/// Dispatch values of the newer and the older enum, per variant.
type Tags<'a> = (&'a [Option<u64>], &'a [Option<u64>]);

/// A slot a TLS codec writes as one byte.
fn one_byte(a: &Atom) -> bool {
    matches!(a, Atom::Bool | Atom::Int { bits: 8, .. })
}

/// Atoms whose walk branches (presence, length, variant, map): never a straight-line step.
fn compound(a: &Atom) -> bool {
    matches!(
        a,
        Atom::Opt(_) | Atom::Seq(..) | Atom::Enum { .. } | Atom::Map(..)
    )
}

impl Walk {
    /// Walks the newer slots `n` against the older `o`. Straight-line stretches (equal scalars
    /// with one candidate value, equal maps) advance in a loop, so that a long layout (a
    /// `[u8; 5000]`, a struct of thousands of fields) costs no stack; only real branches recurse.
    fn go(
        &mut self,
        mut n: &[Slot],
        mut o: &[Slot],
        mut ems: bool,
        notes: &mut Vec<String>,
    ) -> Out {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Out::data_dependent(
                Wire::Seq(Vec::new()),
                "too many layout branches to follow",
            );
        }
        loop {
            // A conditional newer field: written or not.
            if let Some(Slot {
                atom: Atom::Cond(inner),
                meta,
            }) = n.first()
            {
                let absent = self.go(&n[1..], o, ems, &mut notes.clone());
                let mut with: Vec<Slot> = inner.clone();
                with.extend_from_slice(&n[1..]);
                let mut nn = notes.clone();
                nn.push(format!("`{}` is written (skip_serializing_if)", meta.label));
                return absent.union(self.go(&with, o, ems, &mut nn));
            }
            let (a, b) = match (n.first(), o.first()) {
                (Some(a), Some(b)) => (a, b),
                (a, b) => return self.end(a, b, o, ems, notes),
            };
            let straight = match (&a.atom, &b.atom) {
                (Atom::Map(nk, nv), Atom::Map(ok, ovv)) => shape_eq(nk, ok) && shape_eq(nv, ovv),
                (_, Atom::Tail(..)) => false,
                (x, y) if atom_eq(x, y) && !compound(x) => match self.single(a, b) {
                    Some((reads_ems, note)) => {
                        ems |= reads_ems;
                        notes.extend(note);
                        true
                    }
                    None => false,
                },
                _ => false,
            };
            if !straight {
                return self.step(a, b, &n[1..], &o[1..], ems, notes);
            }
            n = &n[1..];
            o = &o[1..];
        }
    }

    /// One side has no slot left.
    fn end(
        &mut self,
        a: Option<&Slot>,
        b: Option<&Slot>,
        o: &[Slot],
        ems: bool,
        notes: &[String],
    ) -> Out {
        let done = |ems: bool, notes: &[String]| {
            let out = if ems {
                Out::accept_ems(Wire::Seq(Vec::new()))
            } else {
                Out::accept(Wire::Seq(Vec::new()))
            };
            notes.iter().fold(out, |o, n| o.note(n.clone()))
        };
        match (a, b) {
            (None, None) => done(ems, notes),
            (Some(a), _) => match self.trailing {
                Trailing::Ignore => {
                    let mut nn = notes.to_vec();
                    nn.push(format!(
                        "the older decoder stops after its last field and ignores the newer bytes from `{}` on (trailing bytes are accepted)",
                        a.meta.label
                    ));
                    done(ems, &nn)
                }
                Trailing::Reject => Out::reject_strict(format!(
                    "bytes remain after the older struct (from `{}` on) and its decoder rejects trailing bytes",
                    a.meta.label
                )),
            },
            (None, Some(b)) => {
                if size(o, self.packing).0 == 0 {
                    done(ems, notes)
                } else {
                    Out::reject(format!("unexpected end of input: the newer bytes end before `{}`", b.meta.label))
                }
            }
        }
    }

    /// Equal scalars where the newer encoder has exactly one candidate value and the older
    /// decoder accepts it: whether the older decoder reads it as EMS, and the note to keep.
    /// `None` when the pair needs `scalar` (several candidates, a check that may reject, or a
    /// carrier inside an opaque layout).
    fn single(&self, a: &Slot, b: &Slot) -> Option<(bool, Option<String>)> {
        if a.meta.holds
            || b.meta.holds
            || b.meta.accepts.is_some()
            || b.meta.known_bits.is_some()
            || b.meta.check.is_some()
        {
            return None;
        }
        let v = match a.meta.val {
            Some(v) => v,
            None if b.meta.marker.is_none() && !matches!(a.atom, Atom::Bool) => 0,
            None => return None,
        };
        if a.meta.writes_bits.is_some_and(|k| (v as u64) & !k != 0) {
            return None;
        }
        let reads_ems = b
            .meta
            .checks()
            .read(v, Place::Slot(&b.meta.label))
            .ok()?
            .ems;
        let note =
            (a.meta.val.is_some() && b.meta.marker.is_none() && a.meta.label != b.meta.label)
                .then(|| format!("the newer `{}` is read as `{}`", a.meta.label, b.meta.label));
        Some((reads_ems, note))
    }

    /// One pair of slots, the newer `a` against the older `b`, then the rest (`n`, `o`): one
    /// method per pair of shapes.
    fn step(
        &mut self,
        a: &Slot,
        b: &Slot,
        n: &[Slot],
        o: &[Slot],
        ems: bool,
        notes: &mut Vec<String>,
    ) -> Out {
        match (&a.atom, &b.atom) {
            (Atom::Opt(ni), Atom::Opt(oi)) => self.option(a, b, (ni, oi), (n, o), ems, notes),
            (Atom::Seq(ni, p, _), Atom::Seq(oi, q, _)) if p == q => {
                self.seqs(a, b, (ni, oi), (n, o), ems, notes)
            }
            (Atom::Enum { tags: nt, .. }, Atom::Enum { tags: ot, .. })
                if nt.as_ref().map(|t| t.0) == ot.as_ref().map(|t| t.0) =>
            {
                self.enums(a, b, (n, o), ems, notes)
            }
            // A dispatch on a value the newer bytes can never start: refused whatever follows.
            (_, Atom::Enum { .. }) if self.packing == Packing::Tls && Self::dispatch_refuses(a, b) => {
                Out::reject(format!(
                    "the newer `{}` begins with a byte no value of the older dispatch `{}` begins with: every such session is refused",
                    a.meta.label, b.meta.label
                ))
            }
            // TLS codecs write a bool, a presence byte and a u8 alike: one byte, read by the
            // older decoder as what it declares there.
            (x, Atom::Bool) if self.packing == Packing::Tls && one_byte(x) => {
                self.byte_as_bool(a, b, n, o, ems, notes)
            }
            (x, Atom::Opt(oi)) if self.packing == Packing::Tls && one_byte(x) => {
                self.byte_as_presence(a, b, oi, (n, o), ems, notes)
            }
            (Atom::Opt(ni), y) if self.packing == Packing::Tls && one_byte(y) => {
                self.presence_as_byte(a, b, ni, (n, o), ems, notes)
            }
            (Atom::Bool, Atom::Int { bits: 8, .. }) if self.packing == Packing::Tls => {
                self.scalar(a, b, n, o, ems, notes)
            }
            (_, Atom::Tail(inner, lenient)) => {
                self.tail(a, b, (inner, *lenient), (n, o), ems, notes)
            }
            (Atom::Map(nk, nv), Atom::Map(ok, ovv)) if shape_eq(nk, ok) && shape_eq(nv, ovv) => {
                self.go(n, o, ems, notes)
            }
            (x, y)
                if atom_eq(x, y)
                    && !matches!(
                        x,
                        Atom::Opt(_) | Atom::Seq(..) | Atom::Enum { .. } | Atom::Map(..)
                    ) =>
            {
                self.scalar(a, b, n, o, ems, notes)
            }
            (Atom::Seq(ni, 0, _), Atom::Str) if self.packing != Packing::Tls && is_bytes(ni) => {
                self.bytes_as_str(a, b, (n, o), ems, notes)
            }
            (Atom::Str, Atom::Seq(oi, 0, max)) if self.packing != Packing::Tls && is_bytes(oi) => {
                self.str_as_bytes(a, b, *max, (n, o), ems, notes)
            }
            (
                Atom::Int {
                    signed: s1,
                    bits: x,
                },
                Atom::Int {
                    signed: s2,
                    bits: y,
                },
            ) if s1 == s2 && x != y => self.resized(a, b, (*s1, *x, *y), (n, o), ems, notes),
            _ => self.diverge(a, b, n, o),
        }
    }

    /// Whether `b` dispatches (with no `other`) on a value the newer `a` never starts with.
    fn dispatch_refuses(a: &Slot, b: &Slot) -> bool {
        match &b.atom {
            Atom::Enum {
                tags: Some((w, values)),
                other: None,
                ..
            } => Self::cannot_start(a, *w, values),
            _ => false,
        }
    }

    /// Two enums whose dispatch values have one width: variant by variant.
    fn enums(
        &mut self,
        a: &Slot,
        b: &Slot,
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &mut [String],
    ) -> Out {
        let (
            Atom::Enum {
                variants: nv,
                tags: nt,
                ..
            },
            Atom::Enum {
                variants: ov,
                other,
                tags: ot,
            },
        ) = (&a.atom, &b.atom)
        else {
            return self.diverge(a, b, n, o);
        };
        let tags = nt
            .as_ref()
            .zip(ot.as_ref())
            .map(|(n, o)| (&n.1[..], &o.1[..]));
        self.variants(a, b, (nv, ov, *other, tags), (n, o), ems, notes)
    }

    /// Two length-prefixed sequences of one prefix width: empty (when the newer may be), or
    /// their elements first.
    fn seqs(
        &mut self,
        a: &Slot,
        b: &Slot,
        (ni, oi): (&[Slot], &[Slot]),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[String],
    ) -> Out {
        let mut outs = Vec::new();
        if !a.meta.forced {
            if b.meta.min_len > 0 {
                outs.push(Out::reject_strict(format!(
                    "the newer `{}` may be empty, and the older decoder refuses fewer than {} elements in `{}`",
                    a.meta.label, b.meta.min_len, b.meta.label
                )));
            } else {
                outs.push(self.go(n, o, ems, &mut notes.to_vec()));
            }
        }
        outs.push(self.go(&cat(ni, n), &cat(oi, o), ems, &mut notes.to_vec()));
        Out::union_all(outs)
    }

    /// bincode and postcard write a string and a byte vector alike: a length, then the bytes.
    /// Read as a string, the bytes must be UTF-8.
    fn bytes_as_str(
        &mut self,
        a: &Slot,
        b: &Slot,
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[String],
    ) -> Out {
        let mut nn = notes.to_vec();
        nn.push(format!(
            "the bytes of the newer `{}` are read as the string `{}` (the same length and bytes on the wire), when they are UTF-8",
            a.meta.label, b.meta.label
        ));
        self.go(n, o, ems, &mut nn).union(Out::reject(format!(
            "the bytes of the newer `{}` are refused as the string `{}` when they are not UTF-8",
            a.meta.label, b.meta.label
        )))
    }

    /// The newer string read as the older byte vector (the same bytes on the wire), within the
    /// older decoder's limit.
    fn str_as_bytes(
        &mut self,
        a: &Slot,
        b: &Slot,
        max: Option<u64>,
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[String],
    ) -> Out {
        let mut nn = notes.to_vec();
        nn.push(format!(
            "the newer string `{}` is read as the bytes `{}` (the same length and bytes on the wire)",
            a.meta.label, b.meta.label
        ));
        let read = self.go(n, o, ems, &mut nn);
        match max {
            Some(m) => read.union(Out::reject(format!(
                "the older decoder refuses more than {m} bytes in `{}`",
                b.meta.label
            ))),
            None => read,
        }
    }

    /// An integer of another width in the older decoder. postcard writes integers wider than
    /// a byte as the same varint whatever their width; bincode (little-endian) and TLS codecs
    /// (big-endian) at their width, so the older decoder reads part of the newer integer, or
    /// part of what follows it.
    fn resized(
        &mut self,
        a: &Slot,
        b: &Slot,
        (signed, x, y): (bool, u8, u8),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[String],
    ) -> Out {
        let fits = |v: i128, bits: u8| {
            if signed {
                let half = 1i128 << (bits - 1);
                (-half..half).contains(&v)
            } else {
                (0..(1i128 << bits)).contains(&v)
            }
        };
        match self.packing {
            Packing::Varint if x > 8 && y > 8 => {
                let mut nn = notes.to_vec();
                nn.push(format!(
                    "postcard writes `{}` ({}) and reads `{}` ({}) as the same varint",
                    a.meta.label,
                    describe(&a.atom),
                    b.meta.label,
                    describe(&b.atom)
                ));
                let too_big = Out::reject(format!(
                    "a value of the newer `{}` too large for the older `{}` is refused (varint overflow)",
                    a.meta.label, b.meta.label
                ));
                match a.meta.val {
                    Some(v) if !fits(v, y) => too_big,
                    Some(_) => self.scalar(a, b, n, o, ems, &nn),
                    None if y > x => self.scalar(a, b, n, o, ems, &nn),
                    None => self.scalar(a, b, n, o, ems, &nn).union(too_big),
                }
            }
            // A raw byte against a varint: the same byte for values below 0x80.
            Packing::Varint if !signed => match a.meta.val {
                Some(v) if v < 0x80 => self.scalar(a, b, n, o, ems, notes),
                Some(_) => self.diverge(a, b, n, o),
                None => self
                    .scalar(a, b, n, o, ems, notes)
                    .union(self.diverge(a, b, n, o)),
            },
            Packing::Varint => self.diverge(a, b, n, o),
            Packing::Fixint | Packing::Tls if x > y => {
                self.split_wider(a, b, (signed, x, y), (n, o), ems, notes)
            }
            Packing::Fixint | Packing::Tls => {
                // The older decoder reads the newer integer and the bytes after it as one: a
                // check refuses it when no value it admits has the newer value in that place.
                let le = self.packing == Packing::Fixint;
                let checks = [b.meta.accepts.as_ref(), b.meta.check.as_ref()];
                let refused = a.meta.val.is_some_and(|v| {
                    checks
                        .iter()
                        .flatten()
                        .any(|acc| !admits_part(acc, v, x, y, le))
                });
                if refused {
                    return Out::reject_strict(format!(
                        "the older `{}` ({}) reads the newer `{}` ({}) with the bytes after it, and no value its check admits holds {} there",
                        b.meta.label,
                        describe(&b.atom),
                        a.meta.label,
                        describe(&a.atom),
                        a.meta.val.unwrap_or_default()
                    ));
                }
                self.diverge(a, b, n, o)
            }
        }
    }

    /// A fixed-width integer wider than the older one: the older decoder reads the first `y`
    /// bits of the newer integer; the rest is read as what follows in the older layout.
    fn split_wider(
        &mut self,
        a: &Slot,
        b: &Slot,
        (signed, x, y): (bool, u8, u8),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[String],
    ) -> Out {
        // The older decoder reads the first y bits of the newer integer; the rest is
        // read as what follows in the older layout.
        let le = self.packing == Packing::Fixint;
        let rest = x - y;
        let low = |v: i128, bits: u8| v & ((1i128 << bits) - 1);
        let (first, second) = match a.meta.val.map(|v| low(v, x)) {
            Some(v) if le => (Some(low(v, y)), Some(v >> y)),
            Some(v) => (Some(v >> rest), Some(low(v, rest))),
            None => (None, None),
        };
        // What the encoder declares it writes, for each part.
        let (first_values, second_values) = match &a.meta.values {
            Some(acc) if le => (masked(acc, y), shifted(acc, y)),
            Some(acc) => (shifted(acc, rest), masked(acc, rest)),
            None => (None, None),
        };
        let part = |bits: u8, val: Option<i128>, values, which: &str, meta: Meta| Slot {
            atom: Atom::Int { signed, bits },
            meta: Meta {
                label: format!("{} ({which})", a.meta.label),
                val,
                values,
                ..meta
            },
        };
        let (head, tail) = if le {
            ("low bytes", "high bytes")
        } else {
            ("high bytes", "low bytes")
        };
        let split = [
            part(y, first, first_values, head, a.meta.clone()),
            part(rest, second, second_values, tail, Meta::default()),
        ];
        let mut nn = notes.to_vec();
        nn.push(format!(
            "the older `{}` ({}) reads the {head} of the newer `{}` ({}); the {tail} are read as what follows",
            b.meta.label,
            describe(&b.atom),
            a.meta.label,
            describe(&a.atom)
        ));
        self.go(
            &cat(&split, n),
            &cat(std::slice::from_ref(b), o),
            ems,
            &mut nn,
        )
    }

    /// An `Option` in both: `None` (unless the encoder forces `Some`), and `Some` with its payload.
    fn option(
        &mut self,
        a: &Slot,
        b: &Slot,
        (ni, oi): (&[Slot], &[Slot]),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[String],
    ) -> Out {
        let flag = b.meta.marker == Some(EmsMarker::Flag);
        let mut outs = Vec::new();
        if !a.meta.forced {
            outs.push(self.go(n, o, ems, &mut notes.to_vec()));
        }
        if a.meta.allowed.as_deref() != Some(&[0]) {
            // `Some(_)` of a non-bool Option carrier is EMS to the older decoder.
            let some_is_ems = flag
                && !matches!(
                    oi,
                    [Slot {
                        atom: Atom::Bool,
                        ..
                    }]
                );
            outs.push(self.go(
                &cat(ni, n),
                &cat(oi, o),
                ems || some_is_ems,
                &mut notes.to_vec(),
            ));
        }
        Out::union_all(outs)
    }

    /// An enum in both: each variant index the encoder may write, as the older enum reads it
    /// (by index; an unknown index is rejected unless a `#[serde(other)]` variant takes it).
    fn variants(
        &mut self,
        a: &Slot,
        b: &Slot,
        (nv, ov, other, tags): (&[Variant], &[Variant], Option<usize>, Option<Tags<'_>>),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[String],
    ) -> Out {
        let allowed: Vec<usize> = a
            .meta
            .allowed
            .clone()
            .unwrap_or_else(|| (0..nv.len()).collect());
        let mut outs = Vec::new();
        for k in allowed {
            let (nname, npayload) = &nv[k];
            // By index, or by the dispatch value the newer variant writes.
            let (found, what) = match tags {
                Some((nt, ot)) => {
                    let value = nt.get(k).copied().flatten();
                    let at = value.and_then(|t| ot.iter().position(|x| *x == Some(t)));
                    let what = match value {
                        Some(t) => format!("dispatch value {t:#x}"),
                        None => format!("variant `{nname}` (no dispatch value)"),
                    };
                    (at.and_then(|i| ov.get(i)), what)
                }
                None => (ov.get(k), format!("variant index {k}")),
            };
            let (oname, opayload, via_other) = match (found, other) {
                (Some((name, p)), _) => (name, p, false),
                (None, Some(oi)) => (&ov[oi].0, &ov[oi].1, true),
                (None, None) => {
                    outs.push(Out::reject_strict(format!(
                        "{what} (`{nname}`) is unknown to the older enum at `{}`",
                        b.meta.label
                    )));
                    continue;
                }
            };
            let reads_ems =
                matches!(&b.meta.marker, Some(EmsMarker::Variant { variant }) if variant == oname);
            let mut nn = notes.to_vec();
            if via_other {
                nn.push(format!(
                    "{what} (`{nname}`) decodes as `{oname}` (its catch-all)"
                ));
                if !npayload.is_empty() {
                    outs.push(Out::data_dependent(
                        Wire::Seq(Vec::new()),
                        format!("variant `{nname}` carries data after an index the older decoder maps to `{oname}`"),
                    ));
                    continue;
                }
            } else if nname != oname {
                nn.push(format!(
                    "{what} is `{nname}` in the newer enum and `{oname}` in the older"
                ));
            }
            outs.push(self.go(
                &cat(npayload, n),
                &cat(opayload, o),
                ems || reads_ems,
                &mut nn,
            ));
        }
        Out::union_all(outs)
    }

    /// An older read-if-bytes-remain tail: the newer bytes from here on either parse as the
    /// tail, or (lenient) the failed parse counts as absence and everything left is swallowed.
    fn tail(
        &mut self,
        a: &Slot,
        b: &Slot,
        (inner, lenient): (&[Slot], bool),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[String],
    ) -> Out {
        let mut outs = vec![self.go(
            &cat(std::slice::from_ref(a), n),
            &cat(inner, o),
            ems,
            &mut notes.to_vec(),
        )];
        if lenient && size(o, self.packing).0 == 0 {
            let rest = || std::iter::once(a).chain(n.iter());
            let swallowed: Vec<String> = rest().map(|s| format!("`{}`", s.meta.label)).collect();
            let carrier = rest()
                .find(|s| s.meta.carrier || s.meta.holds)
                .map(|s| s.meta.label.clone());
            let out = if ems {
                Out::accept_ems(Wire::Seq(Vec::new()))
            } else {
                Out::accept(Wire::Seq(Vec::new()))
            };
            let why = format!(
                "the older optional tail `{}` fails to parse the newer bytes and counts as absent, swallowing {}",
                b.meta.label,
                swallowed.join(", ")
            );
            let notes = notes.iter().cloned().chain(std::iter::once(why));
            outs.push(notes.fold(out, Out::note).swallowing(carrier));
        }
        Out::union_all(outs)
    }

    /// The bytes a newer one-byte slot may hold: its exact value (with the other flag bits its
    /// version declares), else 0, 1 and a byte above 1.
    fn byte_values(a: &Slot) -> Vec<i128> {
        match (a.meta.val, &a.atom) {
            (Some(v), _) => {
                // The other flag bits the version declares may be set beside the EMS bits.
                let mut c = vec![v];
                let other = a.meta.writes_bits.unwrap_or(0) & !a.meta.writes_mask;
                if other != 0 {
                    c.push(v | other as i128);
                }
                c
            }
            (None, Atom::Bool) => vec![0, 1],
            (None, _) => vec![0, 1, 2],
        }
    }

    /// True when every first byte the newer slot `a` may write differs from the first byte of
    /// each value a `w`-byte dispatch accepts (big-endian).
    fn cannot_start(a: &Slot, w: u8, values: &[Option<u64>]) -> bool {
        let first = |v: u64, width: u8| (v >> (8 * (width as u32 - 1))) as i128;
        let starts: Vec<i128> = match &a.atom {
            Atom::Opt(_) => match (a.meta.allowed.as_deref(), a.meta.forced) {
                (Some([0]), _) => vec![0],
                (_, true) => vec![1],
                _ => vec![0, 1],
            },
            Atom::Bool | Atom::Int { bits: 8, .. } => Self::byte_values(a),
            Atom::Enum {
                tags: Some((nw, nv)),
                ..
            } => nv.iter().flatten().map(|v| first(*v, *nw)).collect(),
            _ => return false,
        };
        let wanted: Vec<i128> = values.iter().flatten().map(|v| first(*v, w)).collect();
        !starts.is_empty()
            && starts
                .iter()
                .all(|b| (0..=255).contains(b) && !wanted.contains(b))
    }

    /// The older slot's checks on value `v`; a refusal joins `outs`.
    fn read_checked(b: &Slot, v: i128, outs: &mut Vec<Out>) -> Option<super::semantics::Accepted> {
        match b.meta.checks().read(v, Place::Slot(&b.meta.label)) {
            Ok(x) => Some(x),
            Err(rejected) => {
                outs.push(rejected);
                None
            }
        }
    }

    /// A newer byte read by an older bool: 0 and 1 as they are; another byte refused, or false
    /// when the decoder reads `== 1`.
    fn byte_as_bool(
        &mut self,
        a: &Slot,
        b: &Slot,
        n: &[Slot],
        o: &[Slot],
        ems: bool,
        notes: &[String],
    ) -> Out {
        let mut outs = Vec::new();
        for v in Self::byte_values(a) {
            let read = match v {
                0 | 1 => v,
                _ if b.meta.one_is_true => 0,
                _ => {
                    outs.push(Out::reject(format!(
                        "the newer `{}` writes byte {v}, which the older bool `{}` refuses",
                        a.meta.label, b.meta.label
                    )));
                    continue;
                }
            };
            let Some(accepted) = Self::read_checked(b, read, &mut outs) else {
                continue;
            };
            let mut nn = notes.to_vec();
            nn.extend(accepted.note);
            if v > 1 {
                nn.push(format!(
                    "the newer `{}` writes byte {v}, which the older `{}` reads as false (only 1 is true)",
                    a.meta.label, b.meta.label
                ));
            } else if a.meta.label != b.meta.label {
                nn.push(format!(
                    "the newer `{}` is read as `{}`",
                    a.meta.label, b.meta.label
                ));
            }
            outs.push(self.go(n, o, ems || accepted.ems, &mut nn));
        }
        Out::union_all(outs)
    }

    /// A newer byte read by an older `Option`'s presence byte: 1 is `Some` (its payload is read
    /// from the bytes that follow), 0 is `None`; another byte refused, or `None` when the decoder
    /// reads `== 1`.
    fn byte_as_presence(
        &mut self,
        a: &Slot,
        b: &Slot,
        oi: &[Slot],
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[String],
    ) -> Out {
        let mut outs = Vec::new();
        for v in Self::byte_values(a) {
            let mut nn = notes.to_vec();
            let some = match v {
                1 => true,
                0 => false,
                _ if b.meta.one_is_true => false,
                _ => {
                    outs.push(Out::reject(format!(
                        "the newer `{}` writes byte {v}, which is no presence byte for the older `{}`",
                        a.meta.label, b.meta.label
                    )));
                    continue;
                }
            };
            nn.push(format!(
                "the newer `{}` (byte {v}) is read as the presence byte of the older `{}`: {}",
                a.meta.label,
                b.meta.label,
                if some { "present" } else { "absent" }
            ));
            let some_is_ems = some && b.meta.marker == Some(EmsMarker::Flag);
            let older = if some { cat(oi, o) } else { o.to_vec() };
            outs.push(self.go(n, &older, ems || some_is_ems, &mut nn));
        }
        Out::union_all(outs)
    }

    /// A newer `Option`'s presence byte read by an older one-byte slot: `None` is 0, `Some` is
    /// 1 followed by a payload the older decoder reads as what comes next.
    fn presence_as_byte(
        &mut self,
        a: &Slot,
        b: &Slot,
        ni: &[Slot],
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[String],
    ) -> Out {
        let mut outs = Vec::new();
        let choices: &[i128] = match a.meta.allowed.as_deref() {
            Some([0]) => &[0],
            _ if a.meta.forced => &[1],
            _ => &[0, 1],
        };
        for &v in choices {
            let Some(accepted) = Self::read_checked(b, v, &mut outs) else {
                continue;
            };
            let mut nn = notes.to_vec();
            nn.extend(accepted.note);
            nn.push(format!(
                "the presence byte of the newer `{}` ({v}) is read as `{}`",
                a.meta.label, b.meta.label
            ));
            let newer = if v == 1 { cat(ni, n) } else { n.to_vec() };
            outs.push(self.go(&newer, o, ems || accepted.ems, &mut nn));
        }
        Out::union_all(outs)
    }

    /// Different shapes from here on. Byte counts can still prove a rejection; else what the
    /// older decoder reads depends on the data.
    fn diverge(&self, a: &Slot, b: &Slot, n: &[Slot], o: &[Slot]) -> Out {
        let (n_lo, n_hi) = size(&cat(std::slice::from_ref(a), n), self.packing);
        let (o_lo, o_hi) = size(&cat(std::slice::from_ref(b), o), self.packing);
        if n_hi < o_lo {
            return Out::reject(format!(
                "unexpected end of input: from `{}` on the newer bytes ({n_hi} at most) are fewer than the older decoder needs ({o_lo} at least)",
                a.meta.label
            ));
        }
        if self.trailing == Trailing::Reject && n_lo > o_hi {
            return Out::reject_strict(format!(
                "from `{}` on the newer bytes ({n_lo} at least) outnumber what the older decoder reads ({o_hi} at most) and it rejects trailing bytes",
                a.meta.label
            ));
        }
        // Byte by byte, as far as the newer bytes are known: a check the older decoder applies
        // to what it reads there may refuse every such session.
        if self.packing == Packing::Tls {
            if let Some(out) = bytes::refused(
                &cat(std::slice::from_ref(a), n),
                &cat(std::slice::from_ref(b), o),
            ) {
                return out;
            }
        }
        Out::data_dependent(
            Wire::Seq(Vec::new()),
            format!(
                "the layouts differ at `{}` ({} in the newer version) versus `{}` ({} in the older): what the older decoder reads from there on depends on the data",
                a.meta.label,
                describe(&a.atom),
                b.meta.label,
                describe(&b.atom)
            ),
        )
    }

    /// Equal scalar shapes: the older decoder reads the newer value itself.
    fn scalar(
        &mut self,
        a: &Slot,
        b: &Slot,
        n: &[Slot],
        o: &[Slot],
        ems: bool,
        notes: &[String],
    ) -> Out {
        if a.meta.holds || b.meta.holds {
            return Out::data_dependent(
                Wire::Seq(Vec::new()),
                format!("`{}` holds the EMS carrier but is laid out by code sessionlint does not model (flatten or a custom codec)", a.meta.label),
            );
        }
        // Candidate values the newer encoder may write here.
        let checks = b.meta.checks();
        let cands: Vec<i128> = match a.meta.val {
            Some(v) => vec![v],
            None => {
                let mut c = checks.candidates();
                if matches!(a.atom, Atom::Bool) {
                    c.push(1);
                }
                // The bounds of what the encoder writes, which may be all it can write.
                if let Some(vals) = &a.meta.values {
                    c.extend(vals.candidates());
                }
                c
            }
        };
        let mut outs = Vec::new();
        let writable = |v: &i128| {
            a.meta.writes_bits.is_none_or(|k| (*v as u64) & !k == 0)
                && a.meta.values.as_ref().is_none_or(|vals| vals.contains(*v))
        };
        for v in cands.into_iter().filter(writable) {
            let read = match checks.read(v, Place::Slot(&b.meta.label)) {
                Err(rejected) => {
                    outs.push(rejected);
                    continue;
                }
                Ok(read) => read,
            };
            let reads_ems = read.ems;
            let mut nn = notes.to_vec();
            nn.extend(read.note);
            if a.meta.val.is_some()
                && b.meta.marker.is_none()
                && a.meta.label != b.meta.label
                && b.meta.accepts.is_none()
            {
                nn.push(format!(
                    "the newer `{}` is read as `{}`",
                    a.meta.label, b.meta.label
                ));
            }
            outs.push(self.go(n, o, ems || reads_ems, &mut nn));
        }
        Out::union_all(outs)
    }
}

/// The older decoder over everything the newer encoder may write, for bincode and postcard.
/// Least and most bytes the encoder of `schema` writes for sessions of that kind.
pub fn size_range(schema: &Schema, want: Want, packing: Packing) -> Option<(u64, u64)> {
    let slots = Flat {
        schema,
        side: Side::Encoder(want),
    }
    .root()?;
    Some(size(&slots, packing))
}

pub fn analyse(
    old: &Schema,
    new: &Schema,
    want: Want,
    trailing: Trailing,
    packing: Packing,
) -> Option<Out> {
    let n = Flat {
        schema: new,
        side: Side::Encoder(want),
    }
    .root()?;
    let o = Flat {
        schema: old,
        side: Side::Decoder,
    }
    .root()?;
    let mut walk = Walk {
        trailing,
        packing,
        steps: 0,
    };
    Some(walk.go(&n, &o, false, &mut Vec::new()))
}
