//! Carriers that do not survive their own round trip (#21.5): serde writes `Some(())` and
//! `Some(None)` as a unit or null, which self-describing formats read back as `None`.

macro_rules! unit_option {
    ($name:ident, $enc:literal) => {
        version_case!($name, {
            #[derive(Serialize, Deserialize, SessionState)]
            #[session(name = "ticket", version = 1, encoding = $enc)]
            pub struct Ticket { pub cipher: u16, #[session(ems)] pub ems: Option<()> }
        }, Ticket, ems: [Ticket { cipher: 1, ems: Some(()) }], is_ems: |t| t.ems.is_some());
    };
}
unit_option!(json_unit_option, "json");
unit_option!(yaml_unit_option, "yaml");
unit_option!(cbor_unit_option, "cbor");
unit_option!(msgpack_unit_option, "msgpack");
unit_option!(msgpack_named_unit_option, "msgpack-named");
unit_option!(bincode_unit_option, "bincode");
unit_option!(postcard_unit_option, "postcard");

macro_rules! nested_option {
    ($name:ident, $enc:literal) => {
        version_case!($name, {
            #[derive(Serialize, Deserialize, SessionState)]
            #[session(name = "ticket", version = 1, encoding = $enc)]
            pub struct Ticket { pub cipher: u16, #[session(ems)] pub ems: Option<Option<bool>> }
        }, Ticket, ems: [Ticket { cipher: 1, ems: Some(None) }, Ticket { cipher: 1, ems: Some(Some(true)) }], is_ems: |t| t.ems.is_some());
    };
}
nested_option!(json_nested_option, "json");
nested_option!(yaml_nested_option, "yaml");
nested_option!(cbor_nested_option, "cbor");
nested_option!(bincode_nested_option, "bincode");
nested_option!(postcard_nested_option, "postcard");

// Controls: carriers that survive.
macro_rules! survives {
    ($name:ident, $enc:literal) => {
        version_case!($name, {
            #[derive(Serialize, Deserialize, SessionState)]
            #[session(name = "ticket", version = 1, encoding = $enc)]
            pub struct Ticket { pub cipher: u16, #[session(ems)] pub ems: Option<bool>, #[session(critical = "quic")] #[serde(default)] pub quic: Option<u8> }
        }, Ticket, ems: [Ticket { cipher: 1, ems: Some(true), quic: None }, Ticket { cipher: 1, ems: Some(true), quic: Some(0) }], is_ems: |t| t.ems == Some(true));
    };
}
survives!(json_option_bool, "json");
survives!(cbor_option_bool, "cbor");
survives!(bincode_option_bool, "bincode");
