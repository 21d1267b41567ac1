//! The schema model: one version of one session format, as its encoder writes it and its
//! decoder reads it. Everything downstream (analysis, reports, snapshots) looks only at this,
//! never at syn types, so Rust sources, snapshot files and the derive all meet here.
//!
//! Its structs are `#[non_exhaustive]`: other crates build them with their `new` constructors
//! (what every value needs) and then set the public fields they know, so that a field added to
//! the model breaks no one. Its enums stay exhaustive on purpose: a new kind of type, marker or
//! encoding must fail to compile wherever it is not yet handled, never fall into a catch-all
//! arm of the analysis.

mod accepts;
mod ty;
// Validation and expansion estimates are the analysis's: not built for annotating crates.
#[cfg(feature = "analysis")]
mod validate;

pub use accepts::{Accepts, AcceptsError};
pub use ty::Ty;
#[cfg(feature = "analysis")]
pub use validate::fixed_bytes;

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// One version of one session format.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Schema {
    /// Format name shared by all versions of the chain.
    pub name: String,
    /// The version number, unique within the format (`#[session(version = N)]`).
    pub version: u32,
    /// How sessions of this version are serialized.
    pub encoding: Encoding,
    /// Overrides the positional decoder's default trailing-bytes policy.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub trailing: Option<Trailing>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Role::is_server")
    )]
    /// Who keeps the sessions: a server (tickets, session cache) or a client (its cache).
    pub role: Role,
    /// DER: what the decoder does with a tag it does not know, or one out of order.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub unknown_tags: Option<UnknownTags>,
    /// A check outside the format that the decoder also applies (declared, it is not in the bytes).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Envelope::is_empty")
    )]
    pub envelope: Envelope,
    /// Key of the root type in `types`.
    pub root: String,
    /// The root and every type reachable from it, by name.
    pub types: BTreeMap<String, TypeDef>,
    /// Where this version was read from. Not part of schema identity.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing))]
    pub origin: Origin,
    /// The builds this shape of the version is compiled in, when `cfg` options the
    /// configuration does not decide give the version several shapes (`unix`, `not(unix)`);
    /// `None` when every build has this one. Not part of schema identity, never written.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub build: Option<String>,
}

/// A user-facing problem with the input: where, what, and what to do.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Where the problem is.
    pub origin: Origin,
    /// What is wrong, in a sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

/// Where a schema (or one of its parts) came from, for diagnostics.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Origin {
    /// The file, as the user named it (relative to where sessionlint runs).
    pub file: String,
    /// The 1-based line.
    pub line: u32,
    /// Byte offset and length in the file, for labels.
    pub offset: usize,
    /// Length in bytes of the labelled text.
    pub len: usize,
    /// Where a proposed fix's edit goes, when this place can take one: in a Rust source, in front
    /// of the item (after its own attributes, before its visibility), where an attribute is
    /// inserted; for a hand-written schema file, its start (keys are set by path). `None` where
    /// no edit can go: the derive, a generated snapshot, a file read at a released revision, a
    /// configured type's `#[session]` keys.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub attr_at: Option<Pos>,
}

/// A place in a file: byte offset, 1-based line, 1-based column in characters.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Pos {
    /// Byte offset from the start of the file.
    pub offset: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// When only spaces or tabs precede this place on its line: how many (an attribute inserted
    /// here goes on a line of its own, indented alike).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub indent: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
/// The serialization of a session: a serde format crate, or a hand-written codec described in a schema file.
pub enum Encoding {
    /// serde_json.
    Json,
    /// toml.
    Toml,
    /// serde_yaml.
    Yaml,
    /// ciborium.
    Cbor,
    /// `rmp_serde::to_vec`: structs as arrays.
    Msgpack,
    /// `rmp_serde::to_vec_named`: structs as maps.
    MsgpackNamed,
    /// bincode 1.x `serialize`/`deserialize` (fixint, little endian).
    Bincode,
    /// postcard `to_allocvec`/`from_bytes` (varint).
    Postcard,
    /// DER, as BoringSSL and OpenSSL write sessions (schema files only).
    Der,
    /// TLS presentation language, big-endian, explicit length prefixes: NSS, s2n-tls, Go,
    /// rustls codecs (schema files only).
    TlsPositional,
}

impl Encoding {
    /// Every encoding, in the order the documentation lists them.
    pub const ALL: [Encoding; 10] = [
        Encoding::Json,
        Encoding::Toml,
        Encoding::Yaml,
        Encoding::Cbor,
        Encoding::Msgpack,
        Encoding::MsgpackNamed,
        Encoding::Bincode,
        Encoding::Postcard,
        Encoding::Der,
        Encoding::TlsPositional,
    ];

