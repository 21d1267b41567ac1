//! The analysis's evidence in words: the one place a [`Reason`] becomes a sentence. The
//! analysis names each side by role; here the writer and the reader become "newer" and "older"
//! by the [`Direction`] of the reading, so that a reason read the other way round names each
//! side for the version it is. Names quoted in backticks are data and are never reworded.

use crate::analysis::evidence::*;
use crate::analysis::Reading;
use crate::encoding::Refusal;
use crate::schema::Style;

/// `reason` as a sentence, its sides named for `direction`.
pub fn words(reason: &Reason, direction: Direction) -> String {
    let (w, r) = match direction {
        Direction::Forward => ("newer", "older"),
        Direction::Backward => ("older", "newer"),
    };
    match reason {
        Reason::Value(x) => value(x, w, r),
        Reason::Field(x) => field(x, w, r),
        Reason::Enum(x) => enumm(x, w, r),
        Reason::Der(x) => der(x, w, r),
        Reason::Slot(x) => slot(x, w, r),
        Reason::Scalar(x) => scalar(x, w, r),
        Reason::OneByte(x) => one_byte(x, w, r),
        Reason::Bytes(x) => bytes(x, w, r, direction),
        Reason::Check(x) => check(x, w, r),
        Reason::Other(x) => other(x, w, r),
    }
}

/// Why `reading` refuses sessions, in words, when it does.
pub fn why_refused(reading: &Reading) -> Option<String> {
    let r = reading.rejection.as_ref()?;
    Some(words(&r.why, reading.direction))
}

/// Every reason of `reasons`, in words, joined by `sep`.
pub fn joined(reasons: &[Reason], direction: Direction, sep: &str) -> String {
    reasons
        .iter()
        .map(|x| words(x, direction))
        .collect::<Vec<_>>()
        .join(sep)
}

fn kind(k: ValueKind) -> &'static str {
    match k {
        ValueKind::Null => "null",
        ValueKind::Bool => "a boolean",
        ValueKind::Int => "an integer",
        ValueKind::Float => "a float",
        ValueKind::Str => "a string",
        ValueKind::Seq => "a sequence",
        ValueKind::Map => "a map",
        ValueKind::Any => "a value",
        ValueKind::Custom => "a custom value",
    }
}

fn filled_by(by: &FilledBy) -> String {
    match by {
        FilledBy::SerdeDefault => "#[serde(default)]".into(),
        FilledBy::Returns { path, value } => format!("`{path}` (which returns `{value}`)"),
        FilledBy::NotRun { path } => format!("`{path}` (not run)"),
    }
}

fn style(s: Style) -> &'static str {
    match s {
        Style::Unit => "unit",
        Style::Newtype => "newtype",
        Style::Tuple => "tuple",
        Style::Struct => "struct",
    }
}

fn element(e: &Element) -> String {
    match e {
        Element::Tag(t, false) => format!("[{t}]"),
        Element::Tag(t, true) => format!("[{t}] IMPLICIT"),
        Element::Untagged(i) => format!("untagged element #{}", i + 1),
    }
}

fn shape(s: &Shape) -> String {
    match s {
        Shape::Bool => "bool".into(),
        Shape::Int { signed, bits } => format!("{}{bits}", if *signed { 'i' } else { 'u' }),
        Shape::Float { bits } => format!("f{bits}"),
        Shape::Char => "char".into(),
        Shape::Str => "string".into(),
        Shape::OptionTag => "Option tag".into(),
        Shape::SeqLength => "sequence length".into(),
        Shape::OptionalTail => "optional tail".into(),
        Shape::MapLength => "map length".into(),
        Shape::Dispatch => "dispatch value".into(),
        Shape::VariantIndex => "enum variant index".into(),
        Shape::Opaque(n) => n.clone(),
        Shape::Conditional => "conditionally written field".into(),
    }
}

fn variant_by(by: &VariantBy) -> String {
    match by {
        VariantBy::Dispatch(t) => format!("dispatch value {t:#x}"),
        VariantBy::Named(name) => format!("variant `{name}` (no dispatch value)"),
        VariantBy::Index(k) => format!("variant index {k}"),
    }
}

