//! Fixes sessionlint proposes, proven on the real crates: each scenario's `fixed` side is what
//! the proposed edits make of `new` (checked by `support::proposed`), and the real decoders
//! judge (old, fixed) as the analysis does.

/// v1 ignores unknown keys, v2 adds EMS: sessionlint proposes writing `version`, which v1
/// requires, under a new name. Every v2 session then misses `version` for v1: refused.
macro_rules! renamed_required_key {
    ($name:ident, $enc:literal) => {
        fixed_case!($name, "writes the key `version` as `version_v2`",
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { #[session(version_field)] pub version: u16, pub cipher: u16 }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 {
                    #[session(version_field)] pub version: u16, pub cipher: u16,
                    #[session(ems)] #[serde(default, skip_serializing_if = "is_false")] pub ems: bool,
                }
            }
            fixed {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 {
                    #[serde(rename = "version_v2", alias = "version")] #[session(version_field)] pub version: u16, pub cipher: u16,
                    #[session(ems)] #[serde(default, skip_serializing_if = "is_false")] pub ems: bool,
                }
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { version: 2, cipher: 1, ems: true }],
            non_ems: [TicketV2 { version: 2, cipher: 1, ems: false }],
            older: [TicketV1 { version: 1, cipher: 1 }],
        );
    };
}
renamed_required_key!(json_renamed_required_key, "json");
renamed_required_key!(toml_renamed_required_key, "toml");
renamed_required_key!(yaml_renamed_required_key, "yaml");
renamed_required_key!(cbor_renamed_required_key, "cbor");
renamed_required_key!(msgpack_named_renamed_required_key, "msgpack-named");

/// v2 drops v1's EMS key and would read v1's EMS sessions without EMS: sessionlint proposes
/// `deny_unknown_fields` on v2, which then refuses every v1 session (v1 always writes `ems`).
macro_rules! strict_newer_decoder {
    ($name:ident, $enc:literal) => {
        fixed_case!($name, "refuses keys it does not know",
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, #[session(ems)] pub ems: bool }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16 }
            }
            fixed {
                #[derive(Serialize, Deserialize, SessionState)]
                #[serde(deny_unknown_fields)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                pub struct TicketV2 { pub cipher: u16 }
            }
            TicketV1 => TicketV2,
            ems: [],
            non_ems: [TicketV2 { cipher: 1 }],
            older: [TicketV1 { cipher: 1, ems: true }, TicketV1 { cipher: 1, ems: false }],
        );
    };
}
strict_newer_decoder!(json_strict_newer_decoder, "json");
strict_newer_decoder!(toml_strict_newer_decoder, "toml");
strict_newer_decoder!(yaml_strict_newer_decoder, "yaml");
strict_newer_decoder!(cbor_strict_newer_decoder, "cbor");
strict_newer_decoder!(msgpack_named_strict_newer_decoder, "msgpack-named");
