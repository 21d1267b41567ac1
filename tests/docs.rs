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

/// `benches/derive-cold-build`, as the README and docs/performance.md give it, runs and prints its
/// figures (one run each here; the figures themselves are the bench's, never asserted).
#[test]
fn the_derive_cold_build_bench_runs_as_documented() {
    let root = env!("CARGO_MANIFEST_DIR");
    for doc in ["README.md", "docs/performance.md"] {
        let text = std::fs::read_to_string(format!("{root}/{doc}")).unwrap();
        assert!(
            text.contains("`benches/derive-cold-build`"),
            "{doc} names it"
        );
    }
    let out = std::process::Command::new(format!("{root}/benches/derive-cold-build"))
        .current_dir(root)
        .env("RUNS", "1")
        .output()
        .expect("the script runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("cold build of a one-struct crate, median of 1: serde alone "))
        .unwrap_or_else(|| panic!("no figures: {stdout}"));
    assert!(
        line.contains(" s, with #[derive(SessionState)] ") && line.contains(" s, derive adds "),
        "{line}"
    );
}
