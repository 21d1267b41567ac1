//! Map encodings (json, toml, yaml, cbor, msgpack-named): structs as maps keyed by name.
//! Each scenario is a macro instantiated once per encoding, so every fact is proven per crate.

/// Instantiates a scenario once per encoding, each as its own test module inside a module named
/// for the scenario (`added_field::json`, `added_field::toml`, ...).
macro_rules! in_formats {
    ($scenario:ident: $($module:ident = $enc:literal),+ $(,)?) => {
        mod $scenario {
            $($scenario!($module, $enc);)+
        }
    };
}

/// A scenario in every map encoding.
macro_rules! every_map_format {
    ($scenario:ident) => {
        in_formats!($scenario: json = "json", toml = "toml", yaml = "yaml", cbor = "cbor", msgpack_named = "msgpack-named");
    };
}

/// A v1 ticket without EMS, and v2 adding an EMS flag. Nothing makes v1 reject the new key.
macro_rules! added_field {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { #[session(version_field)] pub version: u16, pub cipher: u16, pub secret: Vec<u8> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 {
                    #[session(version_field)] pub version: u16, pub cipher: u16, pub secret: Vec<u8>,
                    #[session(ems)] #[serde(default, skip_serializing_if = "is_false")] pub ems: bool,
                }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { version: 2, cipher: 0x1301, secret: vec![1, 2, 3], ems: true }],
            non_ems: [TicketV2 { version: 2, cipher: 0x1301, secret: vec![1, 2, 3], ems: false }],
            older: [TicketV1 { version: 1, cipher: 0x1301, secret: vec![1, 2, 3] }],
        );
    };
}
every_map_format!(added_field);

/// v1 has `deny_unknown_fields`: the new key is rejected, and only EMS sessions write it.
macro_rules! added_field_denied {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, pub secret: Vec<u8> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 {
                    pub cipher: u16, pub secret: Vec<u8>,
                    #[session(ems)] #[serde(default, skip_serializing_if = "is_false")] pub ems: bool,
                }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, secret: vec![9], ems: true }],
            non_ems: [TicketV2 { cipher: 1, secret: vec![9], ems: false }],
            older: [TicketV1 { cipher: 1, secret: vec![9] }],
        );
    };
}
every_map_format!(added_field_denied);

/// v1 checks its version exactly: every v2 session is rejected (a full handshake each).
macro_rules! version_exact {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { #[session(version_field, accepts = "1")] pub version: u16, pub cipher: u16 }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 {
                    #[session(version_field, accepts = "1..=2")] pub version: u16, pub cipher: u16,
                    #[session(ems)] #[serde(default)] pub ems: bool,
                }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { version: 2, cipher: 7, ems: true }],
            non_ems: [TicketV2 { version: 2, cipher: 7, ems: false }],
            older: [TicketV1 { version: 1, cipher: 7 }],
        );
    };
}
every_map_format!(version_exact);

/// v1 accepts "1..": the bump does not help.
macro_rules! version_open_range {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { #[session(version_field, accepts = "1..")] pub version: u16, pub cipher: u16 }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 {
                    #[session(version_field, accepts = "2")] pub version: u16, pub cipher: u16,
                    #[session(ems)] pub ems: bool,
                }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { version: 2, cipher: 7, ems: true }],
            non_ems: [TicketV2 { version: 2, cipher: 7, ems: false }],
            older: [TicketV1 { version: 1, cipher: 7 }],
        );
    };
}
every_map_format!(version_open_range);

/// v2 already carries EMS; v3 adds ALPN. v2 ignores the new key but reads EMS: safe.
macro_rules! both_carry {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 3, encoding = $enc)]
                pub struct TicketV3 {
                    pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool,
                    #[serde(default, skip_serializing_if = "Option::is_none")] pub alpn: Option<String>,
                }
            }
            TicketV2 => TicketV3,
            ems: [TicketV3 { cipher: 1, ems: true, alpn: None }, TicketV3 { cipher: 1, ems: true, alpn: Some("h2".into()) }],
            non_ems: [TicketV3 { cipher: 1, ems: false, alpn: None }],
            older: [TicketV2 { cipher: 1, ems: false }],
        );
    };
}
every_map_format!(both_carry);