    /// Encodings of serde types (the others describe hand-written codecs in schema files).
    pub fn is_serde(self) -> bool {
        !matches!(self, Encoding::Der | Encoding::TlsPositional)
    }

    /// The name used in `#[session(encoding = "...")]` and schema files.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Json => "json",
            Encoding::Toml => "toml",
            Encoding::Yaml => "yaml",
            Encoding::Cbor => "cbor",
            Encoding::Msgpack => "msgpack",
            Encoding::MsgpackNamed => "msgpack-named",
            Encoding::Bincode => "bincode",
            Encoding::Postcard => "postcard",
            Encoding::Der => "der",
            Encoding::TlsPositional => "tls-positional",
        }
    }

    /// The encoding a name stands for (`None` for an unknown name).
    pub fn parse(s: &str) -> Option<Encoding> {
        Encoding::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The serde encodings, for messages about attributes.
    pub fn names() -> String {
        Encoding::ALL
            .iter()
            .filter(|e| e.is_serde())
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
/// What a decoder does with bytes after a complete value.
pub enum Trailing {
    /// Refuses them (`trailing = "reject"`).
    Reject,
    /// Ignores them (`trailing = "ignore"`).
    Ignore,
}

impl Trailing {
    /// The policy a name stands for (`reject`, `ignore`).
    pub fn parse(s: &str) -> Option<Trailing> {
        match s {
            "reject" => Some(Trailing::Reject),
            "ignore" => Some(Trailing::Ignore),
            _ => None,
        }
    }
}

/// What a DER decoder does with an element it does not expect where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum UnknownTags {
    /// The parse fails (bytes left unconsumed are an error: BoringSSL since f297e021f, OpenSSL).
    Reject,
    /// The element is skipped and parsing goes on with the next one.
    Ignore,
    /// Parsing stops there: every later element reads as absent and the rest is left unread
    /// (a parser that takes each OPTIONAL tag in order and never checks for leftovers: BoringSSL's
    /// CBS parser between 83fd6b686 and f297e021f).
    Stop,
}

/// What wraps the encoded session (a ticket's encryption envelope, a cache entry's framing).
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Envelope {
    /// The decoder requires the exact length its own version writes (s2n-tls ticket size).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub exact_length: bool,
    /// An identifier of the envelope's layout: a decoder rejects a different one (Go 1.20's key
    /// name vs 1.21's trial MAC).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub id: Option<String>,
}

impl Envelope {
    /// Whether the envelope declares nothing.
    pub fn is_empty(&self) -> bool {
        !self.exact_length && self.id.is_none()
    }
}

/// Who persists the session: a server (tickets, session cache) or a client (session cache).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Role {
    #[default]
    /// Sessions kept by servers: tickets and the server session cache.
    Server,
    /// Sessions kept by clients: the client session cache.
    Client,
}

impl Role {
    /// Whether this is the server role (the default).
    pub fn is_server(&self) -> bool {
        *self == Role::Server
    }
}

#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "kebab-case"))]
/// A type of the schema: a struct or an enum, as serde lays it out.
pub enum TypeDef {
    /// A struct.
    Struct(StructDef),
    /// An enum.
    Enum(EnumDef),
}

impl TypeDef {
    /// Every field, of the struct or of every variant, to change in place.
    pub fn fields_mut(&mut self) -> Vec<&mut Field> {
        match self {
            TypeDef::Struct(s) => s.fields.iter_mut().collect(),
            TypeDef::Enum(e) => e
                .variants
                .iter_mut()
                .flat_map(|v| v.fields.iter_mut())
                .collect(),
        }
    }

    /// Rewrites the type of the field (or variant fields) called `ident`.
    pub fn set_field_type(&mut self, ident: &str, f: impl Fn(&Ty) -> Ty) {
        let fields: Vec<&mut Field> = self.fields_mut();
        for field in fields.into_iter().filter(|x| x.ident == ident) {
            field.ty = f(&field.ty);
        }
    }

    /// The type's Rust name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
        }
    }

    /// Sets the key the type has under `[types]` (its name, or a module path when two types
    /// of one schema share a name).
    pub fn set_name(&mut self, name: String) {
        match self {
            TypeDef::Struct(s) => s.name = name,
            TypeDef::Enum(e) => e.name = name,
        }
    }

    /// Where the type was read from.
    pub fn origin(&self) -> &Origin {
        match self {
            TypeDef::Struct(s) => &s.origin,
            TypeDef::Enum(e) => &e.origin,
        }
    }

    /// Every field: a struct's, or those of all of an enum's variants.
    pub fn fields(&self) -> Vec<&Field> {
        match self {
            TypeDef::Struct(s) => s.fields.iter().collect(),
            TypeDef::Enum(e) => e.variants.iter().flat_map(|v| v.fields.iter()).collect(),
        }
    }
}

