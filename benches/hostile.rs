//! Hostile small inputs: `cargo bench --bench hostile`.
//!
//! Builds each input of the trust issue's "bounded work" list in a temporary directory and prints
//! `sessionlint check`'s wall time (median of 3), peak RSS and exit status. The bound is 2 s and
//! 200 MB on the project's 2-core machine, or exit 2 with a message naming the limit. Figures, not
//! assertions (tests/adversarial.rs asserts the outcomes).

#[path = "support/measure.rs"]
mod measure;

use measure::{measure_status, median, uname};
use std::path::Path;
use std::process::Command;

const HEAD: &str = "use serde::{Deserialize, Serialize};\nuse sessionlint::SessionState;\n";

fn pair(body: &str, enc: &str) -> String {
    format!("{HEAD}#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"t\", version = 1, encoding = \"{enc}\")]\npub struct T1 {{ {body} }}\n#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"t\", version = 2, encoding = \"{enc}\")]\npub struct T2 {{ {body}, #[session(ems)] pub e: bool }}\n")
}

fn schema(v: u32, fields: &str) -> String {
    format!("name = \"t\"\nversion = {v}\nencoding = \"json\"\nroot = \"S\"\n[types.S]\nkind = \"struct\"\n{fields}")
}

fn field(ident: &str, ty: &str) -> String {
    format!("\n[[types.S.fields]]\nident = \"{ident}\"\nty = \"{ty}\"\n")
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_sessionlint");
    println!(
        "machine: {} cores; {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        uname()
    );
    println!("{:<48} {:>9} {:>9} {:>5}", "input", "ms", "peak MB", "exit");
    let deep_opt = (0..1500).fold("u8".to_string(), |t, _| format!("Option<{t}>"));
    let deep_tuple = format!("{}u8{}", "(".repeat(10_000), ",)".repeat(10_000));
    let wide: String = (0..20_000).map(|i| field(&format!("f{i}"), "u8")).collect();
    type Build = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Build, Vec<&str>)> = vec![
        (
            "[u8; 5000] in bincode",
            Box::new(|d: &Path| write(d, "t.rs", &pair("pub a: [u8; 5000]", "bincode"))),
            vec![],
        ),
        (
            "[u8; 5000] in postcard",
            Box::new(|d: &Path| write(d, "t.rs", &pair("pub a: [u8; 5000]", "postcard"))),
            vec![],
        ),
        (
            "Option<..> nested 1,500 deep",
            Box::new(move |d: &Path| {
                write(d, "t.rs", &pair(&format!("pub a: {deep_opt}"), "json"))
            }),
            vec![],
        ),
        (
            "tuple nested 10,000 deep (source)",
            Box::new({
                let t = deep_tuple.clone();
                move |d: &Path| write(d, "t.rs", &pair(&format!("pub a: {t}"), "bincode"))
            }),
            vec![],
        ),
        (
            "tuple nested 10,000 deep (schema ty)",
            Box::new(move |d: &Path| {
                write(d, "v.schema.toml", &schema(1, &field("a", &deep_tuple)))
            }),
            vec![],
        ),
        (
            "recursive struct, three children",
            Box::new(|d: &Path| {
                write(d, "t.rs", &format!("{HEAD}#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"t\", version = 1, encoding = \"json\")]\npub struct A {{ b: Option<Box<A>>, c: Option<Box<A>>, d: Option<Box<A>> }}\n"))
            }),
            vec![],
        ),
        (
            "schema files with 20,000 fields",
            Box::new(move |d: &Path| {
                write(d, "v1.schema.toml", &schema(1, &wide));
                write(
                    d,
                    "v2.schema.toml",
                    &schema(
                        2,
                        &format!(
                            "{wide}{}",
                            field("ems", "bool") + "session = { ems = { kind = \"flag\" } }\n"
                        ),
                    ),
                );
            }),
            vec![],
        ),
        (
            "2,000 versions of one format",
            Box::new(|d: &Path| {
                for v in 1..=2000 {
                    write(
                        d,
                        &format!("v{v}.schema.toml"),
                        &schema(v, &field("a", "u8")),
                    );
                }
            }),
            vec![],
        ),
        (
            "2,000 versions of one format, --keep 3",
            Box::new(|d: &Path| {
                for v in 1..=2000 {
                    write(
                        d,
                        &format!("v{v}.schema.toml"),
                        &schema(v, &field("a", "u8")),
                    );
                }
            }),
            vec!["--keep", "3"],
        ),
        (
            "1 GB sparse .rs, no session marker",
            Box::new(|d: &Path| {
                write(d, "t.rs", &pair("pub a: u8", "json"));
                std::fs::File::create(d.join("big.rs"))
                    .unwrap()
                    .set_len(1 << 30)
                    .unwrap();
            }),
            vec![],
        ),
        (
            "1 GB sparse .rs, a marker at its end",
            Box::new(|d: &Path| {
                use std::os::unix::fs::FileExt;
                let f = std::fs::File::create(d.join("big.rs")).unwrap();
                f.set_len(1 << 30).unwrap();
                f.write_at(b"#[session(version = 1)] struct X;", (1 << 30) - 64)
                    .unwrap();
            }),
            vec![],
        ),
        (
            "40 sparse .rs files of 30 MB",
            Box::new(|d: &Path| {
                write(d, "t.rs", &pair("pub a: u8", "json"));
                for i in 0..40 {
                    std::fs::File::create(d.join(format!("g{i}.rs")))
                        .unwrap()
                        .set_len(30 << 20)
                        .unwrap();
                }
            }),
            vec![],
        ),
    ];
    for (name, build, extra) in cases {
        let d = tempfile::tempdir().unwrap();
        build(d.path());
        let p = d.path().to_str().unwrap();
        let mut code = 0;
        let runs: Vec<_> = (0..3)
            .map(|_| {
                let mut c = Command::new(bin);
                c.args(["check", p]).args(&extra);
                let r = measure_status(&mut c);
                code = r.2;
                (r.0, r.1)
            })
            .collect();
        let (t, rss) = median(runs);
        println!(
            "{:<48} {:>9.1} {:>9.1} {:>5}",
            name,
            t.as_secs_f64() * 1000.0,
            rss as f64 / 1024.0,
            code
        );
    }
}

fn write(d: &Path, name: &str, text: &str) {
    std::fs::write(d.join(name), text).unwrap();
}
