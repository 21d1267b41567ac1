//! Arbitrary bytes as a schema file: parsing and analysis never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(s) = sessionlint::snapshot::parse("f.schema.toml", text) {
        let _ = sessionlint::rules::check_pair(&s, &s);
        let _ = sessionlint::snapshot::to_toml(&s);
    }
});
