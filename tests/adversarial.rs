//! The trust suite: each test builds an attack or a bad input in a temporary directory, as a pull
//! request to a repository whose CI runs sessionlint could, and asserts the safe behaviour
//! (README, "Security"). The repository is untrusted; the command line is trusted.

mod common;
use common::{git, root, Run};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const HEAD: &str = "use serde::{Deserialize, Serialize};\nuse sessionlint::SessionState;\n";

fn v1(extra: &str) -> String {
    format!(
        r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
{extra}#[session(name = "ticket", version = 1, encoding = "json")]
pub struct TicketV1 {{ pub cipher: u16 }}
"#
    )
}

fn v2() -> String {
    format!(
        r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 {{ pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool }}
"#
    )
}

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs sessionlint; a run that does not end within a minute is a hang (killed, and the test
/// fails). Not a speed assertion: speed is measured by `cargo bench`.
fn run_in(args: &[&str], cwd: &Path, uid: Option<u32>) -> Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sessionlint"));
    c.args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    if let Some(uid) = uid {
        use std::os::unix::process::CommandExt;
        c.uid(uid).gid(uid);
    }
    let child = c.spawn().expect("binary runs");
    let pid = child.id();
    // Output is drained while the child runs (a full pipe must not look like a hang).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("sessionlint {args:?} hung");
        }
    };
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str], cwd: &Path) -> Run {
    run_in(args, cwd, None)
}

fn bad_input(r: &Run, names: &str, says: &str) {
    assert_eq!(
        r.code, 2,
        "want exit 2\nstdout: {}\nstderr: {}",
        r.stdout, r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(
        r.stderr.contains(names),
        "stderr should name {names:?}:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(says),
        "stderr should say {says:?}:\n{}",
        r.stderr
    );
}

fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    d
}

fn commit(d: &Path) {
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "c"]);
}

/// The uid to run as for permission tests: an unprivileged one when we are root (root reads
/// everything), none when we already are unprivileged.
#[cfg(unix)]
fn unprivileged() -> Option<Option<u32>> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some(None);
    }
    let probe = Command::new("true");
    let mut probe = probe;
    use std::os::unix::process::CommandExt;
    if probe
        .uid(65534)
        .gid(65534)
        .status()
        .is_ok_and(|s| s.success())
    {
        Some(Some(65534))
    } else {
        None
    }
}

#[cfg(unix)]
fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

// ---- 1. Never pass on what was not read ----

#[cfg(unix)]
#[test]
fn an_unreadable_snapshot_directory_is_bad_input() {
    let Some(uid) = unprivileged() else {
        eprintln!("skipped: cannot drop root to test permissions");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    chmod(d.path(), 0o755);
    write(d.path(), "sessionlint.toml", "paths = [\"src\"]\n");
    write(d.path(), "src/ticket.rs", v2());
    let snap = write(d.path(), "session-schemas/ticket/v1.toml", "");
    for dir in [d.path().join("src"), d.path().join("session-schemas")] {
        chmod(&dir, 0o755);
    }
    chmod(&snap, 0o644);
    let fmt = snap.parent().unwrap();
    chmod(fmt, 0o000);
    let r = run_in(&["check", "."], d.path(), uid);
    chmod(fmt, 0o755);
    bad_input(&r, "session-schemas/ticket", "cannot read directory");
}

#[cfg(unix)]
#[test]
fn an_unreadable_source_file_is_bad_input() {
    let Some(uid) = unprivileged() else {
        eprintln!("skipped: cannot drop root to test permissions");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    chmod(d.path(), 0o755);
    let f = write(d.path(), "ticket.rs", v2());
    chmod(&f, 0o000);
    let r = run_in(&["check", "."], d.path(), uid);
    bad_input(&r, "ticket.rs", "cannot read file");
}

#[test]
fn a_configured_type_that_matches_nothing_or_several_items_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "sessionlint.toml",
        "[[type]]\nname = \"Ticket\"\nversion = 1\nencoding = \"json\"\n",
    );
    write(d.path(), "src/a.rs", "pub struct Other { a: u8 }\n");
    let r = run(&["check", "."], d.path());
    bad_input(&r, "sessionlint.toml", "matches no struct or enum");

    write(
        d.path(),
        "src/a.rs",
        "mod v1 { pub struct Ticket { a: u8 } }\nmod v2 { pub struct Ticket { a: u8, b: u8 } }\n",
    );
    let r = run(&["check", "."], d.path());
    bad_input(&r, "sessionlint.toml", "matches 2 items");
}

#[test]
fn an_unterminated_session_item_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "t.rs",
        format!(
            r#"{HEAD}
#[derive(SessionState)]
#[session(name = "t", version = 2, encoding = "json")]
pub struct T {{ a: u8,
"#
        ),
    );
    let r = run(&["check", "."], d.path());
    bad_input(&r, "t.rs:4", "never ends");
}

#[test]
fn a_non_utf8_source_with_a_session_attribute_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    let mut bytes =
        b"#[session(name = \"t\", version = 1)]\nstruct T { a: u8 }\n// \xff\n".to_vec();
    bytes.extend_from_slice(b"\xfe");
    write(d.path(), "t.rs", bytes);
    let r = run(&["check", "."], d.path());
    bad_input(&r, "t.rs", "not UTF-8");
}

#[test]
fn keep_zero_is_a_usage_error() {
    let r = run(&["check", "examples/quickstart", "--keep", "0"], &root());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--keep 0"), "{}", r.stderr);
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "sessionlint.toml", "keep = 0\n");
    write(d.path(), "t.rs", v2());
    bad_input(
        &run(&["check", "."], d.path()),
        "sessionlint.toml",
        "`keep = 0`",
    );
}

#[test]
fn the_summary_says_what_was_read_even_when_nothing_is_gated() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.rs", "fn main() {}\n");
    write(d.path(), "b.rs", "pub struct S;\n");
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("2 files read"), "{}", r.stdout);
    write(d.path(), "t1.rs", v1(""));
    write(d.path(), "t2.rs", v2());
    let r = run(&["check", "."], d.path());
    assert!(
        r.stdout
            .contains("(4 files read; 1 format, 2 versions, 1 pair checked)"),
        "{}",
        r.stdout
    );
    // `diff` counts the files of both sides.
    let r = run(&["diff", "t1.rs", "t2.rs"], d.path());
    assert!(
        r.stdout
            .contains("(2 files read; 1 format, 2 versions, 1 pair checked)"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

// ---- 2. Every session item, whatever it is called ----

#[test]
fn a_renamed_derive_is_found_through_the_session_helper() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "t1.rs", v1(""));
    write(
        d.path(),
        "t2.rs",
        r#"use sessionlint::SessionState as Sess;
use serde::{Deserialize, Serialize};
#[derive(Serialize, Deserialize, Sess)]
#[session(name = "ticket", version = 2, encoding = "json")]
pub struct TicketV2 { pub cipher: u16, #[session(ems)] #[serde(default)] pub ems: bool }
"#,
    );
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ems-accepted-by-older-decoder"));
}

#[test]
fn literals_cannot_hide_the_next_item() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "t1.rs", v1(""));
    // A raw byte string ending in a backslash used to desynchronise the scanner.
    write(
        d.path(),
        "t2.rs",
        format!(
            r#"{HEAD}#[doc = br"\"]
pub struct Decoy;
const Q: char = '"';
/* /* nested */ " */
{}"#,
            v2().replace(HEAD, "")
        ),
    );
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

// ---- 3. One project root ----

