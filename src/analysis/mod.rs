//! Pairs of versions to verdicts. For each decoder and the sessions of each encoder, of each
//! kind (EMS, non-EMS), it answers existentially: is some session accepted and read as EMS,
//! some accepted and read without, some accepted depending on bytes it cannot see, some
//! rejected (and was the rejection meant). No rule and no message lives here: `crate::rules`
//! turns verdicts into findings, and each reason is a value ([`evidence`]) that
//! `crate::findings::evidence` puts into words.

mod decode;
mod der;
pub mod evidence;
mod generate;
mod layout;
mod matrix;
mod outcome;
mod semantics;
mod value;
mod verdict;

pub use evidence::{Direction, Reason};
pub use matrix::{matrix, matrix_with, Cell, Known, Matrix, PropertyMatrix};
pub use outcome::{Out, Pick};
pub use semantics::Want;
pub use value::Wire;
pub use verdict::{
    reading, Depends, Kind, Loss, Misread, PairVerdict, Reading, Readings, Rejection,
    VersionVerdict,
};

use crate::encoding::{self, Crossing, Family};
use crate::schema::{Encoding, Schema, Style, TypeDef};
use decode::Dec;
use evidence::OtherWhy;
use generate::Gen;

/// A name built from two: `Type.field`, `Enum::Variant`. Names are data, never words.
fn name(owner: &str, sep: &str, ident: &str) -> String {
    [owner, sep, ident].concat()
}

/// What an older decoder does with the sessions a newer encoder writes.
/// `None`: the newer version cannot write a session of that kind at all.
pub fn decode_sessions(decoder: &Schema, encoder: &Schema, want: Want) -> Option<Out> {
    let encoder = encoder.as_writer();
    let out = decode_bytes(decoder, &encoder, want)?;
    Some(envelope(decoder, &encoder, want, out))
}

/// Checks that live outside the format but were declared with it.
fn envelope(decoder: &Schema, encoder: &Schema, want: Want, out: Out) -> Out {
    if !out.accepts() && out.strict {
        // Already rejected by a check meant to reject; the envelope adds nothing.
        return out;
    }
    if let (Some(d), Some(e)) = (&decoder.envelope.id, &encoder.envelope.id) {
        if d != e {
            return Out::reject_designed(OtherWhy::EnvelopeDiffers {
                reader: d.clone(),
                writer: e.clone(),
            });
        }
    }
    if decoder.envelope.exact_length && decoder.encoding == encoder.encoding {
        if let Some(packing) = packing(decoder.encoding) {
            let own = layout::size_range(decoder, Want::Any, packing);
            let theirs = layout::size_range(encoder, want, packing);
            if let (Some((lo, hi)), Some((nlo, nhi))) = (own, theirs) {
                if lo == hi && (nhi < lo || nlo > lo) {
                    return Out::reject(OtherWhy::LengthDiffers {
                        own: lo,
                        writer_min: nlo,
                        writer_max: nhi,
                    });
                }
            }
        }
    }
    out
}

fn packing(e: Encoding) -> Option<layout::Packing> {
    match e {
        Encoding::Bincode => Some(layout::Packing::Fixint),
        Encoding::Postcard => Some(layout::Packing::Varint),
        Encoding::TlsPositional => Some(layout::Packing::Tls),
        _ => None,
    }
}

fn decode_bytes(decoder: &Schema, encoder: &Schema, want: Want) -> Option<Out> {
    let nf = encoding::facts(encoder.encoding);
    let of = encoding::facts(decoder.encoding);
    if decoder.encoding == encoder.encoding {
        if let Some(p) = packing(decoder.encoding) {
            let trailing = decoder.trailing.unwrap_or(of.trailing);
            return layout::analyse(decoder, encoder, want, trailing, p);
        }
        if decoder.encoding == Encoding::Der {
            return der::analyse(decoder, encoder, want);
        }
    }
    let compound = root_is_compound(encoder);
    let crossing = encoding::crossing(decoder.encoding, encoder.encoding, compound);
    // Is there such a session at all? (Packed encoders are described by the same generator.)
    let aval = Gen::new(encoder, nf).root(want)?;
    match crossing {
        Crossing::Rejected(why) => Some(Out::reject_strict(OtherWhy::EncodingRefused {
            reader: decoder.encoding,
            writer: encoder.encoding,
            why,
        })),
        Crossing::DataDependent => Some(Out::data_dependent(
            aval.concretize(),
            OtherWhy::EncodingDataDependent {
                reader: decoder.encoding,
                writer: encoder.encoding,
            },
        )),
        Crossing::Readable if of.family != Family::Map && of.family != Family::Array => Some(
            Out::data_dependent(aval.concretize(), OtherWhy::DifferentEncodings),
        ),
        Crossing::Readable => Some(Dec::reading(decoder, encoder).root(&aval)),
    }
}

fn root_is_compound(s: &Schema) -> bool {
    match s.root_def() {
        Some(TypeDef::Struct(st)) => {
            !st.transparent && matches!(st.style, Style::Struct | Style::Tuple)
        }
        Some(TypeDef::Enum(_)) => true,
        None => false,
    }
}

/// Whether `s` can write a session of the kind `want` at all.
fn writes(s: &Schema, want: Want) -> bool {
    let s = s.as_writer();
    Gen::new(&s, encoding::facts(s.encoding))
        .root(want)
        .is_some()
}

/// One session `encoder` writes for sessions of kind `want`, in serde's data model, as the
/// generator picks it (the value witnesses and samples show); `None` when it writes none.
pub fn sample_session(encoder: &Schema, want: Want) -> Option<Wire> {
    let encoder = encoder.as_writer();
    Gen::new(&encoder, encoding::facts(encoder.encoding))
        .root(want)
        .map(|a| a.concretize())
}

/// What `decoder` does with the one value `w` that `encoder` wrote, for self-describing
/// encodings (map and array families) of the same encoding; `None` for others.
pub fn decode_value(decoder: &Schema, encoder: &Schema, w: &Wire) -> Option<Out> {
    let fam = encoding::facts(decoder.encoding).family;
    if decoder.encoding != encoder.encoding || !matches!(fam, Family::Map | Family::Array) {
        return None;
    }
    let out = Dec::reading(decoder, encoder).root(&value::AVal::from_wire(w));
    Some(envelope(decoder, encoder, Want::Any, out))
}

/// Renders a witness in the encoding that wrote it, when that encoding is text.
pub fn sample(enc: Encoding, w: &Wire) -> Option<String> {
    match enc {
        Encoding::Json => Some(w.to_json()),
        Encoding::Yaml => Some(w.to_yaml()),
        Encoding::Toml => Some(w.to_toml()),
        _ => None,
    }
}

/// A witness that real decoders can replay: none when a part of it is not modelled, or when it
/// comes from the packed-layout walk (which tracks shapes, not values).
pub fn witness(w: &Wire) -> Option<String> {
    fn opaque(w: &Wire) -> bool {
        match w {
            Wire::Opaque(_) => true,
            Wire::Seq(v) => v.iter().any(opaque),
            Wire::Map(m) => m.iter().any(|(_, v)| opaque(v)),
            _ => false,
        }
    }
    (!opaque(w) && *w != Wire::Seq(Vec::new())).then(|| w.to_json())
}
