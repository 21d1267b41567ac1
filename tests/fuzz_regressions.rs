//! Inputs the fuzzers (fuzz/, `cargo fuzz`) found bugs with: each must now pass through without a
//! panic, as the fuzz target runs it.

use sessionlint::extract::{extract, Options, SourceFile};

#[test]
fn extract_bytes_regressions() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fuzz_regressions/extract_bytes"
    );
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(e.unwrap().path()).unwrap();
        let text = format!(
            "#[derive(SessionState)]\n{}",
            String::from_utf8_lossy(&data)
        );
        let ex = extract(
            &[SourceFile {
                path: "f.rs".into(),
                text,
            }],
            &Options::default(),
        );
        let refs: Vec<_> = ex.schemas.iter().collect();
        let _ = sessionlint::rules::check_chain(&refs, None);
        n += 1;
    }
    assert!(n > 0);
}

/// The `analysis` target's input, as source (the fuzz crate's generator is not a dependency of
/// the tests): a postcard version with a flattened part holding the EMS carrier was unsafe against
/// itself.
#[test]
fn analysis_regressions() {
    let src = "#[derive(Serialize, Deserialize, SessionState)]\n#[serde(deny_unknown_fields)]\npub struct Part { a: u8, #[session(ems)] #[serde(default)] e: bool }\n\
               #[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"f\", version = 7, encoding = \"postcard\")]\n\
               pub struct T0 { #[serde(flatten)] f2_0: Part }\n";
    let ex = extract(
        &[SourceFile {
            path: "f.rs".into(),
            text: src.into(),
        }],
        &Options::default(),
    );
    assert!(ex.problems.is_empty(), "{:?}", ex.problems);
    let s = &ex.schemas[0];
    let own = sessionlint::rules::check_pair(s, s);
    assert!(
        !own.iter()
            .any(|f| f.rule.is_rollout_hazard() && !f.data_dependent),
        "{own:?}"
    );
    assert!(
        std::fs::read_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz_regressions/analysis"
        ))
        .unwrap()
        .count()
            > 0
    );
}

/// The second `analysis` finding: one field both version field and EMS flags word. Now bad input.
#[test]
fn a_field_cannot_be_version_and_carrier() {
    let src = "#[derive(Serialize, Deserialize, SessionState)]\n#[serde(deny_unknown_fields)]\n#[session(name = \"f\", version = 3, encoding = \"json\")]\n\
               pub struct T0 { #[session(ems_mask = 0x4)] #[session(version_field, accepts = \"*\")] #[serde(rename = \"x\")] f1_0: u8 }\n";
    let ex = extract(
        &[SourceFile {
            path: "f.rs".into(),
            text: src.into(),
        }],
        &Options::default(),
    );
    assert!(ex.schemas.is_empty());
    assert!(
        ex.problems.iter().any(|p| p
            .message
            .contains("both the version field and the EMS carrier")),
        "{:?}",
        ex.problems
    );
}

/// The third `analysis` finding: two fields renamed to one key. Now bad input.
#[test]
fn two_fields_cannot_share_a_key() {
    let src = "#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"f\", version = 1, encoding = \"toml\")]\n\
               pub struct T0 { #[serde(rename = \"x\")] a: u8, #[session(ems)] #[serde(rename = \"x\")] b: Option<bool> }\n";
    let ex = extract(
        &[SourceFile {
            path: "f.rs".into(),
            text: src.into(),
        }],
        &Options::default(),
    );
    assert!(ex.schemas.is_empty());
    assert!(
        ex.problems
            .iter()
            .any(|p| p.message.contains("both written under the key `x`")),
        "{:?}",
        ex.problems
    );
}

/// The `scan_vs_syn` target's findings: every session item `syn::parse_file` sees (an outer
/// attribute naming `SessionState` or the `session` helper) is among the items the scanner cuts
/// out. The first: a vertical tab between an attribute and `struct`, which Rust takes for white
/// space and the scanner did not.
#[test]
fn scan_vs_syn_regressions() {
    use proc_macro2::{TokenStream, TokenTree};
    use sessionlint::extract::scan;
    use syn::visit::Visit;

    fn names_marker(tokens: TokenStream) -> bool {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        trees.iter().enumerate().any(|(i, t)| match t {
            TokenTree::Ident(id) => {
                let s = id.to_string();
                s == "SessionState"
                    || (s == "session"
                        && match trees.get(i + 1) {
                            None | Some(TokenTree::Group(_)) => true,
                            Some(TokenTree::Punct(p)) => p.as_char() == '=',
                            _ => false,
                        })
            }
            TokenTree::Group(g) => names_marker(g.stream()),
            _ => false,
        })
    }
    struct Truth(Vec<String>);
    impl<'a> Visit<'a> for Truth {
        fn visit_item_struct(&mut self, i: &'a syn::ItemStruct) {
            let marked = i
                .attrs
                .iter()
                .any(|a| names_marker(quote::ToTokens::to_token_stream(&a.meta)));
            if marked {
                self.0.push(i.ident.to_string());
            }
            syn::visit::visit_item_struct(self, i);
        }
    }
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fuzz_regressions/scan_vs_syn"
    );
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let src = String::from_utf8(std::fs::read(e.unwrap().path()).unwrap()).unwrap();
        let mut truth = Truth(Vec::new());
        truth.visit_file(&syn::parse_file(&src).unwrap());
        assert!(!truth.0.is_empty());
        let found = scan::scan(&src, &scan::Markers::default()).unwrap();
        let cut: Vec<String> = found
            .session
            .iter()
            .map(|s| {
                syn::parse_str::<syn::DeriveInput>(&src[s.start..s.end])
                    .unwrap()
                    .ident
                    .to_string()
            })
            .collect();
        for name in &truth.0 {
            assert!(cut.contains(name), "missed `{name}`");
        }
        n += 1;
    }
    assert!(n > 0);
}

/// The `scan_vs_syn` target's skim-versus-lexer findings: the two scanners give the same answer
/// (a shebang line and a raw identifier `r#r` before a string once made them disagree).
#[test]
fn skim_and_lexer_regressions() {
    use sessionlint::extract::scan;
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fuzz_regressions/scan_skim_vs_lexer"
    );
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let src = String::from_utf8_lossy(&std::fs::read(e.unwrap().path()).unwrap()).into_owned();
        let m = scan::Markers::default();
        let (a, b) = (scan::scan(&src, &m), scan::scan_tokens(&src, &m));
        assert_eq!(
            a.as_ref().map(|f| &f.session),
            b.as_ref().map(|f| &f.session)
        );
        n += 1;
    }
    assert!(n > 0);
}
