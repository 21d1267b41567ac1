//! `sessionlint vectors`: every shipped format gets vectors, the document is deterministic and of
//! the documented shape (docs/vectors.md), and the model codec's predictions agree with the
//! analysis on every shipped pair (a decoder predicted to refuse every session of a kind is one
//! whose reading refuses them).

mod common;
use common::{root, sessionlint};

fn shipped() -> Vec<String> {
    let mut dirs = Vec::new();
    for parent in ["examples", "examples/real-world"] {
        for e in std::fs::read_dir(root().join(parent)).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() && e.file_name() != "real-world" {
                dirs.push(format!("{parent}/{}", e.file_name().to_string_lossy()));
            }
        }
    }
    dirs.sort();
    dirs
}

#[test]
fn every_shipped_format_has_deterministic_vectors() {
    let mut total = 0;
    for dir in shipped() {
        let a = sessionlint(&["vectors", &dir], &root());
        assert_eq!(a.code, 0, "{dir}: {}", a.stderr);
        let b = sessionlint(&["vectors", &dir], &root());
        assert_eq!(a.stdout, b.stdout, "{dir}: vectors differ between two runs");
        let doc: sessionlint::vectors::VectorSet =
            serde_json::from_str(&a.stdout).unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(
            doc.sessionlint_vectors,
            sessionlint::vectors::FORMAT_VERSION
        );
        for f in &doc.formats {
            assert!(!f.vectors.is_empty(), "{dir}: {} has no vector", f.format);
            for v in &f.vectors {
                assert!(f.versions.contains(&v.encoder));
                assert!(v.hex.is_some() != v.text.is_some(), "{dir}: {}", v.id);
                // Every version predicts for itself: its own sessions read back as written.
                let own = v
                    .predictions
                    .iter()
                    .find(|p| p.decoder == v.encoder)
                    .unwrap();
                let want = if v.with {
                    sessionlint::vectors::Outcome::ResumeWith
                } else {
                    sessionlint::vectors::Outcome::ResumeWithout
                };
                // A decoder that parses its EMS byte and ignores it (`ignored`: s2n-tls 1.2.0
                // reads it only in tests) reads its own EMS sessions without EMS.
                let ignores = v.with && ignores_own_carrier(&dir, &f.format, v.encoder);
                let want = if ignores {
                    sessionlint::vectors::Outcome::ResumeWithout
                } else {
                    want
                };
                assert_eq!(
                    own.outcome, want,
                    "{dir}: {} in its own decoder: {own:?}",
                    v.id
                );
                total += 1;
            }
            // A format some version of which writes EMS sessions has EMS vectors, wherever its
            // carrier sits (s2n-tls's client session: inside the state a variant holds).
            if writes_ems(&dir, &f.format) {
                assert!(
                    f.vectors.iter().any(|v| v.property == "ems" && v.with),
                    "{dir}: {} writes EMS sessions, and no vector is one",
                    f.format
                );
            }
        }
    }
    eprintln!("{total} vectors over the shipped examples");
}

/// Whether some version of `format` under `dir` writes an EMS carrier from the session's status.
fn writes_ems(dir: &str, format: &str) -> bool {
    let mut map = sessionlint::report::SourceMap::default();
    let inp = sessionlint::review::inputs(&root().join(dir), None, &mut map).unwrap();
    inp.current
        .iter()
        .chain(&inp.released)
        .filter(|s| s.name == format)
        .filter_map(|s| {
            s.as_writer()
                .ems_carrier()
                .map(|p| p.carrier().write.clone())
        })
        .any(|w| w != sessionlint::schema::Write::Never)
}

/// Whether version `v` of `format` under `dir` reads its EMS carrier and ignores it.
fn ignores_own_carrier(dir: &str, format: &str, v: u32) -> bool {
    let mut map = sessionlint::report::SourceMap::default();
    let inp = sessionlint::review::inputs(&root().join(dir), None, &mut map).unwrap();
    inp.current
        .iter()
        .chain(&inp.released)
        .find(|s| s.name == format && s.version == v)
        .and_then(|s| s.ems_carrier())
        .is_some_and(|p| p.carrier().session.ignored)
}

#[test]
fn format_and_version_narrow_the_document_and_bad_names_are_bad_input() {
    let d = "examples/real-world/rustls";
    let r = sessionlint(
        &[
            "vectors",
            d,
            "--format",
            "rustls-server-value",
            "--version",
            "2",
        ],
        &root(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: sessionlint::vectors::VectorSet = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc.formats.len(), 1);
    assert!(doc.formats[0].vectors.iter().all(|v| v.encoder == 2));
    // The 0.23.43 decoder refuses every session main writes (its cipher-suite check).
    for v in &doc.formats[0].vectors {
        let p = v.predictions.iter().find(|p| p.decoder == 1).unwrap();
        assert_eq!(
            p.outcome,
            sessionlint::vectors::Outcome::Refuse,
            "{}: {p:?}",
            v.id
        );
    }
    let r = sessionlint(&["vectors", d, "--format", "nope"], &root());
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no session format `nope`"),
        "{}",
        r.stderr
    );
    let r = sessionlint(
        &[
            "vectors",
            d,
            "--format",
            "rustls-server-value",
            "--version",
            "9",
        ],
        &root(),
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no version 9"), "{}", r.stderr);
}

/// A reason read the other way round names each side for the version it is: the newer decoder
/// reading an older session calls the key only the older version writes the older field.
#[test]
fn a_prediction_names_the_older_writer_as_older() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("ticket.rs"),
        r#"
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 1, encoding = "json")]
pub struct TicketV1 {
    pub cipher_suite: u16,
    pub legacy_lifetime: u32,
}

#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {
    pub cipher_suite: u16,
    #[session(ems)]
    #[serde(default)]
    pub extended_master_secret: bool,
}
"#,
    )
    .unwrap();
    let r = sessionlint(&["vectors", "."], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: sessionlint::vectors::VectorSet = serde_json::from_str(&r.stdout).unwrap();
    let whys: Vec<&str> = doc.formats[0]
        .vectors
        .iter()
        .filter(|v| v.encoder == 1)
        .flat_map(|v| v.predictions.iter().filter(|p| p.decoder == 2))
        .map(|p| p.why.as_str())
        .collect();
    assert!(!whys.is_empty());
    for why in whys {
        assert!(
            why.contains("key `legacy_lifetime` (older field `legacy_lifetime`) is unknown"),
            "{why}"
        );
        assert!(!why.contains("newer"), "{why}");
    }
}
