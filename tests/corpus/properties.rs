//! Critical properties (#[session(critical = "NAME")]) judged like EMS, against the real crates:
//! a version that adds BoringSSL's `is_quic`, with and without an older decoder that refuses
//! unknown keys, beside an EMS field that is already there; the property renamed; a position
//! reused.

/// v2 adds `is_quic`; v1 ignores unknown keys (json) or trailing bytes are not read (bincode):
/// v1 resumes a QUIC session as if it were not one.
macro_rules! quic_added {
    ($name:ident, $enc:literal, $deny:meta) => {
        property_case!($name, "quic",
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[$deny]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 {
                    pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool,
                    #[session(critical = "quic")] #[serde(default)] pub is_quic: bool,
                }
            }
            TicketV1 => TicketV2,
            with: [TicketV2 { cipher: 1, ems: true, is_quic: true }, TicketV2 { cipher: 1, ems: false, is_quic: true }],
            older: [TicketV1 { cipher: 1, ems: true }],
        );
    };
}
quic_added!(json_quic_added, "json", allow(dead_code));
quic_added!(json_quic_added_denied, "json", serde(deny_unknown_fields));
quic_added!(yaml_quic_added, "yaml", allow(dead_code));
quic_added!(cbor_quic_added_denied, "cbor", serde(deny_unknown_fields));
quic_added!(msgpack_named_quic_added, "msgpack-named", allow(dead_code));
quic_added!(bincode_quic_added, "bincode", allow(dead_code));
quic_added!(postcard_quic_added, "postcard", allow(dead_code));

/// The property's key renamed without an alias: the newer decoder drops it from older sessions.
macro_rules! quic_renamed {
    ($name:ident, $enc:literal) => {
        property_case!($name, "quic",
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[session(critical = "quic")] #[serde(default)] pub is_quic: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(critical = "quic")] #[serde(default)] pub quic: bool }
            }
            TicketV1 => TicketV2,
            with: [TicketV2 { cipher: 1, quic: true }],
            older: [TicketV1 { cipher: 1, is_quic: true }, TicketV1 { cipher: 1, is_quic: false }],
        );
    };
}
quic_renamed!(json_quic_renamed, "json");
quic_renamed!(toml_quic_renamed, "toml");
quic_renamed!(cbor_quic_renamed, "cbor");

/// A position reused: v2's quic byte sits where v1 wrote `renegotiated`.
macro_rules! quic_reuses_a_position {
    ($name:ident, $enc:literal) => {
        property_case!($name, "quic",
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, pub renegotiated: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(critical = "quic")] pub is_quic: bool }
            }
            TicketV1 => TicketV2,
            with: [TicketV2 { cipher: 1, is_quic: true }],
            older: [TicketV1 { cipher: 1, renegotiated: true }, TicketV1 { cipher: 1, renegotiated: false }],
        );
    };
}
quic_reuses_a_position!(bincode_quic_reuses_a_position, "bincode");
quic_reuses_a_position!(postcard_quic_reuses_a_position, "postcard");
quic_reuses_a_position!(msgpack_quic_reuses_a_position, "msgpack");
