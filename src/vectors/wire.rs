//! The model codec of hand-written layouts (TLS presentation language, DER): real byte strings
//! for the sessions a schema file describes, and what the decoder it describes does with any
//! bytes. It reads the same declarations as the analysis and shares no code with it, so that
//! `tests/wire.rs` can hold one against the other, and the conformance suite can hold both
//! against the real TLS libraries through the vectors built on it.

use crate::schema::{
    EmsMarker, Encoding, Field, Literal, Missing, Schema, Trailing, Ty, TypeDef, UnknownTags,
    Write, Written,
};
use std::collections::BTreeMap;

/// One value of a field, as the codec writes and reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum V {
    Int(u64),
    Bytes(Vec<u8>),
    List(Vec<Vec<u8>>),
    /// An `Option` behind a presence byte.
    Opt(Option<Box<V>>),
    /// A value of a named struct, or of a named enum's variant (by index).
    Struct(Values),
    Variant(usize, Values),
    Absent,
}

/// A session's values by field; a root that dispatches on a value also holds the variant's
/// index under `VARIANT`.
pub type Values = BTreeMap<String, V>;
pub const VARIANT: &str = "$variant";

/// Why a declared decoder refused: by a check meant to refuse, or by accident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    Strict(String),
    Accident(String),
}

impl Refusal {
    pub fn why(&self) -> &str {
        match self {
            Refusal::Strict(s) | Refusal::Accident(s) => s,
        }
    }
}

pub type Read = Result<Values, Refusal>;

/// Whether the codec handles this encoding.
pub fn handles(e: Encoding) -> bool {
    matches!(e, Encoding::TlsPositional | Encoding::Der)
}

/// The fields of a struct root (DER and TLS layouts).
fn fields(s: &Schema) -> &[Field] {
    match s.root_def() {
        Some(TypeDef::Struct(st)) => &st.fields,
        _ => &[],
    }
}

/// The fields a session's values are laid out by: the struct root's, or those of the variant a
/// dispatching root holds.
fn fields_of<'s>(s: &'s Schema, v: &Values) -> &'s [Field] {
    match s.root_def() {
        Some(TypeDef::Enum(e)) => match v.get(VARIANT) {
            Some(V::Int(i)) => e.variants.get(*i as usize).map_or(&[], |x| &x.fields),
            _ => &[],
        },
        _ => fields(s),
    }
}

/// The length-prefix widths of a field, outermost first (2 when undeclared), as many as `n`.
fn widths(f: &Field, n: usize) -> Vec<usize> {
    let mut w: Vec<usize> = f
        .wire
        .prefix
        .as_ref()
        .map(|p| p.0.iter().map(|x| *x as usize).collect())
        .unwrap_or_else(|| vec![2]);
    while w.len() < n {
        w.push(*w.last().unwrap_or(&2));
    }
    w
}

/// The length limit of level `level` (0: outermost).
fn max_len(f: &Field, level: usize) -> Option<u64> {
    f.wire
        .max_len
        .as_ref()
        .and_then(|m| m.0.get(level).copied())
}

// ---------------------------------------------------------------- TLS presentation language

fn put_len(out: &mut Vec<u8>, n: usize, width: usize) {
    let b = (n as u64).to_be_bytes();
    out.extend_from_slice(&b[8 - width.min(8)..]);
}

fn tls_encode(s: &Schema, v: &Values) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    if let Some(TypeDef::Enum(e)) = s.root_def() {
        let Some(V::Int(i)) = v.get(VARIANT) else {
            return Err("no variant".into());
        };
        let tag = e.variants[*i as usize]
            .tag_value
            .ok_or("a written variant has its value")?;
        put_len(
            &mut out,
            tag as usize,
            e.tag_width.ok_or("a dispatching root")? as usize,
        );
    }
    for f in fields_of(s, v) {
        let val = v.get(&f.ident).unwrap_or(&V::Absent);
        if *val == V::Absent {
            continue;
        }
        tls_value(&mut out, s, f, &f.ty, val)?;
    }
    Ok(out)
}

