//! The README's GitHub Actions workflow and the composite action (`action.yml`), run as written:
//! their shell steps, in order, with GitHub's shell and step conditions, on a temporary repository
//! with two tagged releases and a branch that adds an unsafe EMS version, one that adds a safe
//! one, and one with bad input. `uses:` steps (checkout, cache, SARIF upload) are GitHub's own
//! and are not run; the install step finds the binary under test on PATH and builds nothing.

mod common;
use common::{git, root};
use std::path::{Path, PathBuf};
use std::process::Command;

const HEAD_RS: &str = "use serde::{Deserialize, Serialize};\nuse sessionlint::SessionState;\nfn is_false(b: &bool) -> bool { !*b }\n";

fn version(v: u32, strict: bool, body: &str) -> String {
    format!(
        "{HEAD_RS}{}#[derive(Serialize, Deserialize, SessionState)]\n#[session(name = \"ticket\", version = {v}, encoding = \"json\")]\npub struct TicketV{v} {{ {body} }}\n",
        if strict { "#[serde(deny_unknown_fields)]\n" } else { "" }
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// v1.0 (lenient v1), v2.0 (strict v2, no EMS), on `main`.
fn released_repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    git(p, &["init", "-q", "-b", "main"]);
    write(p, "src/ticket.rs", &version(1, false, "pub cipher: u16"));
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "v1"]);
    git(p, &["tag", "v1.0"]);
    write(p, "src/ticket.rs", &version(2, true, "pub cipher: u16"));
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "v2"]);
    git(p, &["tag", "-a", "v2.0", "-m", "v2.0"]);
    d
}

const EMS: &str =
    "#[session(ems)] #[serde(default, skip_serializing_if = \"is_false\")] pub ems: bool";

/// A branch off main with `ticket.rs` as given.
fn branch(p: &Path, name: &str, ticket: &str) {
    git(p, &["checkout", "-q", "-B", name, "main"]);
    write(p, "src/ticket.rs", ticket);
    git(p, &["commit", "-q", "-am", name]);
}

/// A directory holding `sessionlint`, the binary under test, for PATH.
fn bin_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_sessionlint"),
        d.path().join("sessionlint"),
    )
    .unwrap();
    d
}

struct Step {
    name: String,
    run: String,
    condition: Option<String>,
    env: Vec<(String, String)>,
}

