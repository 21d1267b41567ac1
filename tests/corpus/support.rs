//! The differential harness: the real crates encode with the newer type and decode with the
//! older one; the analyzer must agree with what they did.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sessionlint::extract::{self, SourceFile};
use sessionlint::findings::Finding;
use sessionlint::rules;
use sessionlint::schema::{
    Accepts, EmsMarker, Encoding, EnumRepr, Field, Schema, Style, Trailing, Ty, TypeDef,
};
use sessionlint::snapshot;
use sessionlint::SessionState;
use std::io::Cursor;

pub fn encode<T: Serialize>(enc: Encoding, v: &T) -> Result<Vec<u8>, String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    match enc {
        Encoding::Json => serde_json::to_vec(v).map_err(|x| e(&x)),
        Encoding::Toml => toml::to_string(v)
            .map(String::into_bytes)
            .map_err(|x| e(&x)),
        Encoding::Yaml => serde_yaml::to_string(v)
            .map(String::into_bytes)
            .map_err(|x| e(&x)),
        Encoding::Cbor => {
            let mut out = Vec::new();
            ciborium::into_writer(v, &mut out).map_err(|x| e(&x))?;
            Ok(out)
        }
        Encoding::Msgpack => rmp_serde::to_vec(v).map_err(|x| e(&x)),
        Encoding::MsgpackNamed => rmp_serde::to_vec_named(v).map_err(|x| e(&x)),
        Encoding::Bincode => bincode::serialize(v).map_err(|x| e(&x)),
        Encoding::Postcard => postcard::to_allocvec(v).map_err(|x| e(&x)),
        Encoding::Der | Encoding::TlsPositional => Err("not a serde encoding".into()),
    }
}

/// The decode calls of `crate-behaviour.md`, with the `trailing = "reject"` variants.
pub fn decode<T: DeserializeOwned>(
    enc: Encoding,
    trailing: Option<Trailing>,
    bytes: &[u8],
) -> Result<T, String> {
    let reject = trailing == Some(Trailing::Reject);
    let text = || std::str::from_utf8(bytes).map_err(|e| e.to_string());
    match enc {
        Encoding::Json => serde_json::from_slice(bytes).map_err(|e| e.to_string()),
        Encoding::Toml => toml::from_str(text()?).map_err(|e| e.to_string()),
        Encoding::Yaml => serde_yaml::from_str(text()?).map_err(|e| e.to_string()),
        Encoding::Cbor => {
            let mut rest: &[u8] = bytes;
            let v = ciborium::from_reader(&mut rest).map_err(|e| e.to_string())?;
            if reject && !rest.is_empty() {
                return Err(format!("{} trailing bytes", rest.len()));
            }
            Ok(v)
        }
        Encoding::Msgpack | Encoding::MsgpackNamed => {
            if reject {
                let mut de = rmp_serde::Deserializer::new(Cursor::new(bytes));
                let v = T::deserialize(&mut de).map_err(|e| e.to_string())?;
                if de.position() as usize != bytes.len() {
                    return Err("trailing bytes".into());
                }
                Ok(v)
            } else {
                rmp_serde::from_slice(bytes).map_err(|e| e.to_string())
            }
        }
        Encoding::Bincode => {
            if reject {
                use bincode::Options;
                bincode::options()
                    .with_fixint_encoding()
                    .reject_trailing_bytes()
                    .deserialize(bytes)
                    .map_err(|e| e.to_string())
            } else {
                bincode::deserialize(bytes).map_err(|e| e.to_string())
            }
        }
        Encoding::Postcard => {
            if reject {
                let (v, rest) = postcard::take_from_bytes(bytes).map_err(|e| e.to_string())?;
                if !rest.is_empty() {
                    return Err(format!("{} trailing bytes", rest.len()));
                }
                Ok(v)
            } else {
                postcard::from_bytes(bytes).map_err(|e| e.to_string())
            }
        }
        Encoding::Der | Encoding::TlsPositional => Err("not a serde encoding".into()),
    }
}

/// What a decoder made of one value, with its declared checks (`accepts`, `known_bits`) applied.
#[derive(Debug)]
pub enum Read {
    /// The decoder's error, shown (through `Debug`) when a verdict disagrees.
    #[allow(dead_code)]
    Rejected(String),
    Accepted {
        ems: bool,
    },
}

impl Read {
    fn accepted(&self) -> bool {
        matches!(self, Read::Accepted { .. })
    }
}

/// What `decoder` does with bytes `encoder` wrote: refused when both declare the keys (or
/// cache) they seal sessions under and those differ (a new ticket key: the older server cannot
/// open the ticket), else `read`.
pub fn read_sealed<T: DeserializeOwned + Serialize>(
    decoder: &Schema,
    encoder: &Schema,
    bytes: &[u8],
) -> Read {
    match (&decoder.envelope.id, &encoder.envelope.id) {
        (Some(d), Some(e)) if d != e => Read::Rejected(format!("sealed under `{e}`, opens `{d}`")),
        _ => read::<T>(decoder, bytes),
    }
}