fn tls_value(out: &mut Vec<u8>, s: &Schema, f: &Field, ty: &Ty, val: &V) -> Result<(), String> {
    let w = widths(f, 2);
    match (ty, val) {
        (Ty::Option { .. }, V::Opt(None)) => out.push(0),
        (Ty::Option { of }, V::Opt(Some(x))) => {
            out.push(1);
            tls_value(out, s, f, of, x)?;
        }
        (Ty::Named { name }, V::Struct(vals)) => {
            let Some(TypeDef::Struct(st)) = s.type_def(name) else {
                return Err(format!("{name} is no struct"));
            };
            for g in &st.fields {
                tls_value(out, s, g, &g.ty, vals.get(&g.ident).unwrap_or(&V::Absent))?;
            }
        }
        (Ty::Named { name }, V::Variant(i, vals)) => {
            let Some(TypeDef::Enum(e)) = s.type_def(name) else {
                return Err(format!("{name} is no enum"));
            };
            let var = &e.variants[*i];
            put_len(
                out,
                var.tag_value.ok_or("a written variant")? as usize,
                e.tag_width.ok_or("a dispatching enum")? as usize,
            );
            for g in &var.fields {
                tls_value(out, s, g, &g.ty, vals.get(&g.ident).unwrap_or(&V::Absent))?;
            }
        }
        (Ty::Bool, V::Int(x)) => out.push(*x as u8),
        (Ty::Int { bits, .. }, V::Int(x)) => {
            out.extend_from_slice(&x.to_be_bytes()[8 - *bits as usize / 8..])
        }
        (Ty::Array { .. }, V::Bytes(b)) => out.extend_from_slice(b),
        (Ty::Seq { .. }, V::Bytes(b)) => {
            put_len(out, b.len(), w[0]);
            out.extend_from_slice(b);
        }
        (Ty::Seq { .. }, V::List(items)) => {
            let mut inner = Vec::new();
            for i in items {
                put_len(&mut inner, i.len(), w[1]);
                inner.extend_from_slice(i);
            }
            put_len(out, inner.len(), w[0]);
            out.extend_from_slice(&inner);
        }
        (_, V::Absent) => {}
        (t, v) => return Err(format!("no TLS encoding of {v:?} as {t}")),
    }
    Ok(())
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.b.len() - self.i < n {
            return Err("end of input".into());
        }
        self.i += n;
        Ok(&self.b[self.i - n..self.i])
    }

    fn int(&mut self, width: usize) -> Result<u64, String> {
        Ok(self
            .take(width)?
            .iter()
            .fold(0u64, |a, x| (a << 8) | *x as u64))
    }
}

/// How a read error says it came from a declared length limit: a check meant to refuse.
const LIMIT: &str = "limit: ";

fn tls_field(r: &mut Reader<'_>, s: &Schema, f: &Field) -> Result<V, String> {
    tls_read(r, s, f, &f.ty)
}

fn tls_read(r: &mut Reader<'_>, s: &Schema, f: &Field, ty: &Ty) -> Result<V, String> {
    let w = widths(f, 2);
    let limit = |n: usize, level: usize| match (max_len(f, level), f.wire.min_len) {
        (Some(m), _) if n as u64 > m => Err(format!("{LIMIT}length {n} over the limit {m}")),
        (_, Some(m)) if level == 0 && (n as u64) < m => {
            Err(format!("{LIMIT}length {n} under the minimum {m}"))
        }
        _ => Ok(()),
    };
    // rustls: `u8::read(r)? == 1`; a strict codec refuses any byte but 0 and 1.
    let byte = |r: &mut Reader<'_>, what: &str| -> Result<bool, String> {
        match r.int(1)? {
            0 => Ok(false),
            1 => Ok(true),
            _ if f.wire.one_is_true => Ok(false),
            x => Err(format!("{what} byte {x}")),
        }
    };
    Ok(match ty {
        Ty::Option { of } => match byte(r, "presence")? {
            true => V::Opt(Some(Box::new(tls_read(r, s, f, of)?))),
            false => V::Opt(None),
        },
        Ty::Named { name } => match s.type_def(name) {
            Some(TypeDef::Struct(st)) => {
                let mut vals = Values::new();
                for g in &st.fields {
                    vals.insert(g.ident.clone(), tls_field(r, s, g)?);
                }
                V::Struct(vals)
            }
            Some(TypeDef::Enum(e)) => {
                let tag = r.int(e.tag_width.ok_or("a dispatching enum")? as usize)?;
                let i = e
                    .variants
                    .iter()
                    .position(|v| v.tag_value == Some(tag))
                    .or_else(|| e.variants.iter().position(|v| v.other))
                    .ok_or_else(|| format!("unknown {name} value {tag}"))?;
                let mut vals = Values::new();
                for g in &e.variants[i].fields {
                    vals.insert(g.ident.clone(), tls_field(r, s, g)?);
                }
                V::Variant(i, vals)
            }
            None => return Err(format!("{name} is not in the schema")),
        },
        Ty::Bool => V::Int(byte(r, "bool")? as u64),
        Ty::Int { bits, .. } => V::Int(r.int(*bits as usize / 8)?),
        Ty::Array { len, .. } => V::Bytes(r.take(*len)?.to_vec()),
        Ty::Seq { of } if **of == Ty::int(false, 8) => {
            let n = r.int(w[0])? as usize;
            limit(n, 0)?;
            V::Bytes(r.take(n)?.to_vec())
        }
        Ty::Seq { .. } => {
            let n = r.int(w[0])? as usize;
            let body = r.take(n)?.to_vec();
            let mut inner = Reader { b: &body, i: 0 };
            let mut items = Vec::new();
            while inner.i < body.len() {
                let m = inner.int(w[1])? as usize;
                limit(m, 1)?;
                items.push(inner.take(m)?.to_vec());
            }
            limit(items.len(), 0)?;
            V::List(items)
        }
        t => return Err(format!("no TLS decoding of {t}")),
    })
}

