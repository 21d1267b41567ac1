//! A deterministic workload for the scale benchmark: a workspace of ordinary Rust with session
//! formats spread over it.
//!
//!     cargo run --release --example gen_workload -- OUT [--lines N] [--formats F] [--versions V] [--seed S]
//!
//! Same arguments, same bytes. Formats rotate through the serde encodings; every fourth format's
//! newest version is unsafe (an EMS field its predecessor ignores), the others bump a checked version.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// xorshift64*: small, deterministic, good enough to vary code shapes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub struct Spec {
    pub lines: usize,
    pub formats: usize,
    pub versions: usize,
    pub seed: u64,
}

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

/// Ordinary code: structs, impls, functions, macros, attributes. About `n` lines.
fn filler(rng: &mut Rng, module: usize, n: usize, out: &mut String) {
    let mut written = 0;
    let mut item = 0;
    while written < n {
        item += 1;
        match rng.below(5) {
            0 => {
                let _ = writeln!(
                    out,
                    "#[derive(Debug, Clone, PartialEq)]\npub struct Item{module}_{item} {{"
                );
                let k = 2 + rng.below(6) as usize;
                for f in 0..k {
                    let ty =
                        ["u32", "String", "Vec<u8>", "Option<u64>", "bool"][rng.below(5) as usize];
                    let _ = writeln!(out, "    pub field_{f}: {ty},");
                }
                out.push_str("}\n\n");
                written += k + 3;
            }
            1 => {
                let _ = writeln!(
                    out,
                    "impl Item{module}_{item} {{\n    pub fn compute(&self, x: u64) -> u64 {{"
                );
                let k = 3 + rng.below(10) as usize;
                for i in 0..k {
                    let _ = writeln!(
                        out,
                        "        let v{i} = x.wrapping_mul({}).rotate_left({});",
                        rng.below(1000) + 1,
                        rng.below(31)
                    );
                }
                out.push_str("        x\n    }\n}\n\n");
                written += k + 6;
            }
            2 => {
                let _ = writeln!(out, "/// Parses a record.\npub fn parse_{module}_{item}(input: &[u8]) -> Result<usize, String> {{");
                let k = 4 + rng.below(12) as usize;
                for i in 0..k {
                    let _ = writeln!(out, "    if input.len() > {i} && input[{i}] == {} {{ return Err(format!(\"bad byte at {{}}\", {i})); }}", rng.below(256));
                }
                out.push_str("    Ok(input.len())\n}\n\n");
                written += k + 4;
            }
            3 => {
                let _ = writeln!(
                    out,
                    "macro_rules! helper_{module}_{item} {{\n    ($x:expr) => {{ $x + 1 }};\n}}\n"
                );
                written += 4;
            }
            _ => {
                let _ = writeln!(out, "#[cfg(test)]\nmod tests_{module}_{item} {{\n    #[test]\n    fn works() {{\n        assert_eq!(2 + 2, 4);\n    }}\n}}\n");
                written += 8;
            }
        }
    }
}

/// One version of one format.
fn session(format: usize, version: usize, newest: bool, out: &mut String) {
    let enc = ENCODINGS[format % ENCODINGS.len()];
    let unsafe_format = format % 4 == 0;
    let strict = !unsafe_format && !matches!(enc, "bincode" | "postcard" | "msgpack");
    let _ = writeln!(
        out,
        "#[derive(serde::Serialize, serde::Deserialize, sessionlint::SessionState)]"
    );
    if strict {
        out.push_str("#[serde(deny_unknown_fields)]\n");
    }
    let _ = writeln!(
        out,
        "#[session(name = \"format-{format}\", version = {version}, encoding = \"{enc}\")]"
    );
    let _ = writeln!(out, "pub struct Session{format}V{version} {{");
    let accepts = if unsafe_format {
        "*".to_string()
    } else {
        version.to_string()
    };
    let _ = writeln!(
        out,
        "    #[session(version_field, accepts = \"{accepts}\")]\n    pub version: u16,"
    );
    out.push_str(
        "    pub cipher_suite: u16,\n    pub master_secret: Vec<u8>,\n    pub created_at: u64,\n",
    );
    if version >= 2 && (newest || !unsafe_format) {
        out.push_str(
            "    #[session(ems)]\n    #[serde(default)]\n    pub extended_master_secret: bool,\n",
        );
    }
    out.push_str("}\n\n");
}

pub fn generate(root: &Path, spec: &Spec) -> std::io::Result<usize> {
    let mut rng = Rng(spec.seed.max(1));
    let src = root.join("src");
    std::fs::create_dir_all(&src)?;
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"workload\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )?;
    // About 1,000 lines a file.
    let files = (spec.lines / 1000).max(1);
    let sessions = spec.formats * spec.versions;
    let mut lib = String::new();
    let mut total = 0;
    for m in 0..files {
        let dir = src.join(format!("m{:03}", m / 100));
        std::fs::create_dir_all(&dir)?;
        let mut text = String::from("// Generated workload file.\n\n");
        filler(&mut rng, m, spec.lines / files, &mut text);
        // Spread the session versions over the files, one every files/sessions.
        for s in 0..sessions {
            if s * files / sessions.max(1) == m {
                let (format, version) = (s / spec.versions, s % spec.versions + 1);
                session(format, version, version == spec.versions, &mut text);
            }
        }
        total += text.lines().count();
        let path: PathBuf = dir.join(format!("f{m:05}.rs"));
        std::fs::write(&path, text)?;
        let _ = writeln!(lib, "// {}", path.display());
    }
    std::fs::write(src.join("lib.rs"), lib)?;
    Ok(total)
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: gen_workload OUT [--lines N] [--formats F] [--versions V] [--seed S]");
        std::process::exit(2);
    };
    let get = |flag: &str, default: usize| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let spec = Spec {
        lines: get("--lines", 1_000_000),
        formats: get("--formats", 100),
        versions: get("--versions", 5),
        seed: get("--seed", 1) as u64,
    };
    match generate(Path::new(out), &spec) {
        Ok(n) => println!(
            "wrote {n} lines, {} formats x {} versions, to {out}",
            spec.formats, spec.versions
        ),
        Err(e) => {
            eprintln!("gen_workload: {e}");
            std::process::exit(2);
        }
    }
}