/// Decodes `bytes` as the `decoder` schema's type `T` would, then applies the contract's checks
/// to the decoded value and reads its EMS status.
pub fn read<T: DeserializeOwned + Serialize>(decoder: &Schema, bytes: &[u8]) -> Read {
    match decode::<T>(decoder.encoding, decoder.trailing, bytes) {
        Err(e) => Read::Rejected(e),
        Ok(v) => {
            let json = serde_json::to_value(&v).expect("decoded values re-serialize as JSON");
            let mut st = Interp::default();
            let root = Ty::Named {
                name: decoder.root.clone(),
            };
            walk(decoder, &root, &json, None, &mut st);
            match st.failed {
                Some(why) => Read::Rejected(format!("declared check: {why}")),
                None => Read::Accepted { ems: st.ems },
            }
        }
    }
}

#[derive(Default)]
struct Interp {
    ems: bool,
    failed: Option<String>,
}

fn walk(s: &Schema, ty: &Ty, v: &Value, f: Option<&Field>, st: &mut Interp) {
    if let Some(f) = f {
        if let Some(acc) = f.session.version_field.clone() {
            check_version(acc, v, st);
        }
        if let (Some(k), Some(n)) = (f.session.known_bits, v.as_u64()) {
            if n & !k != 0 {
                st.failed
                    .get_or_insert(format!("bits {n:#x} outside known_bits {k:#x}"));
            }
        }
        match f.session.ems.as_ref().filter(|_| !f.session.ignored) {
            Some(EmsMarker::Flag) => {
                let ems = match v {
                    Value::Bool(b) => *b,
                    Value::Null => false,
                    _ => true, // Some(_) of a non-bool Option
                };
                st.ems |= ems;
            }
            Some(EmsMarker::Mask { mask }) => st.ems |= v.as_u64().is_some_and(|n| n & mask != 0),
            Some(EmsMarker::Variant { variant }) => {
                if let Some(TypeDef::Enum(e)) = ty.named_types().first().and_then(|n| s.type_def(n))
                {
                    if let Some((var, _)) = active_variant(e, v) {
                        st.ems |= &var.ident == variant;
                    }
                }
            }
            None => {}
        }
    }
    match ty {
        Ty::Option { of } if !v.is_null() => walk(s, of, v, None, st),
        Ty::Seq { of } | Ty::Array { of, .. } => {
            for x in v.as_array().into_iter().flatten() {
                walk(s, of, x, None, st);
            }
        }
        Ty::Named { name } => match s.type_def(name) {
            Some(TypeDef::Struct(d)) => walk_fields(s, &d.fields, d.style, d.transparent, v, st),
            Some(TypeDef::Enum(e)) => {
                if let Some((var, content)) = active_variant(e, v) {
                    walk_fields(s, &var.fields, var.style, false, &content, st);
                }
            }
            None => {}
        },
        _ => {}
    }
}

fn check_version(acc: Accepts, v: &Value, st: &mut Interp) {
    match v.as_i64() {
        Some(n) if acc.contains(n as i128) => {}
        Some(n) => {
            st.failed
                .get_or_insert(format!("version {n} outside accepts = \"{acc}\""));
        }
        None => {
            st.failed.get_or_insert("no version".to_string());
        }
    }
}

fn walk_fields(
    s: &Schema,
    fields: &[Field],
    style: Style,
    transparent: bool,
    v: &Value,
    st: &mut Interp,
) {
    if transparent || style == Style::Newtype {
        if let Some(f) = fields.iter().find(|f| f.read) {
            walk(s, &f.ty, v, Some(f), st);
        }
        return;
    }
    for (i, f) in fields.iter().enumerate() {
        if f.flatten {
            walk(s, &f.ty, v, None, st);
            continue;
        }
        let x = match (style, v) {
            (Style::Tuple, Value::Array(a)) => a.get(i).cloned(),
            (_, Value::Object(m)) => m.get(&f.ser_name).cloned(),
            _ => None,
        };
        // A key the re-serialization skipped (skip_serializing_if) holds its default.
        let x = x.unwrap_or(Value::Null);
        if x.is_null()
            && f.session.version_field.is_some()
            && !matches!(f.write, sessionlint::schema::Write::Always)
        {
            continue;
        }
        walk(s, &f.ty, &x, Some(f), st);
    }
}

