//! The schema language's documented examples are valid schema files.

#[test]
fn every_toml_example_in_the_schema_language_doc_parses() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/schema-language.md"
    ))
    .unwrap();
    let mut n = 0;
    for block in doc.split("```toml\n").skip(1) {
        let text = block.split("```").next().unwrap();
        if let Err(p) = sessionlint::snapshot::parse("doc.toml", text) {
            panic!(
                "a documented example does not parse: {} (line {})\n{text}",
                p.message, p.origin.line
            );
        }
        n += 1;
    }
    assert_eq!(
        n, 4,
        "one complete example per kind of encoding (tls-positional, der, serde) and the dispatching root"
    );
}
