//! Positional encodings: msgpack arrays (self-describing, with lengths), bincode and postcard
//! (packed, no struct lengths: field order is the layout).

/// An EMS flag appended at the end of the struct.
macro_rules! appended {
    ($name:ident, $enc:literal, $trailing:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc, trailing = $trailing)]
                pub struct TicketV1 { pub cipher: u16, pub secret: Vec<u8> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc, trailing = $trailing)]
                pub struct TicketV2 { pub cipher: u16, pub secret: Vec<u8>, #[session(ems)] #[serde(default)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 0x1301, secret: vec![1, 2, 3], ems: true }],
            non_ems: [TicketV2 { cipher: 0x1301, secret: vec![1, 2, 3], ems: false }],
            older: [TicketV1 { cipher: 0x1301, secret: vec![1, 2, 3] }],
        );
    };
}
// rmp_serde checks a struct array's length: the appended field is not trailing data for it.
appended!(msgpack_appended, "msgpack", "ignore");
appended!(msgpack_appended_trailing_reject, "msgpack", "reject");
// bincode::deserialize and postcard::from_bytes ignore what follows the last field.
appended!(bincode_appended, "bincode", "ignore");
appended!(bincode_appended_trailing_reject, "bincode", "reject");
appended!(postcard_appended, "postcard", "ignore");
appended!(postcard_appended_trailing_reject, "postcard", "reject");
appended!(cbor_appended_trailing_reject, "cbor", "reject");

/// An EMS flag inserted in the middle: the older decoder reads shifted bytes.
macro_rules! inserted {
    ($name:ident, $enc:literal, $trailing:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc, trailing = $trailing)]
                pub struct TicketV1 { pub cipher: u16, pub secret: [u8; 4] }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc, trailing = $trailing)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool, pub secret: [u8; 4] }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 0x1301, ems: true, secret: [1, 2, 3, 4] }],
            non_ems: [TicketV2 { cipher: 0x1301, ems: false, secret: [1, 2, 3, 4] }],
            older: [TicketV1 { cipher: 0x1301, secret: [1, 2, 3, 4] }, TicketV1 { cipher: 0x1301, secret: [0, 2, 3, 4] }],
        );
    };
}
inserted!(bincode_inserted, "bincode", "ignore");
inserted!(bincode_inserted_trailing_reject, "bincode", "reject");
inserted!(postcard_inserted, "postcard", "ignore");
inserted!(msgpack_inserted, "msgpack", "ignore");

/// A version field checked exactly by the older decoder, in front of the layout change.
macro_rules! version_first {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { #[session(version_field, accepts = "1")] pub version: u16, pub cipher: u16, pub secret: Vec<u8> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { #[session(version_field, accepts = "2")] pub version: u16, pub cipher: u16, pub secret: Vec<u8>, #[session(ems)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { version: 2, cipher: 1, secret: vec![7], ems: true }],
            non_ems: [TicketV2 { version: 2, cipher: 1, secret: vec![7], ems: false }],
            older: [TicketV1 { version: 1, cipher: 1, secret: vec![7] }],
        );
    };
}
version_first!(msgpack_version_first, "msgpack");
version_first!(bincode_version_first, "bincode");
version_first!(postcard_version_first, "postcard");

/// The same version field with an open range: the appended flag is ignored again.
macro_rules! version_open {
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
                pub struct TicketV2 { #[session(version_field, accepts = "1..")] pub version: u16, pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { version: 2, cipher: 1, ems: true }],
            non_ems: [TicketV2 { version: 2, cipher: 1, ems: false }],
            older: [TicketV1 { version: 1, cipher: 1 }],
        );
    };
}
version_open!(msgpack_version_open, "msgpack");
version_open!(bincode_version_open, "bincode");
version_open!(postcard_version_open, "postcard");

/// EMS as a new variant: bincode and postcard write its index, msgpack its name.
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
variant_added!(msgpack_variant_added, "msgpack");
variant_added!(bincode_variant_added, "bincode");
variant_added!(postcard_variant_added, "postcard");

/// ... and with `#[serde(other)]`: an index past the end maps to the catch-all.
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
                pub enum Secret { Plain, Legacy, Extended }
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
variant_other!(msgpack_variant_other, "msgpack");
variant_other!(bincode_variant_other, "bincode");
variant_other!(postcard_variant_other, "postcard");

/// A field replaced in place by the EMS flag: same arity, same type, another meaning.
macro_rules! replaced_in_place {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc, trailing = "reject")]
                pub struct TicketV1 { pub cipher: u16, pub renegotiated: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc, trailing = "reject")]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, ems: true }],
            non_ems: [TicketV2 { cipher: 1, ems: false }],
            // v2 reads the old `renegotiated` byte as EMS.
            older: [TicketV1 { cipher: 1, renegotiated: false }, TicketV1 { cipher: 1, renegotiated: true }],
        );
    };
}
replaced_in_place!(msgpack_replaced_in_place, "msgpack");
replaced_in_place!(bincode_replaced_in_place, "bincode");
replaced_in_place!(postcard_replaced_in_place, "postcard");