/// Which variant a re-serialized enum value is, and its content.
fn active_variant<'e>(
    e: &'e sessionlint::schema::EnumDef,
    v: &Value,
) -> Option<(&'e sessionlint::schema::Variant, Value)> {
    let by_name = |n: &str| e.variants.iter().find(|var| var.ser_name == n);
    match e.repr {
        EnumRepr::External => match v {
            Value::String(n) => by_name(n).map(|var| (var, Value::Null)),
            Value::Object(m) if m.len() == 1 => {
                let (k, c) = m.iter().next().unwrap();
                by_name(k).map(|var| (var, c.clone()))
            }
            _ => None,
        },
        EnumRepr::Internal => {
            let tag = e.tag.as_deref()?;
            let m = v.as_object()?;
            let var = by_name(m.get(tag)?.as_str()?)?;
            let mut rest = m.clone();
            rest.remove(tag);
            Some((var, Value::Object(rest)))
        }
        EnumRepr::Adjacent => {
            let m = v.as_object()?;
            let var = by_name(m.get(e.tag.as_deref()?)?.as_str()?)?;
            Some((
                var,
                m.get(e.content.as_deref()?).cloned().unwrap_or(Value::Null),
            ))
        }
        EnumRepr::Untagged => e
            .variants
            .iter()
            .find(|var| match (var.style, v) {
                (Style::Unit, Value::Null) => true,
                (Style::Struct, Value::Object(m)) => {
                    var.fields
                        .iter()
                        .filter(|f| {
                            matches!(f.missing, sessionlint::schema::Missing::Error)
                                && !matches!(f.ty, Ty::Option { .. })
                        })
                        .all(|f| m.contains_key(&f.ser_name))
                        && m.keys()
                            .all(|k| var.fields.iter().any(|f| &f.ser_name == k))
                }
                (Style::Newtype, _) => true,
                _ => false,
            })
            .map(|var| (var, v.clone())),
    }
}

/// One old/new pair of the corpus.
pub struct Case<O, N> {
    pub name: &'static str,
    pub old_src: &'static str,
    pub new_src: &'static str,
    pub ems: Vec<N>,
    pub non_ems: Vec<N>,
    pub older: Vec<O>,
}

fn schema_of(path: &str, src: &str) -> Schema {
    let ex = extract::extract(
        &[SourceFile {
            path: path.into(),
            text: src.into(),
        }],
        &extract::Options::default(),
    );
    assert!(ex.problems.is_empty(), "{path}: {:?}", ex.problems);
    assert_eq!(
        ex.schemas.len(),
        1,
        "{path} must hold exactly one session root"
    );
    ex.schemas.into_iter().next().unwrap()
}

/// `s` with every read default function back to unknown: what the derive, seeing one item, has.
fn as_derive_reads(s: &Schema) -> Schema {
    let mut s = s.clone();
    for def in s.types.values_mut() {
        let fields: Vec<&mut Field> = def.fields_mut();
        for f in fields {
            // A container's `Default` the derive reads when the schema is built (bool and
            // integer fields) is kept: the values must agree.
            let container = matches!(f.ty, Ty::Bool | Ty::Int { .. });
            if let sessionlint::schema::Missing::DefaultValue { path, .. } = &f.missing {
                if !(container && path.starts_with('<')) {
                    f.missing = sessionlint::schema::Missing::DefaultFn(path.clone());
                }
            }
        }
    }
    s
}

fn has(findings: &[Finding], rule: &str) -> bool {
    findings.iter().any(|f| f.rule == rule)
}

