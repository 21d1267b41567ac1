//! Random pairs of schemas, in both directions: the analysis never panics and a version compared
//! with itself is never unsafe.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sessionlint::extract::{extract, Options, SourceFile};

mod gen;

fuzz_target!(|pair: (Vec<gen::Item>, Vec<gen::Item>)| {
    let parse = |items: &[gen::Item]| {
        let ex = extract(&[SourceFile { path: "f.rs".into(), text: gen::source(items) }], &Options::default());
        ex.schemas
    };
    let (a, b) = (parse(&pair.0), parse(&pair.1));
    for x in &a {
        for y in &b {
            let _ = sessionlint::analysis::analyse_pair(x, y);
            let _ = sessionlint::analysis::analyse_pair(y, x);
        }
        let own = sessionlint::analysis::analyse_pair(x, x);
        assert!(
            !own.iter().any(|f| sessionlint::rules::EMS_HAZARDS.contains(&f.rule) && !f.data_dependent),
            "a version is unsafe against itself: {own:?}"
        );
    }
});