#[test]
fn a_subdirectory_check_uses_the_roots_config_and_snapshots() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "sessionlint.toml", "paths = [\"src\"]\n");
    write(d.path(), "src/t1.rs", v1(""));
    let r = run(&["snapshot", "."], d.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    std::fs::remove_file(d.path().join("src/t1.rs")).unwrap();
    write(d.path(), "src/t2.rs", v2());
    for (args, cwd) in [
        (vec!["check", "."], d.path().to_path_buf()),
        (vec!["check", "src"], d.path().to_path_buf()),
        (vec!["check", "."], d.path().join("src")),
    ] {
        let r = run(&args, &cwd);
        assert_eq!(
            r.code,
            1,
            "{args:?} in {}: {}{}",
            cwd.display(),
            r.stdout,
            r.stderr
        );
        assert!(r.stdout.contains("ems-accepted-by-older-decoder"));
    }
    let r = common::run(
        env!("CARGO_BIN_EXE_cargo-sessionlint"),
        &["sessionlint", "check"],
        &d.path().join("src"),
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

#[test]
fn the_root_is_not_looked_for_past_the_git_top_level() {
    let outer = tempfile::tempdir().unwrap();
    // A configuration above the repository would hide v1 if it were read.
    write(outer.path(), "sessionlint.toml", "paths = [\"nowhere\"]\n");
    let inner = outer.path().join("repo");
    std::fs::create_dir(&inner).unwrap();
    git(&inner, &["init", "-q"]);
    write(&inner, "t1.rs", v1(""));
    write(&inner, "t2.rs", v2());
    let r = run(&["check", "."], &inner);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

// ---- 4. The baseline cannot be rewritten by the change it judges ----

#[test]
fn an_edited_released_snapshot_is_released_schema_changed() {
    let d = repo();
    write(d.path(), "src/t1.rs", v1(""));
    assert_eq!(run(&["snapshot", "."], d.path()).code, 0);
    std::fs::remove_file(d.path().join("src/t1.rs")).unwrap();
    commit(d.path());
    // The pull request adds v2 and makes the released v1 look strict.
    write(d.path(), "src/t2.rs", v2());
    let snap = d.path().join("session-schemas/ticket/v1.toml");
    let text = std::fs::read_to_string(&snap).unwrap();
    std::fs::write(
        &snap,
        text.replace(
            "kind = \"struct\"\n",
            "kind = \"struct\"\ndeny_unknown_fields = true\n",
        ),
    )
    .unwrap();
    let r = run(&["check", ".", "--baseline-rev", "HEAD"], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("released-schema-changed"), "{}", r.stdout);
    assert!(
        r.stdout.contains("ems-accepted-by-older-decoder"),
        "judged against HEAD's v1: {}",
        r.stdout
    );
}

#[test]
fn the_revisions_own_config_reads_the_revisions_sources() {
    let d = repo();
    write(
        d.path(),
        "sessionlint.toml",
        "[[type]]\nname = \"Plain\"\nformat = \"ticket\"\nversion = 1\nencoding = \"json\"\n",
    );
    write(
        d.path(),
        "src/plain.rs",
        "#[derive(serde::Serialize, serde::Deserialize)]\npub struct Plain { pub cipher: u16 }\n",
    );
    commit(d.path());
    // The pull request deletes v1 and its [[type]] entry, and adds an unsafe v2.
    std::fs::write(d.path().join("sessionlint.toml"), "").unwrap();
    std::fs::remove_file(d.path().join("src/plain.rs")).unwrap();
    write(d.path(), "src/t2.rs", v2());
    let r = run(&["check", ".", "--baseline-rev", "HEAD"], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("ems-accepted-by-older-decoder"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_change_that_relaxes_the_gate_says_so() {
    let d = repo();
    write(d.path(), "sessionlint.toml", "keep = 3\n");
    write(d.path(), "src/t1.rs", v1(""));
    commit(d.path());
    write(d.path(), "src/t2.rs", v2());
    write(
        d.path(),
        "sessionlint.toml",
        r#"keep = 1
features = ["strict"]
[levels]
ems-accepted-by-older-decoder = "warning"
[[allow]]
rule = "older-session-rejected"
reason = "trust me"
"#,
    );
    let r = run(&["check", ".", "--baseline-rev", "HEAD"], d.path());
    for says in [
        "adds [[allow]] rule = \"older-session-rejected\"",
        "lowers `ems-accepted-by-older-decoder`",
        "keep = 1, was 3",
        "changes the build whose cfg and cfg_attr are read (feature = \"strict\"; was )",
    ] {
        assert!(r.stdout.contains(says), "{says}: {}", r.stdout);
    }
}

/// The revision's files are repository text too: a malformed configuration or schema file at
/// REV, or a symlink there, is bad input, never a baseline read as empty.
#[cfg(unix)]
#[test]
fn the_revisions_own_bad_files_are_bad_input() {
    let d = repo();
    write(d.path(), "t1.rs", v1(""));
    write(d.path(), "sessionlint.toml", "paths = [\"src\"\n");
    commit(d.path());
    std::fs::remove_file(d.path().join("sessionlint.toml")).unwrap();
    let r = run(&["check", ".", "--baseline-rev", "HEAD"], d.path());
    bad_input(&r, "HEAD:sessionlint.toml", "invalid configuration");

    let d = repo();
    write(d.path(), "t1.rs", v1(""));
    write(
        d.path(),
        "bad.schema.toml",
        r#"name = "t"
version = 1
encoding = "der"
root = "R"
[types.R]
kind = "struct"
[[types.R.fields]]
ident = "a"
ty = "u8"
write = { unless = "banana" }
"#,
    );
    std::os::unix::fs::symlink("/etc/passwd", d.path().join("link.rs")).unwrap();
    commit(d.path());
    std::fs::remove_file(d.path().join("bad.schema.toml")).unwrap();
    std::fs::remove_file(d.path().join("link.rs")).unwrap();
    let r = run(&["check", ".", "--baseline-rev", "HEAD"], d.path());
    bad_input(&r, "HEAD:link.rs", "symlink at the baseline revision");
    assert!(r.stderr.contains("HEAD:bad.schema.toml"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("root:"),
        "the link's target is never read: {}",
        r.stderr
    );
}

#[test]
fn schema_files_are_read_from_the_revision() {
    let d = repo();
    write(
        d.path(),
        "formats/v1.schema.toml",
        r#"name = "ticket"
version = 1
encoding = "json"
root = "T"

[types.T]
kind = "struct"

[[types.T.fields]]
ident = "cipher"
ty = "u16"
"#,
    );
    commit(d.path());
    std::fs::remove_file(d.path().join("formats/v1.schema.toml")).unwrap();
    write(d.path(), "src/t2.rs", v2());
    let r = run(&["check", ".", "--baseline-rev", "HEAD"], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

#[test]
fn two_files_claiming_one_version_are_bad_input() {
    let d = tempfile::tempdir().unwrap();
    let schema = r#"name = "ticket"
version = 1
encoding = "json"
root = "T"

[types.T]
kind = "struct"

[[types.T.fields]]
ident = "cipher"
ty = "u16"
"#;
    write(d.path(), "a.schema.toml", schema);
    write(d.path(), "b.schema.toml", schema.replace("u16", "u32"));
    let r = run(&["check", "."], d.path());
    bad_input(&r, "b.schema.toml", "claimed by two schema files");
    // The same at a baseline revision, even when the working tree has removed the copy.
    git(d.path(), &["init", "-q"]);
    commit(d.path());
    std::fs::remove_file(d.path().join("b.schema.toml")).unwrap();
    let r = run(&["check", ".", "--baseline-rev", "HEAD"], d.path());
    bad_input(&r, "HEAD:b.schema.toml", "claimed by two schema files");
}

// ---- 5. The repository is data, never an instruction ----

#[test]
fn what_git_ignores_is_skipped_and_what_it_tracks_is_read() {
    let d = repo();
    write(d.path(), ".gitignore", "/target\n/generated/\n");
    // An ignored, broken session item is never read.
    write(
        d.path(),
        "target/debug/x.rs",
        "#[session(version = 1)]\nstruct Broken {",
    );
    write(d.path(), "t1.rs", v1(""));
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // A .gitignore of the pull request cannot hide a tracked file.
    write(d.path(), "generated/t2.rs", v2());
    git(d.path(), &["add", "-f", "generated/t2.rs"]);
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_root_is_refused_and_its_target_never_printed() {
    let secret = tempfile::tempdir().unwrap();
    let creds = write(secret.path(), "creds", "name = \"AKIA-SECRET-TOKEN\"\n");
    let d = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(&creds, d.path().join("creds.schema.toml")).unwrap();
    std::os::unix::fs::symlink(secret.path(), d.path().join("linked-dir")).unwrap();
    for fmt in ["human", "json", "sarif", "github"] {
        let r = run(&["check", ".", "--message-format", fmt], d.path());
        bad_input(&r, "creds.schema.toml", "leads outside the project root");
        assert!(r.stderr.contains("linked-dir"), "{}", r.stderr);
        for out in [&r.stdout, &r.stderr] {
            assert!(
                !out.contains("AKIA"),
                "the target leaked into {fmt} output: {out}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_the_root_is_read_once() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/t1.rs", v1(""));
    write(d.path(), "src/t2.rs", v2());
    std::os::unix::fs::symlink(d.path().join("src/t2.rs"), d.path().join("src/again.rs")).unwrap();
    std::os::unix::fs::symlink(d.path().join("src"), d.path().join("mirror")).unwrap();
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("1 pair checked"), "{}", r.stdout);
}

#[cfg(unix)]
#[test]
fn special_files_are_never_opened() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe.rs");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/zero", d.path().join("zero.rs")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", d.path().join("env.schema.toml")).unwrap();
    let r = run(&["check", "."], d.path());
    bad_input(&r, "pipe.rs", "not a regular file");
    assert!(
        r.stderr.contains("zero.rs") && r.stderr.contains("env.schema.toml"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("PATH="), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn snapshots_are_written_only_inside_the_root_and_never_through_a_link() {
    let victim_dir = tempfile::tempdir().unwrap();
    let victim = write(victim_dir.path(), "victim", "untouched");
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "t1.rs", v1(""));
    // A symlinked snapshot directory.
    std::os::unix::fs::symlink(victim_dir.path(), d.path().join("session-schemas")).unwrap();
    let r = run(&["snapshot", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("symlink"), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(victim_dir.path()).unwrap().count(), 1);
    std::fs::remove_file(d.path().join("session-schemas")).unwrap();
    // A snapshot directory configured outside the root.
    write(d.path(), "sessionlint.toml", "snapshots = \"../x\"\n");
    bad_input(
        &run(&["snapshot", "."], d.path()),
        "sessionlint.toml",
        "leaves the project root",
    );
    std::fs::remove_file(d.path().join("sessionlint.toml")).unwrap();
    // A planted link at the snapshot's own path, and at the temporary names of old.
    let dir = d.path().join("session-schemas/ticket");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("v1.toml")).unwrap();
    let r = run(&["snapshot", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    std::fs::remove_file(dir.join("v1.toml")).unwrap();
    for pid in 0..64 {
        let _ = std::os::unix::fs::symlink(&victim, dir.join(format!(".v1.toml.{pid}.tmp")));
    }
    let r = run(&["snapshot", "."], d.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(dir
        .join("v1.toml")
        .symlink_metadata()
        .unwrap()
        .file_type()
        .is_file());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
}

/// A repository that configures every program git could run for it: each would touch a marker.
#[cfg(unix)]
#[test]
fn no_git_command_runs_a_repository_configured_program() {
    let d = repo();
    let marks = tempfile::tempdir().unwrap();
    let m = |name: &str| marks.path().join(name).to_string_lossy().into_owned();
    let script = |name: &str| {
        let p = write(
            marks.path(),
            &format!("{name}.sh"),
            format!("#!/bin/sh\ntouch {}\ncat\n", m(name)),
        );
        chmod(&p, 0o755);
        p.to_string_lossy().into_owned()
    };
    let (clean, smudge, textconv, fsmon, hook) = (
        script("clean"),
        script("smudge"),
        script("textconv"),
        script("fsmonitor"),
        script("hook"),
    );
    for (k, v) in [
        ("filter.evil.clean", clean.as_str()),
        ("filter.evil.smudge", smudge.as_str()),
        ("filter.evil.required", "true"),
        ("diff.evil.textconv", textconv.as_str()),
        ("diff.external", textconv.as_str()),
        ("core.fsmonitor", fsmon.as_str()),
    ] {
        git(d.path(), &["config", k, v]);
    }
    let hooks = d.path().join(".git/hooks");
    for h in [
        "post-checkout",
        "pre-commit",
        "post-index-change",
        "reference-transaction",
    ] {
        std::fs::copy(&hook, hooks.join(h)).unwrap();
    }
    write(d.path(), ".gitattributes", "* filter=evil diff=evil\n");
    write(d.path(), ".gitignore", "ignored/\n");
    write(d.path(), "t1.rs", v1(""));
    git(
        d.path(),
        &[
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
            "add",
            "-A",
        ],
    );
    git(
        d.path(),
        &[
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "filter.evil.clean=cat",
            "commit",
            "-q",
            "-m",
            "c",
        ],
    );
    for f in ["clean", "smudge", "textconv", "fsmonitor", "hook"] {
        let _ = std::fs::remove_file(m(f));
    }
    // A dirty tracked file (git diff would re-hash it through the clean filter) and a new one.
    write(d.path(), "t1.rs", v1("// edited\n"));
    write(d.path(), "t2.rs", v2());
    write(d.path(), "ignored/x.rs", "");
    let r = run(&["check", ".", "--baseline-rev", "HEAD"], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(run(&["snapshot", "."], d.path()).code, 0);
    for f in ["clean", "smudge", "textconv", "fsmonitor", "hook"] {
        assert!(
            !Path::new(&m(f)).exists(),
            "git ran the repository's {f} program"
        );
    }
}

/// Names a pull request chooses: a serde rename and a format name with control sequences and
/// workflow commands, and a file whose name holds a line break and a command.
fn hostile_tree() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let name = "tick\\u{1b}]8;;http://x\\u{7}et\\n::error::pwned\\r\\u{9b}2J <b>[x](y)</b>";
    for (file, version, ems) in [("a.rs", 1, ""), ("b\n::warning::x.rs", 2, "#[session(ems)] #[serde(default, rename = \"e\\n::add-mask::\\u{1b}[2J|*x*\")] pub ems: bool,")] {
        write(
            d.path(),
            file,
            format!(r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "{name}", version = {version}, encoding = "json")]
pub struct T{version} {{ pub cipher: u16, {ems} }}
"#),
        );
    }
    d
}

#[test]
fn repository_text_never_forms_a_command_an_escape_or_markup() {
    let d = hostile_tree();
    for fmt in ["human", "github", "markdown", "json", "sarif"] {
        let r = run(&["check", ".", "--message-format", fmt], d.path());
        assert_eq!(r.code, 1, "{fmt}: {}{}", r.stdout, r.stderr);
        for out in [&r.stdout, &r.stderr] {
            assert!(
                !out.contains('\u{1b}')
                    && !out.contains('\u{9b}')
                    && !out.contains('\r')
                    && !out.contains('\u{7}'),
                "{fmt}: a control character got through: {out:?}"
            );
            for line in out.lines() {
                let t = line.trim_start();
                let ours = fmt == "github"
                    && (t.starts_with("::error file=") || t.starts_with("::warning file="));
                assert!(
                    ours || !t.starts_with("::"),
                    "{fmt}: a workflow command formed: {line:?}"
                );
            }
        }
        match fmt {
            "json" | "sarif" => {
                serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap();
            }
            "markdown" => {
                assert!(
                    !r.stdout.contains("<b>") && !r.stdout.contains("[x](y)"),
                    "{}",
                    r.stdout
                );
                assert!(
                    r.stdout.contains("\\<b\\>"),
                    "escaped, not dropped: {}",
                    r.stdout
                );
            }
            "human" => assert!(
                r.stdout.contains("\\u{1b}"),
                "escaped, not dropped: {}",
                r.stdout
            ),
            _ => {}
        }
    }
    let out = d.path().join("report.html");
    let r = run(&["report", ".", "--html", out.to_str().unwrap()], d.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let html = std::fs::read_to_string(out).unwrap();
    assert!(
        !html.contains("<b>[x]") && !html.contains('\u{1b}'),
        "{html}"
    );
    assert!(
        html.contains("&lt;b&gt;[x](y)&lt;/b&gt;"),
        "escaped, not dropped: {html}"
    );
}

#[test]
fn bad_input_still_writes_a_valid_sarif_log() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "t.rs",
        "#[derive(SessionState)]\n#[session(version = 1)]\nstruct T { a: u8,\n",
    );
    let r = run(&["check", ".", "--message-format", "sarif"], d.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).expect("a SARIF document");
    let v = common::sarif_validator();
    assert!(
        v.is_valid(&log),
        "{:?}",
        v.iter_errors(&log)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let note = inv["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(note.contains("never ends"), "{note}");
    let r = run(&["check", ".", "--message-format", "github"], d.path());
    assert!(
        r.stdout.starts_with("::error file=") && r.stdout.contains("t.rs,line=1,"),
        "{}",
        r.stdout
    );
}

// ---- 6. Bounded work on small inputs ----

fn one(d: &Path, body: &str, enc: &str) {
    write(
        d,
        "t.rs",
        format!(
            r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "{enc}")]
pub struct T1 {{ {body} }}
#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 2, encoding = "{enc}")]
pub struct T2 {{ {body}, #[session(ems)] pub e: bool }}
"#
        ),
    );
}

#[test]
fn long_arrays_in_packed_layouts_are_walked_without_recursion() {
    for enc in ["bincode", "postcard"] {
        let d = tempfile::tempdir().unwrap();
        one(d.path(), "pub a: [u8; 5000]", enc);
        let r = run(&["check", "."], d.path());
        assert_eq!(r.code, 1, "{enc}: {}{}", r.stdout, r.stderr);
    }
}

#[test]
fn deep_nesting_is_refused_before_it_is_parsed() {
    let d = tempfile::tempdir().unwrap();
    let deep = (0..1500).fold("u8".to_string(), |t, _| format!("Option<{t}>"));
    one(d.path(), &format!("pub a: {deep}"), "json");
    bad_input(
        &run(&["check", "."], d.path()),
        "t.rs",
        "more than 256 levels",
    );
    let tuple = format!("{}u8{}", "(".repeat(10_000), ",)".repeat(10_000));
    one(d.path(), &format!("pub a: {tuple}"), "bincode");
    bad_input(&run(&["check", "."], d.path()), "t.rs", "levels deep");
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "v.schema.toml",
        format!(
            r#"name = "t"
version = 1
encoding = "json"
root = "T"
[types.T]
kind = "struct"
[[types.T.fields]]
ident = "a"
ty = "{}u8{}"
"#,
            "(".repeat(10_000),
            ",)".repeat(10_000)
        ),
    );
    bad_input(
        &run(&["check", "."], d.path()),
        "v.schema.toml",
        "invalid schema file",
    );
}

#[test]
fn a_recursive_type_that_branches_stops_at_the_expansion_limit() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "t.rs",
        format!(
            r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct A {{ b: Option<Box<A>>, c: Option<Box<A>>, d: Option<Box<A>> }}
"#
        ),
    );
    bad_input(
        &run(&["check", "."], d.path()),
        "t.rs:5",
        "expands to more than 1048576 values",
    );
    // A list (one recursive child) is analysed.
    write(
        d.path(),
        "t.rs",
        format!(
            r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct A {{ next: Option<Box<A>>, v: u8 }}
"#
        ),
    );
    assert_eq!(run(&["check", "."], d.path()).code, 0);
}

#[test]
fn wide_schema_files_and_long_histories_are_bounded() {
    let d = tempfile::tempdir().unwrap();
    let fields: String = (0..20_000)
        .map(|i| format!("\n[[types.S.fields]]\nident = \"f{i}\"\nty = \"u8\"\n"))
        .collect();
    for v in [1, 2] {
        let ems = if v == 2 {
            "\n[[types.S.fields]]\nident = \"ems\"\nty = \"bool\"\nsession = { ems = { kind = \"flag\" } }\n"
        } else {
            ""
        };
        write(
            d.path(),
            &format!("v{v}.schema.toml"),
            format!(
                r#"name = "w"
version = {v}
encoding = "json"
root = "S"

[types.S]
kind = "struct"
{fields}{ems}"#
            ),
        );
    }
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 1, "{}", r.stderr);

    let d = tempfile::tempdir().unwrap();
    for v in 1..=2000 {
        write(
            d.path(),
            &format!("v{v}.schema.toml"),
            format!(
                r#"name = "m"
version = {v}
encoding = "json"
root = "S"
[types.S]
kind = "struct"
[[types.S.fields]]
ident = "a"
ty = "u8"
"#
            ),
        );
    }
    bad_input(
        &run(&["check", "."], d.path()),
        "v1.schema.toml",
        "limit of 2000000",
    );
    let r = run(&["check", ".", "--keep", "3"], d.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("2000 versions, 5994 pairs"),
        "{}",
        r.stdout
    );
}

#[test]
fn huge_files_are_streamed_skipped_or_refused() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "t1.rs", v1(""));
    write(d.path(), "t2.rs", v2());
    // 1 GB, sparse: no session marker, so skipped without being held in memory.
    std::fs::File::create(d.path().join("big.rs"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    // Too large to analyse, with a marker near its end: refused.
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(d.path().join("big.rs"))
        .unwrap();
    use std::os::unix::fs::FileExt;
    f.write_at(b"\n#[session(version = 3)] struct X;\n", (1 << 30) - 100)
        .unwrap();
    bad_input(
        &run(&["check", "."], d.path()),
        "big.rs",
        "more than the 32 MiB limit",
    );
}

// ---- 7. Malformed schema files are bad input, checked once ----

fn schema_file(encoding: &str, extra_top: &str, root_kind: &str, field: &str) -> String {
    format!("name = \"t\"\nversion = 1\nencoding = \"{encoding}\"\nroot = \"T\"\n{extra_top}\n[types.T]\nkind = \"{root_kind}\"\n{field}")
}

#[test]
fn malformed_schema_files_are_bad_input() {
    let cases = [
        (
            schema_file(
                "json",
                "",
                "enum",
                r#"repr = "external"
[[types.T.variants]]
ident = "A"
ser_name = "A"
de_names = ["A"]
style = "newtype"
"#,
            ),
            "declared `Newtype` with 0 field(s)",
        ),
        (
            schema_file(
                "der",
                "",
                "enum",
                r#"repr = "external"
[[types.T.variants]]
ident = "A"
ser_name = "A"
de_names = ["A"]
style = "unit"
"#,
            ),
            "of a `der` schema is an enum",
        ),
        (
            schema_file(
                "der",
                "",
                "struct",
                r#"[[types.T.fields]]
ident = "a"
ty = "u8"
write = { unless = "banana" }
wire = { tag = 1 }
"#,
            ),
            "`unless = \"banana\"`",
        ),
        (
            schema_file(
                "der",
                "trailing = \"ignore\"",
                "struct",
                "[[types.T.fields]]\nident = \"a\"\nty = \"u8\"\nwire = { tag = 1 }\n",
            ),
            "`trailing` does not apply to a `der` schema",
        ),
        (
            schema_file(
                "json",
                "",
                "struct",
                "[[types.T.fields]]\nident = \"a\"\nty = \"bool\"\nsession = { known_bits = 3 }\n",
            ),
            "is not an integer",
        ),
    ];
    for (text, says) in cases {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "v1.schema.toml", &text);
        let r = run(&["check", "."], d.path());
        bad_input(&r, "v1.schema.toml", says);
    }
}

/// `check` with the colour environment given (and no other colour variable).
fn run_coloured(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sessionlint"));
    cmd.args(args).current_dir(cwd);
    for k in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR"] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Every escape in `s` is a colour (SGR) sequence: ESC `[` digits and `;` then `m`.
fn only_colour_escapes(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(k) = b[i..].iter().position(|c| *c == 0x1b) {
        let j = i + k + 1;
        if b.get(j) != Some(&b'[') {
            return false;
        }
        let end = j
            + 1
            + b[j + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b';')
                .count();
        if b.get(end) != Some(&b'm') {
            return false;
        }
        i = end + 1;
    }
    true
}

fn strip_colour(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(k) = rest.find('\u{1b}') {
        out.push_str(&rest[..k]);
        let m = rest[k..].find('m').expect("an SGR sequence ends in m");
        rest = &rest[k + m + 1..];
    }
    out.push_str(rest);
    out
}

/// Forced colour is colour only: the same text as the plain output once the colour sequences
/// are removed, and no escape a repository chose. A diagnostic holding hostile text is shown
/// plain, escaped; `NO_COLOR` wins over `CLICOLOR_FORCE`, as in cargo and rustc.
#[test]
fn forced_colour_adds_colour_and_nothing_else() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = ["check", "examples/bincode-appended"];
    let (code, plain) = run_coloured(&args, root, &[]);
    assert_eq!(code, 1);
    assert!(
        !plain.contains('\u{1b}'),
        "piped output is plain: {plain:?}"
    );
    let (code, coloured) = run_coloured(&args, root, &[("CLICOLOR_FORCE", "1")]);
    assert_eq!(code, 1);
    assert!(
        coloured.contains("\u{1b}["),
        "CLICOLOR_FORCE colours: {coloured:?}"
    );
    assert!(only_colour_escapes(&coloured), "{coloured:?}");
    assert_eq!(strip_colour(&coloured), plain);
    let (_, both) = run_coloured(&args, root, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert_eq!(both, plain, "NO_COLOR wins");

    let d = hostile_tree();
    let (code, out) = run_coloured(&["check", "."], d.path(), &[("CLICOLOR_FORCE", "1")]);
    assert_eq!(code, 1, "{out}");
    assert!(
        only_colour_escapes(&out),
        "a repository escape got through: {out:?}"
    );
    assert!(
        !out.contains('\u{9b}') && !out.contains('\r') && !out.contains('\u{7}'),
        "{out:?}"
    );
    assert!(out.contains("\\u{1b}"), "escaped, not dropped: {out}");
    assert!(
        out.lines().all(|l| !l.trim_start().starts_with("::")),
        "a workflow command formed: {out}"
    );
}

/// Inputs that make the new readers work hard are bounded: aliases of tuples of aliases (a
/// 4^16 expansion), and a default function and an alias nested far deeper than syn's parser may
/// recurse. Each ends quickly and fails closed.
#[test]
fn alias_bombs_and_deep_bodies_are_bounded() {
    let d = tempfile::tempdir().unwrap();
    let mut aliases = String::new();
    for i in 0..16 {
        let n = i + 1;
        aliases.push_str(&format!("pub type A{i} = (A{n}, A{n}, A{n}, A{n});\n"));
    }
    aliases.push_str("pub type A16 = u8;\n");
    write(d.path(), "aliases.rs", &aliases);
    let deep = format!(
        "pub fn deep() -> bool {{ {}true{} }}\npub type Deep = {}u8{};\n",
        "(".repeat(100_000),
        ")".repeat(100_000),
        "Option<".repeat(100_000),
        ">".repeat(100_000)
    );
    write(d.path(), "deep.rs", &deep);
    write(
        d.path(),
        "t.rs",
        format!(
            r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct T {{ pub a: A0, pub b: Deep, #[session(ems)] #[serde(default = "deep")] pub ems: bool }}
"#
        ),
    );
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("defined nowhere"), "{}", r.stderr);
}

/// Module paths from a hostile tree: a `use` that names itself, `super` past the crate root,
/// and a deep chain of renames end quickly, and an ambiguity they leave is bad input.
#[test]
fn hostile_module_paths_end_and_fail_closed() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "Cargo.toml",
        "[package]\nname = \"t\"\nversion = \"0.1.0\"\n",
    );
    write(
        d.path(),
        "src/a.rs",
        "#[derive(serde::Serialize, serde::Deserialize)]\npub struct Params { pub x: u8 }\n",
    );
    write(
        d.path(),
        "src/b.rs",
        "#[derive(serde::Serialize, serde::Deserialize)]\npub struct Params { pub y: u8 }\n",
    );
    let mut renames = String::from("use a::b as a;\n");
    for i in 0..200 {
        renames.push_str(&format!("use R{} as R{i};\n", i + 1));
    }
    write(
        d.path(),
        "src/lib.rs",
        format!(
            r#"{renames}{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = 1, encoding = "json")]
pub struct T {{ pub p: a::Params, pub q: super::super::super::Params, pub r: R0 }}
"#
        ),
    );
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("2 places"), "{}", r.stderr);
}

/// A repository's tags are its data: more release tags than one run reads is bad input naming
/// the limit, not an unbounded run.
#[test]
fn too_many_release_tags_are_bad_input() {
    let d = repo();
    write(d.path(), "t1.rs", v1(""));
    commit(d.path());
    // Written as loose refs, as a hostile clone could hold them.
    let sha = String::from_utf8(
        std::process::Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(d.path())
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let tags = d.path().join(".git/refs/tags");
    std::fs::create_dir_all(&tags).unwrap();
    for i in 0..1001 {
        std::fs::write(tags.join(format!("v{i}")), &sha).unwrap();
    }
    let r = run(&["check", ".", "--release-tags", "v*"], d.path());
    bad_input(&r, "", "more than the limit of 1000");
}

/// A release whose objects are incomplete (a shallow or damaged clone) is bad input naming the
/// file, never a release read without it.
#[test]
fn a_missing_object_at_a_release_is_bad_input() {
    let d = repo();
    write(d.path(), "t1.rs", v1(""));
    commit(d.path());
    git(d.path(), &["tag", "v1"]);
    // The working tree changes the file, so the tag's blob must come from git, and it is gone.
    write(d.path(), "t1.rs", v1("\n// edited\n"));
    let id = String::from_utf8(
        std::process::Command::new("git")
            .args(["rev-parse", "v1:t1.rs"])
            .current_dir(d.path())
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let id = id.trim();
    std::fs::remove_file(d.path().join(".git/objects").join(&id[..2]).join(&id[2..])).unwrap();
    let r = run(&["check", ".", "--release-tags", "v*"], d.path());
    bad_input(&r, "v1:t1.rs", "");
}

/// Every analysis runs once per critical property: a version may mark at most 16, and a chain's
/// properties count in the pair limit, so that marking fields cannot multiply the work unbounded.
#[test]
fn critical_properties_are_bounded() {
    let d = tempfile::tempdir().unwrap();
    let fields = |v: u32, n: u32| -> String {
        (0..n)
            .map(|i| format!("#[session(critical = \"p{v}_{i}\")] pub f{i}: bool, "))
            .collect()
    };
    let item = |v: u32, n: u32| {
        format!(
            r#"#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = {v}, encoding = "json")]
pub struct V{v} {{ {} }}
"#,
            fields(v, n)
        )
    };
    write(d.path(), "t.rs", format!("{HEAD}{}", item(1, 17)));
    bad_input(
        &run(&["check", "."], d.path()),
        "t.rs",
        "17 critical properties, more than the limit of 16",
    );
    write(d.path(), "t.rs", format!("{HEAD}{}", item(1, 16)));
    assert_eq!(run(&["check", "."], d.path()).code, 0);
    // 120 versions of 16 properties each: 7,140 pairs, each analysed for 1,921 properties.
    let all: String = (1..=120).map(|v| item(v, 16)).collect();
    write(d.path(), "t.rs", format!("{HEAD}{all}"));
    bad_input(
        &run(&["check", "."], d.path()),
        "t.rs",
        "and 1920 critical properties, each analysed on every pair",
    );
}

// ---- #19, round two: each item below forged a green check on the main of before. ----

/// `check --message-format json` on `dir`: the exit status, the rule ids, and the notes.
fn json_check(dir: &Path, extra: &[&str]) -> (i32, Vec<String>, Vec<String>, String) {
    let mut args = vec!["check", ".", "--message-format", "json"];
    args.extend_from_slice(extra);
    let r = run(&args, dir);
    let doc = r.json();
    let ids = common::rule_ids(&doc);
    let notes = doc["summary"]["notes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|n| n["message"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    (r.code, ids, notes, r.stdout)
}

/// A cfg the configuration does not decide is "may be on": the newer type under `#[cfg(unix)]`
/// (or a target predicate, `any(..)`, `panic = "unwind"`) is a version, checked, and the
/// finding says which build it holds in; the summary says how each option was read.
#[test]
fn an_undecided_cfg_on_the_newer_type_is_checked_not_compiled_out() {
    for pred in [
        "unix",
        "target_os = \"linux\"",
        "any(unix, windows)",
        "target_pointer_width = \"64\"",
        "panic = \"unwind\"",
    ] {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            "Cargo.toml",
            "[package]\nname = \"t\"\nversion = \"0.1.0\"\n",
        );
        write(d.path(), "src/v1.rs", v1(""));
        write(
            d.path(),
            "src/v2.rs",
            v2().replace("#[derive(", &format!("#[cfg({pred})]\n#[derive(")),
        );
        let (code, ids, notes, out) = json_check(d.path(), &[]);
        assert_eq!(code, 1, "{pred}: {out}");
        assert!(
            ids.contains(&"ems-accepted-by-older-decoder".to_string()),
            "{pred}: {ids:?}"
        );
        assert!(out.contains("[cfg: v2 as built with"), "{pred}: {out}");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("not decided by the configuration")),
            "{pred}: {notes:?}"
        );
        // Human output says it too.
        let r = run(&["check", "."], d.path());
        assert_eq!(r.code, 1);
        assert!(r.stdout.contains("note: `"), "{}", r.stdout);
    }
}

/// A target list decides target predicates: a type only Unix builds compile is absent from a
/// Windows-only fleet (stated in the notes), present in a fleet with both.
#[test]
fn targets_in_the_configuration_decide_target_predicates() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/v1.rs", v1(""));
    write(
        d.path(),
        "src/v2.rs",
        v2().replace("#[derive(", "#[cfg(unix)]\n#[derive("),
    );
    write(
        d.path(),
        "sessionlint.toml",
        "targets = [\"x86_64-pc-windows-msvc\"]\n",
    );
    let (code, ids, notes, out) = json_check(d.path(), &[]);
    assert_eq!((code, ids.len()), (0, 0), "{out}");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("`unix` is read for each target")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("`TicketV2` is left out")),
        "{notes:?}"
    );
    write(
        d.path(),
        "sessionlint.toml",
        "targets = [\"x86_64-pc-windows-msvc\", \"x86_64-unknown-linux-gnu\"]\n",
    );
    let (code, ids, _, out) = json_check(d.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(ids.contains(&"ems-accepted-by-older-decoder".to_string()));
    assert!(out.contains("target x86_64-unknown-linux-gnu"), "{out}");
    // Stated off in `cfg`: decided, and said so.
    write(d.path(), "sessionlint.toml", "cfg = [\"not(unix)\"]\n");
    let (code, _, notes, out) = json_check(d.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("`unix` is off, as the configuration states")),
        "{notes:?}"
    );
    // A name that is no target is bad input at its line.
    write(
        d.path(),
        "sessionlint.toml",
        "\n\ntargets = [\"x86_64-unknown-plan9\"]\n",
    );
    bad_input(
        &run(&["check", "."], d.path()),
        "sessionlint.toml:3",
        "unknown target",
    );
    write(
        d.path(),
        "sessionlint.toml",
        "cfg = [\"feature = \\\"x\\\"\"]\n",
    );
    bad_input(
        &run(&["check", "."], d.path()),
        "sessionlint.toml",
        "features are set with",
    );
}

/// An EMS field under a feature the build leaves off: the verdict is that build's, and the
/// summary says the field vanished and why.
#[test]
fn a_field_left_out_by_a_decided_cfg_is_said() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "Cargo.toml",
        "[package]\nname = \"t\"\nversion = \"0.1.0\"\n[features]\nems = []\n",
    );
    write(d.path(), "src/v1.rs", v1(""));
    write(
        d.path(),
        "src/v2.rs",
        v2().replace(
            "#[session(ems)]",
            "#[cfg(feature = \"ems\")] #[session(ems)]",
        ),
    );
    let (code, _, notes, out) = json_check(d.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("`feature = \"ems\"` is off")
                && n.contains("field `TicketV2.ems` is left out")),
        "{notes:?}"
    );
    let r = run(&["check", "."], d.path());
    assert!(
        r.stdout.contains("field `TicketV2.ems` is left out"),
        "{}",
        r.stdout
    );
}

/// A field that only some builds compile gives the version two shapes; builds of one version
/// serve one fleet, so the shapes are checked against each other too: the build with the EMS
/// field writes sessions the build without it resumes without EMS.
#[test]
fn a_field_that_may_exist_gives_its_version_both_shapes() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/v1.rs", v1("#[serde(deny_unknown_fields)]\n"));
    write(
        d.path(),
        "src/v2.rs",
        v2().replace("#[session(ems)]", "#[cfg(tokio_unstable)] #[session(ems)]"),
    );
    let (code, ids, notes, out) = json_check(d.path(), &[]);
    assert_eq!(code, 1, "{out}");
    // One build writes EMS sessions the other reads without EMS (reported in the direction the
    // pair of shapes is read in).
    assert!(
        ids.iter()
            .any(|i| i == "ems-accepted-by-older-decoder" || i == "ems-dropped-by-newer-decoder"),
        "{ids:?}"
    );
    assert!(
        out.contains("v2 as built with not(tokio_unstable)"),
        "{out}"
    );
    assert!(out.contains("v2 as built with tokio_unstable"), "{out}");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("`tokio_unstable` is not decided")),
        "{notes:?}"
    );
    // Decided in the configuration: one build, no finding.
    write(d.path(), "sessionlint.toml", "cfg = [\"tokio_unstable\"]\n");
    let (code, _, _, out) = json_check(d.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("[cfg:"), "{out}");
    // A version with two shapes has no one snapshot.
    std::fs::remove_file(d.path().join("sessionlint.toml")).unwrap();
    std::fs::remove_file(d.path().join("src/v1.rs")).unwrap();
    bad_input(
        &run(&["snapshot", "."], d.path()),
        "src/v2.rs",
        "several shapes",
    );
}

