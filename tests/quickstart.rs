//! The README's Quickstart, run as written: its five shell blocks, one after the other in one
//! shell (the first `cd`s into the new crate), in a temporary directory, with the binary under
//! test on PATH. Each block's exit status and the last summary are what the README says.

mod common;
use common::root;
use std::process::Command;

/// The ```sh blocks of the README's Quickstart section.
fn blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let at = readme
        .find("\n## Quickstart")
        .expect("a Quickstart section");
    let section = &readme[at + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    section
        .split("```sh\n")
        .skip(1)
        .map(|b| b[..b.find("```").expect("a closed block")].to_string())
        .collect()
}

#[test]
fn the_quickstart_runs_as_written() {
    let blocks = blocks();
    assert_eq!(blocks.len(), 5, "five steps: {blocks:?}");
    // One shell: each block, then its status on a line of its own.
    let mut script = String::new();
    for (i, b) in blocks.iter().enumerate() {
        script.push_str(b);
        script.push_str(&format!("echo \"@@step {} $?\"\n", i + 1));
    }
    let bins = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_sessionlint"),
        bins.path().join("sessionlint"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new("bash")
        .args(["--noprofile", "--norc", "-c", &script])
        .current_dir(dir.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                bins.path().display(),
                std::env::var("PATH").unwrap()
            ),
        )
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    let status: Vec<(usize, i32)> = out
        .lines()
        .filter_map(|l| l.strip_prefix("@@step "))
        .map(|l| {
            let (n, c) = l.split_once(' ').unwrap();
            (n.parse().unwrap(), c.parse().unwrap())
        })
        .collect();
    assert_eq!(
        status,
        vec![(1, 0), (2, 0), (3, 0), (4, 1), (5, 0)],
        "{out}{err}"
    );
    // Step 4 names the hazard and the verified fixes; step 5 ends clean.
    let (four, five) = out.split_once("@@step 4").unwrap();
    assert!(
        four.contains("ems-accepted-by-older-decoder") && four.contains("verified fix"),
        "{four}"
    );
    assert!(
        five.contains("sessionlint: 0 errors, 0 warnings, 1 notice"),
        "{five}"
    );
    let fixed = std::fs::read_to_string(dir.path().join("ticket-store/src/ticket.rs")).unwrap();
    assert!(
        fixed.contains(
            "    #[serde(rename = \"version_v2\", alias = \"version\")]\n    pub version: u16,"
        ),
        "{fixed}"
    );
    assert!(dir
        .path()
        .join("ticket-store/session-schemas/ticket/v1.toml")
        .exists());
}