fn refusal(why: Refusal, w: &str, r: &str) -> String {
    match why {
        Refusal::BinaryHeaderNotText => "a binary map/array header is not valid UTF-8 text".into(),
        Refusal::TextReadAsScalar => {
            "the first byte of a text document decodes as a scalar, not a map".into()
        }
        Refusal::NotSyntax => {
            format!("the {w} text document is not valid syntax for the {r} format")
        }
    }
}

/// A value as serde's derived `Deserialize` reads it.
fn value(why: &ValueWhy, w: &str, r: &str) -> String {
    use ValueWhy::*;
    match why {
        TooDeep => "type nesting is too deep to follow".into(),
        TypeNotModelled { name } => format!("the {r} type `{name}` is not modelled"),
        WrittenByCustomCode { name } => {
            format!("the {w} value `{name}` is written by code sessionlint does not run")
        }
        IntAsFloat => "an integer read as a float".into(),
        StrAsChar => "a string read as a char".into(),
        TypeMissing { name } => format!("type `{name}` is not in the {r} schema"),
        InvalidType { found, expected } => {
            format!("invalid type: {}, expected `{expected}`", kind(*found))
        }
        InvalidLength => "invalid length".into(),
        IntDoesNotFit { value, ty } => {
            format!("invalid value: integer {value} does not fit `{ty}`")
        }
        LengthMismatch { len, ty } => format!("invalid length {len}, expected `{ty}`"),
        NotAStruct { found, name } => {
            format!("invalid type: {}, expected struct `{name}`", kind(*found))
        }
        SameCode { field, code } => format!("`{field}` is written and read by the same {code}"),
        CustomSerde { field, codec } => format!(
            "field `{field}` is read by custom serde code{}",
            codec
                .as_ref()
                .map(|c| format!(" (`{c}`)"))
                .unwrap_or_default()
        ),
    }
}

/// A struct's keys or elements as serde's derived `Deserialize` reads them: unknown, missing, defaulted.
fn field(why: &FieldWhy, w: &str, _r: &str) -> String {
    use FieldWhy::*;
    match why {
        MayBeLeftOut { key } => format!("`{key}` may be left out (skip_serializing_if)"),
        UnknownFieldDenied { key, owner } => {
            format!("unknown field `{key}`: `{owner}` has #[serde(deny_unknown_fields)]")
        }
        KeptByCatchAll { key, owner } => format!(
            "key `{key}` is kept by the flattened catch-all of `{owner}` and means nothing to it"
        ),
        UnknownKeyIgnored { key, field, owner } => format!(
            "key `{key}` ({w} field `{field}`) is unknown to `{owner}`, which lacks #[serde(deny_unknown_fields)]: ignored"
        ),
        MissingOption { owner, field } => {
            format!("`{owner}.{field}` is missing, and serde fills a missing Option with None")
        }
        RenamedOnPurpose { key, owner } => format!(
            "missing field `{key}` of `{owner}`: the {w} version writes it under another name on purpose"
        ),
        MissingField { key, owner } => format!("missing field `{key}` of `{owner}`"),
        DefaultUnread { owner, field, path } => format!(
            "`{owner}.{field}` is missing and filled by `{path}`, whose body sessionlint cannot read as a literal or a const: what it means here depends on that function"
        ),
        NoDefault { owner, field } => format!("`{owner}.{field}` has no default"),
        VersionDefaultRefused {
            owner,
            field,
            value,
            accepts,
        } => format!(
            "version field `{owner}.{field}` is missing and its default {value} is outside accepts = \"{accepts}\""
        ),
        DefaultUnrelated { owner, field, by } => format!(
            "`{owner}.{field}` is missing and filled by {}, a value sessionlint cannot relate to this field",
            filled_by(by)
        ),
        FilledByDefault { owner, field, by } => {
            format!("`{owner}.{field}` is missing and {} fills it", filled_by(by))
        }
        TooManyOptionalFields { owner } => format!(
            "`{owner}` has too many conditionally written fields to enumerate its layouts"
        ),
        ArrayTooLong { len, fields, owner } => format!(
            "array had incorrect length: {len} elements for the {fields} fields of `{owner}`"
        ),
        ArrayTooShort { len, owner, field } => {
            format!("invalid length {len}: `{owner}.{field}` has no #[serde(default)]")
        }
    }
}

