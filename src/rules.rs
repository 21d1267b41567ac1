//! The rule registry. Each rule's text (summary, explanation, references, fix) lives in its own
//! file in `rules/`; its id and level are here so the analysis needs no parser at run time.

use crate::findings::Level;

pub const EMS_ACCEPTED_BY_OLDER_DECODER: &str = "ems-accepted-by-older-decoder";
pub const OLDER_SESSION_READ_AS_EMS: &str = "older-session-read-as-ems";
pub const EMS_NOT_SERIALIZED: &str = "ems-not-serialized";
pub const OLDER_SESSION_REJECTED: &str = "older-session-rejected";
pub const NON_EMS_SESSION_REJECTED_BY_OLDER_DECODER: &str =
    "non-ems-session-rejected-by-older-decoder";
pub const RELEASED_SCHEMA_CHANGED: &str = "released-schema-changed";
pub const REJECTION_BY_ACCIDENT: &str = "rejection-by-accident";
pub const FIELD_READ_BUT_IGNORED: &str = "field-read-but-ignored";
pub const OPTIONAL_TAIL_SWALLOWS_FIELD: &str = "optional-tail-swallows-field";
pub const UNMASKED_FLAG_BITS: &str = "unmasked-flag-bits";

/// Rules that report an older decoder accepting newer EMS sessions as non-EMS: the generic one
/// and its more specific forms (one finding per hazard, the most specific id).
pub const EMS_HAZARDS: &[&str] = &[
    EMS_ACCEPTED_BY_OLDER_DECODER,
    FIELD_READ_BUT_IGNORED,
    OPTIONAL_TAIL_SWALLOWS_FIELD,
    UNMASKED_FLAG_BITS,
];

pub struct Rule {
    pub id: &'static str,
    pub level: Level,
    /// The rule's file in `rules/`, verbatim (TOML).
    pub doc: &'static str,
}

macro_rules! rule {
    ($id:expr, $level:ident, $file:literal) => {
        Rule {
            id: $id,
            level: Level::$level,
            doc: include_str!(concat!("../rules/", $file, ".toml")),
        }
    };
}

pub static RULES: &[Rule] = &[
    rule!(
        EMS_ACCEPTED_BY_OLDER_DECODER,
        Error,
        "ems-accepted-by-older-decoder"
    ),
    rule!(
        OLDER_SESSION_READ_AS_EMS,
        Error,
        "older-session-read-as-ems"
    ),
    rule!(EMS_NOT_SERIALIZED, Error, "ems-not-serialized"),
    rule!(OLDER_SESSION_REJECTED, Warning, "older-session-rejected"),
    rule!(
        NON_EMS_SESSION_REJECTED_BY_OLDER_DECODER,
        Warning,
        "non-ems-session-rejected-by-older-decoder"
    ),
    rule!(RELEASED_SCHEMA_CHANGED, Error, "released-schema-changed"),
    rule!(REJECTION_BY_ACCIDENT, Warning, "rejection-by-accident"),
    rule!(FIELD_READ_BUT_IGNORED, Error, "field-read-but-ignored"),
    rule!(
        OPTIONAL_TAIL_SWALLOWS_FIELD,
        Error,
        "optional-tail-swallows-field"
    ),
    rule!(UNMASKED_FLAG_BITS, Error, "unmasked-flag-bits"),
];

pub fn get(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

pub fn level(id: &str) -> Level {
    get(id).map(|r| r.level).unwrap_or(Level::Error)
}

#[cfg(feature = "cli")]
impl Rule {
    /// One text field of the rule's file (`summary`, `explanation`, `fix`, ...), trimmed.
    pub fn text(&self, key: &str) -> String {
        self.doc
            .parse::<toml::Table>()
            .ok()
            .and_then(|t| {
                t.get(key)
                    .and_then(|v| v.as_str())
                    .map(|s| s.trim().to_string())
            })
            .unwrap_or_default()
    }
}