fn own_fixed_len(s: &Schema) -> Option<usize> {
    if !matches!(s.root_def(), Some(TypeDef::Struct(_))) {
        return None;
    }
    fields(s)
        .iter()
        .map(|f| match &f.ty {
            Ty::Bool => Some(1),
            Ty::Int { bits, .. } => Some(*bits as usize / 8),
            Ty::Array { len, .. } => Some(*len),
            _ => None,
        })
        .sum()
}

/// The envelope check runs beside the codec: a refusal by the codec's own checks counts first.
fn tls_decode(s: &Schema, bytes: &[u8]) -> Read {
    let parsed = tls_parse(s, bytes);
    if let Err(Refusal::Strict(_)) = parsed {
        return parsed;
    }
    if s.envelope.exact_length {
        if let Some(n) = own_fixed_len(s) {
            if bytes.len() != n {
                return Err(Refusal::Accident(format!(
                    "envelope length {} != {n}",
                    bytes.len()
                )));
            }
        }
    }
    parsed
}

fn tls_parse(s: &Schema, bytes: &[u8]) -> Read {
    let mut r = Reader { b: bytes, i: 0 };
    let mut out = Values::new();
    if let Some(TypeDef::Enum(e)) = s.root_def() {
        // rustls: `match ProtocolVersion::read(r)? { TLSv1_2 => .., TLSv1_3 => .., _ => Err }`.
        let width =
            e.tag_width
                .ok_or_else(|| Refusal::Accident("no dispatch width".into()))? as usize;
        let tag = r.int(width).map_err(Refusal::Accident)?;
        let i = e
            .variants
            .iter()
            .position(|v| v.tag_value == Some(tag))
            .or_else(|| e.variants.iter().position(|v| v.other))
            .ok_or_else(|| Refusal::Strict(format!("unknown dispatch value {tag:#x}")))?;
        out.insert(VARIANT.to_string(), V::Int(i as u64));
    }
    for f in fields_of(s, &out.clone()) {
        if f.wire.if_remaining && r.i == bytes.len() {
            out.insert(f.ident.clone(), V::Absent);
            continue;
        }
        let at = r.i;
        match tls_field(&mut r, s, f) {
            Ok(v) => {
                out.insert(f.ident.clone(), v);
            }
            Err(_) if f.wire.lenient => {
                // rustls: the failed optional read counts as absence; what it consumed is dropped.
                r.i = bytes.len().max(at);
                out.insert(f.ident.clone(), V::Absent);
            }
            Err(e) if e.starts_with(LIMIT) => {
                return Err(Refusal::Strict(format!(
                    "`{}`: {}",
                    f.ident,
                    &e[LIMIT.len()..]
                )))
            }
            Err(e) => return Err(Refusal::Accident(format!("`{}`: {e}", f.ident))),
        }
    }
    if r.i != bytes.len() && s.trailing.unwrap_or(Trailing::Ignore) == Trailing::Reject {
        return Err(Refusal::Strict(format!(
            "{} trailing bytes",
            bytes.len() - r.i
        )));
    }
    checks(s, out)
}

// ---------------------------------------------------------------- DER

