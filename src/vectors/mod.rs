//! Conformance vectors: the verdict turned outward. For every version's encoder and every kind of
//! session (EMS, non-EMS, each critical property set and unset), the exact bytes it writes, and
//! for every decoder version deployed with it what sessionlint predicts that decoder does with
//! them: refuse, resume without the property, resume with it, or (where the model cannot tell
//! from the bytes alone) depend on the data. A real decoder run on the bytes confirms or refutes
//! the model (`crate::conformance`). Deterministic: the same inputs give the same document.
//!
//! The bytes come from the generator the witness samples use (serde encodings, `serial`) and
//! from the model codec of hand-written layouts (`wire`); the predictions from the same walkers
//! the rules read, on the concrete session where the encoding allows (self-describing
//! encodings, hand-written layouts), else from the pair's verdict for that kind of session.

#[doc(hidden)]
pub mod serial;
#[doc(hidden)]
pub mod wire;

use crate::analysis::{self, Direction, Kind, Reading, Want};
use crate::deployment::Deployment;
use crate::findings::evidence::{joined, words};
use crate::schema::{Encoding, Schema};
use serde::{Deserialize, Serialize};

/// The version of the vectors document; a consumer checks it.
pub const FORMAT_VERSION: u32 = 1;

/// The document `sessionlint vectors` writes: the vectors of each format asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VectorSet {
    /// Always `FORMAT_VERSION` for this document's layout.
    pub sessionlint_vectors: u32,
    /// One entry per format, by name.
    pub formats: Vec<Vectors>,
}

impl VectorSet {
    /// The set of these formats' vectors.
    pub fn new(formats: Vec<Vectors>) -> VectorSet {
        VectorSet {
            sessionlint_vectors: FORMAT_VERSION,
            formats,
        }
    }
}

/// Every vector of one session format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vectors {
    /// The format's name.
    pub format: String,
    /// Who keeps the sessions: servers (tickets, caches) or clients (client caches).
    pub role: crate::schema::Role,
    /// The versions described, oldest first.
    pub versions: Vec<u32>,
    /// Every vector, by encoder version, property, kind.
    pub vectors: Vec<Vector>,
    /// Sessions no vector could be written for (a part written by code sessionlint does not
    /// model), and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
}

/// A kind of session of one version with no vector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The version whose encoder writes it.
    pub encoder: u32,
    /// `ems` or a critical property's name, and whether the sessions have it.
    pub property: String,
    /// Whether the sessions have the property.
    pub with: bool,
    /// Why no bytes could be written.
    pub why: String,
}

/// One session, as one version writes it, and what each decoder is predicted to do with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vector {
    /// Stable within the document: `v2-ems-0`, `v2-quic-set-1`.
    pub id: String,
    /// The version whose encoder wrote it.
    pub encoder: u32,
    /// The encoding it is written in.
    pub encoding: Encoding,
    /// `ems` or a critical property's name.
    pub property: String,
    /// Whether the writer made a session with the property (an EMS session, for `ems`).
    pub with: bool,
    /// The encoded session: hex for binary encodings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex: Option<String>,
    /// The encoded session for text encodings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// One per decoder version deployed with the encoder (itself included).
    pub predictions: Vec<Prediction>,
}

/// What one decoder is predicted to do with a vector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prediction {
    /// The decoder's version.
    pub decoder: u32,
    /// What it does with the vector's bytes.
    pub outcome: Outcome,
    /// For `depends`: the outcomes the model allows for these bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub possible: Vec<Outcome>,
    /// Why, in the model's words.
    pub why: String,
}

/// What a decoder does with a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Not resumed: a full handshake (a parse failure, a check, or a check after parsing).
    Refuse,
    /// Resumed, without the property (a non-EMS session, for `ems`).
    ResumeWithout,
    /// Resumed, with the property.
    ResumeWith,
    /// The model cannot tell from these bytes; `possible` says what it allows.
    Depends,
}

impl Outcome {
    /// The outcome as the document writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Refuse => "refuse",
            Outcome::ResumeWithout => "resume-without",
            Outcome::ResumeWith => "resume-with",
            Outcome::Depends => "depends",
        }
    }
}

/// How many sessions of one kind a version contributes at most (the model codec's samples:
/// optional fields present and absent, lists empty and not).
const SAMPLES_PER_KIND: usize = 4;

