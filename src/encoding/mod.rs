//! What each encoding's real crate does, in one place. Every fact here is proven by a
//! differential test in `tests/corpus` (encode with the newer type, decode with the older one
//! using the real crate); a crate upgrade that changes one fails that test.

use crate::schema::{Encoding, Trailing};

/// How a struct reaches the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Self-describing, structs as maps keyed by field name: json, toml, yaml, cbor, msgpack-named.
    Map,
    /// Self-describing, structs as arrays that carry their length: msgpack (`rmp_serde::to_vec`).
    Array,
    /// Not self-describing, no lengths for structs: bincode, postcard, TLS codecs. Field order
    /// is the layout.
    Packed,
    /// DER: tagged elements, parsed in a fixed order.
    Der,
}

/// The decoder-side facts of one encoding.
#[derive(Clone, Copy, Debug)]
pub struct Facts {
    pub encoding: Encoding,
    pub family: Family,
    /// Whether the encoder writes a `None` field at all: toml omits it, the others write null/nil.
    pub writes_none: bool,
    /// Default policy for bytes after a complete value (`from_slice`/`deserialize`/`from_bytes`).
    pub trailing: Trailing,
    /// Text formats reject bytes that are not UTF-8, i.e. any binary map/array header.
    pub text: bool,
    /// Whether a `#[serde(other)]` unit variant takes an unknown variant that carries data
    /// (dropping the data): ciborium's enum access lets it; serde_json, serde_yaml, toml and
    /// rmp-serde refuse the data ("invalid type: map, expected unit variant").
    pub other_takes_data: bool,
}

pub fn facts(encoding: Encoding) -> Facts {
    use Encoding::*;
    let (family, writes_none, trailing, text) = match encoding {
        Json => (Family::Map, true, Trailing::Reject, true),
        Toml => (Family::Map, false, Trailing::Reject, true),
        Yaml => (Family::Map, true, Trailing::Reject, true),
        // ciborium::from_reader stops after one value.
        Cbor => (Family::Map, true, Trailing::Ignore, false),
        MsgpackNamed => (Family::Map, true, Trailing::Ignore, false),
        // rmp_serde checks a struct array's length, but from_slice ignores bytes after the value.
        Msgpack => (Family::Array, true, Trailing::Ignore, false),
        // bincode::deserialize is fixint + allow_trailing_bytes; postcard::from_bytes ignores the rest.
        Bincode => (Family::Packed, true, Trailing::Ignore, false),
        Postcard => (Family::Packed, true, Trailing::Ignore, false),
        // Hand-written codecs declare their policies; undeclared, the permissive one is assumed.
        TlsPositional => (Family::Packed, true, Trailing::Ignore, false),
        Der => (Family::Der, true, Trailing::Ignore, false),
    };
    Facts {
        encoding,
        family,
        writes_none,
        trailing,
        text,
        other_takes_data: encoding == Cbor,
    }
}

/// How an older decoder of `old` reads bytes written in `new`, when the two differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crossing {
    /// Same crate, same data model: analyse as usual with the older decoder's rules.
    /// (msgpack <-> msgpack-named: `rmp_serde::from_slice` reads a struct from a map or an array;
    /// json -> yaml: YAML is a superset of JSON.)
    Readable,
    /// The older decoder fails on the first byte: a binary map/array header is not UTF-8 for a
    /// text decoder; a text document's first byte is a scalar for a binary decoder.
    Rejected(Refusal),
    /// Anything else: acceptance depends on the bytes.
    DataDependent,
}

/// Why the older decoder fails on the first byte of another encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A binary map or array header is not valid UTF-8 text.
    BinaryHeaderNotText,
    /// The first byte of a text document decodes as a scalar, not a map.
    TextReadAsScalar,
    /// One text document is not valid syntax for the other text format.
    NotSyntax,
}

pub fn crossing(old: Encoding, new: Encoding, root_is_compound: bool) -> Crossing {
    use Encoding::*;
    if old == new {
        return Crossing::Readable;
    }
    let (fo, fnew) = (facts(old), facts(new));
    if !old.is_serde() || !new.is_serde() {
        return Crossing::DataDependent;
    }
    match (old, new) {
        (Msgpack, MsgpackNamed) | (MsgpackNamed, Msgpack) => Crossing::Readable,
        (Yaml, Json) => Crossing::Readable,
        _ if !root_is_compound => Crossing::DataDependent,
        _ if fo.text && matches!(new, Cbor | Msgpack | MsgpackNamed) => {
            Crossing::Rejected(Refusal::BinaryHeaderNotText)
        }
        _ if fnew.text && matches!(old, Cbor | Msgpack | MsgpackNamed) => {
            Crossing::Rejected(Refusal::TextReadAsScalar)
        }
        _ if fo.text && fnew.text => Crossing::Rejected(Refusal::NotSyntax),
        _ => Crossing::DataDependent,
    }
}
