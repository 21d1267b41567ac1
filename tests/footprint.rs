//! An annotating crate depends on `sessionlint` with `default-features = false, features =
//! ["derive"]`: its normal (non-build, non-proc-macro) dependency tree must not hold clap, miette,
//! toml or syn.

#[test]
fn annotating_crates_pull_no_cli_dependencies() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-p",
            "sessionlint",
            "--no-default-features",
            "--features",
            "derive",
        ])
        .args([
            "-e",
            "normal,no-proc-macro",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        crates.contains(&"sessionlint") && crates.contains(&"serde"),
        "{tree}"
    );
    for banned in ["clap", "miette", "toml", "syn", "serde_json", "proc-macro2"] {
        assert!(
            !crates.contains(&banned),
            "`{banned}` is in an annotating crate's run-time tree:\n{tree}"
        );
    }
    println!("run-time tree of an annotating crate:\n{tree}");
}