fn der_len(out: &mut Vec<u8>, n: usize) {
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let b = (n as u64).to_be_bytes();
        let skip = b.iter().take_while(|x| **x == 0).count();
        out.push(0x80 | (8 - skip) as u8);
        out.extend_from_slice(&b[skip..]);
    }
}

fn der_tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    der_len(&mut out, body.len());
    out.extend_from_slice(body);
    out
}

/// The universal tag and the content of a value.
fn der_content(f: &Field, v: &V) -> Result<(u8, Vec<u8>), String> {
    Ok(match (&f.ty, v) {
        (Ty::Bool, V::Int(x)) => (0x01, vec![if *x == 1 { 0xff } else { 0 }]),
        (Ty::Int { .. }, V::Int(x)) => {
            let b = x.to_be_bytes();
            let mut skip = b.iter().take_while(|x| **x == 0).count().min(7);
            if b[skip] & 0x80 != 0 {
                skip -= 1;
            }
            let body: Vec<u8> = if skip == 8 {
                vec![0]
            } else {
                b[skip..].to_vec()
            };
            (0x02, body)
        }
        (Ty::Seq { .. }, V::Bytes(b)) => (0x04, b.clone()),
        (t, v) => return Err(format!("no DER encoding of {v:?} as {t}")),
    })
}

fn der_encode(s: &Schema, v: &Values) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    for f in fields(s) {
        let val = v.get(&f.ident).unwrap_or(&V::Absent);
        if *val == V::Absent {
            continue;
        }
        let (tag, content) = der_content(f, val)?;
        match (f.wire.tag, f.wire.implicit) {
            // IMPLICIT: the context tag (primitive) replaces the universal one.
            (Some(t), true) => body.extend(der_tlv(0x80 | t as u8, &content)),
            (Some(t), false) => body.extend(der_tlv(0xa0 | t as u8, &der_tlv(tag, &content))),
            (None, _) => body.extend(der_tlv(tag, &content)),
        }
    }
    Ok(der_tlv(0x30, &body))
}

fn der_read(r: &mut Reader<'_>) -> Result<(u8, Vec<u8>), String> {
    let tag = r.int(1)? as u8;
    let first = r.int(1)? as usize;
    let len = if first < 0x80 {
        first
    } else {
        r.int(first & 0x7f)? as usize
    };
    Ok((tag, r.take(len)?.to_vec()))
}

fn der_parse_value(f: &Field, tlv: (u8, Vec<u8>), implicit: bool) -> Result<V, String> {
    let (tag, body) = tlv;
    let want = match &f.ty {
        Ty::Bool => 0x01,
        Ty::Int { .. } => 0x02,
        Ty::Seq { .. } => 0x04,
        t => return Err(format!("no DER decoding of {t}")),
    };
    if !implicit && tag != want {
        return Err(format!("tag {tag:#x} for {}", f.ty));
    }
    match &f.ty {
        Ty::Bool => Ok(V::Int((body == [0xff]) as u64)),
        Ty::Int { .. } => Ok(V::Int(body.iter().fold(0u64, |a, x| (a << 8) | *x as u64))),
        _ => {
            let limit = max_len(f, 0);
            if limit.is_some_and(|m| body.len() as u64 > m) {
                return Err(format!("length {} over the limit", body.len()));
            }
            Ok(V::Bytes(body))
        }
    }
}

/// A field's tag byte in the SEQUENCE: context explicit (constructed), context implicit
/// (primitive), or none (universal, untagged).
fn der_tag_of(f: &Field) -> Option<u8> {
    f.wire.tag.map(|t| {
        if f.wire.implicit {
            0x80 | t as u8
        } else {
            0xa0 | t as u8
        }
    })
}

/// What a DER decoder reads for an absent element: an error, its DEFAULT, or absent.
fn der_absent(f: &Field) -> Result<V, Refusal> {
    match &f.missing {
        Missing::Error => Err(Refusal::Accident(format!("missing `{}`", f.ident))),
        // DEFAULT TRUE: an absent BOOLEAN is true.
        Missing::DefaultValue {
            value: Literal::Bool(b),
            ..
        } => Ok(V::Int(*b as u64)),
        _ => Ok(V::Absent),
    }
}