/// Runs one pair through the real crates and the analyzer, and fails on any disagreement.
pub fn run<O, N>(case: Case<O, N>) -> Vec<Finding>
where
    O: Serialize + DeserializeOwned + SessionState,
    N: Serialize + DeserializeOwned + SessionState,
{
    let old = schema_of("old.rs", case.old_src);
    let new = schema_of("new.rs", case.new_src);
    // The derive and the CLI share one reading of the attributes: their schemas are equal, but
    // for `default = "path"` values that only the CLI, which sees the function, can read.
    assert_eq!(
        snapshot::to_toml(&O::schema()),
        snapshot::to_toml(&as_derive_reads(&old)),
        "{}: derive vs CLI schema (old)",
        case.name
    );
    assert_eq!(
        snapshot::to_toml(&N::schema()),
        snapshot::to_toml(&as_derive_reads(&new)),
        "{}: derive vs CLI schema (new)",
        case.name
    );
    assert_eq!((O::NAME, O::VERSION), (old.name.as_str(), old.version));
    assert_eq!((N::NAME, N::VERSION), (new.name.as_str(), new.version));
    let mut findings = rules::check_version(&new);
    findings.extend(rules::check_pair(&old, &new));
    let mut log = Vec::new();

    // EMS sessions of the newer version, in the older decoder. The analyzer's own witness is
    // replayed too: it must be a value the newer type can really hold.
    let mut ems = case.ems;
    for f in findings.iter().filter(|f| f.rule.is_rollout_hazard()) {
        if let Some(w) = &f.witness {
            let v: N = serde_json::from_str(w)
                .unwrap_or_else(|e| panic!("{}: witness {w} is not a newer value: {e}", case.name));
            ems.push(v);
        }
    }
    let mut real_unsafe = false;
    for v in &ems {
        let bytes = encode(new.encoding, v).expect("the newer type encodes");
        let own = read::<N>(&new, &bytes);
        assert!(
            matches!(own, Read::Accepted { ems: true }),
            "{}: an EMS sample must be EMS for its own decoder: {own:?}",
            case.name
        );
        let r = read_sealed::<O>(&old, &new, &bytes);
        log.push(format!(
            "ems sample {:?} -> old {r:?}",
            String::from_utf8_lossy(&bytes)
        ));
        real_unsafe |= matches!(r, Read::Accepted { ems: false });
    }
    let analyzer_unsafe = findings.iter().any(|x| x.rule.is_rollout_hazard());

    let mut non_ems = case.non_ems;
    let stated_non_ems = !non_ems.is_empty();
    for f in findings
        .iter()
        .filter(|f| f.rule == "newer-session-read-as-ems")
    {
        if let Some(w) = &f.witness {
            non_ems.push(serde_json::from_str(w).unwrap_or_else(|e| {
                panic!("{}: witness {w} is not a newer value: {e}", case.name)
            }));
        }
    }
    let mut all_non_ems_rejected = !non_ems.is_empty();
    let mut real_newer_read_as_ems = false;
    for v in &non_ems {
        let bytes = encode(new.encoding, v).expect("the newer type encodes");
        let own = read::<N>(&new, &bytes);
        assert!(
            matches!(own, Read::Accepted { ems: false }),
            "{}: a non-EMS sample must be non-EMS: {own:?}",
            case.name
        );
        let r = read_sealed::<O>(&old, &new, &bytes);
        log.push(format!("non-ems sample -> old {r:?}"));
        all_non_ems_rejected &= !r.accepted();
        real_newer_read_as_ems |= matches!(r, Read::Accepted { ems: true });
    }

    // Older sessions, EMS or not (their own decoder says which), in the newer decoder.
    let mut older = case.older;
    for f in findings.iter().filter(|f| {
        f.rule == "older-session-read-as-ems" || f.rule == "ems-dropped-by-newer-decoder"
    }) {
        if let Some(w) = &f.witness {
            older.push(serde_json::from_str(w).unwrap_or_else(|e| {
                panic!("{}: witness {w} is not an older value: {e}", case.name)
            }));
        }
    }
    let mut real_read_as_ems = false;
    let mut real_dropped = false;
    let mut all_older_rejected = true;
    let mut older_non_ems = 0;
    for v in &older {
        let bytes = encode(old.encoding, v).expect("the older type encodes");
        let own = read::<O>(&old, &bytes);
        let Read::Accepted { ems: was_ems } = own else {
            panic!(
                "{}: older samples must be sessions of the older version: {own:?}",
                case.name
            );
        };
        let r = read_sealed::<N>(&new, &old, &bytes);
        log.push(format!(
            "older {} sample -> new {r:?}",
            if was_ems { "EMS" } else { "non-EMS" }
        ));
        if was_ems {
            real_dropped |= matches!(r, Read::Accepted { ems: false });
        } else {
            older_non_ems += 1;
            real_read_as_ems |= matches!(r, Read::Accepted { ems: true });
            all_older_rejected &= !r.accepted();
        }
    }

    let show = || {
        format!(
            "\ncase {}\nfindings:\n{}\nreal:\n  {}",
            case.name,
            findings
                .iter()
                .map(|f| format!("  {} {} | {:?}", f.rule, f.message, f.reasons))
                .collect::<Vec<_>>()
                .join("\n"),
            log.join("\n  ")
        )
    };
    assert_eq!(
        analyzer_unsafe,
        real_unsafe,
        "the EMS hazard rules disagree with the real crates{}",
        show()
    );
    assert_eq!(
        has(&findings, "older-session-read-as-ems"),
        real_read_as_ems,
        "older-session-read-as-ems disagrees{}",
        show()
    );
    if stated_non_ems {
        // Every non-EMS session refused, as the real crate shows; not reported when the newer
        // version designed the refusal (a version the older check refuses, a required key
        // renamed on purpose): that is the cost its author chose.
        let designed =
            sessionlint::analysis::reading(&old, &new, sessionlint::analysis::Kind::NonEms)
                .and_then(|r| r.rejection)
                .is_some_and(|r| r.designed);
        assert_eq!(
            has(&findings, "non-ems-session-rejected-by-older-decoder"),
            all_non_ems_rejected,
            "non-ems-session-rejected-by-older-decoder disagrees{}",
            show()
        );
        let warned = findings.iter().any(|f| {
            f.rule == "non-ems-session-rejected-by-older-decoder"
                && f.level == sessionlint::findings::Level::Warning
        });
        assert_eq!(
            warned,
            all_non_ems_rejected && !designed,
            "non-ems-session-rejected-by-older-decoder's level disagrees (a designed refusal is a notice){}",
            show()
        );
    }
    assert!(
        !real_dropped || has(&findings, "ems-dropped-by-newer-decoder"),
        "a newer decoder reads an older EMS session without EMS and no finding says so{}",
        show()
    );
    assert!(
        !real_newer_read_as_ems || has(&findings, "newer-session-read-as-ems"),
        "an older decoder reads a newer non-EMS session as EMS and no finding says so{}",
        show()
    );
    // A proven claim of either must be shown by a real sample (a witness is replayed above).
    for (rule, real) in [
        ("ems-dropped-by-newer-decoder", real_dropped),
        ("newer-session-read-as-ems", real_newer_read_as_ems),
    ] {
        let proven = findings
            .iter()
            .any(|f| f.rule == rule && !f.data_dependent && f.witness.is_some());
        assert!(
            !proven || real,
            "{rule} is claimed but no real sample shows it{}",
            show()
        );
    }
    if older_non_ems > 0 {
        assert_eq!(
            has(&findings, "older-session-rejected"),
            all_older_rejected && !real_read_as_ems,
            "older-session-rejected disagrees{}",
            show()
        );
    }
    vectors_agree::<O, N>(case.name, &old, &new);
    findings
}

