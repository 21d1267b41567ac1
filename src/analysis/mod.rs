//! Pairs of versions to findings. For each (older decoder, newer encoder) pair it asks three
//! existential questions: is there an EMS session the newer version writes that the older
//! decoder accepts without reading it as EMS; is there a non-EMS session the older decoder
//! still accepts; and is there an older non-EMS session the newer decoder reads as EMS.

mod decode;
mod generate;
mod layout;
mod matrix;
mod outcome;
mod value;

pub use generate::Want;
pub use matrix::{matrix, Cell, Matrix};
pub use outcome::{Out, Pick};
pub use value::Wire;

use crate::encoding::{self, Crossing, Family};
use crate::findings::{Finding, Label, Level};
use crate::rules;
use crate::schema::{Encoding, Role, Schema, Style, TypeDef};
use decode::Dec;
use generate::Gen;

/// What an older decoder does with the sessions a newer encoder writes.
/// `None`: the newer version cannot write a session of that kind at all.
pub fn decode_sessions(decoder: &Schema, encoder: &Schema, want: Want) -> Option<Out> {
    let nf = encoding::facts(encoder.encoding);
    let of = encoding::facts(decoder.encoding);
    let compound = root_is_compound(encoder);
    let crossing = encoding::crossing(decoder.encoding, encoder.encoding, compound);
    let both_packed = of.family == Family::Packed && nf.family == Family::Packed;
    if both_packed && decoder.encoding == encoder.encoding {
        let trailing = decoder.trailing.unwrap_or(of.trailing);
        let packing = match decoder.encoding {
            Encoding::Postcard => layout::Packing::Varint,
            _ => layout::Packing::Fixint,
        };
        return layout::analyse(decoder, encoder, want, trailing, packing);
    }
    // Is there such a session at all? (Packed encoders are described by the same generator.)
    let aval = Gen::new(encoder, nf).root(want)?;
    match crossing {
        Crossing::Rejected(why) => Some(Out::reject(format!(
            "the older decoder reads {} and the newer version writes {}: {why}",
            decoder.encoding, encoder.encoding
        ))),
        Crossing::DataDependent => Some(Out::data_dependent(
            aval.concretize(),
            format!(
                "the older decoder reads {} and the newer version writes {}: whether those bytes decode depends on the data",
                decoder.encoding, encoder.encoding
            ),
        )),
        Crossing::Readable if of.family == Family::Packed || nf.family == Family::Packed => Some(Out::data_dependent(
            aval.concretize(),
            "packed layouts of different encodings".to_string(),
        )),
        Crossing::Readable => Some(Dec::new(decoder).root(&aval)),
    }
}

fn root_is_compound(s: &Schema) -> bool {
    match s.root_def() {
        Some(TypeDef::Struct(st)) => !st.transparent && matches!(st.style, Style::Struct | Style::Tuple),
        Some(TypeDef::Enum(_)) => true,
        None => false,
    }
}

/// Renders a witness in the newer encoding when that encoding is text.
fn sample(enc: Encoding, w: &Wire) -> Option<String> {
    match enc {
        Encoding::Json => Some(w.to_json()),
        Encoding::Yaml => Some(w.to_yaml()),
        Encoding::Toml => Some(w.to_toml()),
        _ => None,
    }
}

/// A witness that real decoders can replay: none when a part of it is not modelled, or when it
/// comes from the packed-layout walk (which tracks shapes, not values).
fn witness(w: &Wire) -> Option<String> {
    fn opaque(w: &Wire) -> bool {
        match w {
            Wire::Opaque(_) => true,
            Wire::Seq(v) => v.iter().any(opaque),
            Wire::Map(m) => m.iter().any(|(_, v)| opaque(v)),
            _ => false,
        }
    }
    (!opaque(w) && *w != Wire::Seq(Vec::new())).then(|| w.to_json())
}

/// A finding for `rule` about `new` (and `old`), located at the newer EMS carrier or type.
pub fn finding(rule: &'static str, old: Option<&Schema>, new: &Schema, message: String) -> Finding {
    let carrier = new.ems_carrier().map(|p| p.carrier().origin.clone());
    let primary_origin = carrier.unwrap_or_else(|| new.origin.clone());
    Finding {
        rule,
        level: rules::level(rule),
        format: new.name.clone(),
        older_version: old.map(|o| o.version),
        newer_version: new.version,
        message,
        file: primary_origin.file.clone(),
        line: primary_origin.line,
        primary: Label { origin: primary_origin, text: format!("{} v{} writes this", new.name, new.version) },
        related: old.map(|o| Label {
            origin: o.origin.clone(),
            text: format!("{} v{} decoder (`{}`)", o.name, o.version, o.root),
        }),
        older_encoding: old.map(|o| o.encoding),
        newer_encoding: new.encoding,
        role: new.role,
        reasons: Vec::new(),
        sample: None,
        witness: None,
        data_dependent: false,
    }
}

fn who(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Server => ("server", "resume"),
        Role::Client => ("client", "offer"),
    }
}

/// Findings about one version alone.
pub fn analyse_version(s: &Schema) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(path) = s.ems_carrier() {
        if Gen::new(s, encoding::facts(s.encoding)).root(Want::Ems).is_none() {
            let mut f = finding(
                rules::EMS_NOT_SERIALIZED,
                None,
                s,
                format!(
                    "{} v{}: the EMS carrier `{}` is never written, so an EMS session is indistinguishable from a non-EMS one",
                    s.name,
                    s.version,
                    path.dotted()
                ),
            );
            f.reasons.push(format!(
                "`{}` (or a field on its path) is skipped by serde when serializing, or sits in a variant the encoder never writes",
                path.dotted()
            ));
            out.push(f);
        }
    }
    out
}