/// `deny_unknown_fields` on a nested struct does not reach its container.
macro_rules! nested_deny_does_not_reach {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                pub struct Params { pub cipher: u16 }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub params: Params, pub secret: Vec<u8> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                pub struct Params { pub cipher: u16 }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub params: Params, pub secret: Vec<u8>, #[session(ems)] #[serde(default)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { params: Params { cipher: 5 }, secret: vec![], ems: true }],
            non_ems: [TicketV2 { params: Params { cipher: 5 }, secret: vec![], ems: false }],
            older: [TicketV1 { params: Params { cipher: 5 }, secret: vec![] }],
        );
    };
}
every_map_format!(nested_deny_does_not_reach);

/// The EMS flag goes inside a nested struct that denies unknown fields: v1 rejects it.
macro_rules! ems_in_denying_part {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                pub struct Params { pub cipher: u16 }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub params: Params }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                pub struct Params { pub cipher: u16, #[session(ems)] #[serde(default, skip_serializing_if = "is_false")] pub ems: bool }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub params: Params }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { params: Params { cipher: 5, ems: true } }],
            non_ems: [TicketV2 { params: Params { cipher: 5, ems: false } }],
            older: [TicketV1 { params: Params { cipher: 5 } }],
        );
    };
}
every_map_format!(ems_in_denying_part);

/// A flattened catch-all map keeps the EMS key, and means nothing by it.
macro_rules! flatten_catch_all {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[serde(flatten)] pub extra: BTreeMap<String, bool> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 5, ems: true }],
            non_ems: [TicketV2 { cipher: 5, ems: false }],
            older: [TicketV1 { cipher: 5, extra: BTreeMap::new() }],
        );
    };
}
every_map_format!(flatten_catch_all);

/// A flattened struct under `deny_unknown_fields`: serde enforces the deny (documented as
/// unsupported, but seen to work), so keys no struct claims are rejected.
macro_rules! flatten_struct_denied {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                pub struct Common { pub cipher: u16 }
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { #[serde(flatten)] pub common: Common, pub secret: Vec<u8> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                pub struct Common { pub cipher: u16 }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { #[serde(flatten)] pub common: Common, pub secret: Vec<u8>, #[session(ems)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { common: Common { cipher: 1 }, secret: vec![4], ems: true }],
            non_ems: [TicketV2 { common: Common { cipher: 1 }, secret: vec![4], ems: false }],
            older: [TicketV1 { common: Common { cipher: 1 }, secret: vec![4] }],
        );
    };
}
every_map_format!(flatten_struct_denied);

/// `deny_unknown_fields` with a flattened map catch-all: serde documents the pair as unsupported
/// but compiles it, and what it does is reject every key no named field claims (the catch-all
/// sees the key, then the deny check fails the whole map). Code serde compiles is judged, not
/// refused.
macro_rules! flatten_catch_all_denied {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[serde(flatten)] pub extra: BTreeMap<String, bool> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 5, ems: true }],
            non_ems: [TicketV2 { cipher: 5, ems: false }],
            older: [TicketV1 { cipher: 5, extra: BTreeMap::new() }],
        );
    };
}
every_map_format!(flatten_catch_all_denied);

/// v2 renames its EMS key; v1 knows EMS under the old key only and fills its default. Both
/// directions lose EMS: v2 also ignores v1's old key (`ems-dropped-by-newer-decoder`).
macro_rules! renamed_carrier {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] #[serde(rename = "extended_ms", default)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, ems: true }],
            non_ems: [TicketV2 { cipher: 1, ems: false }],
            older: [TicketV1 { cipher: 1, ems: false }, TicketV1 { cipher: 1, ems: true }],
        );
    };
}
every_map_format!(renamed_carrier);