/// The conformance vectors of the pair, judged by the real crate: each vector's bytes decoded
/// as each decoder's type, its checks applied, must give the outcome the vectors predict (one
/// of those allowed where they say `depends`). This holds the vectors' encoders (`serial`) and
/// their predictions against the crates, on every pair of the corpus.
pub fn vectors_agree<O, N>(name: &str, old: &Schema, new: &Schema)
where
    O: Serialize + DeserializeOwned,
    N: Serialize + DeserializeOwned,
{
    use sessionlint::vectors::{self, Outcome};
    let doc = vectors::build(&[old, new], sessionlint::deployment::Deployment::ALL)
        .unwrap_or_else(|e| panic!("{name}: vectors: {e}"));
    let mut checked = 0;
    for v in doc.vectors.iter().filter(|v| v.property == "ems") {
        let bytes = vectors::bytes_of(v).unwrap();
        for p in &v.predictions {
            let enc = if v.encoder == old.version { old } else { new };
            let r = if p.decoder == old.version {
                read_sealed::<O>(old, enc, &bytes)
            } else {
                read_sealed::<N>(new, enc, &bytes)
            };
            let seen = match r {
                Read::Rejected(_) => Outcome::Refuse,
                Read::Accepted { ems: true } => Outcome::ResumeWith,
                Read::Accepted { ems: false } => Outcome::ResumeWithout,
            };
            let agrees = match p.outcome {
                Outcome::Depends => p.possible.contains(&seen),
                o => o == seen,
            };
            assert!(
                agrees,
                "{name}: vector {} ({:?}{:?}) in the v{} decoder: predicted {} ({}), the real crate gives {} ({r:?})",
                v.id,
                v.text,
                v.hex,
                p.decoder,
                p.outcome.as_str(),
                p.why,
                seen.as_str()
            );
            checked += 1;
        }
    }
    // A version whose sessions hold a part written by custom code has no vector, and says why.
    assert!(
        checked > 0 || !doc.skipped.is_empty(),
        "{name}: no vector was checked, and none was skipped"
    );
}

/// One old/new pair of the corpus, judged for a critical property instead of EMS.
pub struct PropertyCase<O, N> {
    pub name: &'static str,
    pub property: &'static str,
    pub old_src: &'static str,
    pub new_src: &'static str,
    /// Newer sessions with the property set.
    pub with: Vec<N>,
    pub older: Vec<O>,
}