fn der_decode(s: &Schema, bytes: &[u8]) -> Read {
    let mut outer = Reader { b: bytes, i: 0 };
    let (tag, body) = der_read(&mut outer).map_err(Refusal::Accident)?;
    if tag != 0x30 {
        return Err(Refusal::Accident("not a SEQUENCE".into()));
    }
    let mut r = Reader { b: &body, i: 0 };
    let mut out = Values::new();
    let policy = s.unknown_tags.unwrap_or(UnknownTags::Ignore);
    let known: Vec<u8> = fields(s).iter().filter_map(der_tag_of).collect();
    // A parser that skips unknown elements passes over every context tag its schema lacks.
    let skip_unknown = |r: &mut Reader<'_>| -> Result<(), Refusal> {
        while policy == UnknownTags::Ignore && r.i < r.b.len() {
            let save = r.i;
            let (t, _) = der_read(r).map_err(Refusal::Accident)?;
            if t & 0x80 != 0x80 || known.contains(&t) {
                r.i = save;
                break;
            }
        }
        Ok(())
    };
    for f in fields(s) {
        skip_unknown(&mut r)?;
        let save = r.i;
        let next = if r.i < body.len() {
            Some(der_read(&mut r).map_err(Refusal::Accident)?)
        } else {
            None
        };
        let want = der_tag_of(f);
        let got = match (next, want) {
            (Some((t, inner)), Some(w)) if t == w && f.wire.implicit => {
                Some(der_parse_value(f, (t, inner), true).map_err(Refusal::Accident)?)
            }
            (Some((t, inner)), Some(w)) if t == w => {
                let mut ir = Reader { b: &inner, i: 0 };
                Some(
                    der_parse_value(f, der_read(&mut ir).map_err(Refusal::Accident)?, false)
                        .map_err(Refusal::Accident)?,
                )
            }
            (Some(tlv), None) => Some(der_parse_value(f, tlv, false).map_err(Refusal::Accident)?),
            _ => {
                r.i = save;
                None
            }
        };
        let v = match got {
            Some(v) => v,
            None => der_absent(f)?,
        };
        out.insert(f.ident.clone(), v);
    }
    skip_unknown(&mut r)?;
    match policy {
        UnknownTags::Reject if r.i != body.len() => {
            return Err(Refusal::Strict("unparsed elements".into()))
        }
        // A known element left over came out of order: the skipping parser fails on it.
        UnknownTags::Ignore if r.i != body.len() => {
            return Err(Refusal::Strict("an element out of order".into()))
        }
        // The stopping parser never looks at what it left.
        _ => {}
    }
    checks(s, out)
}

// ---------------------------------------------------------------- shared

fn checks(s: &Schema, v: Values) -> Read {
    check_fields(s, fields_of(s, &v), &v, 0)?;
    Ok(v)
}

/// The checks of these fields, and of the fields of the named types they hold.
fn check_fields(s: &Schema, fs: &[Field], v: &Values, depth: usize) -> Result<(), Refusal> {
    for f in fs {
        let x = match v.get(&f.ident) {
            Some(V::Int(x)) => *x,
            // A fixed run of bytes a check reads as a big-endian integer (a cipher suite).
            Some(V::Bytes(b)) if crate::schema::fixed_bytes(f).is_some() => {
                b.iter().fold(0u64, |a, x| (a << 8) | *x as u64)
            }
            Some(inner) if depth < MAX_NESTING => {
                let inner = match inner {
                    V::Opt(Some(x)) => &**x,
                    x => x,
                };
                match (named_of(&f.ty).and_then(|n| s.type_def(n)), inner) {
                    (Some(TypeDef::Struct(st)), V::Struct(vals)) => {
                        check_fields(s, &st.fields, vals, depth + 1)?
                    }
                    (Some(TypeDef::Enum(e)), V::Variant(i, vals)) => {
                        if let Some(var) = e.variants.get(*i) {
                            check_fields(s, &var.fields, vals, depth + 1)?
                        }
                    }
                    _ => {}
                }
                continue;
            }
            _ => continue,
        };
        if let Some(acc) = &f.session.version_field {
            if !acc.contains(x as i128) {
                return Err(Refusal::Strict(format!("version {x} outside {acc}")));
            }
        }
        if let Some(k) = f.session.known_bits {
            if x & !k != 0 {
                return Err(Refusal::Strict(format!("bits {x:#x} outside {k:#x}")));
            }
        }
        if let Some(c) = &f.session.check {
            if !c.contains(x as i128) {
                return Err(Refusal::Strict(format!(
                    "`{}` is {x:#x}, and the decoder resumes only with {c}",
                    f.ident
                )));
            }
        }
    }
    Ok(())
}