/// The same rename, with an alias in v1: v1 reads the new key as EMS. v2 has no alias for the
/// old key, so it still reads v1's EMS sessions without EMS: an alias is needed in both.
macro_rules! aliased_carrier {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[session(ems)] #[serde(alias = "extended_ms", default)] pub ems: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] #[serde(rename = "extended_ms", default)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, ems: true }],
            non_ems: [TicketV2 { cipher: 1, ems: false }],
            older: [TicketV1 { cipher: 1, ems: false }, TicketV1 { cipher: 1, ems: true }],
        );
    };
}
every_map_format!(aliased_carrier);

/// EMS as a new enum variant: v1's enum does not know it and rejects the session.
macro_rules! variant_added {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                pub enum Secret { Plain }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, pub kind: Secret }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                pub enum Secret { Plain, Extended }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems = "Extended")] pub kind: Secret }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, kind: Secret::Extended }],
            non_ems: [TicketV2 { cipher: 1, kind: Secret::Plain }],
            older: [TicketV1 { cipher: 1, kind: Secret::Plain }],
        );
    };
}
every_map_format!(variant_added);

/// The same with `#[serde(other)]` in v1: the EMS variant decodes as the catch-all.
macro_rules! variant_other {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                pub enum Secret { Plain, #[serde(other)] Unknown }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, pub kind: Secret }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                pub enum Secret { Plain, Extended }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems = "Extended")] pub kind: Secret }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, kind: Secret::Extended }],
            non_ems: [TicketV2 { cipher: 1, kind: Secret::Plain }],
            older: [TicketV1 { cipher: 1, kind: Secret::Plain }],
        );
    };
}
every_map_format!(variant_other);

/// The key stays, its type changes from u8 to bool: no value of one is a value of the other.
macro_rules! retyped_key {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, pub flags: u8 }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub flags: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, flags: true }],
            non_ems: [TicketV2 { cipher: 1, flags: false }],
            older: [TicketV1 { cipher: 1, flags: 0 }, TicketV1 { cipher: 1, flags: 1 }],
        );
    };
}
every_map_format!(retyped_key);

/// EMS as a bit of an existing flags word. v1 keeps unknown bits (no known_bits): unsafe, and
/// v2 reads old sessions whose bit 0x4 meant something else as EMS.
macro_rules! flag_bit_unmasked {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, pub flags: u32 }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems_mask = 0x4)] pub flags: u32 }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, flags: 0x4 }, TicketV2 { cipher: 1, flags: 0x5 }],
            non_ems: [TicketV2 { cipher: 1, flags: 0x1 }],
            older: [TicketV1 { cipher: 1, flags: 0x1 }],
        );
    };
}
every_map_format!(flag_bit_unmasked);

/// The same with `known_bits` on both sides: v1 rejects the EMS bit.
macro_rules! flag_bit_masked {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[session(known_bits = 0x3)] pub flags: u32 }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(known_bits = 0x7, ems_mask = 0x4)] pub flags: u32 }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, flags: 0x4 }, TicketV2 { cipher: 1, flags: 0x7 }],
            non_ems: [TicketV2 { cipher: 1, flags: 0x1 }],
            older: [TicketV1 { cipher: 1, flags: 0x3 }],
        );
    };
}
every_map_format!(flag_bit_masked);