/// More undecided options than one run reads both ways is bad input naming them, not a guess.
#[test]
fn too_many_undecided_cfg_options_are_bad_input() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/v1.rs", v1("#[serde(deny_unknown_fields)]\n"));
    let fields: String = (0..5)
        .map(|i| format!("#[cfg(opt{i})] pub f{i}: u8, "))
        .collect();
    write(
        d.path(),
        "src/v2.rs",
        v2().replace("pub cipher: u16,", &format!("pub cipher: u16, {fields}")),
    );
    bad_input(&run(&["check", "."], d.path()), "src/v2.rs", "`opt4`");
    // Decided: fine.
    write(
        d.path(),
        "sessionlint.toml",
        "cfg = [\"opt0\", \"not(opt1)\", \"opt2\", \"opt3\", \"opt4\"]\n",
    );
    assert_eq!(run(&["check", "."], d.path()).code, 0);
}

/// Session code outside `.rs` files is code of the crate: `include!` and `#[path]` are followed
/// (inside the root), and code written at build time is bad input unless the configuration says
/// which schema files stand for it.
#[test]
fn session_code_outside_rs_files_is_read_or_refused() {
    // include!("v2.txt")
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/v1.rs", v1(""));
    write(d.path(), "src/lib.rs", "mod v1;\ninclude!(\"v2.txt\");\n");
    write(d.path(), "src/v2.txt", v2());
    let (code, ids, _, out) = json_check(d.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        ids.contains(&"ems-accepted-by-older-decoder".to_string()),
        "{ids:?}"
    );
    assert!(out.contains("src/v2.txt"), "{out}");
    // #[path = "v2.txt"] mod v2;
    write(
        d.path(),
        "src/lib.rs",
        "mod v1;\n#[path = \"v2.txt\"]\npub mod v2;\n",
    );
    let (code, ids, _, out) = json_check(d.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        ids.contains(&"ems-accepted-by-older-decoder".to_string()),
        "{ids:?}"
    );
    // In a comment or a string it is not code.
    write(d.path(), "src/lib.rs", "mod v1;\n// include!(\"v2.txt\");\nconst S: &str = \"#[path = \\\"v2.txt\\\"] mod v2;\";\n");
    assert_eq!(run(&["check", "."], d.path()).code, 0);
    // Code written by build.rs cannot be read.
    write(
        d.path(),
        "src/lib.rs",
        "mod v1;\n\ninclude!(concat!(env!(\"OUT_DIR\"), \"/gen.rs\"));\n",
    );
    bad_input(
        &run(&["check", "."], d.path()),
        "src/lib.rs:3",
        "written at build time",
    );
    // ... unless schema files stand for it, which must exist.
    write(
        d.path(),
        "sessionlint.toml",
        "[[generated]]\nfile = \"src/lib.rs\"\nschemas = [\"gen/ticket-v3.schema.toml\"]\n",
    );
    bad_input(
        &run(&["check", "."], d.path()),
        "sessionlint.toml",
        "does not exist",
    );
    write(
        d.path(),
        "gen/ticket-v3.schema.toml",
        r#"name = "ticket"
version = 3
encoding = "json"
root = "T"
[types.T]
kind = "struct"
[[types.T.fields]]
ident = "cipher"
ty = "u16"
"#,
    );
    let r = run(&["check", "."], d.path());
    assert_ne!(r.code, 2, "{}{}", r.stdout, r.stderr);
    std::fs::remove_file(d.path().join("sessionlint.toml")).unwrap();
    // Outside the root, missing, or including itself forever.
    for (body, says) in [
        (
            "include!(\"../../../../../../etc/passwd\");\n",
            "outside the project root",
        ),
        ("include!(\"/etc/passwd\");\n", "outside the project root"),
        ("include!(\"nope.rs\");\n", "does not exist"),
    ] {
        write(d.path(), "src/lib.rs", format!("mod v1;\n{body}"));
        let r = run(&["check", "."], d.path());
        bad_input(&r, "src/lib.rs:2", says);
        assert!(!r.stderr.contains("root:x:0"), "{}", r.stderr);
    }
    write(d.path(), "src/lib.rs", "mod v1;\ninclude!(\"a.txt\");\n");
    write(
        d.path(),
        "src/a.txt",
        "include!(\"lib.rs\");\ninclude!(\"a.txt\");\n",
    );
    assert_eq!(run(&["check", "."], d.path()).code, 0);
    #[cfg(unix)]
    {
        // A symlinked include out of the root is refused and never printed.
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.txt", "root:x:0:0 secret\n");
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            d.path().join("src/s.txt"),
        )
        .unwrap();
        write(d.path(), "src/lib.rs", "mod v1;\ninclude!(\"s.txt\");\n");
        let r = run(&["check", "."], d.path());
        bad_input(&r, "src/lib.rs:2", "leads outside the");
        assert!(!r.stderr.contains("secret"), "{}", r.stderr);
    }
}

