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

/// `envelope_case!(name, old { .. } new { .. }, Old => New, ems, non_ems, older)`: the envelope
/// fix's cost against the real crates (`support::envelope_cost_agrees`).
macro_rules! envelope_case {
    (
        $name:ident,
        old { $($old:item)* }
        new { $($new:item)* }
        $o:ident => $n:ident,
        ems: [$($ems:expr),* $(,)?],
        non_ems: [$($non:expr),* $(,)?],
        older: [$($older:expr),* $(,)?] $(,)?
    ) => {
        mod $name {
            #[allow(dead_code, non_camel_case_types)]
            pub mod old {
                #[allow(unused_imports)]
                use crate::prelude::*;
                $($old)*
            }
            #[allow(dead_code, non_camel_case_types)]
            pub mod new {
                #[allow(unused_imports)]
                use crate::prelude::*;
                $($new)*
            }
            #[test]
            fn envelope_cost() {
                crate::support::envelope_cost_agrees(
                    stringify!($name),
                    stringify!($($old)*),
                    stringify!($($new)*),
                    { #[allow(unused_imports)] use new::*; let v: Vec<new::$n> = vec![$($ems),*]; v },
                    { #[allow(unused_imports)] use new::*; let v: Vec<new::$n> = vec![$($non),*]; v },
                    { #[allow(unused_imports)] use old::*; let v: Vec<old::$o> = vec![$($older),*]; v },
                );
            }
        }
    };
}

// The EMS flag inserted in the middle (bincode): v1 reads v2's sessions shifted, and v2 may read
// v1's as EMS (a data-dependent misread). The envelope fix's cost must still name the v1
// sessions v2 read correctly (a first secret byte of 0), and v2's non-EMS sessions v1 read.
envelope_case!(bincode_inserted_flag_envelope,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "bincode")]
        pub struct TicketV1 { pub cipher: u16, pub secret: [u8; 4] }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "bincode")]
        pub struct TicketV2 { pub cipher: u16, #[session(ems)] pub ems: bool, pub secret: [u8; 4] }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, ems: true, secret: [1, 2, 3, 4] }],
    non_ems: [TicketV2 { cipher: 1, ems: false, secret: [1, 2, 3, 4] }],
    older: [TicketV1 { cipher: 1, secret: [0, 2, 3, 4] }, TicketV1 { cipher: 1, secret: [1, 2, 3, 4] }],
);

// JSON, EMS key added without deny_unknown_fields: both directions read correctly before.
envelope_case!(json_added_key_envelope,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "json")]
        pub struct TicketV1 { pub cipher: u16, pub secret: Vec<u8> }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "json")]
        pub struct TicketV2 { pub cipher: u16, pub secret: Vec<u8>, #[session(ems)] #[serde(default)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, secret: vec![1], ems: true }],
    non_ems: [TicketV2 { cipher: 1, secret: vec![1], ems: false }],
    older: [TicketV1 { cipher: 1, secret: vec![1] }],
);

// v2 reads v1's last byte as its EMS flag: 0 reads correctly, 1 reads as EMS (the misread the
// fix removes). The v1 sessions read correctly before fall back after the fix, and its cost
// names them although the direction held a misread.
envelope_case!(bincode_misread_direction_envelope,
    old {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 1, encoding = "bincode")]
        pub struct TicketV1 { pub cipher: u16, pub secret: Vec<u8>, pub hint: u8 }
    }
    new {
        #[derive(Serialize, Deserialize, SessionState)]
        #[session(name = "ticket", version = 2, encoding = "bincode")]
        pub struct TicketV2 { pub cipher: u16, pub secret: Vec<u8>, #[session(ems)] pub ems: bool }
    }
    TicketV1 => TicketV2,
    ems: [TicketV2 { cipher: 1, secret: vec![1], ems: true }],
    non_ems: [TicketV2 { cipher: 1, secret: vec![1], ems: false }],
    older: [TicketV1 { cipher: 1, secret: vec![1], hint: 0 }, TicketV1 { cipher: 1, secret: vec![1], hint: 1 }],
);
