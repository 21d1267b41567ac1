//! The rule registry. Each rule's text (summary, explanation, references, fix) lives in its own
//! file in `rules/`; its id and level are here so the analysis needs no parser at run time.

use crate::findings::Level;

pub const EMS_ACCEPTED_BY_OLDER_DECODER: &str = "ems-accepted-by-older-decoder";
pub const OLDER_SESSION_READ_AS_EMS: &str = "older-session-read-as-ems";
pub const EMS_NOT_SERIALIZED: &str = "ems-not-serialized";
pub const OLDER_SESSION_REJECTED: &str = "older-session-rejected";
pub const NON_EMS_SESSION_REJECTED_BY_OLDER_DECODER: &str = "non-ems-session-rejected-by-older-decoder";
pub const RELEASED_SCHEMA_CHANGED: &str = "released-schema-changed";

pub struct Rule {
    pub id: &'static str,
    pub level: Level,
    /// The rule's file in `rules/`, verbatim (TOML).
    pub doc: &'static str,
}

macro_rules! rule {
    ($id:expr, $level:ident, $file:literal) => {
        Rule { id: $id, level: Level::$level, doc: include_str!(concat!("../rules/", $file, ".toml")) }
    };
}

pub static RULES: &[Rule] = &[
    rule!(EMS_ACCEPTED_BY_OLDER_DECODER, Error, "ems-accepted-by-older-decoder"),
    rule!(OLDER_SESSION_READ_AS_EMS, Error, "older-session-read-as-ems"),
    rule!(EMS_NOT_SERIALIZED, Error, "ems-not-serialized"),
    rule!(OLDER_SESSION_REJECTED, Warning, "older-session-rejected"),
    rule!(NON_EMS_SESSION_REJECTED_BY_OLDER_DECODER, Warning, "non-ems-session-rejected-by-older-decoder"),
    rule!(RELEASED_SCHEMA_CHANGED, Error, "released-schema-changed"),
];

pub fn get(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

pub fn level(id: &str) -> Level {
    get(id).map(|r| r.level).unwrap_or(Level::Error)
}
