//! Custom serde code (#21.2): the same `with` code on both sides is one layout; serde_with
//! adapters, which `#[serde_as]` turns into `with` code, are read by what they write (`Base64`
//! and `Hex` strings, `DisplayFromStr` strings), each against serde_json, bincode and the real
//! serde_with.

/// One `with` module on the same field in both versions, the EMS key added; the older decoder
/// refuses what it does not know.
macro_rules! same_codec {
    ($name:ident, $enc:literal, $trailing:literal, $with:literal) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc, trailing = $trailing)]
                #[serde(deny_unknown_fields)]
                pub struct TicketV1 { pub cipher: u16, #[serde(with = $with)] pub secret: Vec<u8> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc, trailing = $trailing)]
                #[serde(deny_unknown_fields)]
                pub struct TicketV2 { pub cipher: u16, #[serde(with = $with)] pub secret: Vec<u8>, #[session(ems)] #[serde(default)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, secret: vec![1, 2, 3], ems: true }],
            non_ems: [TicketV2 { cipher: 1, secret: vec![1, 2, 3], ems: false }],
            older: [TicketV1 { cipher: 1, secret: vec![1, 2, 3] }, TicketV1 { cipher: 1, secret: vec![] }],
        );
    };
}
same_codec!(json_same_with_module, "json", "ignore", "as_bytes");
same_codec!(json_same_serde_bytes, "json", "ignore", "serde_bytes");
same_codec!(cbor_same_serde_bytes, "cbor", "ignore", "serde_bytes");
same_codec!(bincode_same_with_module, "bincode", "reject", "as_bytes");
same_codec!(
    bincode_same_with_module_trailing_ignored,
    "bincode",
    "ignore",
    "as_bytes"
);
same_codec!(
    postcard_same_serde_bytes,
    "postcard",
    "reject",
    "serde_bytes"
);

// The same code, but the EMS flag inserted in front of it: the older decoder reads the flag
// where its custom-coded field begins.
case!(bincode_same_codec_after_inserted_flag,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "bincode")]
        pub struct TicketV1 { pub cipher: u16, #[serde(with = "as_bytes")] pub secret: Vec<u8> }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "bincode")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool, #[serde(with = "as_bytes")] pub secret: Vec<u8> }
    }
    TicketV1 => TicketV2,
    // The flag and the empty secret's length read as a length of 1 and its one byte: accepted.
    ems: [TicketV2 { cipher: 1, ems: true, secret: vec![1, 2, 3] }, TicketV2 { cipher: 1, ems: true, secret: vec![] }],
    non_ems: [TicketV2 { cipher: 1, ems: false, secret: vec![1, 2, 3] }, TicketV2 { cipher: 1, ems: false, secret: vec![] }],
    // A one-byte secret of 0: its length's first byte read as the flag (1), the rest and the
    // byte as an empty secret: an EMS session.
    older: [TicketV1 { cipher: 1, secret: vec![1, 2, 3] }, TicketV1 { cipher: 1, secret: vec![0] }],
);

// serde_with: v1 reads its master secret as base64, v2 writes a plain string and adds EMS. A
// string that is base64 is read by v1, and the EMS key ignored: unsafe (the case).
case!(json_serde_as_base64_then_string,
    old {
        #[serde_with::serde_as]
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { pub cipher: u16, #[serde_as(as = "serde_with::base64::Base64")] pub master_secret: Vec<u8> }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub cipher: u16, pub master_secret: String, #[session(ems)] #[serde(default)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, master_secret: "AQID".into(), ems: true }, TicketV2 { cipher: 1, master_secret: "not base64!".into(), ems: true }],
    non_ems: [TicketV2 { cipher: 1, master_secret: "AQID".into(), ems: false }],
    older: [TicketV1 { cipher: 1, master_secret: vec![1, 2, 3] }],
);

/// One serde_with adapter on the same field in both versions, the EMS key added, unknown keys
/// refused: the adapter is the same form on both sides.
macro_rules! same_adapter {
    ($name:ident, $enc:literal, $as:literal, $ty:ty, $v:expr) => {
        case!($name,
            old {
                #[serde_with::serde_as]
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                #[serde(deny_unknown_fields)]
                pub struct TicketV1 { pub cipher: u16, #[serde_as(as = $as)] pub secret: $ty }
            }
            new {
                #[serde_with::serde_as]
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                #[serde(deny_unknown_fields)]
                pub struct TicketV2 { pub cipher: u16, #[serde_as(as = $as)] pub secret: $ty, #[session(ems)] #[serde(default)] pub ems: bool }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, secret: $v, ems: true }],
            non_ems: [TicketV2 { cipher: 1, secret: $v, ems: false }],
            older: [TicketV1 { cipher: 1, secret: $v }],
        );
    };
}
same_adapter!(
    json_same_base64,
    "json",
    "serde_with::base64::Base64",
    Vec<u8>,
    vec![1, 2, 3]
);
same_adapter!(
    json_same_hex,
    "json",
    "serde_with::hex::Hex",
    Vec<u8>,
    vec![1, 2, 3]
);
same_adapter!(
    json_same_display_from_str,
    "json",
    "serde_with::DisplayFromStr",
    u64,
    7200
);
same_adapter!(
    json_same_bytes,
    "json",
    "serde_with::Bytes",
    Vec<u8>,
    vec![1, 2, 3]
);
same_adapter!(
    json_same_option_base64,
    "json",
    "Option<serde_with::base64::Base64>",
    Option<Vec<u8>>,
    Some(vec![1, 2, 3])
);
same_adapter!(
    json_same_vec_display_from_str,
    "json",
    "Vec<serde_with::DisplayFromStr>",
    Vec<u16>,
    vec![1, 2]
);
same_adapter!(
    bincode_same_base64,
    "bincode",
    "serde_with::base64::Base64",
    Vec<u8>,
    vec![1, 2, 3]
);

// DisplayFromStr in v1, a plain number in v2: v1 refuses the number (it reads a string).
case!(json_display_from_str_then_number,
    old {
        #[serde_with::serde_as]
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { #[serde_as(as = "serde_with::DisplayFromStr")] pub lifetime: u64, pub cipher: u16 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub lifetime: u64, pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { lifetime: 7200, cipher: 1, ems: true }],
    non_ems: [TicketV2 { lifetime: 7200, cipher: 1, ems: false }],
    older: [TicketV1 { lifetime: 7200, cipher: 1 }],
);

// A plain number in v1, DisplayFromStr in v2: v1 refuses the string.
case!(json_number_then_display_from_str,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { pub lifetime: u64, pub cipher: u16 }
    }
    new {
        #[serde_with::serde_as]
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { #[serde_as(as = "serde_with::DisplayFromStr")] pub lifetime: u64, pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { lifetime: 7200, cipher: 1, ems: true }],
    non_ems: [TicketV2 { lifetime: 7200, cipher: 1, ems: false }],
    older: [TicketV1 { lifetime: 7200, cipher: 1 }],
);