/// v1 knows bit 0x4 under another meaning (`known_bits = 0x5`) and refuses bit 0x2. v2 gives
/// 0x4 to EMS and may set its other declared bits beside it: the EMS word alone is accepted and
/// read without EMS, the word with 0x2 set is refused. Both are tried, as the layout walker
/// tries them in a packed format.
macro_rules! flag_bit_beside_declared {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[session(known_bits = 0x5)] pub flags: u32 }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(known_bits = 0x7, ems_mask = 0x4)] pub flags: u32 }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, flags: 0x4 }, TicketV2 { cipher: 1, flags: 0x7 }],
            non_ems: [TicketV2 { cipher: 1, flags: 0x1 }],
            older: [TicketV1 { cipher: 1, flags: 0x1 }, TicketV1 { cipher: 1, flags: 0x4 }],
        );
    };
}
mod flag_bit_beside_declared {
    flag_bit_beside_declared!(json, "json");
    flag_bit_beside_declared!(toml, "toml");
    flag_bit_beside_declared!(yaml, "yaml");
    flag_bit_beside_declared!(cbor, "cbor");
    flag_bit_beside_declared!(msgpack_named, "msgpack-named");

    /// The analysis reads both EMS words as the real crate does: one accepted without EMS, one
    /// refused by the older `known_bits`.
    #[test]
    fn an_ems_word_is_tried_with_and_without_its_declared_bits() {
        use crate::support::{encode, read_sealed, Read};
        use json::{new::TicketV2, old::TicketV1};
        use sessionlint::SessionState;
        let (old, new) = (TicketV1::schema(), TicketV2::schema());
        let r = sessionlint::analysis::reading(&old, &new, sessionlint::analysis::Kind::Ems)
            .expect("v2 writes EMS sessions");
        assert!(r.without_ems.is_some() && r.rejection.is_some(), "{r:?}");
        let read = |flags| {
            let bytes = encode(new.encoding, &TicketV2 { cipher: 1, flags }).unwrap();
            read_sealed::<TicketV1>(&old, &new, &bytes)
        };
        assert!(matches!(read(0x4), Read::Accepted { ems: false }));
        assert!(matches!(read(0x7), Read::Rejected(_)));
    }
}

/// Versions as variants of an internally tagged root enum: v1's enum has no variant "2".
macro_rules! tagged_root_versions {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                pub struct BodyV1 { pub cipher: u16 }
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(tag = "v")]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub enum Ticket { #[serde(rename = "1")] V1(BodyV1) }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                pub struct BodyV1 { pub cipher: u16 }
                #[derive(Serialize, Deserialize, SessionState)]
                pub struct BodyV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(tag = "v")]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub enum Ticket { #[serde(rename = "1")] V1(BodyV1), #[serde(rename = "2")] V2(BodyV2) }
            }
            Ticket => Ticket,
            ems: [Ticket::V2(BodyV2 { cipher: 1, ems: true })],
            non_ems: [Ticket::V2(BodyV2 { cipher: 1, ems: false })],
            older: [Ticket::V1(BodyV1 { cipher: 1 })],
        );
    };
}
every_map_format!(tagged_root_versions);

/// v2 adds a required field: v2 cannot read v1 sessions (a full handshake after upgrade).
macro_rules! required_field_added {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16 }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, pub alpn: String, #[session(ems)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, alpn: "h2".into(), ems: true }],
            non_ems: [TicketV2 { cipher: 1, alpn: "h2".into(), ems: false }],
            older: [TicketV1 { cipher: 1 }],
        );
    };
}
every_map_format!(required_field_added);

// Cases for one crate each: attribute semantics that do not vary by format.

case!(json_option_bool_carrier,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { pub cipher: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: Option<bool> }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: Some(true) }],
    non_ems: [TicketV2 { cipher: 1, ems: None }, TicketV2 { cipher: 1, ems: Some(false) }],
    older: [TicketV1 { cipher: 1 }],
);

case!(yaml_option_hash_carrier,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(deny_unknown_fields)]
        #[session(name = "ticket", version = 1, encoding = "yaml")]
        pub struct TicketV1 { pub cipher: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(deny_unknown_fields)]
        #[session(name = "ticket", version = 2, encoding = "yaml")]
        pub struct TicketV2 {
            pub cipher: u16,
            #[session(ems)] #[serde(default, skip_serializing_if = "Option::is_none")] pub session_hash: Option<Vec<u8>>,
        }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, session_hash: Some(vec![1, 2]) }],
    non_ems: [TicketV2 { cipher: 1, session_hash: None }],
    older: [TicketV1 { cipher: 1 }],
);

