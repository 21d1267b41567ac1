//! Inputs the fuzzers (fuzz/, `cargo fuzz`) found bugs with: each must now pass through without a
//! panic, as the fuzz target runs it.

use sessionlint::extract::{extract, Options, SourceFile};

#[test]
fn extract_bytes_regressions() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fuzz_regressions/extract_bytes"
    );
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(e.unwrap().path()).unwrap();
        let text = format!(
            "#[derive(SessionState)]\n{}",
            String::from_utf8_lossy(&data)
        );
        let ex = extract(
            &[SourceFile {
                path: "f.rs".into(),
                text,
            }],
            &Options::default(),
        );
        let refs: Vec<_> = ex.schemas.iter().collect();
        let _ = sessionlint::analysis::analyse_chain(&refs, None);
        n += 1;
    }
    assert!(n > 0);
}

/// The `analysis` target's input, as source (the fuzz crate's generator is not a dependency of
/// the tests): a postcard version with a flattened part holding the EMS carrier was unsafe against
/// itself.
#[test]
fn analysis_regressions() {
    let src = "#[derive(SessionState)]\n#[serde(deny_unknown_fields)]\npub struct Part { a: u8, #[session(ems)] #[serde(default)] e: bool }\n\
               #[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"f\", version = 7, encoding = \"postcard\")]\n\
               pub struct T0 { #[serde(flatten)] f2_0: Part }\n";
    let ex = extract(
        &[SourceFile {
            path: "f.rs".into(),
            text: src.into(),
        }],
        &Options::default(),
    );
    assert!(ex.problems.is_empty(), "{:?}", ex.problems);
    let s = &ex.schemas[0];
    let own = sessionlint::analysis::analyse_pair(s, s);
    assert!(
        !own.iter()
            .any(|f| sessionlint::rules::EMS_HAZARDS.contains(&f.rule) && !f.data_dependent),
        "{own:?}"
    );
    assert!(
        std::fs::read_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz_regressions/analysis"
        ))
        .unwrap()
        .count()
            > 0
    );
}

/// The second `analysis` finding: one field both version field and EMS flags word. Now bad input.
#[test]
fn a_field_cannot_be_version_and_carrier() {
    let src = "#[derive(Serialize, Deserialize, SessionState)]\n#[serde(deny_unknown_fields)]\n#[session(name = \"f\", version = 3, encoding = \"json\")]\n\
               pub struct T0 { #[session(ems_mask = 0x4)] #[session(version_field, accepts = \"*\")] #[serde(rename = \"x\")] f1_0: u8 }\n";
    let ex = extract(
        &[SourceFile {
            path: "f.rs".into(),
            text: src.into(),
        }],
        &Options::default(),
    );
    assert!(ex.schemas.is_empty());
    assert!(
        ex.problems.iter().any(|p| p
            .message
            .contains("both the version field and the EMS carrier")),
        "{:?}",
        ex.problems
    );
}

/// The third `analysis` finding: two fields renamed to one key. Now bad input.
#[test]
fn two_fields_cannot_share_a_key() {
    let src = "#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"f\", version = 1, encoding = \"toml\")]\n\
               pub struct T0 { #[serde(rename = \"x\")] a: u8, #[session(ems)] #[serde(rename = \"x\")] b: Option<bool> }\n";
    let ex = extract(
        &[SourceFile {
            path: "f.rs".into(),
            text: src.into(),
        }],
        &Options::default(),
    );
    assert!(ex.schemas.is_empty());
    assert!(
        ex.problems
            .iter()
            .any(|p| p.message.contains("both written under the key `x`")),
        "{:?}",
        ex.problems
    );
}
