//! For users who prefer `cargo test` to a CLI step: check a session type against the committed
//! snapshots of its format, and fail with the report the CLI prints.

use crate::findings::Level;
use crate::project::Project;
use crate::report::SourceMap;
use crate::report::{self, Summary};
use crate::schema::Ty;
use crate::snapshot;
use crate::SessionState;
use std::path::{Path, PathBuf};

/// Panics with the sessionlint report when rolling out `T` next to the released versions in
/// `$CARGO_MANIFEST_DIR/session-schemas/` is unsafe (the panic points at the caller's test).
///
/// ```no_run
/// # use serde::{Deserialize, Serialize};
/// # use sessionlint::SessionState;
/// #[derive(Serialize, Deserialize, SessionState)]
/// #[session(name = "ticket", version = 3, encoding = "json")]
/// pub struct TicketV3 {
///     pub cipher_suite: u16,
///     #[session(ems)]
///     pub extended_master_secret: bool,
/// }
///
/// // In a test: `#[test] fn ticket_v3_is_rollout_safe() { ... }`
/// sessionlint::assert_rollout_safe::<TicketV3>();
/// ```
#[track_caller]
pub fn assert_rollout_safe<T: SessionState>() {
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    if let Err(report) = rollout_report::<T>(&root.join(snapshot::DEFAULT_DIR)) {
        panic!("{report}");
    }
}

/// `Err(report)` when a finding of error level involves `T` as the newer version, or when there is
/// nothing to compare `T` with (a check against no released version would pass vacuously).
///
/// ```
/// # use serde::{Deserialize, Serialize};
/// # use sessionlint::SessionState;
/// #[derive(Serialize, Deserialize, SessionState)]
/// #[session(name = "ticket", version = 3, encoding = "json")]
/// pub struct TicketV3 {
///     pub cipher_suite: u16,
///     #[session(ems)]
///     pub extended_master_secret: bool,
/// }
///
/// // No version recorded yet: the check refuses rather than passing vacuously.
/// let project = tempfile::tempdir().unwrap();
/// let report = sessionlint::rollout_report::<TicketV3>(&project.path().join("session-schemas"));
/// assert!(report.unwrap_err().contains("no released version of `ticket`"));
/// ```
pub fn rollout_report<T: SessionState>(snapshot_dir: &Path) -> Result<(), String> {
    let mut map = SourceMap::default();
    let project = match Project::find(snapshot_dir.parent().unwrap_or(Path::new("."))) {
        Ok(p) => p,
        Err(p) => return Err(report::human::render_problem(&p, &map, false)),
    };
    let (released, problems) = snapshot::read_all(snapshot_dir, &project, &mut map);
    if !problems.is_empty() {
        return Err(rendered(&problems, &map));
    }
    let schema = T::schema();
    complete::<T>(&schema)?;
    // The derive's run-time schema passes the same validation as every other schema.
    if let Some(p) = schema.validate().into_iter().next() {
        return Err(report::human::render_problem(&p, &map, false));
    }
    let released: Vec<_> = released.into_iter().filter(|s| s.name == T::NAME).collect();
    if released.is_empty() {
        return Err(format!(
            "no released version of `{}` to compare v{} with in {}: record the versions deployed today with `sessionlint snapshot` (or `cargo sessionlint snapshot`) from the crate root and commit {}; a check against nothing would pass without checking anything",
            T::NAME,
            T::VERSION,
            snapshot_dir.display(),
            snapshot_dir.display()
        ));
    }
    // The derive sees one item, never a `default = "path"` function: where the snapshot of this
    // version recorded the value `sessionlint snapshot` read, take it.
    let mut schema = schema;
    if let Some(r) = released.iter().find(|r| r.version == schema.version) {
        schema.adopt_defaults(r);
    }
    // The same review as `sessionlint check`, with the crate's configuration (levels, allows).
    let cfg = crate::config::load(&project, &mut map).map_err(|ps| rendered(&ps, &map))?;
    let gathered = crate::review::Gathered {
        fleet: crate::deployment::Deployment::keeping(cfg.keep),
        cfg,
        current: vec![schema],
        released,
        early: Vec::new(),
        notes: Vec::new(),
        files: 0,
        builds: 1,
    };
    let review = crate::review::judge(gathered, false).map_err(|ps| rendered(&ps, &map))?;
    let mut findings = review.findings;
    findings.retain(|f| f.newer_version == T::VERSION);
    if findings.iter().any(|f| f.level == Level::Error) {
        let summary = Summary {
            formats: 1,
            ..Summary::count(&findings, 1, review.summary.versions, review.summary.pairs)
        };
        return Err(report::human::render(&findings, &summary, &map, false));
    }
    Ok(())
}

/// Problems as the CLI prints them.
fn rendered(problems: &[crate::extract::Problem], map: &SourceMap) -> String {
    problems
        .iter()
        .map(|p| report::human::render_problem(p, map, false))
        .collect()
}

/// `T`'s schema names only types that derive SessionState: else it is incomplete.
fn complete<T: SessionState>(schema: &crate::schema::Schema) -> Result<(), String> {
    for def in schema.types.values() {
        for f in def.fields() {
            for n in Ty::named_types(&f.ty) {
                if !schema.types.contains_key(n) {
                    return Err(format!(
                        "type `{n}` (field `{}` of `{}`) does not derive SessionState, so the schema of {} v{} is incomplete: add #[derive(SessionState)] to it (a type without `version` is a part)",
                        f.ident,
                        def.name(),
                        T::NAME,
                        T::VERSION
                    ));
                }
            }
        }
    }
    Ok(())
}