// An `Option` written as null (json, no skip_serializing_if) is still a key v1 denies, even for
// non-EMS sessions: every v2 session costs a full handshake on v1.
case!(json_null_option_denied,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(deny_unknown_fields)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { pub cipher: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: Option<bool> }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: Some(true) }],
    non_ems: [TicketV2 { cipher: 1, ems: None }, TicketV2 { cipher: 1, ems: Some(false) }],
    older: [TicketV1 { cipher: 1 }],
);

// toml omits `None` even without skip_serializing_if, so the same pair keeps non-EMS sessions.
case!(toml_none_omitted,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(deny_unknown_fields)]
        #[session(name = "ticket", version = 1, encoding = "toml")]
        pub struct TicketV1 { pub cipher: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "toml")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: Option<bool> }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: Some(true) }],
    non_ems: [TicketV2 { cipher: 1, ems: None }],
    older: [TicketV1 { cipher: 1 }],
);

case!(json_rename_all_changed,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(rename_all = "camelCase")]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { pub cipher_suite: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub cipher_suite: u16, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher_suite: 1, ems: true }],
    non_ems: [TicketV2 { cipher_suite: 1, ems: false }],
    older: [TicketV1 { cipher_suite: 1 }],
);

// v1 knows the field but never reads it: without deny the key is ignored and EMS is lost.
case!(json_skip_deserializing_in_older,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { pub cipher: u16, #[serde(skip_deserializing)] pub ems: bool }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true }],
    non_ems: [TicketV2 { cipher: 1, ems: false }],
    // v1 writes the key it never reads; v2 takes it for EMS.
    older: [TicketV1 { cipher: 1, ems: false }, TicketV1 { cipher: 1, ems: true }],
);

// ... and with deny_unknown_fields, a skipped field's key counts as unknown.
case!(cbor_skip_deserializing_denied,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(deny_unknown_fields)]
        #[session(name = "ticket", version = 1, encoding = "cbor")]
        pub struct TicketV1 { pub cipher: u16, #[serde(skip_deserializing, skip_serializing)] pub ems: bool }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "cbor")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] #[serde(default, skip_serializing_if = "is_false")] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true }],
    non_ems: [TicketV2 { cipher: 1, ems: false }],
    older: [TicketV1 { cipher: 1, ems: false }],
);

// An untagged v1 root: the strict variant rejects the EMS key, the permissive one takes it.
case!(json_untagged_permissive_variant,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(deny_unknown_fields)]
        pub struct Strict { pub cipher: u16 }
        #[derive(Serialize, Deserialize, SessionState)]
        pub struct Loose { pub cipher: u16 }
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(untagged)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub enum Ticket { Strict(Strict), Loose(Loose) }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
    }
    Ticket => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true }],
    non_ems: [TicketV2 { cipher: 1, ems: false }],
    older: [Ticket::Strict(Strict { cipher: 1 })],
);

case!(json_untagged_all_strict,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(deny_unknown_fields)]
        pub struct A { pub cipher: u16 }
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(deny_unknown_fields)]
        pub struct B { pub cipher: u16, pub secret: Vec<u8> }
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(untagged)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub enum Ticket { A(A), B(B) }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] #[serde(default, skip_serializing_if = "is_false")] pub ems: bool }
    }
    Ticket => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true }],
    non_ems: [TicketV2 { cipher: 1, ems: false }],
    older: [Ticket::A(A { cipher: 1 })],
);

// Adjacently tagged: v1's enum lacks the EMS variant.
case!(json_adjacent_variant_added,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(tag = "t", content = "c")]
        pub enum Mode { Plain }
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { pub cipher: u16, pub mode: Mode }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(tag = "t", content = "c")]
        pub enum Mode { Plain, Extended { hash: u8 } }
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems = "Extended")] pub mode: Mode }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, mode: Mode::Extended { hash: 3 } }],
    non_ems: [TicketV2 { cipher: 1, mode: Mode::Plain }],
    older: [TicketV1 { cipher: 1, mode: Mode::Plain }],
);