/// Shape of a struct or of an enum variant's content, as serde sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Style {
    /// Named fields.
    Struct,
    /// Several unnamed fields.
    Tuple,
    /// One unnamed field.
    Newtype,
    /// A unit struct or variant.
    Unit,
}

#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
/// A struct, with serde's container attributes that decide its wire form.
pub struct StructDef {
    /// Default in schema files: the key under `[types]`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub name: String,
    #[cfg_attr(feature = "serde", serde(default = "struct_style"))]
    /// Named fields, a tuple, a newtype or a unit.
    pub style: Style,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    /// `#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]`: unknown keys are refused.
    pub deny_unknown_fields: bool,
    /// `#[cfg_attr(feature = "serde", serde(transparent))]`: encoded as its single non-skipped field.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub transparent: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    /// The fields, in declaration order (the order positional encodings write them).
    pub fields: Vec<Field>,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing))]
    /// Where the struct was read from.
    pub origin: Origin,
}

/// When the encoder writes a field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Write {
    #[default]
    /// Always written.
    Always,
    /// `skip_serializing` / `skip`.
    Never,
    /// `skip_serializing_if = "path"`: the predicate is never executed; it is assumed to skip
    /// only a default-like value (false, None, zero, empty), which is the idiom.
    Unless(String),
}

/// What the decoder does when the key (or position) is missing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Missing {
    /// "missing field" error (an `Option` is still filled with `None` by serde_derive).
    #[default]
    Error,
    /// `#[cfg_attr(feature = "serde", serde(default))]` on the field or the container: `Default::default()`.
    Default,
    /// `#[cfg_attr(feature = "serde", serde(default = "path"))]`: a function sessionlint never runs and could not read.
    DefaultFn(String),
    /// `#[cfg_attr(feature = "serde", serde(default = "path"))]` whose function (found in the scanned sources) returns a
    /// literal or a const: its value, read without running anything.
    /// (In schema files `path` may be left out: DER `DEFAULT TRUE` is
    /// `{ default-value = { value = { bool = true } } }`.)
    DefaultValue {
        #[cfg_attr(feature = "serde", serde(default))]
        /// The function's path (empty for a schema file's `DEFAULT TRUE`).
        path: String,
        /// The value it returns.
        value: Literal,
    },
}

impl std::fmt::Display for Literal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(n) => write!(f, "{n}"),
            Literal::None => f.write_str("None"),
            Literal::Some(x) => write!(f, "Some({x})"),
            Literal::Variant(v) => f.write_str(v),
            Literal::Any => f.write_str(".."),
        }
    }
}

/// A value written in the source, as far as sessionlint reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Literal {
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// `None`.
    None,
    /// `Some(..)` of a value.
    Some(Box<Literal>),
    /// A unit enum variant (`Type::Variant` or `Variant`), by name.
    Variant(String),
    /// A value sessionlint does not model (inside `Some(..)`).
    Any,
}

#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
/// A field of a struct or variant: its type and serde attributes, and what it means to the session.
pub struct Field {
    /// Rust name, or the index of a tuple field.
    pub ident: String,
    /// Key the encoder writes (default in schema files: `ident`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub ser_name: String,
    /// Keys the decoder recognises: its name after renames, and aliases (default: `ser_name`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub de_names: Vec<String>,
    /// The type, reduced to what decides its wire form.
    pub ty: Ty,
    #[cfg_attr(feature = "serde", serde(default))]
    /// When the encoder writes the field.
    pub write: Write,
    /// False for `skip_deserializing`: the decoder never reads this key.
    #[cfg_attr(
        feature = "serde",
        serde(default = "yes", skip_serializing_if = "is_true")
    )]
    pub read: bool,
    #[cfg_attr(feature = "serde", serde(default))]
    /// What the decoder does when the field is absent.
    pub missing: Missing,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    /// `#[cfg_attr(feature = "serde", serde(flatten))]`: the field's keys are the container's.
    pub flatten: bool,
    /// `serialize_with` / `deserialize_with` / `with`: the wire form is custom code.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub custom_codec: bool,
    /// The custom code's identity (a `with` module, `serialize_with | deserialize_with`
    /// functions, `serde_with::As<X>`): the same code on the same type writes and reads one form.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub codec: Option<String>,
    /// `ty` is the form the custom code writes (a serde_with adapter sessionlint models:
    /// `Base64` writes a string); its reading may still refuse values of that form.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub codec_wire: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "SessionField::is_empty")
    )]
    /// What the field means to the session (EMS carrier, version field, checks).
    pub session: SessionField,
    /// How a hand-written codec lays the field out (schema files only).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "WireField::is_empty")
    )]
    pub wire: WireField,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing))]
    /// Where the field was read from.
    pub origin: Origin,
}