/// The vectors of one format's versions (`versions`, one schema each), each decoder predicted
/// for the encoders deployed beside it (`fleet`).
pub fn build(versions: &[&Schema], fleet: Deployment) -> Result<Vectors, String> {
    let mut sorted: Vec<&Schema> = versions.to_vec();
    sorted.sort_by_key(|s| s.version);
    let first = *sorted.first().ok_or("no version to write vectors for")?;
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for (j, enc) in sorted.iter().enumerate() {
        let decoders: Vec<&Schema> = sorted
            .iter()
            .enumerate()
            .filter(|(i, _)| fleet.together(*i, j))
            .map(|(_, s)| *s)
            .collect();
        let mut properties = vec!["ems".to_string()];
        properties.extend(enc.properties());
        for p in &properties {
            let projected = |s: &Schema| {
                if p == "ems" {
                    s.clone()
                } else {
                    s.project(p)
                }
            };
            let enc_p = projected(enc);
            let decs: Vec<Schema> = decoders.iter().map(|d| projected(d)).collect();
            for with in [true, false] {
                let want = if with { Want::Ems } else { Want::NonEms };
                let sessions = match sessions(&enc_p, want) {
                    Ok(s) => s,
                    Err(why) => {
                        skipped.push(Skipped {
                            encoder: enc.version,
                            property: p.clone(),
                            with,
                            why,
                        });
                        continue;
                    }
                };
                let tag = match (p.as_str(), with) {
                    ("ems", true) => "ems".to_string(),
                    ("ems", false) => "non-ems".to_string(),
                    (p, true) => format!("{p}-set"),
                    (p, false) => format!("{p}-unset"),
                };
                for (n, s) in sessions.into_iter().enumerate() {
                    let predictions = decs.iter().map(|d| predict(d, &enc_p, &s, with)).collect();
                    let (hex, text) = match &s.encoded {
                        serial::Encoded::Text(t) => (None, Some(t.clone())),
                        serial::Encoded::Bytes(b) => (Some(hex(b)), None),
                    };
                    out.push(Vector {
                        id: format!("v{}-{tag}-{n}", enc.version),
                        encoder: enc.version,
                        encoding: enc.encoding,
                        property: p.clone(),
                        with,
                        hex,
                        text,
                        predictions,
                    });
                }
            }
        }
    }
    Ok(Vectors {
        format: first.name.clone(),
        role: first.role,
        versions: sorted.iter().map(|s| s.version).collect(),
        vectors: out,
        skipped,
    })
}

/// One written session: its encoding, and how the model holds it.
struct Session {
    encoded: serial::Encoded,
    model: Model,
}

enum Model {
    Wire(wire::Values),
    Serde(analysis::Wire),
}

/// The sessions of kind `want` that `s` writes (none when it writes no such session).
fn sessions(s: &Schema, want: Want) -> Result<Vec<Session>, String> {
    if wire::handles(s.encoding) {
        let with = want == Want::Ems;
        let mut out: Vec<Session> = Vec::new();
        for (v, ems) in wire::samples(&s.as_writer(), false) {
            if ems != with {
                continue;
            }
            let bytes =
                wire::encode(s, &v).map_err(|e| format!("{} v{}: {e}", s.name, s.version))?;
            if out
                .iter()
                .any(|x| x.encoded == serial::Encoded::Bytes(bytes.clone()))
            {
                continue;
            }
            out.push(Session {
                encoded: serial::Encoded::Bytes(bytes),
                model: Model::Wire(v),
            });
            if out.len() == SAMPLES_PER_KIND {
                break;
            }
        }
        return Ok(out);
    }
    let Some(w) = analysis::sample_session(s, want) else {
        return Ok(Vec::new());
    };
    let encoded = serial::encode(s, &w).map_err(|e| format!("{} v{}: {e}", s.name, s.version))?;
    Ok(vec![Session {
        encoded,
        model: Model::Serde(w),
    }])
}

