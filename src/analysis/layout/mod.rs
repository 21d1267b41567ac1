//! The packed encodings (bincode, postcard): no field names, no struct lengths. A struct is the
//! concatenation of its fields, so the older decoder reads the newer bytes by position. Where
//! the two layouts agree, values line up; where they first differ, what the older decoder
//! reads depends on the data, and that is reported as unsafe unless a rejection is proven first.

// A rejection is itself the verdict (an `Out`), returned early from the walk; boxing it would
// only add an allocation on the path that ends the walk.
#![allow(clippy::result_large_err)]

mod bytes;
mod flat;
mod walk;

use flat::{Flat, Side};
use walk::{size, Walk};

use super::evidence::Shape;
use super::generate::root_variant;
use super::outcome::Out;
use super::semantics::Want;
use super::semantics::{acted_on, carrier_value, Checks, OptionFlag, Place};
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

fn describe(a: &Atom) -> Shape {
    match a {
        Atom::Bool => Shape::Bool,
        Atom::Int { signed, bits } => Shape::Int {
            signed: *signed,
            bits: *bits,
        },
        Atom::Float { bits } => Shape::Float { bits: *bits },
        Atom::Char => Shape::Char,
        Atom::Str => Shape::Str,
        Atom::Opt(_) => Shape::OptionTag,
        Atom::Seq(..) => Shape::SeqLength,
        Atom::Tail(..) => Shape::OptionalTail,
        Atom::Map(..) => Shape::MapLength,
        Atom::Enum { tags: Some(_), .. } => Shape::Dispatch,
        Atom::Enum { .. } => Shape::VariantIndex,
        Atom::Opaque(n) => Shape::Opaque(n.clone()),
        Atom::Cond(_) => Shape::Conditional,
    }
}

/// How integers are packed: bincode 1 `serialize` is fixint, postcard is varint, TLS codecs
/// big-endian with declared length-prefix widths.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    Fixint,
    Varint,
    Tls,
}

/// Least and most bytes the encoder of `schema` writes for sessions of that kind.
pub fn size_range(schema: &Schema, want: Want, packing: Packing) -> Option<(u64, u64)> {
    let slots = Flat {
        schema,
        side: Side::Encoder(want),
    }
    .root()?;
    Some(size(&slots, packing))
}

/// The older decoder over everything the newer encoder may write, for bincode and postcard.
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