/// The property analyses against the real crates: the property's field read from the decoded
/// value as EMS's is (the schemas projected on the property), and the findings that name the
/// property compared with what the crates did.
pub fn run_property<O, N>(case: PropertyCase<O, N>)
where
    O: Serialize + DeserializeOwned + SessionState,
    N: Serialize + DeserializeOwned + SessionState,
{
    let (old_full, new_full) = (
        schema_of("old.rs", case.old_src),
        schema_of("new.rs", case.new_src),
    );
    // The derive records the property as the CLI reads it.
    assert_eq!(
        snapshot::to_toml(&O::schema()),
        snapshot::to_toml(&as_derive_reads(&old_full)),
        "{}: derive vs CLI schema (old)",
        case.name
    );
    assert_eq!(
        snapshot::to_toml(&N::schema()),
        snapshot::to_toml(&as_derive_reads(&new_full)),
        "{}: derive vs CLI schema (new)",
        case.name
    );
    let p = case.property;
    let (old, new) = (old_full.project(p), new_full.project(p));
    // The property's vectors: the projected schemas write them as EMS vectors.
    vectors_agree::<O, N>(case.name, &old, &new);
    let findings: Vec<Finding> = rules::check_pair(&old_full, &new_full)
        .into_iter()
        .filter(|f| f.property.as_deref() == Some(p))
        .collect();
    let mut log = Vec::new();
    let mut with = case.with;
    for f in findings
        .iter()
        .filter(|f| f.rule == "critical-property-accepted-by-older-decoder")
    {
        if let Some(w) = &f.witness {
            with.push(
                serde_json::from_str(w)
                    .unwrap_or_else(|e| panic!("{}: witness {w}: {e}", case.name)),
            );
        }
    }
    let mut real_accepted = false;
    for v in &with {
        let bytes = encode(new.encoding, v).expect("the newer type encodes");
        let own = read::<N>(&new, &bytes);
        assert!(
            matches!(own, Read::Accepted { ems: true }),
            "{}: a sample must carry `{p}` for its own decoder: {own:?}",
            case.name
        );
        let r = read::<O>(&old, &bytes);
        log.push(format!("with {p} -> old {r:?}"));
        real_accepted |= matches!(r, Read::Accepted { ems: false });
    }
    let mut older = case.older;
    for f in findings.iter().filter(|f| {
        f.rule == "critical-property-dropped-by-newer-decoder"
            || f.rule == "older-session-read-with-critical-property"
    }) {
        if let Some(w) = &f.witness {
            older.push(
                serde_json::from_str(w)
                    .unwrap_or_else(|e| panic!("{}: witness {w}: {e}", case.name)),
            );
        }
    }
    let (mut real_dropped, mut real_read_with) = (false, false);
    for v in &older {
        let bytes = encode(old.encoding, v).expect("the older type encodes");
        let Read::Accepted { ems: had } = read::<O>(&old, &bytes) else {
            panic!(
                "{}: older samples must be sessions of the older version",
                case.name
            );
        };
        let r = read::<N>(&new, &bytes);
        log.push(format!("older (with {p}: {had}) -> new {r:?}"));
        if had {
            real_dropped |= matches!(r, Read::Accepted { ems: false });
        } else {
            real_read_with |= matches!(r, Read::Accepted { ems: true });
        }
    }
    let show = || {
        format!(
            "\ncase {} ({p})\nfindings:\n{}\nreal:\n  {}",
            case.name,
            findings
                .iter()
                .map(|f| format!("  {} {} | {:?}", f.rule, f.message, f.reasons))
                .collect::<Vec<_>>()
                .join("\n"),
            log.join("\n  ")
        )
    };
    let proven = |rule: &str| findings.iter().any(|f| f.rule == rule && !f.data_dependent);
    assert_eq!(
        has(&findings, "critical-property-accepted-by-older-decoder"),
        real_accepted,
        "critical-property-accepted-by-older-decoder disagrees{}",
        show()
    );
    assert!(
        !real_dropped || has(&findings, "critical-property-dropped-by-newer-decoder"),
        "missed: dropped{}",
        show()
    );
    assert!(
        !proven("critical-property-dropped-by-newer-decoder") || real_dropped,
        "dropped claimed, not shown{}",
        show()
    );
    assert_eq!(
        has(&findings, "older-session-read-with-critical-property"),
        real_read_with,
        "older-session-read-with-critical-property disagrees{}",
        show()
    );
    // The property's grids say UNSAFE exactly where its findings are.
    let m = sessionlint::analysis::matrix(
        &[&old_full, &new_full],
        sessionlint::deployment::Deployment::ALL,
    );
    let grids = m
        .properties
        .iter()
        .find(|g| g.name == p)
        .unwrap_or_else(|| panic!("{}: no grid for {p}", case.name));
    let unsafe_ = |c: sessionlint::analysis::Cell| c == sessionlint::analysis::Cell::Unsafe;
    assert_eq!(
        unsafe_(grids.with[0][1]),
        has(&findings, "critical-property-accepted-by-older-decoder"),
        "grid (older decoder, sessions with {p}){}",
        show()
    );
    assert_eq!(
        unsafe_(grids.with[1][0]),
        has(&findings, "critical-property-dropped-by-newer-decoder"),
        "grid (newer decoder, older sessions with {p}){}",
        show()
    );
    assert_eq!(
        unsafe_(grids.without[1][0]),
        has(&findings, "older-session-read-with-critical-property"),
        "grid (newer decoder, older sessions without {p}){}",
        show()
    );
    // The EMS findings of the pair are untouched by the property: none names it.
    assert!(
        findings
            .iter()
            .all(|f| f.rule.id().contains("critical") || f.rule.id().contains("property")),
        "{}",
        show()
    );
}

/// The fix sessionlint proposes for (old, new) whose summary holds `summary`: its edits, applied
/// to `new_src`, give a schema equal to `fixed_src`'s, and (old, fixed) has no error.
/// The fix shown for (old, new) whose summary holds `summary`.
fn shown_fix(old: &Schema, new: &Schema, summary: &str) -> sessionlint::fixes::Fix {
    let mut findings = rules::check_version(new);
    findings.extend(rules::check_pair(old, new));
    sessionlint::fixes::attach(
        &[old],
        new,
        &mut findings,
        &mut sessionlint::fixes::Budget::new(),
    );
    let shown: Vec<&sessionlint::fixes::Fix> = findings.iter().flat_map(|f| &f.fixes).collect();
    shown
        .iter()
        .find(|x| x.summary.contains(summary))
        .map(|x| (*x).clone())
        .unwrap_or_else(|| {
            panic!(
                "no fix says {summary:?}: {:?}",
                shown.iter().map(|x| &x.summary).collect::<Vec<_>>()
            )
        })
}

