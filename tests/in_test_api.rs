//! `sessionlint::assert_rollout_safe::<T>()`: a type against the committed snapshots of its format.

use serde::{Deserialize, Serialize};
use sessionlint::{rollout_report, SessionState};

mod v1 {
    use super::*;
    #[derive(Serialize, Deserialize, SessionState)]
    #[session(name = "ticket", version = 1, encoding = "json")]
    pub struct Ticket {
        pub cipher: u16,
    }
}

mod v2 {
    use super::*;
    #[derive(Serialize, Deserialize, SessionState)]
    #[session(name = "ticket", version = 2, encoding = "json")]
    pub struct Ticket {
        pub cipher: u16,
        #[session(ems)]
        #[serde(default)]
        pub ems: bool,
    }
}

mod v1_strict {
    use super::*;
    #[derive(Serialize, Deserialize, SessionState)]
    #[serde(deny_unknown_fields)]
    #[session(name = "ticket", version = 1, encoding = "json")]
    pub struct Ticket {
        pub cipher: u16,
    }
}

#[derive(Serialize, Deserialize)]
pub struct Plain {
    pub a: u8,
}

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "other", version = 1, encoding = "json")]
pub struct UsesPlain {
    pub p: Plain,
}

fn snapshot_dir(v1: sessionlint::schema::Schema) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ticket").join("v1.toml");
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, sessionlint::snapshot::to_toml(&v1)).unwrap();
    d
}

#[test]
fn fails_with_the_cli_report_when_unsafe() {
    let d = snapshot_dir(v1::Ticket::schema());
    let report = rollout_report::<v2::Ticket>(d.path()).unwrap_err();
    assert!(report.contains("ems-accepted-by-older-decoder"), "{report}");
    assert!(report.contains("deny_unknown_fields"), "{report}");
}

#[test]
fn passes_when_the_released_decoder_rejects_ems_sessions() {
    let d = snapshot_dir(v1_strict::Ticket::schema());
    rollout_report::<v2::Ticket>(d.path()).unwrap();
}

#[test]
fn a_released_version_changed_in_place_fails() {
    let d = snapshot_dir(v1_strict::Ticket::schema());
    let report = rollout_report::<v1::Ticket>(d.path()).unwrap_err();
    assert!(report.contains("released-schema-changed"), "{report}");
}

#[test]
fn nested_types_must_derive_to_be_known() {
    let d = tempfile::tempdir().unwrap();
    let report = rollout_report::<UsesPlain>(d.path()).unwrap_err();
    assert!(
        report.contains("`Plain`") && report.contains("does not derive SessionState"),
        "{report}"
    );
}

#[test]
fn nothing_released_is_a_failure_that_says_how_to_record_it() {
    let d = tempfile::tempdir().unwrap();
    let report = rollout_report::<v2::Ticket>(&d.path().join("session-schemas")).unwrap_err();
    assert!(
        report.contains("no released version of `ticket`"),
        "{report}"
    );
    assert!(report.contains("sessionlint snapshot"), "{report}");
}

#[test]
#[should_panic(expected = "ems-accepted-by-older-decoder")]
fn assert_rollout_safe_reads_the_crates_session_schemas_and_panics_with_the_report() {
    let d = tempfile::tempdir().unwrap();
    let p = d
        .path()
        .join("session-schemas")
        .join("ticket")
        .join("v1.toml");
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, sessionlint::snapshot::to_toml(&v1::Ticket::schema())).unwrap();
    // Only this test reads the variable; it stands for the crate under test's manifest dir.
    std::env::set_var("CARGO_MANIFEST_DIR", d.path());
    sessionlint::assert_rollout_safe::<v2::Ticket>();
}

mod v2_sealed {
    use super::*;
    #[derive(Serialize, Deserialize, SessionState)]
    #[session(
        name = "sealed",
        version = 2,
        encoding = "json",
        envelope = "ticket-keys-2"
    )]
    pub struct Ticket {
        pub cipher: u16,
        #[session(ems)]
        #[serde(default)]
        pub ems: bool,
    }
}

/// The derive records the envelope a version declares, as the command line reads it.
#[test]
fn the_derive_records_the_envelope() {
    let s = v2_sealed::Ticket::schema();
    assert_eq!(s.envelope.id.as_deref(), Some("ticket-keys-2"));
    assert_eq!(v2::Ticket::schema().envelope.id, None);
    let src = std::fs::read_to_string(file!()).unwrap();
    let ex = sessionlint::extract::extract(
        &[sessionlint::extract::SourceFile {
            path: "src/lib.rs".into(),
            text: src,
        }],
        &Default::default(),
    );
    let cli = ex
        .schemas
        .iter()
        .find(|x| x.envelope.id.is_some())
        .expect("the CLI reads the envelope too");
    assert!(cli.same_as(&s), "{cli:?}");
}

/// The conformance harness on a derive type: its own sessions and the released v1's, decoded by
/// serde_json as the compiled v2, agree with the model; a decoder that lies about EMS is caught
/// with a table naming the vectors.
#[test]
fn the_compiled_type_conforms_to_its_model() {
    use sessionlint::conformance::{type_conformance, Observed};
    let d = snapshot_dir(v1::Ticket::schema());
    let real = |_: &sessionlint::vectors::Vector, bytes: &[u8]| match serde_json::from_slice::<
        v2::Ticket,
    >(bytes)
    {
        Ok(t) => Observed::resumed(t.ems),
        Err(_) => Observed::Refused,
    };
    let r = type_conformance::<v2::Ticket>(d.path(), real).unwrap();
    assert!(
        r.checked >= 3 && r.disagreements.is_empty(),
        "{}",
        r.table()
    );
    // A decoder that drops EMS disagrees on every EMS vector.
    let lying = |_: &sessionlint::vectors::Vector, bytes: &[u8]| match serde_json::from_slice::<
        v2::Ticket,
    >(bytes)
    {
        Ok(_) => Observed::resumed(false),
        Err(_) => Observed::Refused,
    };
    let r = type_conformance::<v2::Ticket>(d.path(), lying).unwrap();
    assert!(!r.disagreements.is_empty());
    assert!(
        r.table().contains("v2-ems-0") && r.table().contains("resume-with"),
        "{}",
        r.table()
    );
}

/// `der_elements`, the helper conformance tests read DER back with: elements in order, and
/// nothing past a malformed one (a length past the end, a length of lengths past usize).
#[test]
fn der_elements_walks_a_sequence_and_stops_at_bad_input() {
    use sessionlint::conformance::der_elements;
    let seq = [0x30, 0x08, 0x02, 0x01, 0x01, 0xad, 0x03, 0x02, 0x01, 0x01];
    assert_eq!(
        der_elements(&seq),
        vec![(0x02, &[1u8][..]), (0xad, &[0x02, 0x01, 0x01][..])]
    );
    assert!(
        der_elements(&[0x02, 0x01, 0x01]).is_empty(),
        "not a SEQUENCE"
    );
    assert!(
        der_elements(&[0x30, 0x05, 0x02]).is_empty(),
        "length past the end"
    );
    let truncated = [0x30, 0x05, 0x02, 0x01, 0x01, 0x04, 0x09];
    assert_eq!(der_elements(&truncated), vec![(0x02, &[1u8][..])]);
    let huge = [0x30, 0x0b, 0x04, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    assert!(der_elements(&huge).is_empty(), "a length of 9 bytes");
    assert!(der_elements(&[]).is_empty());
}
