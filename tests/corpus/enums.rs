//! Enums with `#[serde(other)]` meeting a newer data variant (#21.3), in each representation and
//! encoding: whether the catch-all takes it (and drops its content) or the content is refused is
//! the format crate's and serde's doing, proven here against each.

/// The EMS variant carries data; v1 has a unit catch-all. `$($repr)*` is the enum's serde
/// representation.
macro_rules! data_variant_other {
    ($name:ident, $enc:literal, $(#[$repr:meta])*) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                $(#[$repr])*
                pub enum Mode { Plain, #[serde(other)] Unknown }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, pub mode: Mode }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                $(#[$repr])*
                pub enum Mode { Plain, Extended { hash: u8 } }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems = "Extended")] pub mode: Mode }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, mode: Mode::Extended { hash: 3 } }],
            non_ems: [TicketV2 { cipher: 1, mode: Mode::Plain }],
            older: [TicketV1 { cipher: 1, mode: Mode::Plain }],
        );
    };
}
// Externally tagged: `{"Extended": {..}}`.
data_variant_other!(json_external_data_other, "json",);
data_variant_other!(yaml_external_data_other, "yaml",);
data_variant_other!(toml_external_data_other, "toml",);
data_variant_other!(cbor_external_data_other, "cbor",);
data_variant_other!(msgpack_named_external_data_other, "msgpack-named",);
// Adjacently tagged: `{"t": "Extended", "c": {..}}`.
data_variant_other!(json_adjacent_data_other, "json", #[serde(tag = "t", content = "c")]);
data_variant_other!(yaml_adjacent_data_other, "yaml", #[serde(tag = "t", content = "c")]);
data_variant_other!(cbor_adjacent_data_other, "cbor", #[serde(tag = "t", content = "c")]);
data_variant_other!(msgpack_named_adjacent_data_other, "msgpack-named", #[serde(tag = "t", content = "c")]);
// Internally tagged: `{"t": "Extended", ..}`.
data_variant_other!(json_internal_data_other, "json", #[serde(tag = "t")]);
data_variant_other!(yaml_internal_data_other, "yaml", #[serde(tag = "t")]);

/// A newer unit variant: adjacently tagged, it is written without content.
macro_rules! unit_variant_other {
    ($name:ident, $enc:literal, $(#[$repr:meta])*) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                $(#[$repr])*
                pub enum Mode { Plain, #[serde(other)] Unknown }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, pub mode: Mode }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                $(#[$repr])*
                pub enum Mode { Plain, Extended }
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16, #[session(ems = "Extended")] pub mode: Mode }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, mode: Mode::Extended }],
            non_ems: [TicketV2 { cipher: 1, mode: Mode::Plain }],
            older: [TicketV1 { cipher: 1, mode: Mode::Plain }],
        );
    };
}
unit_variant_other!(json_adjacent_unit_other, "json", #[serde(tag = "t", content = "c")]);
unit_variant_other!(cbor_adjacent_unit_other, "cbor", #[serde(tag = "t", content = "c")]);
unit_variant_other!(json_internal_unit_other, "json", #[serde(tag = "t")]);
