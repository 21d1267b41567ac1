//! Hostile small inputs: `cargo bench --bench hostile`.
//!
//! Builds each input of the trust issues' "bounded work" lists in a temporary directory and prints
//! `sessionlint check`'s wall time (median of 3), peak RSS and exit status. The target: any input
//! of at most 1 MB of source and 1,000 tags ends within 10 s and 1 GB on the project's 2-core
//! machine, with a verdict or exit 2 naming the limit it reached. Figures, not assertions
//! (tests/adversarial.rs asserts the outcomes); the last column says whether the target held.

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

/// Tuple aliases that expand to `64 * n1 * n2` `u8`s from a few hundred bytes of source.
fn alias_bomb(n1: usize, n2: usize) -> String {
    let row = |t: &str, n: usize| vec![t; n].join(", ");
    format!(
        "type L0 = ({});\ntype L1 = ({});\ntype L2 = ({});\n",
        row("u8", 64),
        row("L0", n1),
        row("L1", n2)
    )
}

/// `versions` versions of one format over the alias `big`, with `props` critical properties each.
fn bombed(versions: u32, props: usize, enc: &str, aliases: &str) -> String {
    let mut s = format!("{HEAD}{aliases}");
    for v in 1..=versions {
        let props: String = (0..props)
            .map(|k| format!("#[session(critical = \"p{k}\")] pub c{k}: bool, "))
            .collect();
        let ems = if v > 1 {
            "#[session(ems)] pub e: bool, "
        } else {
            ""
        };
        s.push_str(&format!("#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"t\", version = {v}, encoding = \"{enc}\")]\npub struct T{v} {{ {props}pub big: L2, {ems}}}\n"));
    }
    s
}

/// A repository with `tags` tagged commits of `source`; each commit appends a line to
/// `src/lib.rs` when `distinct`, else to a file that is no source.
fn tagged(d: &Path, source: &str, tags: usize, distinct: bool) {
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args([
                "-c",
                "user.name=b",
                "-c",
                "user.email=b@example.invalid",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(d)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    std::fs::create_dir_all(d.join("src")).unwrap();
    let mut text = source.to_string();
    std::fs::write(d.join("src/lib.rs"), &text).unwrap();
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "0"]);
    for i in 1..=tags {
        if distinct {
            text.push_str(&format!("// {i}\n"));
            std::fs::write(d.join("src/lib.rs"), &text).unwrap();
        } else {
            std::fs::write(d.join("notes.txt"), i.to_string()).unwrap();
        }
        git(&["add", "-A"]);
        git(&["commit", "-q", "-m", &i.to_string()]);
        git(&["tag", &format!("v{i}")]);
    }
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
    println!(
        "{:<64} {:>9} {:>9} {:>5} {:>7}",
        "input", "ms", "peak MB", "exit", "target"
    );
    let cases = work_cases()
        .into_iter()
        .chain(type_cases())
        .chain(scale_cases());
    for (name, build, extra) in cases {
        run_case(bin, name, &build, &extra);
    }
}

/// An input: its name, what writes it into a directory, and extra arguments to `check`.
type Case = (&'static str, Build, Vec<&'static str>);
type Build = Box<dyn Fn(&Path)>;

/// Builds one input and prints its median time and peak RSS over 3 runs, against the target
/// (10 s, 1 GB, a verdict or exit 2).
fn run_case(bin: &str, name: &str, build: &Build, extra: &[&str]) {
    let d = tempfile::tempdir().unwrap();
    build(d.path());
    let p = d.path().to_str().unwrap();
    let mut code = 0;
    let runs: Vec<_> = (0..3)
        .map(|_| {
            // A run past a minute is killed (exit -1 or 124): far off the target anyway.
            let mut c = Command::new("timeout");
            c.args(["60", bin, "check", "."]).args(extra).current_dir(p);
            let r = measure_status(&mut c);
            code = r.2;
            (r.0, r.1)
        })
        .collect();
    let (t, rss) = median(runs);
    let within = t.as_secs_f64() <= 10.0 && rss <= 1 << 20 && matches!(code, 0..=2);
    println!(
        "{:<64} {:>9.1} {:>9.1} {:>5} {:>7}",
        name,
        t.as_secs_f64() * 1000.0,
        rss as f64 / 1024.0,
        code,
        if within { "met" } else { "MISSED" }
    );
}