/// An enum's variant as serde's derived `Deserialize` reads it, in each representation.
fn enumm(why: &EnumWhy, _w: &str, _r: &str) -> String {
    use EnumWhy::*;
    match why {
        UnknownVariantCaught { name, owner, other } => {
            format!("unknown variant `{name}` decodes as `{owner}::{other}` (#[serde(other)])")
        }
        UnknownVariant { name, owner } => format!("unknown variant `{name}` of `{owner}`"),
        NotAUnitVariant { style, variant } => {
            format!("invalid type: unit variant, expected {style:?} variant `{variant}`")
        }
        OtherDropsData { encoding } => format!(
            "{encoding} lets #[serde(other)] take a variant that carries data, and drops the data"
        ),
        OtherRefusesData { name } => {
            format!("unknown variant `{name}` carries data, which #[serde(other)] cannot take")
        }
        NotAnEnum { found, name } => {
            format!("invalid type: {}, expected enum `{name}`", kind(*found))
        }
        MissingTag { tag, owner } => format!("missing field `{tag}` (the tag of `{owner}`)"),
        TagNotAString { tag, owner } => format!("invalid type for tag `{tag}` of `{owner}`"),
        OtherRefusesContent { name, content } => format!(
            "unknown variant `{name}` carries content `{content}`, which the unit variant #[serde(other)] refuses"
        ),
        InternalTuple => "internally tagged tuple variants are not supported by serde".into(),
        UntaggedUnit => "untagged unit variant expects null".into(),
        NoUntaggedMatch { owner } => {
            format!("data did not match any variant of untagged enum `{owner}`")
        }
        ExpectedVariant {
            found,
            style: s,
            variant,
        } => format!(
            "invalid type: {}, expected {} variant `{variant}`",
            kind(*found),
            style(*s)
        ),
    }
}

/// DER elements, as a hand-written ASN.1 decoder reads them.
fn der(why: &DerWhy, w: &str, r: &str) -> String {
    use DerWhy::*;
    match why {
        TooManyDerChoices => "too many conditionally written DER elements to enumerate".into(),
        OptionalElementsWritten { elements } => format!(
            "the {w} version writes the optional elements {}",
            elements.iter().map(element).collect::<Vec<_>>().join(", ")
        ),
        ElementAbsent { label } => format!("`{label}` is absent (OPTIONAL)"),
        StopsBeforeRequired {
            element: e,
            required,
        } => format!(
            "element {} stops the {r} parser before `{required}`, which it requires",
            element(e)
        ),
        LacksRequiredElement { required } => {
            format!("the {w} session lacks the element `{required}` the {r} decoder requires")
        }
        ElementTypeDiffers {
            element: e,
            writer,
            reader,
        } => format!(
            "element {} is `{writer}` in the {w} version and `{reader}` in the {r}",
            element(e)
        ),
        ReadButIgnored { label } => format!("`{label}` is read but ignored by the {r} decoder"),
        CarrierReadAsPlain { writer, reader } => format!(
            "the {w} EMS carrier `{writer}` is read as `{reader}`, which has no EMS meaning and no known_bits"
        ),
        AbsentDefaultTrue { label } => {
            format!("`{label}` is absent and reads as its DEFAULT TRUE: EMS")
        }
        ParserStops {
            element: e,
            unread,
            absent,
        } => {
            let unread: Vec<String> = unread
                .iter()
                .map(|(e, label)| format!("{} (`{label}`)", element(e)))
                .collect();
            let mut s = format!(
                "the {r} parser does not expect element {} where it stands and stops there: {} left unread",
                element(e),
                unread.join(", ")
            );
            if !absent.is_empty() {
                s.push_str(&format!("; {} read as absent", absent.join(", ")));
            }
            s
        }
        UnknownElementSkipped { element: e, label } => format!(
            "element {} (`{label}`) is unknown to the {r} decoder, which skips unknown elements",
            element(e)
        ),
        UnknownElementRefused { element: e, label } => format!(
            "element {} (`{label}`) is unknown to the {r} decoder, which rejects what it cannot parse",
            element(e)
        ),
        ElementWhereRequired {
            element: e,
            required,
        } => format!(
            "element {} comes where the {r} decoder needs `{required}`",
            element(e)
        ),
        ElementOutOfOrder { element: e } => format!(
            "element {} is out of the order the {r} decoder parses",
            element(e)
        ),
    }
}

