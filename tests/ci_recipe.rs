//! The README's GitHub Actions workflow, its GitLab job and the composite action (`action.yml`),
//! run as written: every shell step, in order, with the runner's shell and step conditions, on a
//! temporary repository with two tagged releases and a branch that adds an unsafe EMS version, one
//! that adds a safe one, and one with bad input, as a pull request from the repository and from a
//! fork. `uses:` steps (checkout, cache, SARIF upload) are GitHub's own and are not run, but their
//! conditions are evaluated. The install steps run too, with their flags as written, from a local
//! clone of this repository (`SESSIONLINT_GIT`/`SESSIONLINT_REV` point at it; the release profile
//! is made quick through cargo's environment, and the install root is a temporary directory); the
//! steps after them run the binary under test.

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
    /// Empty for a `uses:` step, which is not run (only its condition is evaluated).
    run: String,
    condition: Option<String>,
    env: Vec<(String, String)>,
}

/// The steps of a step list, with their `if` and `env`.
fn steps(list: &serde_yaml::Value) -> Vec<Step> {
    list.as_sequence()
        .expect("steps")
        .iter()
        .filter_map(|s| {
            let run = match s.get("run") {
                Some(r) => r.as_str()?.to_string(),
                None => {
                    s.get("uses")?;
                    String::new()
                }
            };
            Some(Step {
                name: s
                    .get("name")
                    .and_then(|n| n.as_str())
                    .or_else(|| s.get("uses").and_then(|u| u.as_str()))
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

/// Who opened the pull request.
#[derive(Clone, Copy, PartialEq)]
enum From {
    Repository,
    Fork,
}

/// The event a run simulates.
#[derive(Clone, Copy)]
struct Event {
    name: &'static str,
    from: From,
}

const PULL_REQUEST: Event = Event {
    name: "pull_request",
    from: From::Repository,
};
const FORK_PULL_REQUEST: Event = Event {
    name: "pull_request",
    from: From::Fork,
};
const PUSH: Event = Event {
    name: "push",
    from: From::Repository,
};

/// A step condition as GitHub evaluates it, for the conditions the recipes use. `failed`:
/// whether a step before failed.
fn holds(condition: Option<&str>, failed: bool, event: Event, inputs: &[(String, String)]) -> bool {
    let Some(c) = condition else {
        return !failed;
    };
    let own = event.name != "pull_request" || event.from == From::Repository;
    let input = |k: &str| {
        inputs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    match c {
        "always()" => true,
        "github.event_name == 'push'" => !failed && event.name == "push",
        "always() && (github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository)" => own,
        "always() && inputs.upload-sarif == 'true' && inputs.sarif != '' && (github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository)" => {
            own && input("upload-sarif") == "true" && !input("sarif").is_empty()
        }
        other => panic!("a condition this test does not know: {other}"),
    }
}

/// Where the install steps put sessionlint, and what cargo needs to build it quickly: the
/// environment a step that runs `cargo install` gets (its command line stays as written).
fn install_env(root_dir: &Path) -> Vec<(String, String)> {
    let target = root().join("target/ci-install");
    vec![
        ("CARGO_INSTALL_ROOT".into(), root_dir.display().to_string()),
        ("CARGO_TARGET_DIR".into(), target.display().to_string()),
        ("CARGO_PROFILE_RELEASE_OPT_LEVEL".into(), "0".into()),
        ("CARGO_PROFILE_RELEASE_DEBUG".into(), "false".into()),
        ("CARGO_PROFILE_RELEASE_LTO".into(), "false".into()),
        ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS".into(), "256".into()),
        ("CARGO_PROFILE_RELEASE_INCREMENTAL".into(), "true".into()),
    ]
}

/// One install at a time: the recipes' installs share `target/ci-install`, and two builds of
/// sessionlint there would race for its output.
static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// PATH without any directory that holds a `sessionlint`: an install step must build it.
fn path_without_sessionlint() -> String {
    std::env::var("PATH")
        .unwrap()
        .split(':')
        .filter(|d| !Path::new(d).join("sessionlint").exists())
        .collect::<Vec<_>>()
        .join(":")
}

/// A clone of this repository at its HEAD, for `cargo install --git file://...`, and the commit.
fn local_clone() -> (tempfile::TempDir, String) {
    let d = tempfile::tempdir().unwrap();
    let o = Command::new("git")
        .args(["clone", "--quiet", "--no-local"])
        .arg(root())
        .arg(d.path().join("sessionlint"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rev = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(d.path().join("sessionlint"))
        .output()
        .unwrap();
    let rev = String::from_utf8(rev.stdout).unwrap().trim().to_string();
    (d, rev)
}

/// Runs steps as a GitHub runner does: `bash --noprofile --norc -eo pipefail`, a step without
/// `if` only while every step before it succeeded, a condition as GitHub evaluates it. A step
/// that runs `cargo install` gets `install_env` and a PATH with no sessionlint on it; the others
/// run the binary under test. Returns each step's name and exit status (`None`: skipped; `Some(0)`
/// for a `uses:` step whose condition holds).
fn run_steps(
    steps: &[Step],
    dir: &Path,
    event: Event,
    env: &[(String, String)],
    inputs: &[(String, String)],
    expand: &dyn Fn(&str) -> String,
    installs: &Path,
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
        if !holds(s.condition.as_deref(), failed, event, inputs) {
            out.push((s.name.clone(), None, String::new()));
            continue;
        }
        if s.run.is_empty() {
            out.push((s.name.clone(), Some(0), String::new()));
            continue;
        }
        let install = s.run.contains("cargo install");
        let mut c = Command::new("bash");
        c.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &s.run])
            .current_dir(dir)
            .env("GITHUB_EVENT_NAME", event.name);
        if install {
            c.env("PATH", path_without_sessionlint());
            for (k, v) in install_env(installs) {
                c.env(k, v);
            }
        } else {
            c.env("PATH", &path);
        }
        for (k, v) in env.iter().chain(&s.env) {
            c.env(k, expand(v));
        }
        let o = {
            let _one = install.then(|| INSTALLING.lock().unwrap_or_else(|e| e.into_inner()));
            c.output().unwrap()
        };
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

/// The installed binary runs.
fn installed_runs(bin: &Path) {
    let o = Command::new(bin)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    assert!(
        o.status.success() && String::from_utf8_lossy(&o.stdout).starts_with("sessionlint "),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
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

/// The first ```yaml block of the README section headed `heading`.
fn readme_yaml(heading: &str) -> serde_yaml::Value {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("the README has a section `{heading}`"));
    let block = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a yaml block");
    serde_yaml::from_str(block).expect("the block is YAML")
}

/// `(key, value)` pairs of a YAML mapping of strings.
fn pairs(m: &serde_yaml::Value) -> Vec<(String, String)> {
    m.as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str().unwrap().into(), v.as_str().unwrap().into()))
        .collect()
}

/// The revision the README names is one `cargo install --rev` resolves: a tag or a full commit
/// hash of this repository, never a branch.
#[test]
fn the_readme_names_an_installable_revision() {
    let wf = readme_yaml("### In CI (GitHub Actions)");
    let env = pairs(&wf["jobs"]["sessionlint"]["env"]);
    let rev = &env.iter().find(|(k, _)| k == "SESSIONLINT_REV").unwrap().1;
    let full_hash = rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit());
    let tag = Command::new("git")
        .args([
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/tags/{rev}"),
        ])
        .current_dir(root())
        .output()
        .unwrap()
        .status
        .success();
    assert!(
        full_hash || tag,
        "SESSIONLINT_REV `{rev}` is neither a tag nor a full commit hash"
    );
    if full_hash {
        let known = Command::new("git")
            .args(["cat-file", "-e", &format!("{rev}^{{commit}}")])
            .current_dir(root())
            .status()
            .unwrap()
            .success();
        assert!(
            known,
            "SESSIONLINT_REV {rev} is not a commit of this repository"
        );
    }
    let gl = readme_yaml("### In CI (GitLab)");
    assert_eq!(
        gl["sessionlint"]["variables"]["SESSIONLINT_REV"].as_str(),
        Some(rev.as_str()),
        "both recipes name one revision"
    );
}

#[test]
fn the_readme_workflow_runs_as_written() {
    let wf = readme_yaml("### In CI (GitHub Actions)");
    let job = &wf["jobs"]["sessionlint"];
    let (clone, rev) = local_clone();
    let git_url = format!("file://{}", clone.path().join("sessionlint").display());
    // The recipe's own env, but sessionlint taken from the local clone.
    let env: Vec<(String, String)> = pairs(&job["env"])
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "SESSIONLINT_GIT" => (k, git_url.clone()),
            "SESSIONLINT_REV" => (k, rev.clone()),
            _ => (k, v),
        })
        .collect();
    let list = steps(&job["steps"]);
    assert!(
        list.iter().any(|s| s.run.contains(
            "cargo install --locked --git \"$SESSIONLINT_GIT\" --rev \"$SESSIONLINT_REV\""
        )),
        "installs from source at the named revision"
    );
    let installs = tempfile::tempdir().unwrap();
    let same = |v: &str| v.to_string();
    let d = released_repo();
    let p = d.path();

    // A branch adding v3 with EMS that v1 (a release still deployed) accepts: the gate fails,
    // with annotations on the file as the repository names it.
    branch(
        p,
        "unsafe",
        &version(3, true, &format!("pub cipher: u16, {EMS}")),
    );
    let r = run_steps(&list, p, PULL_REQUEST, &env, &[], &same, installs.path());
    assert_eq!(
        status(&r, "Install sessionlint from source"),
        Some(0),
        "{r:?}"
    );
    installed_runs(&installs.path().join("bin/sessionlint"));
    assert_eq!(status(&r, "Gate against every release"), Some(1), "{r:?}");
    let log = &r
        .iter()
        .find(|(n, _, _)| n == "Gate against every release")
        .unwrap()
        .2;
    assert!(log.contains("::error file=src/ticket.rs,line="), "{log}");
    assert!(
        sarif_rules(p, "sessionlint.sarif").contains(&"ems-accepted-by-older-decoder".to_string())
    );
    let upload = "Upload to code scanning (not from forks, whose token cannot)";
    assert_eq!(
        status(&r, upload),
        Some(0),
        "uploaded after the gate failed"
    );
    assert_eq!(
        status(&r, "Every released version has a snapshot"),
        None,
        "not on a pull request"
    );
    // The same pull request from a fork: no upload, and the gate still decides.
    let r = run_steps(
        &list,
        p,
        FORK_PULL_REQUEST,
        &env,
        &[],
        &same,
        installs.path(),
    );
    assert_eq!(status(&r, "Gate against every release"), Some(1), "{r:?}");
    assert_eq!(status(&r, upload), None, "no upload from a fork");

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
    for event in [PULL_REQUEST, FORK_PULL_REQUEST] {
        let r = run_steps(&list, p, event, &env, &[], &same, installs.path());
        assert_eq!(status(&r, "Gate against every release"), Some(0), "{r:?}");
    }
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
    let r = run_steps(&list, p, PULL_REQUEST, &env, &[], &same, installs.path());
    assert_eq!(status(&r, "Gate against every release"), Some(2), "{r:?}");
    let sarif = std::fs::read_to_string(p.join("sessionlint.sarif")).unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&sarif).is_ok() && sarif.contains("ticket.rs"),
        "{sarif}"
    );

    // On push to main: the released versions need snapshots, and the step says how.
    git(p, &["checkout", "-q", "main"]);
    let r = run_steps(&list, p, PUSH, &env, &[], &same, installs.path());
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
    let r = run_steps(&list, p, PUSH, &env, &[], &same, installs.path());
    assert_eq!(
        status(&r, "Every released version has a snapshot"),
        Some(0),
        "{r:?}"
    );
}

/// The GitLab job's script, line by line as GitLab runs it (each line must succeed), with its
/// variables; the install line builds from the local clone into `.sessionlint/` and is then
/// replaced by the binary under test.
#[test]
fn the_readme_gitlab_job_runs_as_written() {
    let gl = readme_yaml("### In CI (GitLab)");
    let job = &gl["sessionlint"];
    let (clone, rev) = local_clone();
    let git_url = format!("file://{}", clone.path().join("sessionlint").display());
    let vars: Vec<(String, String)> = pairs(&job["variables"])
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "SESSIONLINT_GIT" => (k, git_url.clone()),
            "SESSIONLINT_REV" => (k, rev.clone()),
            _ => (k, v),
        })
        .collect();
    let script: Vec<String> = job["script"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    let report = job["artifacts"]["reports"]["codequality"].as_str().unwrap();
    let d = released_repo();
    let p = d.path();
    let run = |p: &Path| -> Vec<(String, i32, String)> {
        let mut out = Vec::new();
        for line in &script {
            let mut c = Command::new("bash");
            c.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", line])
                .current_dir(p)
                .env("PATH", path_without_sessionlint());
            for (k, v) in &vars {
                c.env(k, v);
            }
            if line.contains("cargo install") {
                for (k, v) in install_env(&p.join(".sessionlint")) {
                    // `--root` on the line decides where it goes.
                    if k != "CARGO_INSTALL_ROOT" {
                        c.env(k, v);
                    }
                }
            }
            let o = {
                let install = line.contains("cargo install");
                let _one = install.then(|| INSTALLING.lock().unwrap_or_else(|e| e.into_inner()));
                c.output().unwrap()
            };
            let code = o.status.code().unwrap_or(-1);
            out.push((
                line.clone(),
                code,
                format!(
                    "{}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                ),
            ));
            if line.contains("cargo install") && code == 0 {
                let bin = p.join(".sessionlint/bin/sessionlint");
                installed_runs(&bin);
                std::fs::remove_file(&bin).unwrap();
                std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sessionlint"), &bin).unwrap();
            }
            if code != 0 {
                break;
            }
        }
        out
    };
    branch(
        p,
        "unsafe",
        &version(3, true, &format!("pub cipher: u16, {EMS}")),
    );
    let r = run(p);
    assert_eq!(r.len(), script.len(), "{r:?}");
    assert_eq!(r.last().unwrap().1, 1, "the gate fails the job: {r:?}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.join(report)).unwrap()).unwrap();
    let issues = doc.as_array().unwrap();
    assert!(
        issues
            .iter()
            .any(|i| i["check_name"] == "ems-accepted-by-older-decoder"
                && i["location"]["path"] == "src/ticket.rs"
                && i["severity"] == "critical"
                && i["fingerprint"].as_str().is_some_and(|f| f.len() == 32)),
        "{doc}"
    );
    branch(
        p,
        "safe",
        &version(
            3,
            true,
            &format!("#[serde(rename = \"suite\", alias = \"cipher\")] pub cipher: u16, {EMS}"),
        ),
    );
    let r = run(p);
    assert!(r.iter().all(|(_, c, _)| *c == 0), "{r:?}");
}

#[test]
fn the_composite_action_runs_as_written() {
    let action: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root().join("action.yml")).unwrap()).unwrap();
    let mut inputs: Vec<(String, String)> = action["inputs"]
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
    for (k, v) in inputs.iter_mut() {
        if k == "upload-sarif" {
            *v = "true".into();
        }
    }
    let list = steps(&action["runs"]["steps"]);
    let installs = tempfile::tempdir().unwrap();
    let d = released_repo();
    let p = d.path();
    let out_file = PathBuf::from(p).join(".github-output");
    let source = root();
    let expand = |v: &str| -> String {
        let mut s = v.to_string();
        for (k, value) in &inputs {
            s = s.replace(&format!("${{{{ inputs.{k} }}}}"), value);
        }
        s = s.replace("${{ github.action_path }}", source.to_str().unwrap());
        // The key step's output, as GitHub passes it on.
        let key = std::fs::read_to_string(&out_file)
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("key=").map(str::to_string))
            .unwrap_or_default();
        s.replace("${{ steps.key.outputs.key }}", &key)
    };
    let env = vec![("GITHUB_OUTPUT".to_string(), out_file.display().to_string())];
    branch(
        p,
        "unsafe",
        &version(3, true, &format!("pub cipher: u16, {EMS}")),
    );
    let r = run_steps(
        &list,
        p,
        PULL_REQUEST,
        &env,
        &inputs,
        &expand,
        installs.path(),
    );
    assert_eq!(
        status(&r, "Install sessionlint from this action's source"),
        Some(0),
        "{r:?}"
    );
    installed_runs(&installs.path().join("bin/sessionlint"));
    let key = std::fs::read_to_string(installs.path().join("bin/.sessionlint-key")).unwrap();
    assert_eq!(
        key.trim().len(),
        32,
        "the binary is keyed on the action's source: {key}"
    );
    assert_eq!(status(&r, "Check"), Some(1), "{r:?}");
    assert!(std::fs::read_to_string(&out_file)
        .unwrap()
        .contains("exit-code=1"));
    assert!(
        sarif_rules(p, "sessionlint.sarif").contains(&"ems-accepted-by-older-decoder".to_string())
    );
    assert_eq!(
        status(&r, "Upload to code scanning"),
        Some(0),
        "asked, so uploaded"
    );
    // GitHub annotations in the log, the default format.
    let log = &r.iter().find(|(n, _, _)| n == "Check").unwrap().2;
    assert!(log.contains("::error file=src/ticket.rs"), "{log}");
    // From a fork: the check decides, nothing is uploaded.
    let r = run_steps(
        &list,
        p,
        FORK_PULL_REQUEST,
        &env,
        &inputs,
        &expand,
        installs.path(),
    );
    assert_eq!(status(&r, "Check"), Some(1), "{r:?}");
    assert_eq!(status(&r, "Upload to code scanning"), None);
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
    let r = run_steps(
        &list,
        p,
        PULL_REQUEST,
        &env,
        &inputs,
        &expand,
        installs.path(),
    );
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