/// The alias bombs, the largest accepted input, many versions, properties and tags.
fn work_cases() -> Vec<Case> {
    vec![
        (
            "alias bomb: 8 versions x 254k-value tuple alias, 4 properties",
            Box::new(|d: &Path| write(d, "t.rs", &bombed(8, 4, "bincode", &alias_bomb(63, 63)))),
            vec![],
        ),
        (
            "alias bomb: 40 versions x 254k values, 16 properties (22 KB)",
            Box::new(|d: &Path| write(d, "t.rs", &bombed(40, 16, "bincode", &alias_bomb(63, 63)))),
            vec![],
        ),
        (
            "alias bombs under the item bound: 60 items x 60k values (60 KB)",
            Box::new(|d: &Path| {
                for f in 0..3 {
                    // Each file its own format and alias names.
                    let s = bombed(20, 0, "json", &alias_bomb(63, 15))
                        .replace("name = \"t\"", &format!("name = \"t{f}\""))
                        .replace("L0", &format!("F{f}L0"))
                        .replace("L1", &format!("F{f}L1"))
                        .replace("L2", &format!("F{f}L2"))
                        .replace("struct T", &format!("struct F{f}T"));
                    write(d, &format!("t{f}.rs"), &s);
                }
            }),
            vec![],
        ),
        (
            "largest accepted: 5 versions x 60k values (bincode, fixes)",
            Box::new(|d: &Path| write(d, "t.rs", &bombed(5, 0, "bincode", &alias_bomb(63, 15)))),
            vec![],
        ),
        (
            "many versions: 300 versions x 512 values, 8 properties",
            Box::new(|d: &Path| write(d, "t.rs", &bombed(300, 8, "json", &alias_bomb(8, 1)))),
            vec![],
        ),
        (
            "many properties: 16 properties, 2 versions x 60k values",
            Box::new(|d: &Path| write(d, "t.rs", &bombed(2, 16, "bincode", &alias_bomb(63, 15)))),
            vec![],
        ),
        (
            "1.5 KB of sources x 1,000 tags (one release's schemas)",
            Box::new(|d: &Path| {
                tagged(
                    d,
                    &bombed(2, 0, "json", &alias_bomb(63, 15))
                        .replace("#[session(ems)] pub e: bool, ", ""),
                    1000,
                    false,
                )
            }),
            vec!["--release-tags", "v*"],
        ),
    ]
}

/// Distinct sources at many tags; deep, recursive and wide types and schemas.
fn type_cases() -> Vec<Case> {
    let wide: String = (0..20_000).map(|i| field(&format!("f{i}"), "u8")).collect();
    let deep_opt = (0..1500).fold("u8".to_string(), |t, _| format!("Option<{t}>"));
    let deep_tuple = format!("{}u8{}", "(".repeat(10_000), ",)".repeat(10_000));
    vec![
        (
            "1.5 KB of sources x 1,000 tags (distinct sources at each)",
            Box::new(|d: &Path| {
                tagged(
                    d,
                    &bombed(2, 0, "json", &alias_bomb(63, 15))
                        .replace("#[session(ems)] pub e: bool, ", ""),
                    1000,
                    true,
                )
            }),
            vec!["--release-tags", "v*"],
        ),
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
    ]
}

/// Many versions of one format; very large and sparse files.
fn scale_cases() -> Vec<Case> {
    vec![
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
    ]
}

fn write(d: &Path, name: &str, text: &str) {
    std::fs::write(d.join(name), text).unwrap();
}