// Internally tagged nested enum with #[serde(other)]: the EMS variant's fields are dropped.
case!(cbor_internal_other_swallows_variant,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(tag = "kind")]
        pub enum Mode { Plain, #[serde(other)] Unknown }
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "cbor")]
        pub struct TicketV1 { pub cipher: u16, pub mode: Mode }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[serde(tag = "kind")]
        pub enum Mode { Plain, Extended { hash: u8 } }
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "cbor")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems = "Extended")] pub mode: Mode }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, mode: Mode::Extended { hash: 3 } }],
    non_ems: [TicketV2 { cipher: 1, mode: Mode::Plain }],
    older: [TicketV1 { cipher: 1, mode: Mode::Plain }],
);

// A retyped value the older type cannot hold: bytes become a string.
case!(yaml_retyped_secret,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "yaml")]
        pub struct TicketV1 { pub cipher: u16, pub secret: Vec<u8> }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "yaml")]
        pub struct TicketV2 { pub cipher: u16, pub secret: String, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, secret: "s".into(), ems: true }],
    non_ems: [TicketV2 { cipher: 1, secret: "s".into(), ems: false }],
    older: [TicketV1 { cipher: 1, secret: vec![1] }],
);

// A version number the older field type cannot hold: u8 cannot take 300.
case!(msgpack_named_version_overflows_older_type,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "msgpack-named")]
        pub struct TicketV1 { #[session(version_field)] pub version: u8, pub cipher: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 300, encoding = "msgpack-named")]
        pub struct TicketV2 { #[session(version_field, accepts = "1..")] pub version: u16, pub cipher: u16, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { version: 300, cipher: 1, ems: true }],
    non_ems: [TicketV2 { version: 300, cipher: 1, ems: false }],
    older: [TicketV1 { version: 1, cipher: 1 }],
);

// Encodings that change between versions.

// rmp_serde::from_slice reads a struct from a map as well as an array: switching the encoder to
// to_vec_named does not make an older msgpack decoder reject.
case!(msgpack_to_msgpack_named,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "msgpack")]
        pub struct TicketV1 { pub cipher: u16, pub secret: Vec<u8> }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "msgpack-named")]
        pub struct TicketV2 { pub cipher: u16, pub secret: Vec<u8>, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, secret: vec![2], ems: true }],
    non_ems: [TicketV2 { cipher: 1, secret: vec![2], ems: false }],
    older: [TicketV1 { cipher: 1, secret: vec![2] }],
);

// YAML is a superset of JSON: a yaml decoder reads the json the newer version writes.
case!(json_read_by_yaml,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "yaml")]
        pub struct TicketV1 { pub cipher: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true }],
    non_ems: [TicketV2 { cipher: 1, ems: false }],
    older: [TicketV1 { cipher: 1 }],
);

case!(cbor_read_by_json,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { pub cipher: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "cbor")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true }],
    non_ems: [TicketV2 { cipher: 1, ems: false }],
    older: [TicketV1 { cipher: 1 }],
);

case!(toml_read_by_msgpack_named,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "msgpack-named")]
        pub struct TicketV1 { pub cipher: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "toml")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true }],
    non_ems: [TicketV2 { cipher: 1, ems: false }],
    older: [TicketV1 { cipher: 1 }],
);

// The dark launch in serde terms: v1 already has the EMS field and reads it, but does not act on
// it (`ignored`); v2 honours it. v1 accepts v2's EMS sessions as non-EMS.
case!(json_field_read_but_ignored,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { pub cipher: u16, #[session(ems, ignored)] #[serde(default)] pub ems: bool }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true }],
    non_ems: [TicketV2 { cipher: 1, ems: false }],
    older: [TicketV1 { cipher: 1, ems: false }],
);

// A text decoder reading another text format: TOML is not JSON.
case!(toml_read_by_json,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { pub cipher: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "toml")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true }],
    non_ems: [TicketV2 { cipher: 1, ems: false }],
    older: [TicketV1 { cipher: 1 }],
);

