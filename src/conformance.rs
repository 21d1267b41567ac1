//! The conformance harness: a real decoder judges sessionlint's model of it. Give it the vectors
//! (`sessionlint vectors`, or [`vectors_at`]) and a closure that runs the real decoder on a
//! vector's bytes and says what it observed; it fails with a table of every vector where the
//! decoder disagrees with the schema. A schema file is a claim until its decoder confirms it.
//!
//! ```no_run
//! use sessionlint::conformance::{self, Observed};
//! // A hand-written codec: its versions described by schema files under `session-schemas/`.
//! let v = conformance::vectors_at("session-schemas", "ticket").unwrap();
//! conformance::assert_conforms(&v, 3, |vector, bytes| match my_codec_read(bytes) {
//!     Some(s) => Observed::resumed(s.extended_ms),
//!     None => Observed::Refused,
//! });
//! # fn my_codec_read(_: &[u8]) -> Option<S> { None }
//! # struct S { extended_ms: bool }
//! ```

use crate::deployment::Deployment;
use crate::report::SourceMap;
use crate::review;
use crate::schema::Schema;
use crate::vectors::{self, Outcome, Vector, Vectors};
use crate::SessionState;
use std::path::Path;

/// What a real decoder did with a vector's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observed {
    /// Not resumed: the bytes did not parse, or a check after parsing refused them.
    Refused,
    /// Resumed, with or without the vector's property (EMS, or the critical property it names).
    Resumed {
        /// Whether the resumed session has the property.
        with: bool,
    },
    /// A real handshake with a client that offers EMS did not resume the session. RFC 7627
    /// §5.3 forbids resuming a non-EMS session on such a connection, so this agrees with a
    /// refusal and with a session read without EMS alike (what a handshake can tell).
    NotResumedWithEmsClient,
}

impl Observed {
    /// Resumed, with the property or not.
    pub fn resumed(with: bool) -> Observed {
        Observed::Resumed { with }
    }

    /// The outcomes this observation is, or may be.
    fn outcomes(self) -> &'static [Outcome] {
        match self {
            Observed::Refused => &[Outcome::Refuse],
            Observed::Resumed { with: true } => &[Outcome::ResumeWith],
            Observed::Resumed { with: false } => &[Outcome::ResumeWithout],
            Observed::NotResumedWithEmsClient => &[Outcome::Refuse, Outcome::ResumeWithout],
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Observed::Refused => "refuse",
            Observed::Resumed { with: true } => "resume-with",
            Observed::Resumed { with: false } => "resume-without",
            Observed::NotResumedWithEmsClient => "full handshake",
        }
    }
}

/// One vector where the real decoder and the model disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    /// The vector's id (`v2-ems-0`).
    pub vector: String,
    /// What the model predicted (`depends` lists what it allowed).
    pub predicted: String,
    /// What the real decoder did.
    pub observed: String,
    /// The model's reason.
    pub why: String,
}

/// What a run of the harness found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Vectors whose prediction for the decoder was held against the real decoder.
    pub checked: usize,
    /// Of those, the ones where the real decoder did something the model does not allow.
    pub disagreements: Vec<Disagreement>,
}

impl Report {
    /// The disagreements as a table, one line each.
    pub fn table(&self) -> String {
        let mut s = format!(
            "{} of {} vectors disagree with the model\n{:<22} {:<40} {:<16} why\n",
            self.disagreements.len(),
            self.checked,
            "vector",
            "predicted",
            "observed"
        );
        for d in &self.disagreements {
            s.push_str(&format!(
                "{:<22} {:<40} {:<16} {}\n",
                d.vector, d.predicted, d.observed, d.why
            ));
        }
        s
    }
}

/// Runs the real decoder of version `decoder` on every vector predicted for it, and compares.
pub fn check(
    vectors: &Vectors,
    decoder: u32,
    mut run: impl FnMut(&Vector, &[u8]) -> Observed,
) -> Result<Report, String> {
    let mut report = Report::default();
    for v in &vectors.vectors {
        let Some(p) = v.predictions.iter().find(|p| p.decoder == decoder) else {
            continue;
        };
        let bytes = vectors::bytes_of(v)?;
        let observed = run(v, &bytes);
        let seen = observed.outcomes();
        report.checked += 1;
        let agrees = match p.outcome {
            Outcome::Depends => seen.iter().any(|o| p.possible.contains(o)),
            o => seen.contains(&o),
        };
        if !agrees {
            let predicted = match p.outcome {
                Outcome::Depends => format!(
                    "depends ({})",
                    p.possible
                        .iter()
                        .map(|o| o.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                o => o.as_str().to_string(),
            };
            report.disagreements.push(Disagreement {
                vector: v.id.clone(),
                predicted,
                observed: observed.describe().to_string(),
                why: p.why.clone(),
            });
        }
    }
    if report.checked == 0 {
        return Err(format!(
            "no vector of `{}` is predicted for decoder v{decoder} (versions: {:?})",
            vectors.format, vectors.versions
        ));
    }
    Ok(report)
}

/// `check`, panicking with the table of disagreements (for a `#[test]`).
#[track_caller]
pub fn assert_conforms(
    vectors: &Vectors,
    decoder: u32,
    run: impl FnMut(&Vector, &[u8]) -> Observed,
) -> Report {
    match check(vectors, decoder, run) {
        Ok(r) if r.disagreements.is_empty() => r,
        Ok(r) => panic!(
            "the real decoder v{decoder} of `{}` disagrees with its schema:\n{}",
            vectors.format,
            r.table()
        ),
        Err(e) => panic!("{e}"),
    }
}

/// The top-level elements of a DER `SEQUENCE` as (tag byte, contents), for reading what a DER
/// codec wrote back (OpenSSL's `[13]` flags, BoringSSL's `[17]`): empty when `der` is not a
/// SEQUENCE; the walk stops at the first malformed element.
pub fn der_elements(der: &[u8]) -> Vec<(u8, &[u8])> {
    fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = b.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (first as usize, rest)
        } else {
            let n = (first & 0x7f) as usize;
            if n > std::mem::size_of::<usize>() {
                return None;
            }
            let len = rest
                .get(..n)?
                .iter()
                .fold(0usize, |a, x| (a << 8) | *x as usize);
            (len, rest.get(n..)?)
        };
        Some((tag, rest.get(..len)?, &rest[len..]))
    }
    let mut out = Vec::new();
    let Some((0x30, mut body, _)) = tlv(der) else {
        return out;
    };
    while let Some((tag, contents, rest)) = tlv(body) {
        out.push((tag, contents));
        body = rest;
    }
    out
}