/// Layout and decode policy of a field in a hand-written codec.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct WireField {
    /// DER context tag (`[17]`); none for the untagged leading elements.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub tag: Option<u32>,
    /// Width in bytes of the length prefix of an opaque or a list (TLS `<0..2^16-1>` is 2); a
    /// list gives one width per level (`[3, 3]`: a u24 list of u24-prefixed certificates), and
    /// one width applies to every level.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub prefix: Option<Prefix>,
    /// Decoder: the most bytes (of an opaque) or elements (of a list) it accepts; the encoder
    /// never writes more. A longer value is refused (rustls' `SessionID`: 32). One number for the
    /// outermost level, or one per level of `prefix` (`[65535, 16384]`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub max_len: Option<Limits>,
    /// Decoder: the fewest bytes (of an opaque) or elements (of a list) it accepts (a list that
    /// must not be empty: 1); the encoder never writes fewer.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub min_len: Option<u64>,
    /// DER: the context tag replaces the element's own tag (`[n] IMPLICIT`) instead of wrapping
    /// it (`[n] EXPLICIT`, the default).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub implicit: bool,
    /// Decoder: a `bool`, or an `Option`'s presence byte, counts as true / present only when the
    /// byte is 1; any other value is false / absent (rustls: `matches!(u8::read(r)?, 1)`). Without
    /// it, a byte other than 0 or 1 is refused.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub one_is_true: bool,
    /// Decoder: read only if bytes remain (`if r.any_left()`), else absent.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub if_remaining: bool,
    /// Decoder: a parse failure counts as absence instead of an error.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub lenient: bool,
}

impl Field {
    /// What a decoder with the same custom code on the same type recognises as its own form:
    /// the code's identity and the type (`None` without custom code, or when it is unknown).
    pub fn codec_id(&self) -> Option<String> {
        let c = self.codec.as_ref().filter(|_| self.custom_codec)?;
        Some(format!("custom serde code `{c}` for {}", self.ty))
    }
}

impl WireField {
    /// Whether nothing about the wire layout is declared.
    pub fn is_empty(&self) -> bool {
        *self == WireField::default()
    }

    /// The most bytes or elements the decoder accepts at the outermost level.
    pub fn outer_max_len(&self) -> Option<u64> {
        self.max_len.as_ref().and_then(|m| m.0.first().copied())
    }

    /// The length-prefix width of the outermost level, if declared.
    pub fn outer_prefix(&self) -> Option<u8> {
        self.prefix.as_ref().and_then(|p| p.0.first().copied())
    }
}

/// Length limits, outermost first. Written as one number (the outermost level) or a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits(pub Vec<u64>);

impl Limits {
    /// The limits of the levels inside the outermost one (none when one number was given).
    pub fn inner(&self) -> Option<Limits> {
        (self.0.len() > 1).then(|| Limits(self.0[1..].to_vec()))
    }
}