/// Whether the decoder of `s` reads these values as a session with the property whose carrier
/// `carrier` picks (EMS: `|f| f.session.ems.as_ref()`).
fn reads_flag(s: &Schema, v: &Values, marker: &dyn Fn(&Field) -> Option<EmsMarker>) -> bool {
    fields_read_flag(s, fields_of(s, v), v, marker, 0)
}

fn fields_read_flag(
    s: &Schema,
    fs: &[Field],
    v: &Values,
    marker: &dyn Fn(&Field) -> Option<EmsMarker>,
    depth: usize,
) -> bool {
    fs.iter().any(|f| {
        if f.session.ignored {
            return false;
        }
        match (marker(f), v.get(&f.ident)) {
            (Some(EmsMarker::Flag), Some(V::Int(x))) => *x == 1,
            (Some(EmsMarker::Flag), Some(V::Opt(Some(x)))) => {
                !matches!(&f.ty, Ty::Option { of } if **of == Ty::Bool) || **x == V::Int(1)
            }
            (Some(EmsMarker::Mask { mask }), Some(V::Int(x))) => x & mask != 0,
            // DEFAULT TRUE read as absent: the default decides.
            (Some(EmsMarker::Flag), Some(V::Absent) | None) => matches!(
                &f.missing,
                Missing::DefaultValue {
                    value: Literal::Bool(true),
                    ..
                }
            ),
            // A carrier inside a named type the field holds.
            (None, Some(inner)) if depth < MAX_NESTING => {
                nested_reads_flag(s, &f.ty, inner, marker, depth + 1)
            }
            _ => false,
        }
    })
}

fn nested_reads_flag(
    s: &Schema,
    ty: &Ty,
    v: &V,
    marker: &dyn Fn(&Field) -> Option<EmsMarker>,
    depth: usize,
) -> bool {
    let Some(name) = named_of(ty) else {
        return false;
    };
    let v = match v {
        V::Opt(Some(x)) => &**x,
        x => x,
    };
    match (s.type_def(name), v) {
        (Some(TypeDef::Struct(st)), V::Struct(vals)) => {
            fields_read_flag(s, &st.fields, vals, marker, depth)
        }
        (Some(TypeDef::Enum(e)), V::Variant(i, vals)) => e
            .variants
            .get(*i)
            .is_some_and(|var| fields_read_flag(s, &var.fields, vals, marker, depth)),
        _ => false,
    }
}

/// Whether the decoder of `s` reads these values as an EMS session.
pub fn is_ems(s: &Schema, v: &Values) -> bool {
    reads_flag(s, v, &|f| f.session.ems.clone())
}

/// Whether the decoder of `s` reads these values as carrying critical property `p`.
pub fn has_property(s: &Schema, v: &Values, p: &str) -> bool {
    reads_flag(s, v, &|f| {
        f.session
            .critical
            .as_ref()
            .filter(|c| c.name == p)
            .map(|c| c.marker.clone())
    })
}

/// The bytes `s`'s encoder writes for these values.
pub fn encode(s: &Schema, v: &Values) -> Result<Vec<u8>, String> {
    match s.encoding {
        Encoding::TlsPositional => tls_encode(s, v),
        Encoding::Der => der_encode(s, v),
        e => Err(format!("{e} is not a wire encoding")),
    }
}

/// What `dec`'s decoder does with bytes `enc`'s encoder wrote (the envelope first).
pub fn decode(dec: &Schema, enc: &Schema, bytes: &[u8]) -> Read {
    if let (Some(a), Some(b)) = (&dec.envelope.id, &enc.envelope.id) {
        if a != b {
            // Other ticket keys (or another envelope) are a break by design, not an accident.
            return Err(Refusal::Strict(format!("envelope {b} is not {a}")));
        }
    }
    match dec.encoding {
        Encoding::TlsPositional => tls_decode(dec, bytes),
        Encoding::Der => der_decode(dec, bytes),
        e => Err(Refusal::Accident(format!("{e} is not a wire encoding"))),
    }
}

