//! Odd inputs from large trees: a clear exit-2 error or a correct verdict, never a hang or a panic,
//! and output that is the same byte for byte across runs and thread counts.

mod common;
use common::{root, run, sessionlint, Run};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn no_panic(r: &Run) {
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!([0, 1, 2].contains(&r.code), "exit {}: {}", r.code, r.stderr);
}

fn rules(r: &Run) -> Vec<String> {
    r.rule_ids()
}

const HEAD: &str = "use serde::{Deserialize, Serialize};\nuse sessionlint::SessionState;\n";

#[test]
fn recursive_types_get_a_verdict() {
    let d = tempfile::tempdir().unwrap();
    for enc in ["json", "bincode"] {
        let src = format!(
            "{HEAD}#[derive(Serialize, Deserialize)]\npub struct A {{ pub b: Box<B> }}\n#[derive(Serialize, Deserialize)]\npub struct B {{ pub a: Option<Box<A>> }}\n\
             #[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"r\", version = 1, encoding = \"{enc}\")]\npub struct V1 {{ pub a: A }}\n\
             #[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"r\", version = 2, encoding = \"{enc}\")]\npub struct V2 {{ pub a: A, #[session(ems)] pub ems: bool }}\n"
        );
        let f = write(d.path(), &format!("{enc}/r.rs"), &src);
        let r = sessionlint(&["check", &f, "--message-format", "json"], &root());
        no_panic(&r);
        assert_eq!(
            r.code, 1,
            "{enc}: appending an EMS flag is unsafe in both: {}",
            r.stderr
        );
        assert!(rules(&r).contains(&"ems-accepted-by-older-decoder".to_string()));
    }
}

#[test]
fn a_ten_megabyte_file_and_a_struct_of_ten_thousand_fields() {
    let d = tempfile::tempdir().unwrap();
    let mut big = String::from(HEAD);
    while big.len() < 10 << 20 {
        big.push_str("pub fn filler(x: u64) -> u64 { let s = \"} ; {\"; x.wrapping_mul(31).rotate_left(7) }\n");
    }
    big.push_str(
        r#"#[derive(Serialize, Deserialize, SessionState)]
#[serde(deny_unknown_fields)]
#[session(name = "w", version = 1, encoding = "json")]
pub struct W1 {
"#,
    );
    for i in 0..10_000 {
        big.push_str(&format!("    pub f{i}: u16,\n"));
    }
    big.push_str(
        r#"}
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "w", version = 2, encoding = "json")]
pub struct W2 {
"#,
    );
    for i in 0..10_000 {
        big.push_str(&format!("    pub f{i}: u16,\n"));
    }
    big.push_str("    #[session(ems)]\n    #[serde(default, skip_serializing_if = \"is_false\")]\n    pub ems: bool,\n}\n");
    let f = write(d.path(), "big.rs", &big);
    let r = sessionlint(&["check", &f, "--message-format", "json"], &root());
    no_panic(&r);
    assert_eq!(r.code, 0, "W1 denies unknown fields: safe. {}", r.stderr);
}

#[test]
fn deeply_nested_generics() {
    let d = tempfile::tempdir().unwrap();
    let deep = (0..200).fold("u8".to_string(), |t, _| format!("Option<{t}>"));
    let src = format!(
        "{HEAD}#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"g\", version = 1, encoding = \"cbor\")]\npub struct G1 {{ pub x: {deep} }}\n\
         #[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"g\", version = 2, encoding = \"cbor\")]\npub struct G2 {{ pub x: {deep}, #[session(ems)] pub ems: bool }}\n"
    );
    let f = write(d.path(), "g.rs", &src);
    let r = sessionlint(&["check", &f], &root());
    no_panic(&r);
    assert_eq!(r.code, 1);
}

#[cfg(unix)]
#[test]
fn non_utf8_paths_and_contents() {
    use std::os::unix::ffi::OsStrExt;
    let d = tempfile::tempdir().unwrap();
    let odd = d.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
    std::fs::create_dir_all(&odd).unwrap();
    std::fs::write(
        odd.join("t.rs"),
        format!(
            r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "u", version = 1, encoding = "json")]
pub struct U1 {{ pub a: u8 }}
"#
        ),
    )
    .unwrap();
    // Binary junk without the marker is skipped; with it, it is bad input.
    std::fs::write(d.path().join("junk.rs"), b"\xff\xfe\x00garbage").unwrap();
    let r = sessionlint(&["check", d.path().to_str().unwrap()], &root());
    no_panic(&r);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    std::fs::write(
        d.path().join("bad.rs"),
        b"#[derive(SessionState)]\n\xff struct X {}",
    )
    .unwrap();
    let r = sessionlint(&["check", d.path().to_str().unwrap()], &root());
    no_panic(&r);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bad.rs") && r.stderr.contains("not UTF-8"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_end() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a/t.rs", "pub struct Nothing;\n");
    std::os::unix::fs::symlink(d.path(), d.path().join("a/loop")).unwrap();
    std::os::unix::fs::symlink(d.path().join("a"), d.path().join("a/self")).unwrap();
    let r = sessionlint(&["check", d.path().to_str().unwrap()], &root());
    no_panic(&r);
    assert_eq!(r.code, 0);
}

#[test]
fn output_is_the_same_across_runs_and_thread_counts() {
    let d = tempfile::tempdir().unwrap();
    for i in 0..80 {
        let enc = ["json", "cbor", "bincode", "postcard"][i % 4];
        write(
            d.path(),
            &format!("m{}/f{i}.rs", i % 7),
            &format!(
                r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "fmt{}", version = {}, encoding = "{enc}")]
pub struct S{i} {{ pub a: u16{} }}
"#,
                i % 20,
                i / 20 + 1,
                if i / 20 > 0 {
                    ", #[session(ems)] #[serde(default)] pub ems: bool"
                } else {
                    ""
                }
            ),
        );
    }
    let p = d.path().to_str().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2", "4", "1"] {
        for fmt in ["json", "human", "sarif"] {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_sessionlint"))
                .args(["check", p, "--message-format", fmt])
                .env("SESSIONLINT_THREADS", threads)
                .output()
                .unwrap();
            outputs.push((fmt, out.stdout));
        }
    }
    for fmt in ["json", "human", "sarif"] {
        let all: Vec<&Vec<u8>> = outputs
            .iter()
            .filter(|(f, _)| *f == fmt)
            .map(|(_, o)| o)
            .collect();
        assert!(
            all.windows(2).all(|w| w[0] == w[1]),
            "{fmt} output differs between runs"
        );
        assert!(!all[0].is_empty());
    }
    let _ = run;
}