#[cfg(feature = "serde")]
impl Serialize for Limits {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_u64(*one),
            all => all.serialize(s),
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for Limits {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Limits, D::Error> {
        #[cfg_attr(feature = "serde", derive(Deserialize))]
        #[cfg_attr(feature = "serde", serde(untagged))]
        enum Form {
            One(u64),
            Levels(Vec<u64>),
        }
        match Form::deserialize(d)? {
            Form::One(w) => Ok(Limits(vec![w])),
            Form::Levels(v) if !v.is_empty() => Ok(Limits(v)),
            Form::Levels(_) => Err(serde::de::Error::custom(
                "`max_len` needs at least one limit",
            )),
        }
    }
}

/// Length-prefix widths, outermost first. Written as one number (every level) or a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefix(pub Vec<u8>);

impl Prefix {
    /// The widths of the levels inside the outermost one (the last width repeats).
    pub fn inner(&self) -> Prefix {
        match self.0.as_slice() {
            [one] => Prefix(vec![*one]),
            [_, rest @ ..] => Prefix(rest.to_vec()),
            [] => Prefix(Vec::new()),
        }
    }
}

#[cfg(feature = "serde")]
impl Serialize for Prefix {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_u8(*one),
            all => all.serialize(s),
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for Prefix {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Prefix, D::Error> {
        #[cfg_attr(feature = "serde", derive(Deserialize))]
        #[cfg_attr(feature = "serde", serde(untagged))]
        enum Form {
            One(u8),
            Levels(Vec<u8>),
        }
        match Form::deserialize(d)? {
            Form::One(w) => Ok(Prefix(vec![w])),
            Form::Levels(v) if !v.is_empty() => Ok(Prefix(v)),
            Form::Levels(_) => Err(serde::de::Error::custom(
                "`prefix` needs at least one width",
            )),
        }
    }
}

/// The `#[session(...)]` keys of a field.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SessionField {
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    /// The EMS carrier: how the field records EMS.
    pub ems: Option<EmsMarker>,
    /// A critical property this field carries, in the same forms as `ems`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub critical: Option<Critical>,
    /// The decoder rejects any flag bit outside this set.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub known_bits: Option<u64>,
    /// This field holds the container version; the decoder accepts the given range.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub version_field: Option<Accepts>,
    /// What this version's encoder writes in its version field, when that is not its container
    /// `version` (NSS writes 0x0101; s2n-tls 1.0.16 to 1.1.0 all write format 1).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub writes: Option<u64>,
    /// The decoder reads the field but does not act on it (s2n-tls 1.0.17: the EMS byte was
    /// parsed and ignored outside tests).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub ignored: bool,
    /// Decoder, after parsing: the session resumes only when this integer lies in the set (rustls
    /// resumes a session only with the cipher suite it negotiated, so a value that is no cipher
    /// suite never resumes); any other value is a full handshake.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub check: Option<Accepts>,
    /// Encoder: the integers this version writes here, when not every value of the type (a
    /// timestamp in seconds stays below 2^40 for 30,000 years).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub values: Option<Accepts>,
    /// Encoder: what this version writes in its EMS carrier, when that is not the session's EMS
    /// status. `"any"`: either value, whatever the session (s2n-tls 1.0.17 set the byte when the
    /// client offered EMS, and negotiated none): the version writes no EMS sessions.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub written: Option<Written>,
}

/// What an encoder writes in its EMS carrier, when not the session's EMS status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Written {
    /// Either value, whatever the session.
    Any,
}

impl SessionField {
    /// Whether the field means nothing to the session.
    pub fn is_empty(&self) -> bool {
        self.ems.is_none()
            && self.critical.is_none()
            && self.known_bits.is_none()
            && self.version_field.is_none()
            && self.writes.is_none()
            && !self.ignored
            && self.check.is_none()
            && self.values.is_none()
            && self.written.is_none()
    }
}

/// A session fact, besides EMS, whose loss widens resumption (BoringSSL's `is_quic`,
/// `early_alpn`, `ticket_max_early_data`): `name`, carried as `marker` says.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Critical {
    /// The property's name (`quic`).
    pub name: String,
    #[cfg_attr(feature = "serde", serde(flatten))]
    /// How the field records it.
    pub marker: EmsMarker,
}

/// How a field carries the EMS status of the session.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "kebab-case"))]
pub enum EmsMarker {
    /// `bool` (true), `Option<bool>` (`Some(true)`), other `Option<_>` (`Some`).
    Flag,
    /// An enum-typed field: this variant means EMS.
    Variant {
        /// The variant's Rust name.
        variant: String,
    },
    /// An integer flags field: any of these bits means EMS.
    Mask {
        /// The bits.
        mask: u64,
    },
}

impl EmsMarker {
    /// The variant that means EMS, for an enum-typed carrier: a value of that variant is EMS,
    /// any other is not (the variant carrier's one rule, for every walker and generator).
    pub fn variant(&self) -> Option<&str> {
        match self {
            EmsMarker::Variant { variant } => Some(variant),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
/// serde's representation of an enum.
pub enum EnumRepr {
    /// `{"Variant": content}` (serde's default).
    External,
    /// `#[cfg_attr(feature = "serde", serde(tag = "t"))]`: the tag inside the content.
    Internal,
    /// `#[cfg_attr(feature = "serde", serde(tag = "t", content = "c"))]`: tag and content side by side.
    Adjacent,
    /// `#[cfg_attr(feature = "serde", serde(untagged))]`: the first variant that parses.
    Untagged,
}

#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
/// An enum, with serde's container attributes that decide its wire form.
pub struct EnumDef {
    #[cfg_attr(feature = "serde", serde(default))]
    /// The Rust name.
    pub name: String,
    /// How serde represents it.
    pub repr: EnumRepr,
    /// For `Internal` and `Adjacent`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub tag: Option<String>,
    /// For `Adjacent`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub content: Option<String>,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    /// `#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]` (for internally tagged variants' content).
    pub deny_unknown_fields: bool,
    /// `tls-positional`: the enum is a value of this many bytes that selects the variant (each
    /// variant's `tag_value`), as a root that dispatches on its protocol version does.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub tag_width: Option<u8>,
    /// The variants, in declaration order (their index is the tag in packed encodings).
    pub variants: Vec<Variant>,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing))]
    /// Where the enum was read from.
    pub origin: Origin,
}