/// At a released revision too: a version that lives in an included file is read from the
/// revision's objects.
#[test]
fn included_code_is_read_at_the_baseline_revision() {
    let d = repo();
    write(d.path(), "src/lib.rs", "include!(\"v1.txt\");\n");
    write(d.path(), "src/v1.txt", v1(""));
    commit(d.path());
    std::fs::remove_file(d.path().join("src/v1.txt")).unwrap();
    write(d.path(), "src/lib.rs", "mod v2;\n");
    write(d.path(), "src/v2.rs", v2());
    let r = run(&["check", ".", "--baseline-rev", "HEAD"], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("ems-accepted-by-older-decoder"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("HEAD:src/v1.txt"), "{}", r.stdout);
}

/// The baseline's scope binds the change: narrowing `paths` cannot hide the new version, moving
/// a released type to another format is `released-schema-changed`, and every relaxation is a
/// warning in the chosen output format (`--deny-relaxations` makes it fail).
#[test]
fn the_baselines_scope_binds_the_change() {
    // Narrowed paths: v2 is outside the change's scope, inside HEAD's.
    let d = repo();
    write(d.path(), "src/v1.rs", v1(""));
    commit(d.path());
    write(d.path(), "src/v2.rs", v2());
    write(d.path(), "sessionlint.toml", "paths = [\"src/v1.rs\"]\n");
    let (code, ids, notes, out) = json_check(d.path(), &["--baseline-rev", "HEAD"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        ids.contains(&"out-of-scope-session-item".to_string()),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"ems-accepted-by-older-decoder".to_string()),
        "{ids:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("scans fewer paths")),
        "{notes:?}"
    );
    // Without a baseline the configuration's scope is the user's to choose.
    let (code, ids, _, _) = json_check(d.path(), &[]);
    assert_eq!((code, ids.len()), (0, 0));

    // A released type moved to another format name.
    let d = repo();
    write(
        d.path(),
        "sessionlint.toml",
        "[[type]]\nname = \"Plain\"\nformat = \"ticket\"\nversion = 1\nencoding = \"json\"\n",
    );
    write(
        d.path(),
        "src/plain.rs",
        "#[derive(serde::Serialize, serde::Deserialize)]\npub struct Plain { pub cipher: u16 }\n",
    );
    commit(d.path());
    write(
        d.path(),
        "sessionlint.toml",
        "[[type]]\nname = \"Plain\"\nformat = \"other\"\nversion = 1\nencoding = \"json\"\n",
    );
    let (code, ids, _, out) = json_check(d.path(), &["--baseline-rev", "HEAD"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        ids.contains(&"released-schema-changed".to_string()),
        "{ids:?}"
    );
    assert!(out.contains("was released as format `ticket` v1"), "{out}");
}

#[test]
fn every_relaxation_is_a_warning_in_the_chosen_format_and_can_fail_the_run() {
    let d = repo();
    write(d.path(), "src/t1.rs", v1("#[serde(deny_unknown_fields)]\n"));
    commit(d.path());
    write(d.path(), "src/t2.rs", v2());
    write(
        d.path(),
        "sessionlint.toml",
        "[levels]\nnon-ems-session-rejected-by-older-decoder = \"allow\"\n",
    );
    let says = "lowers `non-ems-session-rejected-by-older-decoder` to \"allow\"";
    let args = |fmt: &'static str| {
        vec![
            "check",
            ".",
            "--baseline-rev",
            "HEAD",
            "--message-format",
            fmt,
        ]
    };
    let r = run(&args("human"), d.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "warning: this change relaxes the gate against HEAD: it {says}"
        )),
        "{}",
        r.stdout
    );
    let r = run(&args("github"), d.path());
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("::warning ") && l.contains(says)),
        "{}",
        r.stdout
    );
    let r = run(&args("json"), d.path());
    let doc = r.json();
    let notes = doc["summary"]["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["kind"] == "relaxation" && n["level"] == "warning"),
        "{notes:?}"
    );
    let r = run(&args("sarif"), d.path());
    let doc = r.json();
    let n = &doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "warning", "{n}");
    assert!(n["message"]["text"].as_str().unwrap().contains(says));
    assert!(common::sarif_validator().is_valid(&doc));
    let r = run(&args("markdown"), d.path());
    assert!(
        r.stdout
            .contains("**warning**: this change relaxes the gate"),
        "{}",
        r.stdout
    );
    // The gate can refuse relaxations outright; plan too.
    let r = run(
        &["check", ".", "--baseline-rev", "HEAD", "--deny-relaxations"],
        d.path(),
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let r = run(
        &["plan", ".", "--baseline-rev", "HEAD", "--deny-relaxations"],
        d.path(),
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    // Nothing relaxed: exit 0 with the flag.
    std::fs::remove_file(d.path().join("sessionlint.toml")).unwrap();
    let r = run(
        &["check", ".", "--baseline-rev", "HEAD", "--deny-relaxations"],
        d.path(),
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// Editing v1 into v2 in place, with no snapshot and no baseline, is not "1 version, 0 pairs,
/// exit 0": it is an error naming the commands that bring v1 back into the check.
#[test]
fn a_format_with_versions_but_nothing_to_compare_fails() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "src/v2.rs", v2());
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("no-older-version-to-compare"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("sessionlint snapshot") && r.stdout.contains("--release-tags"),
        "{}",
        r.stdout
    );
    // A new format's first version, or a version with its predecessor recorded, is fine.
    write(d.path(), "src/v2.rs", v1(""));
    assert_eq!(run(&["check", "."], d.path()).code, 0);
    write(d.path(), "src/v1.rs", v1(""));
    write(
        d.path(),
        "src/v2.rs",
        v2().replace("pub ems: bool", "pub other: bool")
            .replace("#[session(ems)] ", ""),
    );
    assert_eq!(run(&["snapshot", "."], d.path()).code, 0);
    std::fs::remove_file(d.path().join("src/v1.rs")).unwrap();
    let r = run(&["check", "."], d.path());
    assert!(
        !r.stdout.contains("no-older-version-to-compare"),
        "{}",
        r.stdout
    );
}

/// git never blocks the gate: its stderr is drained (thousands of missing alternates once filled
/// the pipe and hung `diff-tree --stdin` forever), every git call is bounded in time, and a git
/// failure is bad input naming the revision.
#[test]
fn git_never_blocks_and_its_failures_name_the_revision() {
    let d = repo();
    write(d.path(), "src/v1.rs", v1(""));
    commit(d.path());
    write(d.path(), "src/v2.rs", v2());
    commit(d.path());
    git(d.path(), &["tag", "v1", "HEAD~1"]);
    // 3,000 alternates that do not exist: git warns about each, on every command.
    let alternates: String = (0..3000)
        .map(|i| format!("/nonexistent/objects-{i:04}-{}\n", "x".repeat(40)))
        .collect();
    write(d.path(), ".git/objects/info/alternates", alternates);
    let r = run(
        &[
            "check",
            ".",
            "--baseline-rev",
            "HEAD~1",
            "--baseline-rev",
            "HEAD",
        ],
        d.path(),
    );
    assert!(r.code == 1 || r.code == 2, "{}{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let r = run(&["check", ".", "--release-tags", "v*"], d.path());
    assert!(r.code == 1 || r.code == 2, "{}{}", r.stdout, r.stderr);
    std::fs::remove_file(d.path().join(".git/objects/info/alternates")).unwrap();

    // An annotated tag that points at a tree names no release: said, with the tag's name.
    let tree = Command::new("git")
        .args(["rev-parse", "HEAD^{tree}"])
        .current_dir(d.path())
        .output()
        .unwrap();
    let tree = String::from_utf8(tree.stdout).unwrap();
    git(d.path(), &["tag", "-a", "-m", "t", "v9-tree", tree.trim()]);
    bad_input(
        &run(&["check", ".", "--release-tags", "v*"], d.path()),
        "v9-tree",
        "points at a tree",
    );
    git(d.path(), &["tag", "-d", "v9-tree"]);

    // A git that never answers is stopped at the time limit, and the run says so.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let bin = tempfile::tempdir().unwrap();
        let fake = bin.path().join("git");
        std::fs::write(&fake, "#!/bin/sh\nexec sleep 600\n").unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = format!(
            "{}:{}",
            bin.path().display(),
            std::env::var("PATH").unwrap()
        );
        let out = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
            .args(["check", ".", "--baseline-rev", "HEAD"])
            .current_dir(d.path())
            .env("PATH", path)
            .env("SESSIONLINT_GIT_TIMEOUT", "2")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("did not finish within 2 s"), "{stderr}");
    }
}