/// Sessions a version writes: every optional field present and absent, lists empty and not, each
/// with EMS on and off (where the version writes EMS). `big` puts a 64 KiB element in lists.
/// Each with whether its writer made it an EMS session.
pub fn samples(s: &Schema, big: bool) -> Vec<(Values, bool)> {
    match s.root_def() {
        Some(TypeDef::Enum(e)) => {
            let mut out = Vec::new();
            for (i, var) in e.variants.iter().enumerate() {
                if var.tag_value.is_none() || !var.write {
                    continue;
                }
                let carries = carries_ems(s, &var.fields, 0);
                for (mut v, ems) in field_samples(s, &var.fields, carries, big) {
                    v.insert(VARIANT.to_string(), V::Int(i as u64));
                    out.push((v, ems));
                }
            }
            out
        }
        _ => field_samples(s, fields(s), carries_ems(s, fields(s), 0), big),
    }
}

/// A carrier whose value the encoder sets from the session's EMS status.
fn writes_ems(f: &Field) -> bool {
    f.session.ems.is_some() && f.session.written.is_none()
}

/// Named types nested deeper than this are not searched for carriers (validated schemas are
/// far shallower; a cycle stops here).
const MAX_NESTING: usize = 16;

/// Whether these fields hold such a carrier, directly or in a named type they hold (s2n's client
/// session: a variant, then the state struct with the EMS byte).
fn carries_ems(s: &Schema, fs: &[Field], depth: usize) -> bool {
    depth < MAX_NESTING
        && fs.iter().any(|f| {
            writes_ems(f)
                || named_of(&f.ty).is_some_and(|n| match s.type_def(n) {
                    Some(TypeDef::Struct(st)) => carries_ems(s, &st.fields, depth + 1),
                    Some(TypeDef::Enum(e)) => e
                        .variants
                        .iter()
                        .any(|v| carries_ems(s, &v.fields, depth + 1)),
                    None => false,
                })
        })
}

/// The named type a field holds, through an `Option`.
fn named_of(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Named { name } => Some(name),
        Ty::Option { of } => named_of(of),
        _ => None,
    }
}

/// A plain value for an integer field: the first value its decoder's check admits, else one
/// the encoder declares it writes, else `fallback`.
fn plain_int(f: &Field, fallback: u64) -> u64 {
    let first = |a: &crate::schema::Accepts| {
        a.ranges
            .first()
            .map(|(lo, hi)| lo.or(*hi).unwrap_or(fallback))
    };
    f.session
        .check
        .as_ref()
        .and_then(first)
        .or_else(|| {
            f.session
                .values
                .as_ref()
                .filter(|v| v.contains(fallback as i128))
                .map(|_| fallback)
        })
        .or_else(|| f.session.values.as_ref().and_then(first))
        .unwrap_or(fallback)
}

fn field_samples(s: &Schema, fs: &[Field], carries: bool, big: bool) -> Vec<(Values, bool)> {
    let mut out = Vec::new();
    for ems in [false, true] {
        if ems && !carries {
            continue;
        }
        for variant in 0..4u32 {
            let mut v = Values::new();
            for f in fs {
                v.insert(f.ident.clone(), sample_value(s, f, variant, ems, big));
            }
            // The session's EMS status is what its writer put in the carrier, whatever its own
            // decoder does with it.
            out.push((v, ems));
        }
    }
    out
}

/// The value a sample session gives field `f` (`variant` picks among the choices; `ems`: the
/// session's EMS status), or absent where its encoder would not write it.
fn sample_value(s: &Schema, f: &Field, variant: u32, ems: bool, big: bool) -> V {
    let present =
        !matches!(f.write, Write::Unless(_)) || variant & 1 == 1 || f.session.ems.is_some();
    let (ty, opt) = match &f.ty {
        Ty::Option { of } => (&**of, true),
        t => (t, false),
    };
    let any = f.session.written == Some(Written::Any);
    let mut val = typed_sample(s, f, ty, variant, ems, big);
    if opt {
        // Some in half the samples; a flag carrier on a non-bool Option is Some for EMS.
        let non_bool_carrier =
            matches!((&f.session.ems, ty), (Some(EmsMarker::Flag), t) if *t != Ty::Bool);
        let some = match (non_bool_carrier, any) {
            (true, false) => ems,
            _ => variant & 2 == 2,
        };
        if non_bool_carrier {
            val = V::Bytes(b"abc".to_vec());
            if !matches!(ty, Ty::Seq { .. }) {
                val = V::Int(1);
            }
        }
        val = V::Opt(some.then(|| Box::new(val)));
    }
    let absent = !present
        || f.write == Write::Never
        // A "when non-zero" carrier is absent when zero (DER ZUINT64), and any
        // "when true" / "when non-zero" field is when false or zero: the encoder
        // never writes the DEFAULT.
        || (matches!(&f.write, Write::Unless(c) if c != "when false")
            && (f.session.ems.is_some()
                || matches!(&f.write, Write::Unless(c) if c == "when true" || c == "when non-zero"))
            && val == V::Int(0))
        // "when false" (DER DEFAULT TRUE): written only when false.
        || (matches!(&f.write, Write::Unless(c) if c == "when false")
            && val != V::Int(0));
    if absent {
        V::Absent
    } else {
        val
    }
}