#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
/// A variant of an enum.
pub struct Variant {
    /// The Rust name.
    pub ident: String,
    /// Default in schema files: `ident`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub ser_name: String,
    /// Default in schema files: `ser_name`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub de_names: Vec<String>,
    #[cfg_attr(feature = "serde", serde(default = "struct_style"))]
    /// Named fields, a tuple, a newtype or a unit.
    pub style: Style,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    /// The variant's fields.
    pub fields: Vec<Field>,
    /// `#[cfg_attr(feature = "serde", serde(other))]`: unknown variant names decode as this one.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub other: bool,
    /// `#[cfg_attr(feature = "serde", serde(untagged))]` on the variant.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub untagged: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default = "yes", skip_serializing_if = "is_true")
    )]
    /// False for `skip_deserializing`: the decoder never takes this variant.
    pub read: bool,
    #[cfg_attr(
        feature = "serde",
        serde(default = "yes", skip_serializing_if = "is_true")
    )]
    /// False for `skip_serializing`: the encoder never writes this variant.
    pub write: bool,
    /// `#[session(current)]`: the variant a root enum's encoder writes.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub current: bool,
    /// `tls-positional` with `tag_width`: the value that selects this variant (an `other` variant
    /// takes every value no variant names).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub tag_value: Option<u64>,
    /// `#[default]` for `#[derive(Default)]`.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub is_default: bool,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing))]
    /// Where the variant was read from.
    pub origin: Origin,
}

#[cfg(feature = "serde")]
fn struct_style() -> Style {
    Style::Struct
}

#[cfg(feature = "serde")]
fn is_false(b: &bool) -> bool {
    !*b
}

#[cfg(feature = "serde")]
fn is_true(b: &bool) -> bool {
    *b
}

#[cfg(feature = "serde")]
fn yes() -> bool {
    true
}

impl Schema {
    /// The definition of the root type.
    pub fn root_def(&self) -> Option<&TypeDef> {
        self.types.get(&self.root)
    }

