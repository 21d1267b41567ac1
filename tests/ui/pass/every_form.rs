//! Every valid form of the #[session] contract compiles.
use serde::{Deserialize, Serialize};
use sessionlint::SessionState;

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "json", trailing = "reject", role = "server")]
struct BoolCarrier {
    #[session(version_field, accepts = "2")]
    version: u16,
    #[session(ems)]
    #[serde(default, skip_serializing_if = "is_false")]
    ems: bool,
}

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t2", version = 1, encoding = "toml")]
struct OptionBool {
    #[session(version_field, accepts = "1..=2")]
    version: u16,
    #[session(ems)]
    ems: Option<bool>,
}

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t3", version = 3, encoding = "yaml")]
struct OptionOther {
    #[session(version_field, accepts = "..=3")]
    version: u8,
    #[session(ems)]
    session_hash: Option<Vec<u8>>,
}

#[derive(Serialize, Deserialize, SessionState)]
enum Secret {
    Plain,
    Extended,
}

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t4", version = 4, encoding = "cbor")]
struct VariantCarrier {
    #[session(version_field, accepts = "4..")]
    version: u32,
    #[session(ems = "Extended")]
    kind: Secret,
}

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t5", version = 1, encoding = "msgpack")]
struct Flags {
    #[session(version_field, accepts = "*")]
    version: u16,
    #[session(known_bits = 0x7, ems_mask = 0x4)]
    flags: u32,
}

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t6", version = 1, encoding = "msgpack-named", role = "client")]
struct ClientCache {
    #[session(ems_mask = 0x1)]
    flags: u64,
}

/// A dark launch: this version reads the EMS field but does not act on it.
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t9", version = 1, encoding = "json")]
struct DarkLaunch {
    #[session(ems, ignored)]
    #[serde(default)]
    ems: bool,
}

/// A part: no version, carries the EMS field for its container.
#[derive(Serialize, Deserialize, SessionState)]
struct Params {
    cipher: u16,
    #[session(ems)]
    ems: bool,
}

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t7", version = 1, encoding = "bincode", trailing = "ignore")]
struct WithPart {
    params: Params,
}

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t8", version = 2, encoding = "postcard")]
struct WithBody {
    cipher: u16,
    #[session(ems)]
    ems: bool,
}

#[derive(Serialize, Deserialize, SessionState)]
#[serde(tag = "v")]
#[session(name = "t8", version = 2, encoding = "json")]
enum Versioned {
    #[serde(rename = "1")]
    V1 { cipher: u16 },
    #[serde(rename = "2")]
    #[session(current)]
    V2(WithBody),
}

fn main() {
    use sessionlint::SessionState as _;
    assert_eq!(<BoolCarrier as sessionlint::SessionState>::VERSION, 2);
    assert_eq!(<Versioned as sessionlint::SessionState>::NAME, "t8");
    let s = <WithPart as sessionlint::SessionState>::schema();
    assert!(s.types.contains_key("Params"), "parts are part of the schema");
    assert!(s.ems_carrier().is_some());
    let _ = (OptionBool::schema(), OptionOther::schema(), VariantCarrier::schema(), Flags::schema(), ClientCache::schema());
}
