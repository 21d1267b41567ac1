//! Properties of the analysis over generated session structs (proptest): making the older decoder
//! stricter never makes a safe verdict unsafe; a version against itself is never unsafe; verdicts
//! do not depend on the order of files or of items; a matrix cell is UNSAFE exactly where an error
//! finding covers it. Each property prints how many cases it judged, and fails when generation
//! puts too many out of scope.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use sessionlint::analysis::{matrix, Cell};
use sessionlint::extract::{extract, Options, SourceFile};
use sessionlint::findings::Finding;
use sessionlint::rules::{check_chain as analyse_chain, check_pair as analyse_pair};
use sessionlint::schema::{Accepts, Schema, Trailing, TypeDef};
use std::sync::atomic::{AtomicUsize, Ordering};

const TYPES: [&str; 8] = [
    "bool",
    "u8",
    "u16",
    "u32",
    "Option<bool>",
    "Vec<u8>",
    "String",
    "Option<u8>",
];
const ENCODINGS: [&str; 8] = [
    "json",
    "toml",
    "yaml",
    "cbor",
    "msgpack",
    "msgpack-named",
    "bincode",
    "postcard",
];

#[derive(Clone, Debug)]
struct Spec {
    encoding: usize,
    deny: bool,
    fields: Vec<(usize, usize, usize)>, // (name, type, serde attribute)
    carrier: Option<usize>,
    version_field: Option<usize>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0..ENCODINGS.len(),
        any::<bool>(),
        prop::collection::vec((0..5usize, 0..TYPES.len(), 0..4usize), 1..5),
        prop::option::of(0..5usize),
        prop::option::of(0..3usize),
    )
        .prop_map(|(encoding, deny, fields, carrier, version_field)| Spec {
            encoding,
            deny,
            fields,
            carrier,
            version_field,
        })
}

/// A session struct from a spec; `version` is its container version.
fn source(s: &Spec, ty_name: &str, version: u32, encoding: usize) -> String {
    let mut out = String::from("#[derive(Serialize, Deserialize, SessionState)]\n");
    if s.deny {
        out.push_str("#[serde(deny_unknown_fields)]\n");
    }
    out.push_str(&format!(
        "#[session(name = \"p\", version = {version}, encoding = \"{}\")]\n",
        ENCODINGS[encoding]
    ));
    out.push_str(&format!("pub struct {ty_name} {{\n"));
    if let Some(v) = s.version_field {
        let acc = ["*", &version.to_string(), &format!("..={version}")][v].to_string();
        out.push_str(&format!(
            "    #[session(version_field, accepts = \"{acc}\")]\n    pub version: u16,\n"
        ));
    }
    let mut names = std::collections::BTreeSet::new();
    let mut renamed = false;
    for (i, (name, ty, attr)) in s.fields.iter().enumerate() {
        // One rename at most: two fields under one key is a schema serde itself refuses to read.
        let attr = &if *attr == 3 && std::mem::replace(&mut renamed, true) {
            0
        } else {
            *attr
        };
        let field = format!("f{name}");
        if !names.insert(field.clone()) {
            continue;
        }
        let ty = TYPES[*ty];
        let carrier = s.carrier == Some(i) && matches!(ty, "bool" | "Option<bool>" | "Option<u8>");
        if carrier {
            out.push_str("    #[session(ems)]\n");
        }
        out.push_str(
            [
                "",
                "    #[serde(default)]\n",
                "    #[serde(default, skip_serializing_if = \"is_false\")]\n",
                "    #[serde(rename = \"r\")]\n",
            ][*attr],
        );
        if *attr == 2 && ty != "bool" {
            // skip_serializing_if = "is_false" only fits a bool; drop it elsewhere.
            out = out.replace(
                "    #[serde(default, skip_serializing_if = \"is_false\")]\n",
                "    #[serde(default)]\n",
            );
        }
        out.push_str(&format!("    pub {field}: {ty},\n"));
    }
    out.push_str("}\n");
    out
}