/// The `run` steps of a step list, with their `if` and `env`.
fn steps(list: &serde_yaml::Value) -> Vec<Step> {
    list.as_sequence()
        .expect("steps")
        .iter()
        .filter_map(|s| {
            let run = s.get("run")?.as_str()?.to_string();
            Some(Step {
                name: s
                    .get("name")
                    .and_then(|n| n.as_str())
                    .unwrap_or(&run)
                    .to_string(),
                run,
                condition: s.get("if").and_then(|c| c.as_str()).map(str::to_string),
                env: s
                    .get("env")
                    .and_then(|e| e.as_mapping())
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| {
                                let v = match v {
                                    serde_yaml::Value::String(s) => s.clone(),
                                    other => {
                                        serde_yaml::to_string(other).unwrap().trim().to_string()
                                    }
                                };
                                (k.as_str().unwrap().to_string(), v)
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Runs steps as a GitHub runner does: `bash --noprofile --norc -eo pipefail`, a step without
/// `if` only while every step before it succeeded, `always()` regardless. Returns each step's
/// name and exit status (`None`: skipped).
fn run_steps(
    steps: &[Step],
    dir: &Path,
    event: &str,
    env: &[(String, String)],
    expand: &dyn Fn(&str) -> String,
) -> Vec<(String, Option<i32>, String)> {
    let bins = bin_dir();
    let path = format!(
        "{}:{}",
        bins.path().display(),
        std::env::var("PATH").unwrap()
    );
    let mut failed = false;
    let mut out = Vec::new();
    for s in steps {
        let run = match s.condition.as_deref() {
            None => !failed,
            Some("always()") => true,
            Some("github.event_name == 'push'") => !failed && event == "push",
            Some(other) => panic!("a condition this test does not know: {other}"),
        };
        if !run {
            out.push((s.name.clone(), None, String::new()));
            continue;
        }
        let mut c = Command::new("bash");
        c.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &s.run])
            .current_dir(dir)
            .env("PATH", &path)
            .env("GITHUB_EVENT_NAME", event);
        for (k, v) in env.iter().chain(&s.env) {
            c.env(k, expand(v));
        }
        let o = c.output().unwrap();
        let code = o.status.code().unwrap_or(-1);
        failed |= code != 0;
        out.push((
            s.name.clone(),
            Some(code),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        ));
    }
    out
}

fn status(results: &[(String, Option<i32>, String)], name: &str) -> Option<i32> {
    results
        .iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("no step `{name}`"))
        .1
}

fn sarif_rules(dir: &Path, file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(file)).expect("the SARIF file is written");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(doc["version"], "2.1.0", "{text}");
    doc["runs"][0]["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|x| x["ruleId"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The README's workflow block.
fn readme_workflow() -> serde_yaml::Value {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("### In CI (GitHub Actions)")
        .nth(1)
        .expect("the README has the CI section");
    let block = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a yaml block");
    serde_yaml::from_str(block).expect("the workflow is YAML")
}

#[test]
fn the_readme_workflow_runs_as_written() {
    let wf = readme_workflow();
    let job = &wf["jobs"]["sessionlint"];
    let env: Vec<(String, String)> = job["env"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str().unwrap().into(), v.as_str().unwrap().into()))
        .collect();
    let list = steps(&job["steps"]);
    assert!(
        list.iter()
            .any(|s| s.run.contains("cargo install --locked --git")),
        "installs from source"
    );
    assert!(
        !list
            .iter()
            .any(|s| s.run.contains("cargo install --locked sessionlint")),
        "no registry release"
    );
    let same = |v: &str| v.to_string();
    let d = released_repo();
    let p = d.path();

    // A branch adding v3 with EMS that v1 (a release still deployed) accepts: the gate fails.
    branch(
        p,
        "unsafe",
        &version(3, true, &format!("pub cipher: u16, {EMS}")),
    );
    let r = run_steps(&list, p, "pull_request", &env, &same);
    assert_eq!(status(&r, "Gate against every release"), Some(1), "{r:?}");
    assert!(
        sarif_rules(p, "sessionlint.sarif").contains(&"ems-accepted-by-older-decoder".to_string())
    );
    assert_eq!(
        status(&r, "Every released version has a snapshot"),
        None,
        "not on a pull request"
    );

    // A branch adding v3 written so that v1 refuses it (a key v1 requires, renamed): it passes.
    branch(
        p,
        "safe",
        &version(
            3,
            true,
            &format!("#[serde(rename = \"suite\", alias = \"cipher\")] pub cipher: u16, {EMS}"),
        ),
    );
    let r = run_steps(&list, p, "pull_request", &env, &same);
    assert_eq!(status(&r, "Gate against every release"), Some(0), "{r:?}");
    assert!(
        !sarif_rules(p, "sessionlint.sarif").contains(&"ems-accepted-by-older-decoder".to_string())
    );

    // Bad input: the gate exits 2 and SARIF is still written.
    branch(
        p,
        "broken",
        &format!(
            "{}\n#[derive(SessionState)]\npub struct Broken {{",
            version(3, true, "pub cipher: u16")
        ),
    );
    let r = run_steps(&list, p, "pull_request", &env, &same);
    assert_eq!(status(&r, "Gate against every release"), Some(2), "{r:?}");
    let sarif = std::fs::read_to_string(p.join("sessionlint.sarif")).unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&sarif).is_ok() && sarif.contains("ticket.rs"),
        "{sarif}"
    );

    // On push to main: the released versions need snapshots, and the step says how.
    git(p, &["checkout", "-q", "main"]);
    let r = run_steps(&list, p, "push", &env, &same);
    assert_eq!(status(&r, "Gate against every release"), Some(0), "{r:?}");
    let (_, code, said) = r
        .iter()
        .find(|(n, _, _)| n == "Every released version has a snapshot")
        .unwrap();
    assert_eq!(*code, Some(1), "{said}");
    assert!(
        said.contains("run `sessionlint snapshot --release-tags 'v*'`"),
        "{said}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .args(["snapshot", ".", "--release-tags", "v*"])
        .current_dir(p)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        p.join("session-schemas/ticket/v1.toml").exists()
            && p.join("session-schemas/ticket/v2.toml").exists()
    );
    let r = run_steps(&list, p, "push", &env, &same);
    assert_eq!(
        status(&r, "Every released version has a snapshot"),
        Some(0),
        "{r:?}"
    );
}

#[test]
fn the_composite_action_runs_as_written() {
    let action: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root().join("action.yml")).unwrap()).unwrap();
    let inputs: Vec<(String, String)> = action["inputs"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_string(),
                v["default"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let list = steps(&action["runs"]["steps"]);
    let d = released_repo();
    let p = d.path();
    let out_file = PathBuf::from(p).join(".github-output");
    let expand = |v: &str| -> String {
        let mut s = v.to_string();
        for (k, default) in &inputs {
            s = s.replace(&format!("${{{{ inputs.{k} }}}}"), default);
        }
        s.replace("${{ github.action_path }}", root().to_str().unwrap())
    };
    let env = vec![("GITHUB_OUTPUT".to_string(), out_file.display().to_string())];
    branch(
        p,
        "unsafe",
        &version(3, true, &format!("pub cipher: u16, {EMS}")),
    );
    let r = run_steps(&list, p, "pull_request", &env, &expand);
    assert_eq!(status(&r, "Check"), Some(1), "{r:?}");
    assert!(std::fs::read_to_string(&out_file)
        .unwrap()
        .contains("exit-code=1"));
    assert!(
        sarif_rules(p, "sessionlint.sarif").contains(&"ems-accepted-by-older-decoder".to_string())
    );
    // GitHub annotations in the log, the default format.
    let log = &r.iter().find(|(n, _, _)| n == "Check").unwrap().2;
    assert!(log.contains("::error"), "{log}");
    branch(
        p,
        "safe",
        &version(
            3,
            true,
            &format!("#[serde(rename = \"suite\", alias = \"cipher\")] pub cipher: u16, {EMS}"),
        ),
    );
    std::fs::remove_file(&out_file).unwrap();
    let r = run_steps(&list, p, "pull_request", &env, &expand);
    assert_eq!(status(&r, "Check"), Some(0), "{r:?}");
    assert!(std::fs::read_to_string(&out_file)
        .unwrap()
        .contains("exit-code=0"));
}

/// The pre-commit hooks' entries are commands that run as they stand (pre-commit splits them
/// like a shell, without globbing), and pass on a released tree.
#[test]
fn the_pre_commit_hooks_run() {
    let hooks: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let d = released_repo();
    let hooks = hooks.as_sequence().unwrap();
    assert!(hooks.len() >= 2);
    for h in hooks {
        assert_eq!(h["language"], "rust", "pre-commit builds it with cargo");
        let entry = h["entry"].as_str().unwrap();
        let mut words = entry.split_whitespace();
        assert_eq!(words.next(), Some("sessionlint"));
        let o = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
            .args(words)
            .current_dir(d.path())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{entry}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