/// What decoder `d` does with session `s` of `enc` (with the property, or without).
fn predict(d: &Schema, enc: &Schema, s: &Session, with: bool) -> Prediction {
    let p = |outcome, why: String| Prediction {
        decoder: d.version,
        outcome,
        possible: Vec::new(),
        why,
    };
    match &s.model {
        Model::Wire(v) => {
            let bytes = match &s.encoded {
                serial::Encoded::Bytes(b) => b,
                serial::Encoded::Text(_) => unreachable!("wire sessions are bytes"),
            };
            match wire::decode(d, enc, bytes) {
                Err(r) => p(Outcome::Refuse, r.why().to_string()),
                Ok(read) => {
                    let _ = v;
                    if wire::is_ems(d, &read) {
                        p(Outcome::ResumeWith, "read with the property".into())
                    } else {
                        p(Outcome::ResumeWithout, "read without the property".into())
                    }
                }
            }
        }
        Model::Serde(w) => match analysis::decode_value(d, enc, w) {
            Some(out) => from_out(d.version, &out, Direction::of(d.version, enc.version)),
            None => {
                let kind = if with { Kind::Ems } else { Kind::NonEms };
                match analysis::reading(d, enc, kind) {
                    Some(r) => from_reading(d.version, &r),
                    None => p(Outcome::Depends, "no reading of this kind".into()),
                }
            }
        },
    }
}

/// The outcome of one concrete value.
fn from_out(decoder: u32, o: &analysis::Out, direction: Direction) -> Prediction {
    if let Some((_, c)) = &o.dd {
        return Prediction {
            decoder,
            outcome: Outcome::Depends,
            possible: vec![Outcome::Refuse, Outcome::ResumeWithout, Outcome::ResumeWith],
            why: words(c, direction),
        };
    }
    let mut possible = Vec::new();
    if o.ems.is_some() {
        possible.push(Outcome::ResumeWith);
    }
    if o.plain.is_some() {
        possible.push(Outcome::ResumeWithout);
    }
    // Accepted only if code sessionlint does not run accepts the value: it may refuse it.
    let conditional = [&o.ems, &o.plain]
        .into_iter()
        .flatten()
        .any(|p| !p.conditions.is_empty());
    if o.reject.is_some() || possible.is_empty() || conditional {
        possible.push(Outcome::Refuse);
    }
    let why = o
        .reject
        .as_ref()
        .filter(|_| possible == [Outcome::Refuse])
        .map(|x| words(x, direction))
        .or_else(|| {
            o.ems
                .as_ref()
                .or(o.plain.as_ref())
                .map(|x| joined(&x.notes, direction, "; "))
        })
        .unwrap_or_default();
    possible.sort();
    decided(decoder, possible, why)
}

/// The outcome of a kind of session, from the pair's reading of every session of that kind.
fn from_reading(decoder: u32, r: &Reading) -> Prediction {
    let mut possible = Vec::new();
    if r.with_ems.is_some() {
        possible.push(Outcome::ResumeWith);
    }
    if r.without_ems.is_some() {
        possible.push(Outcome::ResumeWithout);
    }
    if r.rejection.is_some() {
        possible.push(Outcome::Refuse);
    }
    let notes = |x: &analysis::Pick| joined(&x.notes, r.direction, "; ");
    let mut why = r
        .rejection
        .as_ref()
        .map(|x| words(&x.why, r.direction))
        .or_else(|| r.with_ems.as_ref().map(notes))
        .or_else(|| r.without_ems.as_ref().map(notes))
        .unwrap_or_default();
    if let Some(d) = &r.depends {
        possible.extend([Outcome::ResumeWith, Outcome::ResumeWithout, Outcome::Refuse]);
        why = words(&d.condition, r.direction);
    }
    possible.sort();
    possible.dedup();
    decided(decoder, possible, why)
}

/// One outcome when only one is possible, else `depends` listing them.
fn decided(decoder: u32, possible: Vec<Outcome>, why: String) -> Prediction {
    match possible.as_slice() {
        [one] => Prediction {
            decoder,
            outcome: *one,
            possible: Vec::new(),
            why,
        },
        _ => Prediction {
            decoder,
            outcome: Outcome::Depends,
            possible,
            why,
        },
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The bytes a vector holds (hex decoded, or the text's bytes).
pub fn bytes_of(v: &Vector) -> Result<Vec<u8>, String> {
    if let Some(t) = &v.text {
        return Ok(t.as_bytes().to_vec());
    }
    let h = v
        .hex
        .as_deref()
        .ok_or_else(|| format!("{}: no bytes", v.id))?;
    if h.len() % 2 != 0 {
        return Err(format!("{}: odd hex", v.id));
    }
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).map_err(|e| format!("{}: {e}", v.id)))
        .collect()
}
