//! Inputs the fuzzers (fuzz/, `cargo fuzz`) found bugs with: each must now pass through without a
//! panic, as the fuzz target runs it.

use sessionlint::extract::{extract, Options, SourceFile};

#[test]
fn extract_bytes_regressions() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions/extract_bytes");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(e.unwrap().path()).unwrap();
        let text = format!("#[derive(SessionState)]\n{}", String::from_utf8_lossy(&data));
        let ex = extract(&[SourceFile { path: "f.rs".into(), text }], &Options::default());
        let refs: Vec<_> = ex.schemas.iter().collect();
        let _ = sessionlint::analysis::analyse_chain(&refs, None);
        n += 1;
    }
    assert!(n > 0);
}
