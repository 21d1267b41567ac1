//! Random pairs of schemas, in both directions: the analysis never panics and a version compared
//! with itself is never unsafe.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sessionlint::extract::{extract, Options, SourceFile};

mod gen;

fuzz_target!(|pair: (Vec<gen::Item>, Vec<gen::Item>)| {
    let parse = |items: &[gen::Item]| {
        let ex = extract(
            &[SourceFile {
                path: "f.rs".into(),
                text: gen::source(items),
            }],
            &Options::default(),
        );
        ex.schemas
    };
    let (a, b) = (parse(&pair.0), parse(&pair.1));
    for x in &a {
        for y in &b {
            let _ = sessionlint::rules::check_pair(x, y);
            let _ = sessionlint::rules::check_pair(y, x);
        }
        // skip_serializing_if in a positional encoding shifts later fields: such a version really
        // misreads its own sessions (tests/properties.rs excludes the same case).
        let positional = matches!(
            x.encoding,
            sessionlint::schema::Encoding::Msgpack
                | sessionlint::schema::Encoding::Bincode
                | sessionlint::schema::Encoding::Postcard
        );
        let skips = x.types.values().any(|d| match d {
            sessionlint::schema::TypeDef::Struct(s) => s
                .fields
                .iter()
                .any(|f| matches!(f.write, sessionlint::schema::Write::Unless(_))),
            sessionlint::schema::TypeDef::Enum(e) => e
                .variants
                .iter()
                .flat_map(|v| &v.fields)
                .any(|f| matches!(f.write, sessionlint::schema::Write::Unless(_))),
        });
        if positional && skips {
            continue;
        }
        let own = sessionlint::rules::check_pair(x, x);
        assert!(
            !own.iter()
                .any(|f| f.rule.is_rollout_hazard() && !f.data_dependent),
            "a version is unsafe against itself: {own:?}"
        );
    }
});
