//! Pairs of versions to findings. For each (older decoder, newer encoder) pair it asks three
//! existential questions: is there an EMS session the newer version writes that the older
//! decoder accepts without reading it as EMS; is there a non-EMS session the older decoder
//! still accepts; and is there an older non-EMS session the newer decoder reads as EMS.

mod decode;
mod der;
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
    let out = decode_bytes(decoder, encoder, want)?;
    Some(envelope(decoder, encoder, want, out))
}

/// Checks that live outside the format but were declared with it.
fn envelope(decoder: &Schema, encoder: &Schema, want: Want, out: Out) -> Out {
    if !out.accepts() && out.strict {
        // Already rejected by a check meant to reject; the envelope adds nothing.
        return out;
    }
    if let (Some(d), Some(e)) = (&decoder.envelope.id, &encoder.envelope.id) {
        if d != e {
            return Out::reject(format!(
                "the older decoder expects envelope `{d}` and the newer version writes `{e}`"
            ));
        }
    }
    if decoder.envelope.exact_length && decoder.encoding == encoder.encoding {
        if let Some(packing) = packing(decoder.encoding) {
            let own = layout::size_range(decoder, Want::Any, packing);
            let theirs = layout::size_range(encoder, want, packing);
            if let (Some((lo, hi)), Some((nlo, nhi))) = (own, theirs) {
                if lo == hi && (nhi < lo || nlo > lo) {
                    return Out::reject(format!(
                        "the older decoder accepts only its own length, {lo} bytes, and the newer version writes {}",
                        if nlo == nhi { format!("{nlo}") } else { format!("{nlo} to {nhi}") }
                    ));
                }
            }
        }
    }
    out
}

fn packing(e: Encoding) -> Option<layout::Packing> {
    match e {
        Encoding::Bincode => Some(layout::Packing::Fixint),
        Encoding::Postcard => Some(layout::Packing::Varint),
        Encoding::TlsPositional => Some(layout::Packing::Tls),
        _ => None,
    }
}

fn decode_bytes(decoder: &Schema, encoder: &Schema, want: Want) -> Option<Out> {
    let nf = encoding::facts(encoder.encoding);
    let of = encoding::facts(decoder.encoding);
    if decoder.encoding == encoder.encoding {
        if let Some(p) = packing(decoder.encoding) {
            let trailing = decoder.trailing.unwrap_or(of.trailing);
            return layout::analyse(decoder, encoder, want, trailing, p);
        }
        if decoder.encoding == Encoding::Der {
            return der::analyse(decoder, encoder, want);
        }
    }
    let compound = root_is_compound(encoder);
    let crossing = encoding::crossing(decoder.encoding, encoder.encoding, compound);
    // Is there such a session at all? (Packed encoders are described by the same generator.)
    let aval = Gen::new(encoder, nf).root(want)?;
    match crossing {
        Crossing::Rejected(why) => Some(Out::reject_strict(format!(
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
        Crossing::Readable if of.family != Family::Map && of.family != Family::Array => Some(Out::data_dependent(
            aval.concretize(),
            "layouts of different encodings".to_string(),
        )),
        Crossing::Readable => Some(Dec::new(decoder).root(&aval)),
    }
}

fn root_is_compound(s: &Schema) -> bool {
    match s.root_def() {
        Some(TypeDef::Struct(st)) => {
            !st.transparent && matches!(st.style, Style::Struct | Style::Tuple)
        }
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

/// The most specific rule for an older decoder that accepts newer EMS sessions as non-EMS.
fn hazard_rule(old: &Schema, new: &Schema, pick: &Pick) -> &'static str {
    let old_carrier = old.ems_carrier();
    if old_carrier
        .as_ref()
        .is_some_and(|p| p.carrier().session.ignored)
    {
        return rules::FIELD_READ_BUT_IGNORED;
    }
    let Some(path) = new.ems_carrier() else {
        return rules::EMS_ACCEPTED_BY_OLDER_DECODER;
    };
    let carrier = path.carrier();
    let suffix = format!(".{}", carrier.ident);
    if pick.swallowed.iter().any(|l| l.ends_with(&suffix)) {
        return rules::OPTIONAL_TAIL_SWALLOWS_FIELD;
    }
    if let crate::schema::EmsMarker::Mask { mask } =
        carrier.session.ems.as_ref().expect("a carrier")
    {
        // The same flags word in the older version, kept whole: no known_bits, and the new EMS
        // bit is not the older EMS bit.
        let unmasked = old.types.values().any(|d| match d {
            TypeDef::Struct(s) => s.fields.iter().any(|f| {
                f.ident == carrier.ident
                    && matches!(f.ty, crate::schema::Ty::Int { .. })
                    && f.session.known_bits.is_none()
                    && !matches!(f.session.ems, Some(crate::schema::EmsMarker::Mask { mask: m }) if m & mask != 0)
            }),
            TypeDef::Enum(_) => false,
        });
        if unmasked {
            return rules::UNMASKED_FLAG_BITS;
        }
    }
    rules::EMS_ACCEPTED_BY_OLDER_DECODER
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
        primary: Label {
            origin: primary_origin,
            text: format!("{} v{} writes this", new.name, new.version),
        },
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
        if Gen::new(s, encoding::facts(s.encoding))
            .root(Want::Ems)
            .is_none()
        {
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
            let hazard = o
                .plain
                .clone()
                .map(|p| (p, None))
                .or(o.dd.clone().map(|(p, why)| (p, Some(why))));
            if let Some((pick, dd)) = hazard {
                let rule = hazard_rule(old, new, &pick);
                let reading = match &old_carrier {
                    None => format!("has no EMS field and would {verb} it without EMS"),
                    Some(p) if p.carrier().session.ignored => {
                        format!(
                            "reads `{}` but does not act on it, and would {verb} it without EMS",
                            p.dotted()
                        )
                    }
                    Some(p) => format!(
                        "does not read it as EMS (its carrier `{}` sees no EMS)",
                        p.dotted()
                    ),
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
                let mut f = finding(rule, Some(old), new, message);
                f.reasons = pick.notes.clone();
                if let Some(why) = dd {
                    f.reasons.push(why);
                    f.data_dependent = true;
                }
                f.reasons.push(
                    "RFC 7627 §5.3: a client that gets an abbreviated handshake without EMS for an EMS session aborts the connection"
                        .to_string(),
                );
                f.sample = sample(new.encoding, &pick.wire);
                f.witness = witness(&pick.wire);
                out.push(f);
            } else if o.ems.is_none() && !o.strict {
                let why = o.reject.clone().unwrap_or_default();
                let mut f = finding(
                    rules::REJECTION_BY_ACCIDENT,
                    Some(old),
                    new,
                    format!(
                        "the v{} {peer} rejects EMS sessions of {} v{} only by accident: {why}",
                        old.version, new.name, new.version
                    ),
                );
                f.reasons.push("no version check, strict trailing-bytes or unknown-field policy of the older decoder rejects them: the next refactor may make it accept".into());
                out.push(f);
            }
        }
    }

    // 2. Non-EMS sessions of the newer version: a rejection costs a full handshake.
    let want = if new_carrier.is_some() {
        Want::NonEms
    } else {
        Want::Any
    };
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
    let want = if old_carrier.is_some() {
        Want::NonEms
    } else {
        Want::Any
    };
    if let Some(o) = decode_sessions(new, old, want) {
        let read_as_ems = o
            .ems
            .clone()
            .map(|p| (p, None))
            .or(match (&o.dd, &new_carrier) {
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
