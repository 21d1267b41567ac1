//! Container `#[serde(default)]` takes missing fields from the container's `Default` (#21.4): a
//! derived one gives each field its type's default, a hand-written one what it sets, read from
//! its struct literal.

/// v2 adds the EMS flag under a container default; `$default` is how v2 gets `Default`.
macro_rules! container_default {
    ($name:ident, $enc:literal, { $($default:item)* }, $($derive:ident),*) => {
        case!($name,
            old {
                #[derive(Serialize, Deserialize, SessionState)]
                #[session(name = "ticket", version = 1, encoding = $enc)]
                pub struct TicketV1 { pub cipher: u16, pub secret: Vec<u8> }
            }
            new {
                #[derive(Serialize, Deserialize, SessionState $(, $derive)*)]
                #[session(name = "ticket", version = 2, encoding = $enc)]
                #[serde(default)]
                pub struct TicketV2 { pub cipher: u16, pub secret: Vec<u8>, #[session(ems)] pub ems: bool }
                $($default)*
            }
            TicketV1 => TicketV2,
            ems: [TicketV2 { cipher: 1, secret: vec![1], ems: true }],
            non_ems: [TicketV2 { cipher: 1, secret: vec![1], ems: false }],
            older: [TicketV1 { cipher: 1, secret: vec![1] }],
        );
    };
}
// A hand-written Default that sets EMS: every older session reads as EMS.
container_default!(json_hand_written_default_sets_ems, "json", {
    impl Default for TicketV2 {
        fn default() -> Self {
            TicketV2 {
                cipher: 0x1301,
                secret: Vec::new(),
                ems: true,
            }
        }
    }
},);
container_default!(yaml_hand_written_default_sets_ems_through_self, "yaml", {
    pub const EMS_BY_DEFAULT: bool = true;
    impl Default for TicketV2 {
        fn default() -> Self {
            Self {
                cipher: 0x1301,
                secret: Vec::new(),
                ems: EMS_BY_DEFAULT,
            }
        }
    }
},);
// A hand-written Default that clears it, and a derived one: older sessions read as non-EMS.
container_default!(json_hand_written_default_clears_ems, "json", {
    impl Default for TicketV2 {
        fn default() -> Self {
            TicketV2 {
                cipher: 0x1301,
                secret: Vec::new(),
                ems: false,
            }
        }
    }
},);
container_default!(json_derived_default, "json", {}, Default);
container_default!(toml_derived_default, "toml", {}, Default);