// A binary decoder reading text: the first byte of a YAML document is a scalar to ciborium.
case!(yaml_read_by_cbor,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "cbor")]
        pub struct TicketV1 { pub cipher: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "yaml")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true }],
    non_ems: [TicketV2 { cipher: 1, ems: false }],
    older: [TicketV1 { cipher: 1 }],
);

/// A revert (s2n-tls 1.2.0's shape): v2 still parses v1's EMS field but no longer acts on it.
/// v2 resumes v1's EMS sessions without EMS.
macro_rules! ems_reverted {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems, ignored)] #[serde(default)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [],
            non_ems: [TicketV2 { cipher: 1, ems: false }],
            older: [TicketV1 { cipher: 1, ems: false }, TicketV1 { cipher: 1, ems: true }],
        );
    };
}
in_formats!(ems_reverted: json = "json", yaml = "yaml", cbor = "cbor");

/// The carrier keeps its key but the newer version reads it differently: v1 wrote a bool, v2
/// an `Option<bool>` that v1's `true` still fills. Both directions are safe: a negative control.
macro_rules! carrier_widened {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[session(ems)] pub ems: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: Option<bool> }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, ems: Some(true) }],
            non_ems: [TicketV2 { cipher: 1, ems: Some(false) }],
            older: [TicketV1 { cipher: 1, ems: false }, TicketV1 { cipher: 1, ems: true }],
        );
    };
}
in_formats!(carrier_widened: json = "json", cbor = "cbor");

/// `default = "path"` on the carrier, read from the function's body. v2 adds the EMS key with a
/// default function returning `true`: v1's sessions, which lack the key, are read by v2 as EMS
/// (`older-session-read-as-ems`). Assuming a default function non-EMS would miss it.
macro_rules! default_fn_true {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16 }
            }
            new {
                pub fn ems_by_default() -> bool { true }
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] #[serde(default = "ems_by_default")] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, ems: true }],
            non_ems: [TicketV2 { cipher: 1, ems: false }],
            older: [TicketV1 { cipher: 1 }],
        );
    };
}
in_formats!(default_fn_true: json = "json", yaml = "yaml", cbor = "cbor");

/// The same through a const, and the negative control: a function returning a const `false`.
macro_rules! default_fn_const {
    ($name:ident, $enc:literal, $value:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16 }
            }
            new {
                pub const EMS_DEFAULT: bool = $value;
                pub fn ems_default() -> bool { EMS_DEFAULT }
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] #[serde(default = "ems_default")] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, ems: true }],
            non_ems: [TicketV2 { cipher: 1, ems: false }],
            older: [TicketV1 { cipher: 1 }],
        );
    };
}
default_fn_const!(json_default_const_true, "json", true);
default_fn_const!(json_default_const_false, "json", false);
default_fn_const!(toml_default_const_false, "toml", false);

/// `Option<_>` carrier whose default function returns `Some(..)`: EMS for v2's decoder.
macro_rules! default_fn_some {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16 }
            }
            new {
                pub fn some_secret() -> Option<Vec<u8>> { Some(vec![0; 4]) }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] #[serde(default = "some_secret")] pub ems_secret: Option<Vec<u8>> }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, ems_secret: Some(vec![1]) }],
            non_ems: [TicketV2 { cipher: 1, ems_secret: None }],
            older: [TicketV1 { cipher: 1 }],
        );
    };
}
in_formats!(default_fn_some: json = "json");