/// The samples of a fixed case, before the fix (`new`) and after it (`fixed`), built from the
/// same expressions.
pub struct CostCase<O, B, F> {
    pub name: &'static str,
    pub summary: &'static str,
    pub old_src: &'static str,
    pub new_src: &'static str,
    pub fixed_src: &'static str,
    pub before: (Vec<B>, Vec<B>),
    pub after: (Vec<F>, Vec<F>),
    pub older: Vec<O>,
}

/// A fix's cost against what the real crates do: every kind of session that some sample shows
/// resumed correctly before the fix and refused after it is named in the cost, and every kind
/// the cost names is shown falling back by some sample, where the case has samples of it.
pub fn cost_agrees<O, B, F>(c: CostCase<O, B, F>)
where
    O: Serialize + DeserializeOwned,
    B: Serialize + DeserializeOwned,
    F: Serialize + DeserializeOwned,
{
    let old = schema_of("old.rs", c.old_src);
    let new = schema_of("new.rs", c.new_src);
    let fixed = schema_of("new.rs", c.fixed_src);
    let fix = shown_fix(&old, &new, c.summary);
    // (kind, writer, reader) -> (samples resumed correctly before, of those refused after)
    let mut cells: std::collections::BTreeMap<(String, u32, u32), (usize, usize)> =
        Default::default();
    let label = |s: &Schema, ems: bool| match (s.ems_carrier().is_some(), ems) {
        (false, _) => "sessions",
        (true, true) => "EMS sessions",
        (true, false) => "non-EMS sessions",
    };
    // Forward: the newer version's sessions on the older decoder.
    for (want, bs, fs) in [
        (true, &c.before.0, &c.after.0),
        (false, &c.before.1, &c.after.1),
    ] {
        for (b, f) in bs.iter().zip(fs) {
            let bb = encode(new.encoding, b).unwrap();
            let fb = encode(fixed.encoding, f).unwrap();
            let before = read_sealed::<O>(&old, &new, &bb);
            let after = read_sealed::<O>(&old, &fixed, &fb);
            let cell = cells
                .entry((label(&new, want).to_string(), new.version, old.version))
                .or_default();
            if matches!(before, Read::Accepted { ems } if ems == want) {
                cell.0 += 1;
                cell.1 += usize::from(!after.accepted());
            }
        }
    }
    // Backward: the older version's sessions on the newer decoder.
    for o in &c.older {
        let bytes = encode(old.encoding, o).unwrap();
        let Read::Accepted { ems: own } = read::<O>(&old, &bytes) else {
            continue;
        };
        let before = read_sealed::<B>(&new, &old, &bytes);
        let after = read_sealed::<F>(&fixed, &old, &bytes);
        let cell = cells
            .entry((label(&old, own).to_string(), old.version, new.version))
            .or_default();
        if matches!(before, Read::Accepted { ems } if ems == own) {
            cell.0 += 1;
            cell.1 += usize::from(!after.accepted());
        }
    }
    let named = |kind: &str, w: u32, r: u32| {
        fix.cost.split("; ").any(|item| {
            let item = item.trim_start_matches("full handshakes for ");
            let item = item.trim_start_matches("some ");
            item.starts_with(kind) && item.contains(&format!("written by v{w} on v{r} "))
        })
    };
    for ((kind, w, r), (correct, fell)) in &cells {
        if *fell > 0 {
            assert!(
                named(kind, *w, *r),
                "{}: {fell} of the {kind} written by v{w} and resumed by v{r} before the fix fall back after it, and the cost does not say so: {:?}",
                c.name,
                fix.cost
            );
        } else if *correct > 0 {
            assert!(
                !named(kind, *w, *r),
                "{}: the cost names {kind} written by v{w} on v{r}, and none of the {correct} samples resumed before falls back: {:?}",
                c.name,
                fix.cost
            );
        }
    }
}

pub fn proposed(old_src: &str, new_src: &str, fixed_src: &str, summary: &str) {
    let (old, new) = (schema_of("old.rs", old_src), schema_of("new.rs", new_src));
    let fix = shown_fix(&old, &new, summary);
    let mut inserts: Vec<(usize, &str)> = fix
        .edits
        .iter()
        .map(|e| match &e.what {
            sessionlint::fixes::EditKind::Insert { offset, text, .. } => {
                assert_eq!(e.file, "new.rs", "the fix edits the newer version only");
                (*offset, text.as_str())
            }
            other => panic!("not an attribute insert: {other:?}"),
        })
        .collect();
    inserts.sort_by_key(|x| std::cmp::Reverse(x.0));
    let mut text = new_src.to_string();
    for (at, t) in inserts {
        text.insert_str(at, t);
    }
    let applied = schema_of("new.rs", &text);
    let fixed = schema_of("new.rs", fixed_src);
    assert!(
        applied.same_as(&fixed),
        "the fix applied:\n{}\nis not the fixed case:\n{}",
        snapshot::to_toml(&applied),
        snapshot::to_toml(&fixed)
    );
    let left: Vec<String> = rules::check_pair(&old, &fixed)
        .into_iter()
        .chain(rules::check_version(&fixed))
        .filter(|f| f.level == sessionlint::findings::Level::Error)
        .map(|f| f.rule.id().to_string())
        .collect();
    assert!(left.is_empty(), "errors left after the fix: {left:?}");
}