/// A binary layout, slot by slot: where the two layouts end, and slots read as other slots.
fn slot(why: &SlotWhy, w: &str, r: &str) -> String {
    use SlotWhy::*;
    match why {
        TooManyBranches => "too many layout branches to follow".into(),
        Written { label } => format!("`{label}` is written (skip_serializing_if)"),
        TrailingIgnored { from } => format!(
            "the {r} decoder stops after its last field and ignores the {w} bytes from `{from}` on (trailing bytes are accepted)"
        ),
        TrailingRefused { from } => format!(
            "bytes remain after the {r} struct (from `{from}` on) and its decoder rejects trailing bytes"
        ),
        EndsBefore { label } => {
            format!("unexpected end of input: the {w} bytes end before `{label}`")
        }
        ReadAs { writer, reader } => format!("the {w} `{writer}` is read as `{reader}`"),
        DispatchNeverStarts { writer, reader } => format!(
            "the {w} `{writer}` begins with a byte no value of the {r} dispatch `{reader}` begins with: every such session is refused"
        ),
        MayBeEmpty { writer, min, reader } => format!(
            "the {w} `{writer}` may be empty, and the {r} decoder refuses fewer than {min} elements in `{reader}`"
        ),
        BytesAsString { writer, reader } => format!(
            "the bytes of the {w} `{writer}` are read as the string `{reader}` (the same length and bytes on the wire), when they are UTF-8"
        ),
        BytesNotUtf8 { writer, reader } => format!(
            "the bytes of the {w} `{writer}` are refused as the string `{reader}` when they are not UTF-8"
        ),
        StringAsBytes { writer, reader } => format!(
            "the {w} string `{writer}` is read as the bytes `{reader}` (the same length and bytes on the wire)"
        ),
        OverByteLimit { max, reader } => {
            format!("the {r} decoder refuses more than {max} bytes in `{reader}`")
        }
        TooFewBytes {
            from,
            writer_max,
            reader_min,
        } => format!(
            "unexpected end of input: from `{from}` on the {w} bytes ({writer_max} at most) are fewer than the {r} decoder needs ({reader_min} at least)"
        ),
        TooManyBytes {
            from,
            writer_min,
            reader_max,
        } => format!(
            "from `{from}` on the {w} bytes ({writer_min} at least) outnumber what the {r} decoder reads ({reader_max} at most) and it rejects trailing bytes"
        ),
        LayoutsDiffer {
            writer,
            writer_shape,
            reader,
            reader_shape,
        } => format!(
            "the layouts differ at `{writer}` ({} in the {w} version) versus `{reader}` ({} in the {r}): what the {r} decoder reads from there on depends on the data",
            shape(writer_shape),
            shape(reader_shape)
        ),
        CarrierUnmodelled { label } => format!(
            "`{label}` holds the EMS carrier but is laid out by code sessionlint does not model (flatten or a custom codec)"
        ),
    }
}