/// An unchanged custom-coded field (`with = "..."`, as `serde_bytes` is used) beside the carrier.
/// Its custom code decides only whether the session is accepted, never its EMS status: v2's
/// decoder reads v1's sessions as non-EMS (no `older-session-read-as-ems`, which was reported
/// before), while v1 still drops v2's EMS key (a real hazard, data-dependent on that code).
macro_rules! custom_codec_beside {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[serde(with = "as_bytes")] pub secret: Vec<u8> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[serde(with = "as_bytes")] pub secret: Vec<u8>, #[session(ems)] #[serde(default)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, secret: vec![1, 2], ems: true }],
            non_ems: [TicketV2 { cipher: 1, secret: vec![1, 2], ems: false }],
            older: [TicketV1 { cipher: 1, secret: vec![1, 2] }],
        );
    };
}
in_formats!(custom_codec_beside: json = "json", cbor = "cbor", msgpack_named = "msgpack-named");

/// Both versions carry EMS next to the same custom-coded field, and v2 adds a field v1 rejects
/// only when written: the custom code blurs neither carrier, so nothing is reported as EMS lost.
macro_rules! custom_codec_both_carry {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { #[serde(with = "as_bytes")] pub secret: Vec<u8>, #[session(ems)] #[serde(default)] pub ems: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { #[serde(with = "as_bytes")] pub secret: Vec<u8>, #[session(ems)] #[serde(default)] pub ems: bool, #[serde(default, skip_serializing_if = "Option::is_none")] pub alpn: Option<String> }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { secret: vec![1], ems: true, alpn: None }],
            non_ems: [TicketV2 { secret: vec![1], ems: false, alpn: None }],
            older: [TicketV1 { secret: vec![1], ems: false }, TicketV1 { secret: vec![1], ems: true }],
        );
    };
}
in_formats!(custom_codec_both_carry: json = "json", cbor = "cbor");

/// A root enum whose variants are versions, each with its own EMS carrier. The newer type adds
/// V3: the older decoder rejects the unknown variant (deliberately: its tag is the version) and
/// the newer one reads V2's EMS sessions as EMS.
macro_rules! enum_versions {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub enum Ticket {
                    V1 { cipher: u16 },
                    V2 { cipher: u16, #[session(ems)] #[serde(default)] ems: bool },
                }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 3, encoding = $enc)]
                pub enum Ticket {
                    V1 { cipher: u16 },
                    V2 { cipher: u16, #[session(ems)] #[serde(default)] ems: bool },
                    V3 { cipher: u16, #[session(ems)] ems: bool, alpn: Option<String> },
                }
            }
            Ticket => Ticket,
            ems: [Ticket::V3 { cipher: 1, ems: true, alpn: None }],
            non_ems: [Ticket::V3 { cipher: 1, ems: false, alpn: Some("h2".into()) }],
            older: [Ticket::V2 { cipher: 1, ems: true }, Ticket::V2 { cipher: 1, ems: false }, Ticket::V1 { cipher: 1 }],
        );
    };
}
in_formats!(enum_versions: json = "json", yaml = "yaml", cbor = "cbor", msgpack_named = "msgpack-named", bincode = "bincode");

/// The same, but the newer version's V2 no longer carries EMS: older EMS sessions decode as V2
/// with the key ignored (`ems-dropped-by-newer-decoder`).
macro_rules! enum_versions_dropped {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub enum Ticket {
                    V1 { cipher: u16 },
                    V2 { cipher: u16, #[session(ems)] #[serde(default)] ems: bool },
                }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 3, encoding = $enc)]
                pub enum Ticket {
                    V1 { cipher: u16 },
                    V2 { cipher: u16 },
                    V3 { cipher: u16, #[session(ems)] ems: bool },
                }
            }
            Ticket => Ticket,
            ems: [Ticket::V3 { cipher: 1, ems: true }],
            non_ems: [Ticket::V3 { cipher: 1, ems: false }],
            older: [Ticket::V2 { cipher: 1, ems: true }, Ticket::V2 { cipher: 1, ems: false }],
        );
    };
}
in_formats!(enum_versions_dropped: json = "json", yaml = "yaml", cbor = "cbor");