/// One version alone: its EMS samples, written by the real crate and read back by the same
/// type, keep EMS or lose it; `ems-not-serialized` must be reported exactly when one loses it.
pub fn run_round_trip<T>(name: &str, src: &str, ems: Vec<T>, is_ems: fn(&T) -> bool)
where
    T: Serialize + DeserializeOwned + SessionState,
{
    let s = schema_of("version.rs", src);
    assert_eq!(
        snapshot::to_toml(&T::schema()),
        snapshot::to_toml(&as_derive_reads(&s)),
        "{name}: derive vs CLI schema"
    );
    let findings = rules::check_version(&s);
    let mut log = Vec::new();
    let mut lost = 0;
    for v in &ems {
        let bytes = encode(s.encoding, v).expect("the type encodes");
        // EMS is read off the typed value: a JSON view of it would itself lose `Some(())`.
        let r = decode::<T>(s.encoding, s.trailing, &bytes).map(|t| is_ems(&t));
        log.push(format!("{:?} -> {r:?}", String::from_utf8_lossy(&bytes)));
        lost += usize::from(r != Ok(true));
    }
    let reported = findings.iter().find(|f| f.rule == "ems-not-serialized");
    assert_eq!(
        reported.is_some(),
        lost > 0,
        "{name}: ems-not-serialized disagrees with the real crate: {reported:?}\n  {}",
        log.join("\n  ")
    );
    if let Some(f) = reported {
        // "every" only when every sample lost it.
        if f.message.contains(" every ") {
            assert_eq!(lost, ems.len(), "{name}: {}", f.message);
        }
    }
}

/// The envelope fix (new ticket keys) of (old, new), applied: each version sealed under the keys
/// its edits name; then its cost against the real crates, as `cost_agrees` does.
pub fn envelope_cost_agrees<O, N>(
    name: &'static str,
    old_src: &'static str,
    new_src: &'static str,
    ems: Vec<N>,
    non_ems: Vec<N>,
    older: Vec<O>,
) where
    O: Serialize + DeserializeOwned,
    N: Serialize + DeserializeOwned,
{
    let old = schema_of("old.rs", old_src);
    let new = schema_of("new.rs", new_src);
    let summary = "seal v2's sessions under new";
    let fix = shown_fix(&old, &new, summary);
    let id_in = |file: &str| {
        fix.edits.iter().find_map(|e| match &e.what {
            sessionlint::fixes::EditKind::Insert { text, .. } if e.file == file => {
                text.split('"').nth(1).map(str::to_string)
            }
            _ => None,
        })
    };
    let (mut sealed_old, mut sealed_new) = (old.clone(), new.clone());
    sealed_old.envelope.id = id_in("old.rs");
    sealed_new.envelope.id = id_in("new.rs");
    assert!(
        sealed_new.envelope.id.is_some() && sealed_new.envelope.id != sealed_old.envelope.id,
        "{name}: the envelope fix names new keys for v2: {:?}",
        fix.edits
    );
    // What falls back: sessions resumed correctly before, refused after.
    let mut fell: Vec<String> = Vec::new();
    let label = |s: &Schema, ems: bool| match (s.ems_carrier().is_some(), ems) {
        (false, _) => "sessions",
        (true, true) => "EMS sessions",
        (true, false) => "non-EMS sessions",
    };
    for (want, vs) in [(true, &ems), (false, &non_ems)] {
        for v in vs {
            let bytes = encode(new.encoding, v).unwrap();
            let before = read::<O>(&old, &bytes);
            let after = read_sealed::<O>(&sealed_old, &sealed_new, &bytes);
            if matches!(before, Read::Accepted { ems } if ems == want) && !after.accepted() {
                fell.push(format!(
                    "{} written by v{} on v{} ",
                    label(&new, want),
                    new.version,
                    old.version
                ));
            }
        }
    }
    for v in &older {
        let bytes = encode(old.encoding, v).unwrap();
        let Read::Accepted { ems: own } = read::<O>(&old, &bytes) else {
            continue;
        };
        let before = read::<N>(&new, &bytes);
        let after = read_sealed::<N>(&sealed_new, &sealed_old, &bytes);
        if matches!(before, Read::Accepted { ems } if ems == own) && !after.accepted() {
            fell.push(format!(
                "{} written by v{} on v{} ",
                label(&old, own),
                old.version,
                new.version
            ));
        }
    }
    assert!(
        !fell.is_empty(),
        "{name}: the case shows no fallback to check"
    );
    for what in &fell {
        assert!(
            fix.cost.split("; ").any(|i| i
                .trim_start_matches("full handshakes for ")
                .trim_start_matches("some ")
                .starts_with(what.as_str())),
            "{name}: {what}fall back after the envelope fix, and its cost does not say so: {:?}",
            fix.cost
        );
    }
}
