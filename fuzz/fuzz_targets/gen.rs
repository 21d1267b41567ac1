//! Structured inputs: syn-valid session items built from a small vocabulary.
use arbitrary::Arbitrary;

#[derive(Arbitrary, Debug)]
pub struct Item {
    pub deny: bool,
    pub version: u8,
    pub encoding: u8,
    pub trailing: u8,
    pub fields: Vec<FieldSpec>,
    /// Not read any more; kept so that the corpora's inputs decode as before.
    #[allow(dead_code)]
    pub as_enum: bool,
}

#[derive(Arbitrary, Debug)]
pub struct FieldSpec {
    pub name: u8,
    pub ty: u8,
    pub ems: u8,
    pub serde: u8,
    pub version_field: Option<u8>,
    pub known_bits: Option<u8>,
}

const TYPES: [&str; 12] = [
    "bool",
    "u8",
    "u16",
    "u32",
    "u64",
    "Option<bool>",
    "Option<u8>",
    "Vec<u8>",
    "String",
    "[u8; 4]",
    "Kind",
    "Part",
];
const ENCODINGS: [&str; 8] = [
    "json",
    "toml",
    "yaml",
    "cbor",
    "msgpack",
    "msgpack-named",
    "bincode",
    "postcard",
];

pub fn source(items: &[Item]) -> String {
    let mut s = String::from(
        "#[derive(Serialize, Deserialize, SessionState)]\npub enum Kind { Plain, Extended, #[serde(other)] Other }\n\
         #[derive(Serialize, Deserialize, SessionState)]\n#[serde(deny_unknown_fields)]\npub struct Part { a: u8, #[session(ems)] #[serde(default)] e: bool }\n",
    );
    for (n, it) in items.iter().enumerate().take(6) {
        s.push_str("#[derive(Serialize, Deserialize, SessionState)]\n");
        if it.deny {
            s.push_str("#[serde(deny_unknown_fields)]\n");
        }
        let trailing =
            ["", ", trailing = \"reject\"", ", trailing = \"ignore\""][it.trailing as usize % 3];
        s.push_str(&format!(
            "#[session(name = \"f\", version = {}, encoding = \"{}\"{trailing})]\n",
            it.version % 8,
            ENCODINGS[it.encoding as usize % 8]
        ));
        s.push_str(&format!("pub struct T{n} {{\n"));
        for (i, f) in it.fields.iter().enumerate().take(8) {
            let ty = TYPES[f.ty as usize % TYPES.len()];
            let mut attrs = String::new();
            match (f.ems % 5, ty) {
                (1, "bool" | "Option<bool>" | "Option<u8>") => attrs.push_str("#[session(ems)] "),
                (2, "Kind") => attrs.push_str("#[session(ems = \"Extended\")] "),
                (3, "u8" | "u16" | "u32" | "u64") => attrs.push_str("#[session(ems_mask = 0x4)] "),
                _ => {}
            }
            if let (Some(a), "u8" | "u16" | "u32") = (f.version_field, ty) {
                let acc = ["*", "1", "1..=2", "2..", "..=3"][a as usize % 5];
                attrs.push_str(&format!("#[session(version_field, accepts = \"{acc}\")] "));
            }
            if let (Some(k), "u32" | "u64") = (f.known_bits, ty) {
                attrs.push_str(&format!("#[session(known_bits = {})] ", k | 4));
            }
            let serde = [
                "",
                "#[serde(default)] ",
                "#[serde(skip_serializing_if = \"is_false\", default)] ",
                "#[serde(rename = \"x\")] ",
                "#[serde(alias = \"y\")] ",
                "#[serde(flatten)] ",
            ][f.serde as usize % 6];
            let serde = if serde.contains("flatten") && ty != "Part" {
                ""
            } else {
                serde
            };
            s.push_str(&format!("    {attrs}{serde}f{}_{i}: {ty},\n", f.name % 4));
        }
        s.push_str("}\n");
    }
    s
}