    /// The definition of the type named `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(name)
    }

    /// The critical properties (besides EMS) this version carries, by name.
    pub fn properties(&self) -> std::collections::BTreeSet<String> {
        self.types
            .values()
            .flat_map(|d| d.fields())
            .filter_map(|f| f.session.critical.as_ref().map(|c| c.name.clone()))
            .collect()
    }

    /// This version seen for one critical property: its carrier takes the place of the EMS
    /// carrier (and EMS's is dropped), so that every EMS analysis answers for the property.
    pub fn project(&self, property: &str) -> Schema {
        let mut s = self.clone();
        for def in s.types.values_mut() {
            for f in def.fields_mut() {
                let mine = f.session.critical.take().filter(|c| c.name == property);
                f.session.ems = mine.map(|c| c.marker);
                f.session.ignored = false;
            }
        }
        s
    }

    /// The path of fields from the root to the EMS carrier, if this version has one: for a root
    /// enum whose variants are versions, the carrier of the variant its encoder writes first.
    pub fn ems_carrier(&self) -> Option<CarrierPath<'_>> {
        if let Some(TypeDef::Enum(e)) = self.root_def() {
            if let Some(v) = self.written_variant(e) {
                let mut seen = vec![self.root.clone()];
                let found = v.fields.iter().find_map(|f| {
                    if f.session.ems.is_some() {
                        return Some(CarrierPath { fields: vec![f] });
                    }
                    f.ty.named_types().into_iter().find_map(|n| {
                        let mut p = self.find_carrier(n, &mut seen)?;
                        p.fields.insert(0, f);
                        Some(p)
                    })
                });
                if found.is_some() {
                    return found;
                }
            }
        }
        let mut seen = Vec::new();
        self.find_carrier(&self.root, &mut seen)
    }

    /// The one variant a root enum's encoder writes: `#[session(current)]`, else the last
    /// declared variant that holds an EMS carrier (variants that are versions are declared
    /// oldest first), else the last declared (the first for `untagged`).
    pub fn written_variant<'e>(&self, e: &'e EnumDef) -> Option<&'e Variant> {
        let holds = |v: &Variant| {
            v.fields
                .iter()
                .any(|f| f.session.ems.is_some() || self.holds_carrier(&f.ty))
        };
        e.variants
            .iter()
            .find(|v| v.current)
            .or_else(|| e.variants.iter().rev().find(|v| holds(v)))
            .or_else(|| {
                if e.repr == EnumRepr::Untagged {
                    e.variants.first()
                } else {
                    e.variants.last()
                }
            })
    }

    fn find_carrier<'a>(&'a self, ty: &str, seen: &mut Vec<String>) -> Option<CarrierPath<'a>> {
        if seen.iter().any(|s| s == ty) {
            return None;
        }
        seen.push(ty.to_string());
        let def = self.types.get(ty)?;
        let fields = def.fields();
        for f in &fields {
            if f.session.ems.is_some() {
                return Some(CarrierPath { fields: vec![f] });
            }
        }
        for f in fields {
            for inner in f.ty.named_types() {
                if let Some(mut p) = self.find_carrier(inner, seen) {
                    p.fields.insert(0, f);
                    return Some(p);
                }
            }
        }
        None
    }

    /// True when `ty` (a type name) can hold the EMS carrier.
    pub fn holds_carrier(&self, ty: &Ty) -> bool {
        // Most types of a large layout are leaves, which name no type.
        if matches!(
            ty,
            Ty::Bool
                | Ty::Int { .. }
                | Ty::Float { .. }
                | Ty::Char
                | Ty::Str
                | Ty::Unit
                | Ty::Opaque { .. }
        ) {
            return false;
        }
        let mut seen = Vec::new();
        ty.any_named(&mut |n| self.find_carrier(n, &mut seen).is_some())
    }

    /// The same schema, wherever each was read from.
    /// Takes the values `other` read for `default = "path"` functions that this schema could not
    /// read (same type, field and path).
    pub fn adopt_defaults(&mut self, other: &Schema) {
        for (name, def) in self.types.iter_mut() {
            let Some(theirs) = other.types.get(name) else {
                continue;
            };
            let theirs = theirs.fields();
            let mine: Vec<&mut Field> = def.fields_mut();
            for f in mine {
                let Missing::DefaultFn(path) = &f.missing else {
                    continue;
                };
                let read = theirs.iter().find_map(|t| match &t.missing {
                    Missing::DefaultValue { path: p, value } if t.ident == f.ident && p == path => {
                        Some(value.clone())
                    }
                    _ => None,
                });
                if let Some(value) = read {
                    f.missing = Missing::DefaultValue {
                        path: path.clone(),
                        value,
                    };
                }
            }
        }
    }

    /// Read where no edit can go (a released revision): no place takes a fix's edit.
    pub fn read_only(&mut self) {
        self.origin.attr_at = None;
        for d in self.types.values_mut() {
            match d {
                TypeDef::Struct(st) => st.origin.attr_at = None,
                TypeDef::Enum(e) => {
                    e.origin.attr_at = None;
                    e.variants.iter_mut().for_each(|v| v.origin.attr_at = None);
                }
            }
            d.fields_mut()
                .into_iter()
                .for_each(|f| f.origin.attr_at = None);
        }
    }

    /// This version as its encoder writes sessions: an EMS carrier it writes whatever the
    /// session (`written = "any"`) is, to the sessions it writes, a plain field (the version
    /// writes no EMS session, and either value in the others).
    pub fn as_writer(&self) -> std::borrow::Cow<'_, Schema> {
        let any = |f: &Field| f.session.written == Some(Written::Any);
        if !self.types.values().any(|d| d.fields().into_iter().any(any)) {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut s = self.clone();
        for d in s.types.values_mut() {
            for f in d.fields_mut() {
                if any(f) {
                    f.session.ems = None;
                    f.session.ignored = false;
                    f.session.written = None;
                }
            }
        }
        std::borrow::Cow::Owned(s)
    }

    /// Whether two schemas describe the same format (origins and builds aside).
    pub fn same_as(&self, other: &Schema) -> bool {
        self.without_origins() == other.without_origins()
    }

    fn without_origins(&self) -> Schema {
        let mut s = self.clone();
        s.origin = Origin::default();
        s.build = None;
        for d in s.types.values_mut() {
            match d {
                TypeDef::Struct(st) => {
                    st.origin = Origin::default();
                    st.fields
                        .iter_mut()
                        .for_each(|f| f.origin = Origin::default());
                }
                TypeDef::Enum(e) => {
                    e.origin = Origin::default();
                    for v in &mut e.variants {
                        v.origin = Origin::default();
                        v.fields
                            .iter_mut()
                            .for_each(|f| f.origin = Origin::default());
                    }
                }
            }
        }
        s
    }

    /// The version field, when the root has one.
    pub fn version_field(&self) -> Option<&Field> {
        match self.root_def()? {
            TypeDef::Struct(s) => s.fields.iter().find(|f| f.session.version_field.is_some()),
            TypeDef::Enum(_) => None,
        }
    }
}

