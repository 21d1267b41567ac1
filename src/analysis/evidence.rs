//! The analysis's evidence as values: why a decoder accepted a session, refused it, or could
//! not be followed. Each reason names its parts by role (what the writer wrote, what the reader
//! reads, which check refused) and never says which version is newer: a reason holds in either
//! direction of a pair, and [`Direction`] decides the words when `crate::findings::evidence`
//! puts it into words. Names (`Type.field` labels, keys, variants) are data, never reworded.

use crate::encoding::Refusal;
use crate::schema::{Accepts, Encoding, Literal, Style, Ty};

/// Which side of a pair wrote the sessions being read: the newer version (a rollout, read by
/// the older decoder), or the older (an upgrade, read by the newer decoder).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The newer version writes, the older reads (also a version reading itself).
    Forward,
    /// The older version writes, the newer reads.
    Backward,
}

impl Direction {
    /// The direction in which `decoder` reads what `encoder` writes.
    pub fn of(decoder_version: u32, encoder_version: u32) -> Direction {
        if decoder_version > encoder_version {
            Direction::Backward
        } else {
            Direction::Forward
        }
    }
}

/// The kind of a value the writer wrote, as serde names it in its errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Null,
    Bool,
    Int,
    Float,
    Str,
    Seq,
    Map,
    Any,
    Custom,
}

/// What a position in a binary layout holds, as the words of a reason name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
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
    OptionTag,
    SeqLength,
    OptionalTail,
    MapLength,
    Dispatch,
    VariantIndex,
    /// A layout of its own (custom code, a type not modelled), by its name.
    Opaque(String),
    Conditional,
}

/// A DER element: a context tag (and whether it is IMPLICIT), or the n-th untagged element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Element {
    Tag(u32, bool),
    Untagged(usize),
}

/// Where a checked value was read: a labelled slot (layouts and DER elements) or the value
/// itself (serde, where the path is in the witness).
#[derive(Clone, Debug, PartialEq)]
pub enum At {
    Slot(String),
    Value,
}

/// What fills a field the writer left out.
#[derive(Clone, Debug, PartialEq)]
pub enum FilledBy {
    SerdeDefault,
    /// A `default = "path"` function read to return `value`.
    Returns {
        path: String,
        value: Literal,
    },
    /// A `default = "path"` function whose body was not read.
    NotRun {
        path: String,
    },
}

/// How a binary enum's variant was told apart: its dispatch value, its name where it has no
/// dispatch value, or its index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VariantBy {
    Dispatch(u64),
    Named(String),
    Index(usize),
}

// One variant per group, and the conversion from each group, from one list.
macro_rules! reasons {
    ($($variant:ident($group:ident)),* $(,)?) => {
        /// One reason, by the part of the analysis that found it. Field names say the role:
        /// `writer`/`reader` are the two sides' labels, `owner` the reading struct, `key` a key
        /// on the wire.
        ///
        /// Boxed, so that a verdict carrying reasons stays as small as one carrying a string:
        /// verdicts are moved at every step of a walk.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Reason {
            $($variant(Box<$group>)),*
        }

        $(impl From<$group> for Reason {
            fn from(why: $group) -> Reason {
                Reason::$variant(Box::new(why))
            }
        })*
    };
}

reasons!(
    Value(ValueWhy),
    Field(FieldWhy),
    Enum(EnumWhy),
    Der(DerWhy),
    Slot(SlotWhy),
    Scalar(ScalarWhy),
    OneByte(OneByteWhy),
    Bytes(ByteWhy),
    Check(CheckWhy),
    Other(OtherWhy),
);

/// A value as serde's derived `Deserialize` reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueWhy {
    TooDeep,
    TypeNotModelled {
        name: String,
    },
    WrittenByCustomCode {
        name: String,
    },
    IntAsFloat,
    StrAsChar,
    TypeMissing {
        name: String,
    },
    InvalidType {
        found: ValueKind,
        expected: Ty,
    },
    InvalidLength,
    IntDoesNotFit {
        value: i128,
        ty: Ty,
    },
    LengthMismatch {
        len: usize,
        ty: Ty,
    },
    NotAStruct {
        found: ValueKind,
        name: String,
    },
    SameCode {
        field: String,
        code: String,
    },
    CustomSerde {
        field: String,
        codec: Option<String>,
    },
}