/// Output guards: `##[` (a GitHub runner command anywhere in a line) is neutralised wherever `::`
/// is; a snippet line of 200 KB is clipped, not a panic inside miette; two format names that map
/// to one snapshot directory are refused, not written over each other.
#[test]
fn output_guards_hold_for_hash_commands_long_lines_and_snapshot_collisions() {
    let d = tempfile::tempdir().unwrap();
    let name = "x ##[stop-commands]tok";
    let ty = |v: u32, extra: &str| {
        format!(
            r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "{name}", version = {v}, encoding = "json")]
pub struct T{v} {{ pub cipher: u16, {extra} }}
"#
        )
    };
    write(d.path(), "src/v1.rs", ty(1, ""));
    write(
        d.path(),
        "src/v2.rs",
        ty(2, "#[session(ems)] #[serde(default)] pub ems: bool"),
    );
    write(
        d.path(),
        "sessionlint.toml",
        format!("[[allow]]\nrule = \"older-session-rejected\"\nformat = \"{name} (unused)\"\nreason = \"##[add-mask]x\"\n"),
    );
    let mut outputs = Vec::new();
    for fmt in ["human", "json", "sarif", "github", "markdown"] {
        let r = run(&["check", ".", "--message-format", fmt], d.path());
        assert_eq!(r.code, 1, "{fmt}: {}{}", r.stdout, r.stderr);
        outputs.push((format!("check {fmt}"), r.stdout, r.stderr));
    }
    for fmt in ["human", "json", "markdown"] {
        let r = run(&["plan", ".", "--message-format", fmt], d.path());
        outputs.push((format!("plan {fmt}"), r.stdout, r.stderr));
    }
    let r = run(&["snapshot", ".", "--check"], d.path());
    outputs.push(("snapshot --check".into(), r.stdout, r.stderr));
    // Bad input on stderr quotes repository text too.
    write(
        d.path(),
        "src/v3.rs",
        format!(
            r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "{name}", version = 3)]