/// The vectors of format `format` under `path` (sources, snapshots and schema files, read as
/// `sessionlint vectors` reads them).
pub fn vectors_at(path: impl AsRef<Path>, format: &str) -> Result<Vectors, String> {
    let mut map = SourceMap::default();
    let inp = review::inputs(path.as_ref(), None, &mut map).map_err(|ps| {
        ps.iter()
            .map(|p| format!("{}:{}: {}", p.origin.file, p.origin.line, p.message))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let chains = crate::history::chains(inp.current, inp.released);
    let chain = chains.get(format).ok_or_else(|| {
        format!(
            "no format `{format}` under {} (formats: {})",
            path.as_ref().display(),
            chains.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    })?;
    let versions: Vec<&Schema> = crate::history::versions(chain)
        .into_iter()
        .flatten()
        .collect();
    vectors::build(&versions, Deployment::keeping(inp.cfg.keep))
}

/// For a derive user: the current version `T`, as compiled, against its model. The vectors are
/// those of `T`'s schema and the released versions recorded in
/// `$CARGO_MANIFEST_DIR/session-schemas/`; `run` decodes bytes as `T` with the crate the format
/// uses (`serde_json::from_slice::<T>`) and says whether the session has the vector's property.
/// Every session `T` writes must read back as written, and every older session as the model says,
/// so the model of each version is proven while it is current.
///
/// ```
/// # use serde::{Deserialize, Serialize};
/// # use sessionlint::SessionState;
/// use sessionlint::conformance::{assert_type_conforms, Observed};
///
/// #[derive(Serialize, Deserialize, SessionState)]
/// #[session(name = "ticket", version = 3, encoding = "json")]
/// pub struct TicketV3 {
///     pub cipher_suite: u16,
///     #[session(ems)]
///     pub extended_master_secret: bool,
/// }
///
/// // In a test: `#[test] fn ticket_v3_reads_as_modelled() { ... }`
/// assert_type_conforms::<TicketV3>(|_, bytes| match serde_json::from_slice::<TicketV3>(bytes) {
///     Ok(t) => Observed::resumed(t.extended_master_secret),
///     Err(_) => Observed::Refused,
/// });
/// ```
#[track_caller]
pub fn assert_type_conforms<T: SessionState>(
    run: impl FnMut(&Vector, &[u8]) -> Observed,
) -> Report {
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    let dir = root.join(crate::snapshot::DEFAULT_DIR);
    match type_conformance::<T>(&dir, run) {
        Ok(r) if r.disagreements.is_empty() => r,
        Ok(r) => panic!(
            "`{}` v{} as compiled disagrees with its schema:\n{}",
            T::NAME,
            T::VERSION,
            r.table()
        ),
        Err(e) => panic!("{e}"),
    }
}

/// `assert_type_conforms` with the snapshots in `snapshot_dir`, returning the report.
pub fn type_conformance<T: SessionState>(
    snapshot_dir: &Path,
    run: impl FnMut(&Vector, &[u8]) -> Observed,
) -> Result<Report, String> {
    let mut map = SourceMap::default();
    let mut released: Vec<Schema> = Vec::new();
    if snapshot_dir.is_dir() {
        let project =
            crate::project::Project::find(snapshot_dir.parent().unwrap_or(Path::new(".")))
                .map_err(|p| p.message)?;
        let (schemas, problems) = crate::snapshot::read_all(snapshot_dir, &project, &mut map);
        if let Some(p) = problems.first() {
            return Err(format!("{}: {}", p.origin.file, p.message));
        }
        released = schemas;
    }
    let mine = T::schema();
    let mut versions: Vec<&Schema> = released
        .iter()
        .filter(|s| s.name == T::NAME && s.version != T::VERSION)
        .collect();
    versions.push(&mine);
    let vectors = vectors::build(&versions, Deployment::ALL)?;
    check(&vectors, T::VERSION, run)
}
