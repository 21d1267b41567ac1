//! Arbitrary bytes as a Rust source: extraction and analysis never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sessionlint::extract::{extract, Options, SourceFile};

fuzz_target!(|data: &[u8]| {
    // Bias towards the interesting paths: every input holds the marker.
    let text = format!("#[derive(SessionState)]\n{}", String::from_utf8_lossy(data));
    let ex = extract(
        &[SourceFile {
            path: "f.rs".into(),
            text,
        }],
        &Options::default(),
    );
    let refs: Vec<_> = ex.schemas.iter().collect();
    let _ = sessionlint::rules::check_chain(&refs, None);
});