/// A struct's keys or elements as serde's derived `Deserialize` reads them: unknown, missing, defaulted.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldWhy {
    MayBeLeftOut {
        key: String,
    },
    UnknownFieldDenied {
        key: String,
        owner: String,
    },
    KeptByCatchAll {
        key: String,
        owner: String,
    },
    UnknownKeyIgnored {
        key: String,
        field: String,
        owner: String,
    },
    MissingOption {
        owner: String,
        field: String,
    },
    RenamedOnPurpose {
        key: String,
        owner: String,
    },
    MissingField {
        key: String,
        owner: String,
    },
    DefaultUnread {
        owner: String,
        field: String,
        path: String,
    },
    NoDefault {
        owner: String,
        field: String,
    },
    VersionDefaultRefused {
        owner: String,
        field: String,
        value: i128,
        accepts: Accepts,
    },
    DefaultUnrelated {
        owner: String,
        field: String,
        by: FilledBy,
    },
    FilledByDefault {
        owner: String,
        field: String,
        by: FilledBy,
    },
    TooManyOptionalFields {
        owner: String,
    },
    ArrayTooLong {
        len: usize,
        fields: usize,
        owner: String,
    },
    ArrayTooShort {
        len: usize,
        owner: String,
        field: String,
    },
}

/// An enum's variant as serde's derived `Deserialize` reads it, in each representation.
#[derive(Clone, Debug, PartialEq)]
pub enum EnumWhy {
    UnknownVariantCaught {
        name: String,
        owner: String,
        other: String,
    },
    UnknownVariant {
        name: String,
        owner: String,
    },
    NotAUnitVariant {
        style: Style,
        variant: String,
    },
    OtherDropsData {
        encoding: Encoding,
    },
    OtherRefusesData {
        name: String,
    },
    NotAnEnum {
        found: ValueKind,
        name: String,
    },
    MissingTag {
        tag: String,
        owner: String,
    },
    TagNotAString {
        tag: String,
        owner: String,
    },
    OtherRefusesContent {
        name: String,
        content: String,
    },
    InternalTuple,
    UntaggedUnit,
    NoUntaggedMatch {
        owner: String,
    },
    ExpectedVariant {
        found: ValueKind,
        style: Style,
        variant: String,
    },
}

/// DER elements, as a hand-written ASN.1 decoder reads them.
#[derive(Clone, Debug, PartialEq)]
pub enum DerWhy {
    TooManyDerChoices,
    OptionalElementsWritten {
        elements: Vec<Element>,
    },
    ElementAbsent {
        label: String,
    },
    StopsBeforeRequired {
        element: Element,
        required: String,
    },
    LacksRequiredElement {
        required: String,
    },
    ElementTypeDiffers {
        element: Element,
        writer: Ty,
        reader: Ty,
    },
    ReadButIgnored {
        label: String,
    },
    CarrierReadAsPlain {
        writer: String,
        reader: String,
    },
    AbsentDefaultTrue {
        label: String,
    },
    ParserStops {
        element: Element,
        unread: Vec<(Element, String)>,
        absent: Vec<String>,
    },
    UnknownElementSkipped {
        element: Element,
        label: String,
    },
    UnknownElementRefused {
        element: Element,
        label: String,
    },
    ElementWhereRequired {
        element: Element,
        required: String,
    },
    ElementOutOfOrder {
        element: Element,
    },
}