fn schema(src: &str) -> Option<Schema> {
    let ex = extract(
        &[SourceFile {
            path: "p.rs".into(),
            text: src.to_string(),
        }],
        &Options::default(),
    );
    if !ex.problems.is_empty() {
        return None;
    }
    ex.schemas.into_iter().next()
}

fn hazards(f: &[Finding]) -> bool {
    f.iter().any(|x| x.rule.is_rollout_hazard())
}

/// The same decoder, stricter: deny unknown fields, an exact version check, trailing = "reject".
fn stricter(s: &Schema, how: usize) -> Schema {
    let mut s = s.clone();
    let version = s.version as u64;
    let root = s.root.clone();
    match how {
        0 => {
            if let Some(TypeDef::Struct(st)) = s.types.get_mut(&root) {
                st.deny_unknown_fields = true;
            }
        }
        1 => {
            if let Some(TypeDef::Struct(st)) = s.types.get_mut(&root) {
                for f in &mut st.fields {
                    if f.session.version_field.is_some() {
                        f.session.version_field = Some(Accepts::exact(version));
                    }
                }
            }
        }
        _ => s.trailing = Some(Trailing::Reject),
    }
    s
}

const CASES: u32 = 192;

/// Runs `test` on `CASES` generated values with a fixed seed (PROPTEST_RNG_SEED overrides it).
/// `test` returns `Ok(false)` for a value out of the property's scope (a schema serde refuses);
/// at least two thirds must be in scope, or the property proved little.
fn property<S: Strategy>(
    name: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5e55_10a7);
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    });
    let (judged, skipped) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let result = runner.run(&strategy, |v| {
        let counter = if test(v)? { &judged } else { &skipped };
        counter.fetch_add(1, Ordering::Relaxed);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    let (j, k) = (judged.into_inner(), skipped.into_inner());
    println!("{name}: {j} cases judged, {k} out of scope (seed {seed:#x})");
    assert!(
        j * 3 >= (j + k) * 2,
        "{name}: generation put {k} of {} cases out of scope",
        j + k
    );
}

#[test]
fn a_stricter_older_decoder_never_turns_safe_into_unsafe() {
    let cases = (spec(), spec(), 0..3usize, 0..ENCODINGS.len());
    property("stricter older decoder", cases, |(old, new, how, enc)| {
        let (Some(o), Some(n)) = (
            schema(&source(&old, "Old", 1, enc)),
            schema(&source(&new, "New", 2, enc)),
        ) else {
            return Ok(false);
        };
        if !hazards(&analyse_pair(&o, &n)) {
            let strict = stricter(&o, how);
            prop_assert!(
                !hazards(&analyse_pair(&strict, &n)),
                "stricter older decoder ({how}) made it unsafe:\n{}\n{}",
                source(&old, "Old", 1, enc),
                source(&new, "New", 2, enc)
            );
        }
        Ok(true)
    });
}

/// Never *proven* unsafe: a skip_serializing_if field in bincode or postcard shifts the layout,
/// so even a version's own decoder may misread its sessions, and that is reported as
/// data-dependent.
#[test]
fn a_version_against_itself_is_never_proven_unsafe() {
    property("a version against itself", spec(), |s| {
        // skip_serializing_if in a positional encoding (msgpack arrays, bincode, postcard) shifts
        // the fields after it, so a version really does misread its own sessions: out of scope
        // here, reported by the analysis.
        let positional = ENCODINGS[s.encoding].starts_with("msgpack")
            && ENCODINGS[s.encoding] != "msgpack-named"
            || matches!(ENCODINGS[s.encoding], "bincode" | "postcard");
        if positional && s.fields.iter().any(|f| f.2 == 2) {
            return Ok(false);
        }
        let Some(a) = schema(&source(&s, "T", 1, s.encoding)) else {
            return Ok(false);
        };
        let f: Vec<Finding> = analyse_pair(&a, &a)
            .into_iter()
            .filter(|x| !x.data_dependent)
            .collect();
        prop_assert!(!hazards(&f), "{:?}", f);
        prop_assert!(
            !f.iter().any(|x| x.rule == "older-session-read-as-ems"),
            "{:?}",
            f
        );
        Ok(true)
    });
}

#[test]
fn verdicts_do_not_depend_on_file_or_item_order() {
    let cases = (spec(), spec(), spec(), 0..ENCODINGS.len());
    property("file and item order", cases, |(a, b, c, enc)| {
        let items = [
            source(&a, "A", 1, enc),
            source(&b, "B", 2, enc),
            source(&c, "C", 3, enc),
        ];
        let run = |files: Vec<SourceFile>| {
            let ex = extract(&files, &Options::default());
            let refs: Vec<&Schema> = ex.schemas.iter().collect();
            let mut f = analyse_chain(&refs, None);
            sessionlint::findings::sort(&mut f);
            (
                f.into_iter()
                    .map(|x| (x.rule, x.older_version, x.newer_version, x.message))
                    .collect::<Vec<_>>(),
                ex.problems.len(),
            )
        };
        let one_file = |order: [usize; 3]| {
            vec![SourceFile {
                path: "x.rs".into(),
                text: order.iter().map(|i| items[*i].clone()).collect(),
            }]
        };
        let split = |order: [usize; 3]| {
            order
                .iter()
                .enumerate()
                .map(|(k, i)| SourceFile {
                    path: format!("f{k}.rs"),
                    text: items[*i].clone(),
                })
                .collect::<Vec<_>>()
        };
        let base = run(one_file([0, 1, 2]));
        prop_assert_eq!(&run(one_file([2, 0, 1])), &base);
        let files = run(split([0, 1, 2]));
        prop_assert_eq!(&run(split([1, 2, 0])), &files);
        prop_assert_eq!(&files.0, &base.0);
        Ok(true)
    });
}

/// The matrices and the findings agree, in both directions of every pair: a cell is UNSAFE if
/// and only if an error finding of a rule that covers that cell names the pair. (The diagonal,
/// a version against itself, is the property above.)
#[test]
fn a_matrix_cell_is_unsafe_exactly_where_an_error_finding_covers_it() {
    let cases = (spec(), spec(), spec(), 0..ENCODINGS.len());
    property("matrix and findings agree", cases, |(a, b, c, enc)| {
        let schemas: Vec<Schema> = [(&a, 1), (&b, 2), (&c, 3)]
            .into_iter()
            .filter_map(|(s, v)| schema(&source(s, &format!("T{v}"), v, enc)))
            .collect();
        if schemas.len() < 2 {
            return Ok(false);
        }
        let refs: Vec<&Schema> = schemas.iter().collect();
        let m = matrix(&refs, sessionlint::deployment::Deployment::ALL);
        let findings = analyse_chain(&refs, None);
        for (i, dec) in m.versions.iter().enumerate() {
            for (j, enc_v) in m.versions.iter().enumerate() {
                if i == j {
                    continue;
                }
                for (cells, kind) in [
                    (&m.ems, sessionlint::analysis::Kind::Ems),
                    (&m.non_ems, sessionlint::analysis::Kind::NonEms),
                ] {
                    let covered = findings.iter().any(|f| {
                        let Some(cover) = f.rule.covers() else {
                            return false;
                        };
                        let (older_decodes, k) = cover.cell();
                        let (d, e) = if older_decodes {
                            (f.older_version, f.newer_version)
                        } else {
                            (Some(f.newer_version), f.older_version.unwrap_or(0))
                        };
                        f.level == sessionlint::findings::Level::Error
                            && k == kind
                            && d == Some(*dec)
                            && e == *enc_v
                    });
                    prop_assert_eq!(
                        cells[i][j] == Cell::Unsafe,
                        covered,
                        "decoder v{} / encoder v{} ({:?}): cell {:?}, findings {:?}\n{}",
                        dec,
                        enc_v,
                        kind,
                        cells[i][j],
                        findings
                            .iter()
                            .map(|f| (f.rule.id(), f.older_version, f.newer_version))
                            .collect::<Vec<_>>(),
                        refs.iter()
                            .map(|s| sessionlint::snapshot::to_toml(s))
                            .collect::<Vec<_>>()
                            .join("\n")
                    );
                }
            }
        }
        Ok(true)
    });
}