/// A binary scalar read as another: integers of other widths, bytes as bools or presence bytes, variants by index.
fn scalar(why: &ScalarWhy, w: &str, r: &str) -> String {
    use ScalarWhy::*;
    match why {
        SameVarint {
            writer,
            writer_shape,
            reader,
            reader_shape,
        } => format!(
            "postcard writes `{writer}` ({}) and reads `{reader}` ({}) as the same varint",
            shape(writer_shape),
            shape(reader_shape)
        ),
        VarintOverflow { writer, reader } => format!(
            "a value of the {w} `{writer}` too large for the {r} `{reader}` is refused (varint overflow)"
        ),
        NoAdmittedValue {
            reader,
            reader_shape,
            writer,
            writer_shape,
            value,
        } => format!(
            "the {r} `{reader}` ({}) reads the {w} `{writer}` ({}) with the bytes after it, and no value its check admits holds {value} there",
            shape(reader_shape),
            shape(writer_shape)
        ),
        SplitWider {
            reader,
            reader_shape,
            writer,
            writer_shape,
            little_endian,
        } => {
            let (head, tail) = if *little_endian {
                ("low bytes", "high bytes")
            } else {
                ("high bytes", "low bytes")
            };
            format!(
                "the {r} `{reader}` ({}) reads the {head} of the {w} `{writer}` ({}); the {tail} are read as what follows",
                shape(reader_shape),
                shape(writer_shape)
            )
        }
        UnknownToEnum { by, name, reader } => format!(
            "{} (`{name}`) is unknown to the {r} enum at `{reader}`",
            variant_by(by)
        ),
        CaughtByCatchAll { by, name, caught } => format!(
            "{} (`{name}`) decodes as `{caught}` (its catch-all)",
            variant_by(by)
        ),
        CatchAllDropsData { name, caught } => format!(
            "variant `{name}` carries data after an index the {r} decoder maps to `{caught}`"
        ),
        VariantRenamed { by, writer, reader } => format!(
            "{} is `{writer}` in the {w} enum and `{reader}` in the {r}",
            variant_by(by)
        ),
        TailSwallows { tail, swallowed } => format!(
            "the {r} optional tail `{tail}` fails to parse the {w} bytes and counts as absent, swallowing {}",
            swallowed
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A one-byte slot of a TLS codec read as another.
fn one_byte(why: &OneByteWhy, w: &str, r: &str) -> String {
    use OneByteWhy::*;
    match why {
        ByteNotBool {
            writer,
            byte,
            reader,
        } => format!("the {w} `{writer}` writes byte {byte}, which the {r} bool `{reader}` refuses"),
        ByteReadFalse {
            writer,
            byte,
            reader,
        } => format!(
            "the {w} `{writer}` writes byte {byte}, which the {r} `{reader}` reads as false (only 1 is true)"
        ),
        ByteNotPresence {
            writer,
            byte,
            reader,
        } => format!(
            "the {w} `{writer}` writes byte {byte}, which is no presence byte for the {r} `{reader}`"
        ),
        ByteAsPresence {
            writer,
            byte,
            reader,
            present,
        } => format!(
            "the {w} `{writer}` (byte {byte}) is read as the presence byte of the {r} `{reader}`: {}",
            if *present { "present" } else { "absent" }
        ),
        PresenceAsByte {
            writer,
            byte,
            reader,
        } => format!("the presence byte of the {w} `{writer}` ({byte}) is read as `{reader}`"),
    }
}

/// The writer's bytes followed one by one through the reader's checks.
fn bytes(why: &ByteWhy, w: &str, _r: &str, direction: Direction) -> String {
    use ByteWhy::*;
    match why {
        ByteByByte { reasons } => format!(
            "read byte by byte where the layouts differ: {}",
            joined(reasons, direction, "; or ")
        ),
        BytesEndBefore { label } => format!("the {w} bytes end before `{label}`"),
        NoPresenceByte { byte, label } => format!("byte {byte} is no presence byte for `{label}`"),
        NoBool { byte, label } => format!("byte {byte} is no bool for `{label}`"),
        UnknownDispatch { label, value } => {
            format!("`{label}` reads dispatch value {value:#x}, which it does not know")
        }
        OverLimit { label, len } => format!("`{label}` reads length {len}, over its limit"),
        UnderMinimum { label, len } => format!("`{label}` reads length {len}, under its minimum"),
    }
}

/// The reader's checks after parsing.
fn check(why: &CheckWhy, _w: &str, _r: &str) -> String {
    use CheckWhy::*;
    match why {
        VersionRefused {
            at: At::Slot(l),
            version,
            accepts,
        } => format!("`{l}` reads version {version}, outside accepts = \"{accepts}\""),
        VersionRefused {
            at: At::Value,
            version,
            accepts,
        } => format!("version {version} is outside accepts = \"{accepts}\""),
        UnknownFlagBits {
            at: At::Slot(l),
            known,
            ..
        } => format!("`{l}` has flag bits outside known_bits = {known:#x}"),
        UnknownFlagBits {
            at: At::Value,
            bits,
            known,
        } => format!("flag bits {bits:#x} are outside known_bits = {known:#x}"),
        CheckRefused {
            at: At::Slot(l),
            value,
            check,
        } => format!(
            "`{l}` reads {value:#x}, and the decoder resumes a session only when it is one of {check}: a full handshake"
        ),
        CheckRefused {
            at: At::Value,
            value,
            check,
        } => format!(
            "{value:#x} is not one of {check}, which the decoder requires before it resumes: a full handshake"
        ),
        VersionAdmitted {
            at: At::Slot(l),
            version,
            accepts,
        } => format!("`{l}` reads version {version}, which accepts = \"{accepts}\" admits"),
        VersionAdmitted {
            at: At::Value,
            version,
            accepts,
        } => format!("its version check accepts = \"{accepts}\" admits version {version}"),
    }
}

/// Outside the format (the envelope, the length, the encoding), and no witness at all.
fn other(why: &OtherWhy, w: &str, r: &str) -> String {
    use OtherWhy::*;
    match why {
        EnvelopeDiffers { reader, writer } => format!(
            "the {r} decoder expects envelope `{reader}` and the {w} version writes `{writer}`"
        ),
        LengthDiffers {
            own,
            writer_min,
            writer_max,
        } => format!(
            "the {r} decoder accepts only its own length, {own} bytes, and the {w} version writes {}",
            if writer_min == writer_max {
                format!("{writer_min}")
            } else {
                format!("{writer_min} to {writer_max}")
            }
        ),
        EncodingRefused {
            reader,
            writer,
            why,
        } => format!(
            "the {r} decoder reads {reader} and the {w} version writes {writer}: {}",
            refusal(*why, w, r)
        ),
        EncodingDataDependent { reader, writer } => format!(
            "the {r} decoder reads {reader} and the {w} version writes {writer}: whether those bytes decode depends on the data"
        ),
        DifferentEncodings => "layouts of different encodings".into(),
        NothingWritten => "no value can be written".into(),
        Rejected => "rejected".into(),
        ReadBackPlain => {
            "its own decoder reads the EMS value as written back as a non-EMS one".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_side_is_named_for_the_version_it_is() {
        let r = Reason::from(SlotWhy::TrailingIgnored {
            from: "V2.flag".into(),
        });
        assert_eq!(
            words(&r, Direction::Forward),
            "the older decoder stops after its last field and ignores the newer bytes from `V2.flag` on (trailing bytes are accepted)"
        );
        assert_eq!(
            words(&r, Direction::Backward),
            "the newer decoder stops after its last field and ignores the older bytes from `V2.flag` on (trailing bytes are accepted)"
        );
    }

    #[test]
    fn names_are_never_reworded_in_either_direction() {
        // Names that read as sides: a label, and an opaque layout's name outside backticks.
        let r = Reason::from(SlotWhy::LayoutsDiffer {
            writer: "Newer.newer_flag".into(),
            writer_shape: Shape::Opaque("Newer.older_codec (custom serde code)".into()),
            reader: "Older.flag".into(),
            reader_shape: Shape::Int {
                signed: false,
                bits: 8,
            },
        });
        let backward = words(&r, Direction::Backward);
        assert_eq!(
            backward,
            "the layouts differ at `Newer.newer_flag` (Newer.older_codec (custom serde code) in the older version) versus `Older.flag` (u8 in the newer): what the newer decoder reads from there on depends on the data"
        );
    }

    #[test]
    fn nested_reasons_take_the_direction_of_the_whole() {
        let r = Reason::from(ByteWhy::ByteByByte {
            reasons: vec![
                ByteWhy::BytesEndBefore {
                    label: "A.b".into(),
                }
                .into(),
                ByteWhy::NoBool {
                    byte: 7,
                    label: "A.c".into(),
                }
                .into(),
            ],
        });
        assert_eq!(
            words(&r, Direction::Backward),
            "read byte by byte where the layouts differ: the older bytes end before `A.b`; or byte 7 is no bool for `A.c`"
        );
    }
}