/// Fields from the root down to the field marked `#[session(ems)]`.
#[derive(Debug)]
pub struct CarrierPath<'a> {
    /// The fields from the root to the carrier, outermost first.
    pub fields: Vec<&'a Field>,
}

impl CarrierPath<'_> {
    /// The carrier itself.
    pub fn carrier(&self) -> &Field {
        self.fields.last().expect("a carrier path is never empty")
    }

    /// The path as `Root.field.field`.
    pub fn dotted(&self) -> String {
        self.fields
            .iter()
            .map(|f| f.ident.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

// The model's structs are `#[non_exhaustive]`: a field added to the model is not a breaking
// change for the crates that build or read it. They build values through these constructors
// (the derive's generated code among them), with what every value needs, then set the public
// fields they know.

impl Schema {
    /// Version `version` of format `name`, written in `encoding`, whose root type `root` is
    /// defined in `types`; a server's sessions, no trailing-byte or envelope facts, no origin.
    pub fn new(
        name: impl Into<String>,
        version: u32,
        encoding: Encoding,
        root: impl Into<String>,
        types: BTreeMap<String, TypeDef>,
    ) -> Schema {
        Schema {
            name: name.into(),
            version,
            encoding,
            trailing: None,
            role: Role::default(),
            unknown_tags: None,
            envelope: Envelope::default(),
            root: root.into(),
            types,
            origin: Origin::default(),
            build: None,
        }
    }
}

impl Problem {
    /// What is wrong at `origin`, and what to do about it.
    pub fn new(origin: Origin, message: impl Into<String>, help: Option<String>) -> Problem {
        Problem {
            origin,
            message: message.into(),
            help,
        }
    }
}

impl Origin {
    /// `len` bytes at byte `offset` of `file`, on `line` (1-based; 0 when the file as a whole is
    /// meant).
    pub fn new(file: impl Into<String>, line: u32, offset: usize, len: usize) -> Origin {
        Origin {
            file: file.into(),
            line,
            offset,
            len,
            attr_at: None,
        }
    }
}

impl Envelope {
    /// Sessions sealed under `id` (ticket keys or a session cache), of any length.
    pub fn sealed_under(id: Option<String>) -> Envelope {
        Envelope {
            exact_length: false,
            id,
        }
    }
}

impl StructDef {
    /// Struct `name` of `style` with `fields`, unknown keys ignored, not transparent.
    pub fn new(name: impl Into<String>, style: Style, fields: Vec<Field>) -> StructDef {
        StructDef {
            name: name.into(),
            style,
            deny_unknown_fields: false,
            transparent: false,
            fields,
            origin: Origin::default(),
        }
    }
}

impl EnumDef {
    /// Enum `name` represented as `repr`, with `variants`; no tag or content key, unknown keys
    /// ignored.
    pub fn new(name: impl Into<String>, repr: EnumRepr, variants: Vec<Variant>) -> EnumDef {
        EnumDef {
            name: name.into(),
            repr,
            tag: None,
            content: None,
            deny_unknown_fields: false,
            tag_width: None,
            variants,
            origin: Origin::default(),
        }
    }
}

impl Variant {
    /// Variant `ident` of `style` with `fields`, written and read under its own name.
    pub fn new(ident: impl Into<String>, style: Style, fields: Vec<Field>) -> Variant {
        let ident = ident.into();
        Variant {
            ser_name: ident.clone(),
            de_names: vec![ident.clone()],
            ident,
            style,
            fields,
            other: false,
            untagged: false,
            read: true,
            write: true,
            current: false,
            tag_value: None,
            is_default: false,
            origin: Origin::default(),
        }
    }
}

impl Field {
    /// Field `ident` of type `ty`, written always and read under its own name, required.
    pub fn new(ident: impl Into<String>, ty: Ty) -> Field {
        let ident = ident.into();
        Field {
            ser_name: ident.clone(),
            de_names: vec![ident.clone()],
            ident,
            ty,
            write: Write::Always,
            read: true,
            missing: Missing::Error,
            flatten: false,
            custom_codec: false,
            codec: None,
            codec_wire: false,
            session: SessionField::default(),
            wire: WireField::default(),
            origin: Origin::default(),
        }
    }
}

impl Critical {
    /// Critical property `name`, carried as `marker` says.
    pub fn new(name: impl Into<String>, marker: EmsMarker) -> Critical {
        Critical {
            name: name.into(),
            marker,
        }
    }
}