/// The sample value of `f`'s type `ty` (an Option's inner type).
fn typed_sample(s: &Schema, f: &Field, ty: &Ty, variant: u32, ems: bool, big: bool) -> V {
    let any = f.session.written == Some(Written::Any);
    match (&f.session.ems, ty) {
        // Written whatever the session: either value, the session stays non-EMS.
        (Some(EmsMarker::Flag), _) if any => V::Int((variant >> 1) as u64 & 1),
        (Some(EmsMarker::Flag), _) => V::Int(ems as u64),
        (Some(EmsMarker::Mask { mask }), _) => {
            // Other declared flag bits set in half the samples.
            let other = f.session.known_bits.unwrap_or(0) & !mask;
            let on = if variant & 2 == 2 { other } else { 0 };
            let bit = if any {
                variant as u64 >> 1 & 1 == 1
            } else {
                ems
            };
            V::Int(if bit { *mask } else { 0 } | on)
        }
        _ if f.session.version_field.is_some() => {
            V::Int(f.session.writes.unwrap_or(s.version as u64))
        }
        (_, Ty::Bool) => V::Int((variant >> 1) as u64 & 1),
        (_, Ty::Int { .. }) => V::Int(plain_int(
            f,
            f.session
                .known_bits
                .map(|k| k & 1)
                .unwrap_or(variant as u64 >> 1),
        )),
        // A fixed run a check reads: the first value it admits, big-endian.
        (_, Ty::Seq { .. } | Ty::Array { .. })
            if crate::schema::fixed_bytes(f).is_some()
                && (f.session.check.is_some() || f.session.values.is_some()) =>
        {
            let n = crate::schema::fixed_bytes(f).unwrap_or(2);
            let x = plain_int(f, 0);
            V::Bytes(x.to_be_bytes()[8 - n..].to_vec())
        }
        (_, Ty::Array { len, .. }) => V::Bytes(vec![7; *len]),
        // ASCII letters, so that a real decoder that parses them (a DNS name) can.
        (_, Ty::Seq { of }) if **of == Ty::int(false, 8) => {
            let lo = f.wire.min_len.unwrap_or(0);
            let hi = f.wire.outer_max_len().unwrap_or(u64::MAX);
            let n = 3u64.clamp(lo, hi.max(lo)) as usize;
            V::Bytes((0..n).map(|i| b'a' + (i % 26) as u8).collect())
        }
        (_, Ty::Seq { .. }) => match (variant >> 1, big) {
            (0, _) if f.wire.min_len.unwrap_or(0) == 0 => V::List(Vec::new()),
            (_, true) => V::List(vec![vec![b'z'; 65536]]),
            _ => V::List(vec![b"zz".to_vec()]),
        },
        (_, Ty::Named { name }) => named_sample(s, name, variant, ems),
        (_, _) => V::Absent,
    }
}

/// A value of a named type: each variant of an enum in turn, made an EMS value (`ems`) where
/// the type holds a carrier.
fn named_sample(s: &Schema, name: &str, variant: u32, ems: bool) -> V {
    let pick = |fs: &[Field]| {
        let carries = carries_ems(s, fs, 0);
        field_samples(s, fs, carries, false)
            .into_iter()
            .filter(|(_, e)| !carries || *e == ems)
            .nth(variant as usize % 4)
            .map(|(v, _)| v)
            .unwrap_or_default()
    };
    match s.type_def(name) {
        Some(TypeDef::Struct(st)) => V::Struct(pick(&st.fields)),
        Some(TypeDef::Enum(e)) => {
            let tagged: Vec<usize> = (0..e.variants.len())
                .filter(|i| e.variants[*i].tag_value.is_some())
                .collect();
            match tagged.get(variant as usize % tagged.len().max(1)) {
                Some(i) => V::Variant(*i, pick(&e.variants[*i].fields)),
                None => V::Absent,
            }
        }
        None => V::Absent,
    }
}