/// An `Option<bool>` EMS field appended: a tag byte and a value the older decoder never reads.
macro_rules! option_appended {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16 }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: Option<bool> }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, ems: Some(true) }],
            non_ems: [TicketV2 { cipher: 1, ems: None }],
            older: [TicketV1 { cipher: 1 }],
        );
    };
}
option_appended!(bincode_option_appended, "bincode");
option_appended!(postcard_option_appended, "postcard");
option_appended!(msgpack_option_appended, "msgpack");

/// v2 already carries EMS at the end; v3 appends ALPN after it. v2 reads EMS, drops the tail.
macro_rules! both_carry {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 3, encoding = $enc)]
                pub struct TicketV3 { pub cipher: u16, #[session(ems)] pub ems: bool, pub alpn: Option<String> }
            }
            TicketV2 => TicketV3,
            ems: [TicketV3 { cipher: 1, ems: true, alpn: None }, TicketV3 { cipher: 1, ems: true, alpn: Some("h2".into()) }],
            non_ems: [TicketV3 { cipher: 1, ems: false, alpn: None }],
            older: [TicketV2 { cipher: 1, ems: false }],
        );
    };
}
both_carry!(bincode_both_carry, "bincode");
both_carry!(postcard_both_carry, "postcard");
both_carry!(msgpack_both_carry, "msgpack");

// Flag bits at the same position: bincode reads the newer word as the older flags. v1 declares
// nothing about bit 0x4, so it is assumed never to have set it (older sessions are not "maybe
// EMS" to v2); the next case declares it.
case!(bincode_flag_bit_unmasked,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "bincode")]
        pub struct TicketV1 { pub cipher: u16, pub flags: u32 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "bincode")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems_mask = 0x4)] pub flags: u32 }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, flags: 0x4 }],
    non_ems: [TicketV2 { cipher: 1, flags: 0x1 }],
    older: [TicketV1 { cipher: 1, flags: 0x1 }],
);

// v1 declares that it sets bit 0x4 (`known_bits` includes it) for another meaning: v2, which
// gives that bit to EMS, reads some v1 sessions as EMS (`older-session-read-as-ems`).
case!(bincode_flag_bit_declared_by_older,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "bincode")]
        pub struct TicketV1 { pub cipher: u16, #[session(known_bits = 0x7)] pub flags: u32 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "bincode")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems_mask = 0x4)] pub flags: u32 }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, flags: 0x4 }],
    non_ems: [TicketV2 { cipher: 1, flags: 0x1 }],
    older: [TicketV1 { cipher: 1, flags: 0x1 }, TicketV1 { cipher: 1, flags: 0x4 }],
);

case!(postcard_flag_bit_masked,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "postcard")]
        pub struct TicketV1 { pub cipher: u16, #[session(known_bits = 0x3)] pub flags: u32 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "postcard")]
        pub struct TicketV2 { pub cipher: u16, #[session(known_bits = 0x7, ems_mask = 0x4)] pub flags: u32 }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, flags: 0x4 }],
    non_ems: [TicketV2 { cipher: 1, flags: 0x1 }],
    older: [TicketV1 { cipher: 1, flags: 0x3 }],
);

// A shorter newer layout: the older bincode decoder runs out of bytes.
case!(bincode_field_removed,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "bincode")]
        pub struct TicketV1 { pub cipher: u16, pub lifetime: u32, pub resumable: bool }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "bincode")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true }],
    non_ems: [TicketV2 { cipher: 1, ems: false }],
    // v2 reads the first byte of `lifetime` as its EMS bool: 7 is rejected, 1 is EMS.
    older: [TicketV1 { cipher: 1, lifetime: 7, resumable: true }, TicketV1 { cipher: 1, lifetime: 1, resumable: true }],
);

/// v2 inserts a field where v1 kept its EMS byte: v1 reads v2's `renegotiated` byte as EMS
/// (`newer-session-read-as-ems`), and v2 reads v1's EMS byte as `renegotiated` and its own EMS
/// from what follows (`ems-dropped-by-newer-decoder` where v1's bytes end there).
macro_rules! carrier_displaced {
    ($name:ident, $enc:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[session(ems)] pub ems: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, pub renegotiated: bool, #[session(ems)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, renegotiated: false, ems: true }],
            non_ems: [TicketV2 { cipher: 1, renegotiated: true, ems: false }],
            older: [TicketV1 { cipher: 1, ems: false }, TicketV1 { cipher: 1, ems: true }],
        );
    };
}
carrier_displaced!(bincode_carrier_displaced, "bincode");
carrier_displaced!(postcard_carrier_displaced, "postcard");
carrier_displaced!(msgpack_carrier_displaced, "msgpack");
