//! Whole directory trees through the command line, as a hostile pull request could lay them out:
//! source files, configurations, snapshots and schema files built from fragments and raw bytes,
//! symlinks inside and out of the root (to a secret, to /dev/zero, to a directory, to themselves),
//! FIFOs, and permission bits. For every tree and output format: no panic, exit 0, 1 or 2, never
//! the secret's text in any output, no raw control character, and the machine formats parse.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

const SECRET: &str = "FUZZ-SECRET-7f3a";

const DIRS: &[&str] = &["", "src", "src/v", "session-schemas/t", "session-schemas", ".hidden", "target"];
const NAMES: &[&str] = &[
    "a.rs", "b.rs", "lib.rs", "v1.toml", "v2.toml", "x.schema.toml", "sessionlint.toml", "Cargo.toml",
    "t",
];

const FRAGMENTS: &[&str] = &[
    "use serde::{Deserialize, Serialize};\n",
    "#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"t\", version = 1, encoding = \"json\")]\npub struct T1 { pub a: u16 }\n",
    "#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"t\", version = 2, encoding = \"bincode\")]\npub struct T2 { pub a: u16, #[session(ems)] pub e: bool }\n",
    "#[session(version = 3, encoding = \"json\")]\nstruct Broken {",
    "use sessionlint::SessionState as S;\n#[derive(S)]\n",
    "#[serde(rename = \"\u{1b}[31m::error::x\")]\n",
    "const Q: &[u8] = br\"\\\";\n/* /* */ */\n",
    "paths = [\"src\"]\n",
    "snapshots = \"../x\"\n",
    "keep = 0\n",
    "[[type]]\nname = \"T1\"\nversion = 4\nencoding = \"cbor\"\n",
    "[package]\nname = \"p\"\n[package.metadata.sessionlint]\npaths = [\"src\"]\n",
    "name = \"t\"\nversion = 1\nencoding = \"der\"\nroot = \"R\"\ntrailing = \"ignore\"\n[types.R]\nkind = \"struct\"\n[[types.R.fields]]\nident = \"a\"\nty = \"u8\"\nwire = { tag = 1 }\n",
    "name = \"t\"\nversion = 2\nencoding = \"json\"\nroot = \"R\"\n[types.R]\nkind = \"enum\"\nrepr = \"external\"\n[[types.R.variants]]\nident = \"A\"\nser_name = \"A\"\nde_names = [\"A\"]\nstyle = \"newtype\"\n",
    "pub struct Rec { a: Option<Box<Rec>>, b: Option<Box<Rec>> }\n",
];

#[derive(Arbitrary, Debug)]
enum Kind {
    File { fragments: Vec<u8>, raw: Vec<u8> },
    /// 0: a file in the root, 1: the secret outside, 2: /dev/zero, 3: the root's parent,
    /// 4: itself, 5: a directory inside.
    Link(u8),
    Fifo,
    Dir,
}

#[derive(Arbitrary, Debug)]
struct Entry {
    dir: u8,
    name: u8,
    kind: Kind,
    mode: Option<u16>,
}

#[derive(Arbitrary, Debug)]
struct Tree {
    entries: Vec<Entry>,
    format: u8,
    subdir: bool,
}

fn build(root: &Path, outside: &Path, e: &Entry) -> Option<PathBuf> {
    let dir = root.join(DIRS[e.dir as usize % DIRS.len()]);
    std::fs::create_dir_all(&dir).ok()?;
    let p = dir.join(NAMES[e.name as usize % NAMES.len()]);
    if p.symlink_metadata().is_ok() {
        return None;
    }
    match &e.kind {
        Kind::File { fragments, raw } => {
            let mut text = Vec::new();
            for f in fragments.iter().take(8) {
                text.extend_from_slice(FRAGMENTS[*f as usize % FRAGMENTS.len()].as_bytes());
            }
            text.extend_from_slice(&raw[..raw.len().min(512)]);
            std::fs::write(&p, text).ok()?;
        }
        Kind::Link(t) => {
            let target: PathBuf = match t % 6 {
                0 => root.join("src/a.rs"),
                1 => outside.join("secret"),
                2 => PathBuf::from("/dev/zero"),
                3 => root.join(".."),
                4 => p.clone(),
                _ => root.join("src"),
            };
            std::os::unix::fs::symlink(target, &p).ok()?;
        }
        Kind::Fifo => {
            let c = std::ffi::CString::new(p.to_str()?).ok()?;
            // SAFETY: a valid NUL-terminated path.
            unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
        }
        Kind::Dir => std::fs::create_dir_all(&p).ok()?,
    }
    if let Some(m) = e.mode {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(u32::from(m) & 0o777));
    }
    Some(p)
}

fuzz_target!(|tree: Tree| {
    if tree.entries.len() > 24 {
        return;
    }
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), format!("name = \"{SECRET}\"\n")).unwrap();
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("repo");
    std::fs::create_dir(&root).unwrap();
    for e in &tree.entries {
        build(&root, outside.path(), e);
    }
    let format = ["human", "json", "sarif", "github", "markdown"][tree.format as usize % 5];
    let target = if tree.subdir { root.join("src") } else { root.clone() };
    let args: Vec<String> = vec![
        "sessionlint".into(),
        "check".into(),
        target.to_string_lossy().into_owned(),
        "--message-format".into(),
        format.into(),
    ];
    // The command line's own thread and stack, as the binary runs it.
    let (code, out, err) = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let code = sessionlint::cli::run(args, &mut out, &mut err);
            (code, out, err)
        })
        .unwrap()
        .join()
        .expect("sessionlint panicked");
    // Restore permissions so that the temporary directories can be removed.
    for e in &tree.entries {
        if e.mode.is_some() {
            let p = root
                .join(DIRS[e.dir as usize % DIRS.len()])
                .join(NAMES[e.name as usize % NAMES.len()]);
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755));
        }
    }
    assert!(matches!(code, 0..=2), "exit {code}");
    let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    for text in [&out, &err] {
        assert!(!text.contains(SECRET), "the secret leaked: {text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\u{9b}'), "a control character got through: {text:?}");
        for line in text.lines() {
            let t = line.trim_start();
            let ours = format == "github" && (t.starts_with("::error file=") || t.starts_with("::warning file="));
            assert!(ours || !t.starts_with("::"), "a workflow command formed: {line:?}");
        }
    }
    if format == "sarif" || (format == "json" && code != 2) {
        serde_json::from_str::<serde_json::Value>(&out).expect("a JSON document");
    }
});