pub struct T3 {{ pub ##[x]: u16 }}
"#
        ),
    );
    let r = run(&["check", "."], d.path());
    assert_eq!(r.code, 2);
    outputs.push(("bad input".into(), r.stdout, r.stderr));
    for (what, out, err) in &outputs {
        for line in out.lines().chain(err.lines()) {
            assert!(
                !line.contains("##["),
                "{what}: a runner would act on: {line}"
            );
            assert!(
                !line.trim_start().starts_with("::")
                    || line.starts_with("::error ")
                    || line.starts_with("::warning ")
                    || line.starts_with("::notice "),
                "{what}: {line}"
            );
        }
    }
    assert!(
        outputs
            .iter()
            .any(|(_, o, _)| o.contains("#\\u{23}[stop-commands]")),
        "the name is still shown"
    );

    // A 200 KB critical property name: the finding is rendered, clipped, no panic.
    let d = tempfile::tempdir().unwrap();
    let long = "q".repeat(200_000);
    write(d.path(), "src/v1.rs", v1(""));
    write(
        d.path(),
        "src/v2.rs",
        v2().replace(
            "#[session(ems)] #[serde(default)] pub ems: bool",
            &format!("#[session(critical = \"{long}\")] #[serde(default)] pub quic: bool"),
        ),
    );
    let r = run(&["check", "."], d.path());
    assert!(
        r.code == 0 || r.code == 1,
        "{}",
        &r.stderr[..r.stderr.len().min(2000)]
    );
    assert!(!r.stderr.contains("internal error") && !r.stderr.contains("panicked"));
    assert!(r.stdout.contains('…'), "the long line is clipped");

    // `sub/dir` and `sub_dir` map to one snapshot directory.
    let d = tempfile::tempdir().unwrap();
    for (i, n) in ["sub/dir", "sub_dir"].iter().enumerate() {
        write(
            d.path(),
            &format!("src/t{i}.rs"),
            format!(
                r#"{HEAD}#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "{n}", version = 1, encoding = "json")]
pub struct T{i} {{ pub cipher: u16 }}
"#
            ),
        );
    }
    bad_input(
        &run(&["snapshot", "."], d.path()),
        "src/t",
        "would both be recorded as",
    );
    bad_input(
        &run(&["snapshot", ".", "--check"], d.path()),
        "src/t",
        "would both be recorded as",
    );
    assert!(!d.path().join("session-schemas").exists());
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
        s.push_str(&format!(
            r#"#[derive(Serialize, Deserialize, SessionState)]
#[session(name = "t", version = {v}, encoding = "{enc}")]
pub struct T{v} {{ {props}pub big: L2, {ems}}}
"#
        ));
    }
    s
}