/// Findings for one older decoder against one newer encoder.
pub fn analyse_pair(old: &Schema, new: &Schema) -> Vec<Finding> {
    let mut out = Vec::new();
    let (peer, verb) = who(new.role);
    let new_carrier = new.ems_carrier();
    let old_carrier = old.ems_carrier();

    // 1. EMS sessions of the newer version, read by the older decoder.
    if new_carrier.is_some() {
        if let Some(o) = decode_sessions(old, new, Want::Ems) {
            let hazard = o.plain.clone().map(|p| (p, None)).or(o.dd.clone().map(|(p, why)| (p, Some(why))));
            if let Some((pick, dd)) = hazard {
                let reading = match &old_carrier {
                    None => format!("has no EMS field and would {verb} it without EMS"),
                    Some(p) => format!("does not read it as EMS (its carrier `{}` sees no EMS)", p.dotted()),
                };
                let message = match &dd {
                    None => format!(
                        "an EMS session written by {} v{} is accepted by the v{} {peer}, which {reading}",
                        new.name, new.version, old.version
                    ),
                    Some(_) => format!(
                        "an EMS session written by {} v{} may be accepted by the v{} {peer}, which {reading}; acceptance depends on the data",
                        new.name, new.version, old.version
                    ),
                };
                let mut f = finding(rules::EMS_ACCEPTED_BY_OLDER_DECODER, Some(old), new, message);
                f.reasons = pick.notes.clone();
                if let Some(why) = dd {
                    f.reasons.push(why);
                    f.data_dependent = true;
                }
                f.reasons.push(format!(
                    "RFC 7627 §5.3: a client that gets an abbreviated handshake without EMS for an EMS session aborts the connection"
                ));
                f.sample = sample(new.encoding, &pick.wire);
                f.witness = witness(&pick.wire);
                out.push(f);
            }
        }
    }

    // 2. Non-EMS sessions of the newer version: a rejection costs a full handshake.
    let want = if new_carrier.is_some() { Want::NonEms } else { Want::Any };
    if let Some(o) = decode_sessions(old, new, want) {
        if !o.accepts() {
            let mut f = finding(
                rules::NON_EMS_SESSION_REJECTED_BY_OLDER_DECODER,
                Some(old),
                new,
                format!(
                    "the v{} {peer} rejects every non-EMS session written by {} v{}: a full handshake for each during the rollout",
                    old.version, new.name, new.version
                ),
            );
            f.primary.origin = new.origin.clone();
            f.file = new.origin.file.clone();
            f.line = new.origin.line;
            f.reasons.extend(o.reject);
            out.push(f);
        }
    }

    // 3. Older sessions, read by the newer decoder.
    let want = if old_carrier.is_some() { Want::NonEms } else { Want::Any };
    if let Some(o) = decode_sessions(new, old, want) {
        let read_as_ems = o.ems.clone().map(|p| (p, None)).or(match (&o.dd, &new_carrier) {
            (Some((p, why)), Some(_)) => Some((p.clone(), Some(why.clone()))),
            _ => None,
        });
        if let Some((pick, dd)) = read_as_ems {
            let mut f = finding(
                rules::OLDER_SESSION_READ_AS_EMS,
                Some(old),
                new,
                format!(
                    "the {} v{} decoder {} a non-EMS session written by v{} as EMS",
                    new.name,
                    new.version,
                    if dd.is_some() { "may read" } else { "reads" },
                    old.version
                ),
            );
            f.primary.text = format!("{} v{} reads older sessions here", new.name, new.version);
            f.reasons = pick.notes.clone();
            if let Some(why) = dd {
                f.reasons.push(why);
                f.data_dependent = true;
            }
            f.sample = sample(old.encoding, &pick.wire);
            f.witness = witness(&pick.wire);
            out.push(f);
        } else if !o.accepts() {
            let mut f = finding(
                rules::OLDER_SESSION_REJECTED,
                Some(old),
                new,
                format!(
                    "the {} v{} decoder rejects every session written by v{}: a full handshake for each after the upgrade",
                    new.name, new.version, old.version
                ),
            );
            f.primary.origin = new.origin.clone();
            f.primary.text = format!("{} v{} decoder", new.name, new.version);
            f.file = new.origin.file.clone();
            f.line = new.origin.line;
            f.reasons.extend(o.reject);
            out.push(f);
        }
    }
    out
}

/// Every (older decoder, newer encoder) pair of one format's versions, oldest first.
/// `keep`: how many older versions may still be deployed next to each version (None: all).
pub fn analyse_chain(versions: &[&Schema], keep: Option<usize>) -> Vec<Finding> {
    let mut sorted: Vec<&Schema> = versions.to_vec();
    sorted.sort_by_key(|s| s.version);
    let mut out = Vec::new();
    for (j, new) in sorted.iter().enumerate() {
        out.extend(analyse_version(new));
        let first = keep.map(|k| j.saturating_sub(k)).unwrap_or(0);
        for old in &sorted[first..j] {
            out.extend(analyse_pair(old, new));
        }
    }
    out
}

/// True when any finding fails the run.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.level == Level::Error)
}
