//! Arbitrary syn-valid session items: extraction and every pair's analysis never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sessionlint::extract::{extract, Options, SourceFile};

mod gen;

fuzz_target!(|items: Vec<gen::Item>| {
    let text = gen::source(&items);
    let ex = extract(
        &[SourceFile {
            path: "f.rs".into(),
            text,
        }],
        &Options::default(),
    );
    let refs: Vec<_> = ex.schemas.iter().collect();
    let _ = sessionlint::rules::check_chain(&refs, None);
    let _ = sessionlint::analysis::matrix(&refs, sessionlint::deployment::Deployment::ALL);
});