/// A binary layout, slot by slot: where the two layouts end, and slots read as other slots.
#[derive(Clone, Debug, PartialEq)]
pub enum SlotWhy {
    TooManyBranches,
    Written {
        label: String,
    },
    TrailingIgnored {
        from: String,
    },
    TrailingRefused {
        from: String,
    },
    EndsBefore {
        label: String,
    },
    ReadAs {
        writer: String,
        reader: String,
    },
    DispatchNeverStarts {
        writer: String,
        reader: String,
    },
    MayBeEmpty {
        writer: String,
        min: u64,
        reader: String,
    },
    BytesAsString {
        writer: String,
        reader: String,
    },
    BytesNotUtf8 {
        writer: String,
        reader: String,
    },
    StringAsBytes {
        writer: String,
        reader: String,
    },
    OverByteLimit {
        max: u64,
        reader: String,
    },
    TooFewBytes {
        from: String,
        writer_max: u64,
        reader_min: u64,
    },
    TooManyBytes {
        from: String,
        writer_min: u64,
        reader_max: u64,
    },
    LayoutsDiffer {
        writer: String,
        writer_shape: Shape,
        reader: String,
        reader_shape: Shape,
    },
    CarrierUnmodelled {
        label: String,
    },
}

/// A binary scalar read as another: integers of other widths, bytes as bools or presence bytes, variants by index.
#[derive(Clone, Debug, PartialEq)]
pub enum ScalarWhy {
    SameVarint {
        writer: String,
        writer_shape: Shape,
        reader: String,
        reader_shape: Shape,
    },
    VarintOverflow {
        writer: String,
        reader: String,
    },
    NoAdmittedValue {
        reader: String,
        reader_shape: Shape,
        writer: String,
        writer_shape: Shape,
        value: i128,
    },
    SplitWider {
        reader: String,
        reader_shape: Shape,
        writer: String,
        writer_shape: Shape,
        little_endian: bool,
    },
    UnknownToEnum {
        by: VariantBy,
        name: String,
        reader: String,
    },
    CaughtByCatchAll {
        by: VariantBy,
        name: String,
        caught: String,
    },
    CatchAllDropsData {
        name: String,
        caught: String,
    },
    VariantRenamed {
        by: VariantBy,
        writer: String,
        reader: String,
    },
    TailSwallows {
        tail: String,
        swallowed: Vec<String>,
    },
}

/// A one-byte slot of a TLS codec read as another: a bool, a presence byte, a `u8`.
#[derive(Clone, Debug, PartialEq)]
pub enum OneByteWhy {
    ByteNotBool {
        writer: String,
        byte: i128,
        reader: String,
    },
    ByteReadFalse {
        writer: String,
        byte: i128,
        reader: String,
    },
    ByteNotPresence {
        writer: String,
        byte: i128,
        reader: String,
    },
    ByteAsPresence {
        writer: String,
        byte: i128,
        reader: String,
        present: bool,
    },
    PresenceAsByte {
        writer: String,
        byte: i128,
        reader: String,
    },
}

/// The writer's bytes followed one by one through the reader's checks.
#[derive(Clone, Debug, PartialEq)]
pub enum ByteWhy {
    ByteByByte { reasons: Vec<Reason> },
    BytesEndBefore { label: String },
    NoPresenceByte { byte: u64, label: String },
    NoBool { byte: u64, label: String },
    UnknownDispatch { label: String, value: u64 },
    OverLimit { label: String, len: usize },
    UnderMinimum { label: String, len: usize },
}

/// The reader's checks after parsing.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckWhy {
    VersionRefused {
        at: At,
        version: i128,
        accepts: Accepts,
    },
    UnknownFlagBits {
        at: At,
        bits: u64,
        known: u64,
    },
    CheckRefused {
        at: At,
        value: i128,
        check: Accepts,
    },
    VersionAdmitted {
        at: At,
        version: i128,
        accepts: Accepts,
    },
}

/// Outside the format (the envelope, the length, the encoding), and no witness at all.
#[derive(Clone, Debug, PartialEq)]
pub enum OtherWhy {
    EnvelopeDiffers {
        reader: String,
        writer: String,
    },
    LengthDiffers {
        own: u64,
        writer_min: u64,
        writer_max: u64,
    },
    EncodingRefused {
        reader: Encoding,
        writer: Encoding,
        why: Refusal,
    },
    EncodingDataDependent {
        reader: Encoding,
        writer: Encoding,
    },
    DifferentEncodings,
    NothingWritten,
    Rejected,
    ReadBackPlain,
}