/// Work is bounded by the size of what it walks, not by counts: a 4 KB alias bomb, many
/// versions with many properties, and many tags of distinct sources each end with exit 2 naming
/// the bound they reached (`cargo bench --bench hostile` measures time and memory).
#[test]
fn work_is_bounded_by_what_it_walks() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "src/t.rs",
        bombed(8, 4, "bincode", &alias_bomb(63, 63)),
    );
    bad_input(
        &run(&["check", "."], d.path()),
        "src/t.rs",
        "expand to more than 65536 types",
    );
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "src/t.rs",
        bombed(300, 8, "json", &alias_bomb(8, 1)),
    );
    bad_input(
        &run(&["check", "."], d.path()),
        "src/t.rs",
        "limit of 2000000",
    );
    // `keep` brings a long history within the bound.
    write(
        d.path(),
        "src/t.rs",
        bombed(30, 0, "json", &alias_bomb(63, 1)),
    );
    bad_input(&run(&["check", "."], d.path()), "src/t.rs", "set `keep`");
    let r = run(&["check", ".", "--keep", "1"], d.path());
    assert_eq!(r.code, 1, "{}", r.stderr);

    // Tags of one release share its schemas; tags of distinct sources re-expand theirs, within
    // one bound for the run.
    for (distinct, ok) in [(false, true), (true, false)] {
        let d = repo();
        let mut text =
            bombed(2, 0, "json", &alias_bomb(63, 15)).replace("#[session(ems)] pub e: bool, ", "");
        write(d.path(), "src/lib.rs", &text);
        commit(d.path());
        for i in 0..30 {
            if distinct {
                text.push_str(&format!("// {i}\n"));
                write(d.path(), "src/lib.rs", &text);
            } else {
                write(d.path(), "notes.txt", i.to_string());
            }
            commit(d.path());
            git(d.path(), &["tag", &format!("v{i}")]);
        }
        let r = run(&["check", ".", "--release-tags", "v*"], d.path());
        if ok {
            assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        } else {
            bad_input(&r, "src/lib.rs", "types in all");
        }
    }
}
