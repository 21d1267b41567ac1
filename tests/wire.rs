//! Schema files for hand-written codecs, checked the differential way: a small encoder and decoder
//! written here for the declared layouts (TLS presentation language and DER) build real byte
//! strings for both versions, and the analyzer's verdict must match what the declared decoder does.
//! The interpreter shares no code with the analysis; it reads the same declarations.

use sessionlint::findings::Finding;
use sessionlint::rules::{check_pair as analyse_pair, check_version as analyse_version};
use sessionlint::schema::{
    EmsMarker, Encoding, Field, Missing, Schema, Trailing, Ty, TypeDef, UnknownTags, Write,
};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
enum V {
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
type Values = BTreeMap<String, V>;
const VARIANT: &str = "$variant";

/// The fields of a struct root (DER and TLS layouts).
fn fields(s: &Schema) -> &[Field] {
    match s.root_def() {
        Some(TypeDef::Struct(st)) => &st.fields,
        _ => panic!("this layout has a struct root"),
    }
}

/// The fields a session's values are laid out by: the struct root's, or those of the variant a
/// dispatching root holds.
fn fields_of<'s>(s: &'s Schema, v: &Values) -> &'s [Field] {
    match s.root_def() {
        Some(TypeDef::Enum(e)) => match v.get(VARIANT) {
            Some(V::Int(i)) => &e.variants[*i as usize].fields,
            _ => panic!("a dispatching root's values name their variant"),
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
        w.push(*w.last().unwrap());
    }
    w
}

// ---------------------------------------------------------------- TLS presentation language

fn put_len(out: &mut Vec<u8>, n: usize, width: u8) {
    let b = (n as u64).to_be_bytes();
    out.extend_from_slice(&b[8 - width as usize..]);
}

fn tls_encode(s: &Schema, v: &Values) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(TypeDef::Enum(e)) = s.root_def() {
        let Some(V::Int(i)) = v.get(VARIANT) else {
            panic!("no variant")
        };
        let tag = e.variants[*i as usize]
            .tag_value
            .expect("a written variant has its value");
        put_len(
            &mut out,
            tag as usize,
            e.tag_width.expect("a dispatching root"),
        );
    }
    for f in fields_of(s, v) {
        let val = &v[&f.ident];
        if *val == V::Absent {
            assert!(
                !matches!(f.write, Write::Always),
                "{} is always written",
                f.ident
            );
            continue;
        }
        tls_value(&mut out, s, f, &f.ty, val);
    }
    out
}

fn tls_value(out: &mut Vec<u8>, s: &Schema, f: &Field, ty: &Ty, val: &V) {
    let w = widths(f, 2);
    match (ty, val) {
        (Ty::Option { .. }, V::Opt(None)) => out.push(0),
        (Ty::Option { of }, V::Opt(Some(x))) => {
            out.push(1);
            tls_value(out, s, f, of, x);
        }
        (Ty::Named { name }, V::Struct(vals)) => {
            let Some(TypeDef::Struct(st)) = s.type_def(name) else {
                panic!("{name} is no struct")
            };
            for g in &st.fields {
                tls_value(out, s, g, &g.ty, &vals[&g.ident]);
            }
        }
        (Ty::Named { name }, V::Variant(i, vals)) => {
            let Some(TypeDef::Enum(e)) = s.type_def(name) else {
                panic!("{name} is no enum")
            };
            let var = &e.variants[*i];
            put_len(
                out,
                var.tag_value.expect("a written variant") as usize,
                e.tag_width.expect("a dispatching enum"),
            );
            for g in &var.fields {
                tls_value(out, s, g, &g.ty, &vals[&g.ident]);
            }
        }
        (Ty::Bool, V::Int(x)) => out.push(*x as u8),
        (Ty::Int { bits, .. }, V::Int(x)) => {
            out.extend_from_slice(&x.to_be_bytes()[8 - *bits as usize / 8..])
        }
        (Ty::Array { len, .. }, V::Bytes(b)) => {
            assert_eq!(b.len(), *len);
            out.extend_from_slice(b)
        }
        (Ty::Seq { .. }, V::Bytes(b)) => {
            put_len(out, b.len(), w[0] as u8);
            out.extend_from_slice(b);
        }
        (Ty::Seq { .. }, V::List(items)) => {
            let mut inner = Vec::new();
            for i in items {
                put_len(&mut inner, i.len(), w[1] as u8);
                inner.extend_from_slice(i);
            }
            put_len(out, inner.len(), w[0] as u8);
            out.extend_from_slice(&inner);
        }
        (t, v) => panic!("no TLS encoding of {v:?} as {t}"),
    }
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

/// Why a declared decoder refused: by a check meant to refuse, or by accident.
#[derive(Debug)]
#[allow(dead_code)] // the reasons are shown through `Debug` when a verdict disagrees
enum Refusal {
    Strict(String),
    Accident(String),
}

type Read = Result<Values, Refusal>;

fn tls_field(r: &mut Reader<'_>, s: &Schema, f: &Field) -> Result<V, String> {
    tls_read(r, s, f, &f.ty)
}

fn tls_read(r: &mut Reader<'_>, s: &Schema, f: &Field, ty: &Ty) -> Result<V, String> {
    let w = widths(f, 2);
    let limit = |n: usize| match f.wire.max_len {
        Some(m) if n as u64 > m => Err(format!("length {n} over the limit {m}")),
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
                let tag = r.int(e.tag_width.expect("a dispatching enum") as usize)?;
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
            None => panic!("{name} is not in the schema"),
        },
        Ty::Bool => V::Int(byte(r, "bool")? as u64),
        Ty::Int { bits, .. } => V::Int(r.int(*bits as usize / 8)?),
        Ty::Array { len, .. } => V::Bytes(r.take(*len)?.to_vec()),
        Ty::Seq { of } if **of == Ty::int(false, 8) => {
            let n = r.int(w[0])? as usize;
            limit(n)?;
            V::Bytes(r.take(n)?.to_vec())
        }
        Ty::Seq { .. } => {
            let n = r.int(w[0])? as usize;
            let body = r.take(n)?.to_vec();
            let mut inner = Reader { b: &body, i: 0 };
            let mut items = Vec::new();
            while inner.i < body.len() {
                let m = inner.int(w[1])? as usize;
                items.push(inner.take(m)?.to_vec());
            }
            limit(items.len())?;
            V::List(items)
        }
        t => panic!("no TLS decoding of {t}"),
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
        let width = e.tag_width.expect("a dispatching root") as usize;
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

fn der_value(f: &Field, v: &V) -> Vec<u8> {
    match (&f.ty, v) {
        (Ty::Bool, V::Int(x)) => der_tlv(0x01, &[if *x == 1 { 0xff } else { 0 }]),
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
            der_tlv(0x02, &body)
        }
        (Ty::Seq { .. }, V::Bytes(b)) => der_tlv(0x04, b),
        (t, v) => panic!("no DER encoding of {v:?} as {t}"),
    }
}

fn der_encode(s: &Schema, v: &Values) -> Vec<u8> {
    let mut body = Vec::new();
    for f in fields(s) {
        let val = &v[&f.ident];
        if *val == V::Absent {
            continue;
        }
        let inner = der_value(f, val);
        match f.wire.tag {
            Some(t) => body.extend(der_tlv(0xa0 | t as u8, &inner)),
            None => body.extend(inner),
        }
    }
    der_tlv(0x30, &body)
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

fn der_parse_value(f: &Field, tlv: (u8, Vec<u8>)) -> Result<V, String> {
    let (tag, body) = tlv;
    match (&f.ty, tag) {
        (Ty::Bool, 0x01) => Ok(V::Int((body == [0xff]) as u64)),
        (Ty::Int { .. }, 0x02) => Ok(V::Int(body.iter().fold(0u64, |a, x| (a << 8) | *x as u64))),
        (Ty::Seq { .. }, 0x04) => Ok(V::Bytes(body)),
        (t, tag) => Err(format!("tag {tag:#x} for {t}")),
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
    let known: Vec<u8> = fields(s)
        .iter()
        .filter_map(|f| f.wire.tag.map(|t| 0xa0 | t as u8))
        .collect();
    // A parser that skips unknown elements passes over every context tag its schema lacks.
    let skip_unknown = |r: &mut Reader<'_>| -> Result<(), Refusal> {
        while policy == UnknownTags::Ignore && r.i < r.b.len() {
            let save = r.i;
            let (t, _) = der_read(r).map_err(Refusal::Accident)?;
            if t & 0xa0 != 0xa0 || known.contains(&t) {
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
        let want = f.wire.tag.map(|t| 0xa0 | t as u8);
        let got = match (next, want) {
            (Some((t, inner)), Some(w)) if t == w => {
                let mut ir = Reader { b: &inner, i: 0 };
                Some(
                    der_parse_value(f, der_read(&mut ir).map_err(Refusal::Accident)?)
                        .map_err(Refusal::Accident)?,
                )
            }
            (Some(tlv), None) => Some(der_parse_value(f, tlv).map_err(Refusal::Accident)?),
            _ => {
                r.i = save;
                None
            }
        };
        match got {
            Some(v) => {
                out.insert(f.ident.clone(), v);
            }
            None if f.missing != Missing::Error => {
                out.insert(f.ident.clone(), V::Absent);
            }
            None => return Err(Refusal::Accident(format!("missing `{}`", f.ident))),
        }
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
    for f in fields_of(s, &v) {
        if let (Some(acc), Some(V::Int(x))) = (&f.session.version_field, v.get(&f.ident)) {
            if !acc.contains(*x as i128) {
                return Err(Refusal::Strict(format!("version {x} outside {acc}")));
            }
        }
        if let (Some(k), Some(V::Int(x))) = (f.session.known_bits, v.get(&f.ident)) {
            if x & !k != 0 {
                return Err(Refusal::Strict(format!("bits {x:#x} outside {k:#x}")));
            }
        }
    }
    Ok(v)
}

fn is_ems(s: &Schema, v: &Values) -> bool {
    fields_of(s, v).iter().any(|f| {
        if f.session.ignored {
            return false;
        }
        match (&f.session.ems, v.get(&f.ident)) {
            (Some(EmsMarker::Flag), Some(V::Int(x))) => *x == 1,
            (Some(EmsMarker::Flag), Some(V::Opt(Some(x)))) => {
                !matches!(&f.ty, Ty::Option { of } if **of == Ty::Bool) || **x == V::Int(1)
            }
            (Some(EmsMarker::Mask { mask }), Some(V::Int(x))) => x & mask != 0,
            _ => false,
        }
    })
}

fn encode(s: &Schema, v: &Values) -> Vec<u8> {
    match s.encoding {
        Encoding::TlsPositional => tls_encode(s, v),
        Encoding::Der => der_encode(s, v),
        e => panic!("{e} is not a wire encoding"),
    }
}

fn decode(dec: &Schema, enc: &Schema, bytes: &[u8]) -> Read {
    if let (Some(a), Some(b)) = (&dec.envelope.id, &enc.envelope.id) {
        if a != b {
            return Err(Refusal::Accident(format!("envelope {b} is not {a}")));
        }
    }
    match dec.encoding {
        Encoding::TlsPositional => tls_decode(dec, bytes),
        Encoding::Der => der_decode(dec, bytes),
        e => panic!("{e} is not a wire encoding"),
    }
}

/// Sessions a version writes: every optional field present and absent, lists empty and not, each
/// with EMS on and off (where the version has a carrier). `big` puts a 64 KiB element in lists.
fn samples(s: &Schema, big: bool) -> Vec<(Values, bool)> {
    match s.root_def() {
        Some(TypeDef::Enum(e)) => {
            let mut out = Vec::new();
            for (i, var) in e.variants.iter().enumerate() {
                if var.tag_value.is_none() || !var.write {
                    continue;
                }
                let carries = var.fields.iter().any(|f| f.session.ems.is_some());
                for (mut v, ems) in field_samples(s, &var.fields, carries, big) {
                    v.insert(VARIANT.to_string(), V::Int(i as u64));
                    out.push((v, ems));
                }
            }
            out
        }
        _ => field_samples(s, fields(s), s.ems_carrier().is_some(), big),
    }
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
                let present = !matches!(f.write, Write::Unless(_))
                    || variant & 1 == 1
                    || f.session.ems.is_some();
                let (ty, opt) = match &f.ty {
                    Ty::Option { of } => (&**of, true),
                    t => (t, false),
                };
                let mut val = match (&f.session.ems, ty) {
                    (Some(EmsMarker::Flag), _) => V::Int(ems as u64),
                    (Some(EmsMarker::Mask { mask }), _) => {
                        // Other declared flag bits set in half the samples.
                        let other = f.session.known_bits.unwrap_or(0) & !mask;
                        let on = if variant & 2 == 2 { other } else { 0 };
                        V::Int(if ems { *mask } else { 0 } | on)
                    }
                    _ if f.session.version_field.is_some() => {
                        V::Int(f.session.writes.unwrap_or(s.version as u64))
                    }
                    (_, Ty::Bool) => V::Int((variant >> 1) as u64 & 1),
                    (_, Ty::Int { .. }) => V::Int(
                        f.session
                            .known_bits
                            .map(|k| k & 1)
                            .unwrap_or(variant as u64 >> 1),
                    ),
                    (_, Ty::Array { len, .. }) => V::Bytes(vec![7; *len]),
                    (_, Ty::Seq { of }) if **of == Ty::int(false, 8) => V::Bytes(vec![1, 2, 3]),
                    (_, Ty::Seq { .. }) => match (variant >> 1, big) {
                        (0, _) => V::List(Vec::new()),
                        (_, false) => V::List(vec![vec![9, 9]]),
                        (_, true) => V::List(vec![vec![9; 65536]]),
                    },
                    (_, Ty::Named { name }) => named_sample(s, name, variant),
                    (_, t) => panic!("no sample of {t}"),
                };
                if opt {
                    // Some in half the samples; a flag carrier on a non-bool Option is Some for EMS.
                    let some = match (&f.session.ems, ty) {
                        (Some(EmsMarker::Flag), t) if *t != Ty::Bool => ems,
                        _ => variant & 2 == 2,
                    };
                    if matches!((&f.session.ems, ty), (Some(EmsMarker::Flag), t) if *t != Ty::Bool)
                    {
                        val = V::Bytes(vec![1, 2, 3]);
                        if !matches!(ty, Ty::Seq { .. }) {
                            val = V::Int(1);
                        }
                    }
                    val = V::Opt(some.then(|| Box::new(val)));
                }
                // A "when non-zero" carrier is absent when zero (DER ZUINT64); a field the
                // encoder never writes is absent.
                let absent = !present
                    || f.write == Write::Never
                    || (matches!(f.write, Write::Unless(_))
                        && f.session.ems.is_some()
                        && val == V::Int(0));
                v.insert(f.ident.clone(), if absent { V::Absent } else { val });
            }
            // The session's EMS status is what its writer put in the carrier, whatever its own
            // decoder does with it.
            out.push((v, ems));
        }
    }
    out
}

/// A value of a named type with no EMS meaning: each variant of an enum in turn.
fn named_sample(s: &Schema, name: &str, variant: u32) -> V {
    let pick = |fs: &[Field]| {
        let (v, _) = field_samples(s, fs, false, false)
            .into_iter()
            .nth(variant as usize % 4)
            .expect("four samples");
        v
    };
    match s.type_def(name) {
        Some(TypeDef::Struct(st)) => V::Struct(pick(&st.fields)),
        Some(TypeDef::Enum(e)) => {
            let tagged: Vec<usize> = (0..e.variants.len())
                .filter(|i| e.variants[*i].tag_value.is_some())
                .collect();
            let i = tagged[variant as usize % tagged.len()];
            V::Variant(i, pick(&e.variants[i].fields))
        }
        None => panic!("{name} is not in the schema"),
    }
}

fn has(f: &[Finding], rule: &str) -> bool {
    f.iter().any(|x| x.rule == rule)
}

fn load(path: &str) -> Schema {
    let full = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
    };
    sessionlint::snapshot::parse(path, &std::fs::read_to_string(full).unwrap()).unwrap()
}

/// Both directions of one pair, through the declared codecs; panics on any disagreement.
fn pair(old_path: &str, new_path: &str, big: bool) -> Vec<Finding> {
    let (old, new) = (load(old_path), load(new_path));
    let mut f = analyse_version(&new);
    f.extend(analyse_pair(&old, &new));
    let ctx = format!(
        "{old_path} -> {new_path}: {:?}",
        f.iter().map(|x| (x.rule, &x.reasons)).collect::<Vec<_>>()
    );

    let mut real_hazard = false;
    let mut ems_reads = Vec::new();
    let mut all_non_ems_rejected = true;
    for (v, ems) in samples(&new, big) {
        let bytes = encode(&new, &v);
        let own = decode(&new, &new, &bytes)
            .unwrap_or_else(|e| panic!("{new_path} must read its own sessions: {e:?}"));
        let ignored = new
            .ems_carrier()
            .is_some_and(|p| p.carrier().session.ignored);
        assert_eq!(
            is_ems(&new, &own),
            ems && !ignored,
            "{new_path}: own EMS reading"
        );
        let r = decode(&old, &new, &bytes);
        if ems {
            real_hazard |= matches!(&r, Ok(x) if !is_ems(&old, x));
            ems_reads.push(r);
        } else {
            all_non_ems_rejected &= r.is_err();
        }
    }
    // A data-dependent finding says "not proven safe": the samples must not contradict a proven
    // verdict, and must show every hazard they can; they cannot prove an absence.
    let proven = |rule: &str| f.iter().any(|x| x.rule == rule && !x.data_dependent);
    let analyzer_hazard = f.iter().any(|x| x.rule.is_rollout_hazard());
    let proven_hazard = f
        .iter()
        .any(|x| x.rule.is_rollout_hazard() && !x.data_dependent);
    assert!(
        !real_hazard || analyzer_hazard,
        "missed EMS hazard: {ctx}\nreal: {ems_reads:?}"
    );
    assert!(
        !proven_hazard || real_hazard,
        "proven EMS hazard not shown by the codec: {ctx}\nreal: {ems_reads:?}"
    );
    if has(&f, "rejection-by-accident") {
        assert!(
            ems_reads
                .iter()
                .all(|r| matches!(r, Err(Refusal::Accident(_)))),
            "rejection-by-accident, yet a decoder check refused or accepted: {ctx}\n{ems_reads:?}"
        );
    }
    if new.ems_carrier().is_some()
        && !ems_reads.is_empty()
        && ems_reads
            .iter()
            .all(|r| matches!(r, Err(Refusal::Accident(_))))
    {
        assert!(
            has(&f, "rejection-by-accident"),
            "every refusal is accidental, so the rule should fire: {ctx}"
        );
    }
    let any_dd = f.iter().any(|x| x.data_dependent);
    let claimed = has(&f, "non-ems-session-rejected-by-older-decoder");
    assert!(
        !claimed || all_non_ems_rejected,
        "non-EMS rejection claimed but not real: {ctx}"
    );
    assert!(any_dd || claimed == all_non_ems_rejected, "non-EMS: {ctx}");

    // The newer decoder reading the older version's sessions: non-EMS ones must not read as
    // EMS, EMS ones must not read without (`ems-dropped-by-newer-decoder`).
    let mut read_as_ems = false;
    let mut dropped = false;
    let mut all_older_rejected = true;
    for (v, ems) in samples(&old, big) {
        let r = decode(&new, &old, &encode(&old, &v));
        if ems {
            dropped |= matches!(&r, Ok(x) if !is_ems(&new, x));
            continue;
        }
        read_as_ems |= matches!(&r, Ok(x) if is_ems(&new, x));
        all_older_rejected &= r.is_err();
    }
    assert!(
        !dropped || has(&f, "ems-dropped-by-newer-decoder"),
        "missed: an older EMS session read without EMS: {ctx}"
    );
    assert!(
        !proven("ems-dropped-by-newer-decoder") || dropped,
        "proven ems-dropped-by-newer-decoder not shown by the codec: {ctx}"
    );
    // The older decoder reading the newer version's non-EMS sessions as EMS.
    let mut newer_read_as_ems = false;
    for (v, ems) in samples(&new, big) {
        if !ems {
            newer_read_as_ems |=
                matches!(decode(&old, &new, &encode(&new, &v)), Ok(x) if is_ems(&old, &x));
        }
    }
    assert!(
        !newer_read_as_ems || has(&f, "newer-session-read-as-ems"),
        "missed: a newer non-EMS session read as EMS: {ctx}"
    );
    assert!(
        !proven("newer-session-read-as-ems") || newer_read_as_ems,
        "proven newer-session-read-as-ems not shown: {ctx}"
    );
    assert!(
        !read_as_ems || has(&f, "older-session-read-as-ems"),
        "missed: older read as EMS: {ctx}"
    );
    assert!(
        !proven("older-session-read-as-ems") || read_as_ems,
        "proven older-read-as-EMS not shown: {ctx}"
    );
    let claimed = has(&f, "older-session-rejected");
    assert!(
        !claimed || all_older_rejected,
        "older rejection claimed but not real: {ctx}"
    );
    assert!(
        any_dd || claimed == (all_older_rejected && !read_as_ems),
        "older rejected: {ctx}"
    );
    f
}

#[test]
fn s2n_tls() {
    let d = "examples/real-world/s2n";
    let v = ["v1.0.16", "v1.0.17", "v1.1.0", "v1.2.0", "v1.3.0"]
        .map(|x| format!("{d}/{x}.schema.toml"));
    for i in 0..v.len() {
        for j in i + 1..v.len() {
            pair(&v[i], &v[j], false);
        }
    }
    assert!(
        has(&pair(&v[1], &v[2], false), "field-read-but-ignored"),
        "the incident"
    );
    assert!(
        has(&pair(&v[0], &v[1], false), "rejection-by-accident"),
        "1.0.16: envelope length only"
    );
    assert!(
        has(&pair(&v[2], &v[3], false), "ems-dropped-by-newer-decoder"),
        "the 1.2.0 revert resumes 1.1.0's EMS tickets without EMS"
    );
}

#[test]
fn rustls() {
    let d = "examples/real-world/rustls";
    // With a 64 KiB client chain the new EMS byte reads the chain length's first byte, 1.
    let f = pair(
        &format!("{d}/v0.5.5.schema.toml"),
        &format!("{d}/v0.5.6.schema.toml"),
        true,
    );
    assert!(has(&f, "optional-tail-swallows-field"));
    // The client cache: 0.5.5 ignores the EMS byte 0.5.6 appends; 0.5.6 needs it.
    let f = pair(
        &format!("{d}/client-v0.5.5.schema.toml"),
        &format!("{d}/client-v0.5.6.schema.toml"),
        false,
    );
    assert!(has(&f, "ems-accepted-by-older-decoder") && has(&f, "older-session-rejected"));
    // Today's release and main: main's version dispatch refuses every 0.23.43 value (its first
    // byte is a presence byte, 0 or 1, and no protocol version starts so).
    let f = pair(
        &format!("{d}/v0.23.43.schema.toml"),
        &format!("{d}/main-6868ee84d.schema.toml"),
        true,
    );
    assert!(has(&f, "older-session-rejected"), "{f:?}");
}

/// BoringSSL's SSL_SESSION across the EMS commit, the unknown-field fix, and is_quic; is_quic is
/// checked by the codec too, with the schemas projected on it (its field in the EMS field's
/// place).
#[test]
fn boringssl() {
    let d = "examples/real-world/boringssl";
    let v = [
        "7571292ea^",
        "7571292ea",
        "f297e021f",
        "6bfd25c75^",
        "6bfd25c75",
    ]
    .map(|x| format!("{d}/{x}.schema.toml"));
    for w in v.windows(2) {
        pair(&w[0], &w[1], false);
    }
    assert!(
        has(&pair(&v[0], &v[1], false), "ems-accepted-by-older-decoder"),
        "the pre-EMS parser stops before [17] and accepts the session"
    );
    let dir = tempfile::tempdir().unwrap();
    let projected: Vec<String> = v[3..]
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let out = dir.path().join(format!("quic-{i}.schema.toml"));
            std::fs::write(
                &out,
                sessionlint::snapshot::to_toml(&load(p).project("quic")),
            )
            .unwrap();
            out.to_string_lossy().into_owned()
        })
        .collect();
    let f = pair(&projected[0], &projected[1], false);
    assert!(
        !f.iter().any(|x| x.rule.is_rollout_hazard()),
        "6bfd25c75^ refuses [27]: {f:?}"
    );
}

#[test]
fn nss() {
    let d = "examples/real-world/nss";
    pair(
        &format!("{d}/0x0100.schema.toml"),
        &format!("{d}/0x0101.schema.toml"),
        false,
    );
}

#[test]
fn openssl_der() {
    pair(
        "examples/real-world/openssl/1.0.x.schema.toml",
        "examples/real-world/openssl/1.1.0.schema.toml",
        false,
    );
    let f = pair(
        "examples/real-world/openssl-flag-bit/1.1.0.schema.toml",
        "examples/real-world/openssl-flag-bit/future.schema.toml",
        false,
    );
    assert!(has(&f, "unmasked-flag-bits"));
}

#[test]
fn go() {
    let d = "examples/real-world/go";
    let v = ["go1.20", "go1.21", "newest"].map(|x| format!("{d}/{x}.schema.toml"));
    pair(&v[0], &v[1], false);
    pair(&v[0], &v[2], false);
    pair(&v[1], &v[2], false);
}

/// rustls-style reads, each checked against the codec: a byte read as `== 1`, a presence byte,
/// per-level length prefixes, a length limit, and a root that dispatches on the protocol version.
#[test]
fn rustls_style_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let head = |v: u32, trailing: &str| {
        format!("name = \"r\"\nversion = {v}\nencoding = \"tls-positional\"\nroot = \"S\"\ntrailing = \"{trailing}\"\n\n[types.S]\nkind = \"struct\"\n")
    };
    let field = |ident: &str, ty: &str, extra: &str| {
        format!("\n[[types.S.fields]]\nident = \"{ident}\"\nty = \"{ty}\"\n{extra}")
    };
    let rules = |f: &[Finding]| {
        let mut r: Vec<&str> = f
            .iter()
            .filter(|x| !x.data_dependent)
            .map(|x| x.rule.id())
            .collect();
        r.sort();
        r.dedup();
        r
    };

    // A bool EMS byte becomes a flags byte (bit 2: EMS; bit 1: another property). A decoder that
    // reads `== 1` takes 2 and 3 as false and 1 as true; a strict one refuses 2 and 3.
    let bool_v1 = |one: bool| {
        head(1, "reject")
            + &field("cipher", "u16", "")
            + &field(
                "ems",
                "bool",
                &format!(
                    "session = {{ ems = {{ kind = \"flag\" }} }}\n{}",
                    if one {
                        "wire = { one_is_true = true }\n"
                    } else {
                        ""
                    }
                ),
            )
    };
    let flags_v2 = head(2, "reject")
        + &field("cipher", "u16", "")
        + &field(
            "flags",
            "u8",
            "session = { ems = { kind = \"mask\", mask = 2 }, known_bits = 3 }\n",
        );
    let b = write("flags-v2.toml", flags_v2);
    let lenient = pair(&write("one-v1.toml", bool_v1(true)), &b, false);
    assert_eq!(
        rules(&lenient),
        [
            "ems-accepted-by-older-decoder",
            "ems-dropped-by-newer-decoder",
            "newer-session-read-as-ems"
        ],
        "{lenient:?}"
    );
    assert!(lenient.iter().any(|x| x
        .reasons
        .iter()
        .any(|r| r.contains("reads as false (only 1 is true)"))));
    let strict = pair(&write("strict-v1.toml", bool_v1(false)), &b, false);
    assert!(
        !rules(&strict).contains(&"ems-accepted-by-older-decoder"),
        "{strict:?}"
    );
    assert!(
        rules(&strict).contains(&"newer-session-read-as-ems"),
        "{strict:?}"
    );

    // A presence byte: 0.23-style `if u8::read(r)? == 1 { Some(..) } else { None }`. A newer EMS
    // byte inserted before it is read as the older Option's presence.
    let opt_v1 = head(1, "ignore")
        + &field("cipher", "u16", "")
        + &field(
            "alpn",
            "Option<Vec<u8>>",
            "wire = { prefix = 1, one_is_true = true }\n",
        );
    let opt_v2 = head(2, "ignore")
        + &field("cipher", "u16", "")
        + &field(
            "ems",
            "u8",
            "session = { ems = { kind = \"mask\", mask = 1 } }\n",
        )
        + &field(
            "alpn",
            "Option<Vec<u8>>",
            "wire = { prefix = 1, one_is_true = true }\n",
        );
    let f = pair(
        &write("opt-v1.toml", opt_v1.clone()),
        &write("opt-v2.toml", opt_v2),
        false,
    );
    assert!(f.iter().any(|x| x.rule.is_rollout_hazard()), "{f:?}");
    // The byte itself read as a presence byte: 2 and 3 are "absent" to a `== 1` reader.
    let hint_v1 = head(1, "ignore")
        + &field("cipher", "u16", "")
        + &field("hint", "Option<u16>", "wire = { one_is_true = true }\n");
    let hint_v2 = head(2, "ignore")
        + &field("cipher", "u16", "")
        + &field(
            "flags",
            "u8",
            "session = { ems = { kind = \"mask\", mask = 2 }, known_bits = 3 }\n",
        );
    let f = pair(
        &write("h1.toml", hint_v1),
        &write("h2.toml", hint_v2),
        false,
    );
    assert!(
        rules(&f).contains(&"ems-accepted-by-older-decoder"),
        "{f:?}"
    );
    assert!(
        f.iter().any(|x| !x.data_dependent
            && x.reasons
                .iter()
                .any(|r| r.contains("presence byte of the older `S.hint`: absent"))),
        "{:#?}",
        f.iter()
            .map(|x| (x.rule.id(), &x.reasons))
            .collect::<Vec<_>>()
    );

    // Per-level prefixes: a u24 list of u24-prefixed certificates, read by a decoder that takes
    // the inner lengths as u16 (a layout change): never proven safe.
    let chain = |v: u32, inner: u8, ems: bool| {
        head(v, "ignore")
            + &field(
                "chain",
                "Vec<Vec<u8>>",
                &format!("wire = {{ prefix = [3, {inner}], max_len = 8 }}\n"),
            )
            + &if ems {
                field("ems", "bool", "session = { ems = { kind = \"flag\" } }\n")
            } else {
                String::new()
            }
    };
    let same = pair(
        &write("c1.toml", chain(1, 3, false)),
        &write("c2.toml", chain(2, 3, true)),
        true,
    );
    assert!(
        rules(&same).contains(&"ems-accepted-by-older-decoder"),
        "{same:?}"
    );
    let changed = pair(
        &write("c3.toml", chain(1, 2, false)),
        &write("c4.toml", chain(2, 3, true)),
        false,
    );
    assert!(
        changed.iter().any(|x| x.rule.is_rollout_hazard()),
        "{changed:?}"
    );

    // A root that dispatches on the protocol version (rustls main: TLS 1.2 and TLS 1.3 values).
    let dispatch = |v: u32, trailing: &str, tls12_ems: bool, tls14: bool| {
        let mut t = format!("name = \"d\"\nversion = {v}\nencoding = \"tls-positional\"\nroot = \"S\"\ntrailing = \"{trailing}\"\n\n[types.S]\nkind = \"enum\"\nrepr = \"external\"\ntag_width = 2\n\n[[types.S.variants]]\nident = \"Tls12\"\ntag_value = 0x0303\n\n[[types.S.variants.fields]]\nident = \"secret\"\nty = \"[u8; 4]\"\n");
        if tls12_ems {
            t += "\n[[types.S.variants.fields]]\nident = \"extended_ms\"\nty = \"bool\"\nwire = { one_is_true = true }\nsession = { ems = { kind = \"flag\" } }\n";
        }
        t += "\n[[types.S.variants]]\nident = \"Tls13\"\ntag_value = 0x0304\n\n[[types.S.variants.fields]]\nident = \"secret\"\nty = \"[u8; 4]\"\n";
        if tls14 {
            t += "\n[[types.S.variants]]\nident = \"Tls14\"\ntag_value = 0x0305\n\n[[types.S.variants.fields]]\nident = \"secret\"\nty = \"[u8; 4]\"\n";
        }
        t
    };
    let loose = pair(
        &write("d1.toml", dispatch(1, "ignore", false, false)),
        &write("d2.toml", dispatch(2, "ignore", true, false)),
        false,
    );
    assert!(
        rules(&loose).contains(&"ems-accepted-by-older-decoder"),
        "{loose:?}"
    );
    let tight = pair(
        &write("d3.toml", dispatch(1, "reject", false, false)),
        &write("d4.toml", dispatch(2, "reject", true, false)),
        false,
    );
    assert!(
        !tight.iter().any(|x| x.rule.is_rollout_hazard()),
        "{tight:?}"
    );
    // A version the older dispatch does not know is refused by its version check.
    let newer = pair(
        &write("d5.toml", dispatch(2, "reject", true, false)),
        &write("d6.toml", dispatch(3, "reject", true, true)),
        false,
    );
    assert!(
        !newer.iter().any(|x| x.rule.is_rollout_hazard()),
        "{newer:?}"
    );
}

/// Synthetic pairs for what the histories do not cover: DER with unknown tags skipped, a strict
/// TLS trailing policy, a length-prefix width change.
#[test]
fn synthetic_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let der = |v: u32, unknown: &str, ems: bool| {
        format!(
            "name = \"d\"\nversion = {v}\nencoding = \"der\"\nroot = \"S\"\nunknown_tags = \"{unknown}\"\n\n[types.S]\nkind = \"struct\"\n\n[[types.S.fields]]\nident = \"version\"\nty = \"u64\"\nsession = {{ version_field = \"*\" }}\n\n[[types.S.fields]]\nident = \"secret\"\nty = \"Vec<u8>\"\n{}",
            if ems { "\n[[types.S.fields]]\nident = \"ems\"\nty = \"bool\"\nwire = { tag = 17 }\nwrite = { unless = \"when true\" }\nmissing = \"default\"\nsession = { ems = { kind = \"flag\" } }\n" } else { "" }
        )
    };
    let abs = |p: String| p;
    let a = abs(write("lenient-v1.toml", &der(1, "ignore", false)));
    let b = abs(write("lenient-v2.toml", &der(2, "ignore", true)));
    assert!(
        has(&pair(&a, &b, false), "ems-accepted-by-older-decoder"),
        "a decoder that skips unknown tags keeps EMS sessions"
    );
    let a = abs(write("strict-v1.toml", &der(1, "reject", false)));
    let b = abs(write("strict-v2.toml", &der(2, "reject", true)));
    let f = pair(&a, &b, false);
    assert!(
        !f.iter().any(|x| x.rule.is_rollout_hazard()),
        "a strict DER decoder rejects [17]"
    );

    // A parser that stops at the first element it does not expect (BoringSSL's CBS parser
    // before f297e021f): the new [13] EMS element sits before [14], which the older parser knows.
    // Stopping, it reads [14] as absent and accepts without EMS; skipping, it reads [14] and
    // accepts without EMS; strict, it refuses. With [14] required, stopping refuses too.
    let der3 = |v: u32, unknown: &str, ems: bool, hint: &str| {
        format!(
            "name = \"d3\"\nversion = {v}\nencoding = \"der\"\nroot = \"S\"\nunknown_tags = \"{unknown}\"\n\n[types.S]\nkind = \"struct\"\n\n[[types.S.fields]]\nident = \"version\"\nty = \"u64\"\nsession = {{ version_field = \"*\" }}\n{}\n[[types.S.fields]]\nident = \"hint\"\nty = \"u64\"\nwire = {{ tag = 14 }}\n{hint}",
            if ems { "\n[[types.S.fields]]\nident = \"ems\"\nty = \"bool\"\nwire = { tag = 13 }\nwrite = { unless = \"when true\" }\nmissing = \"default\"\nsession = { ems = { kind = \"flag\" } }\n" } else { "" }
        )
    };
    for (policy, hint, hazard) in [
        ("stop", "missing = \"default\"\n", true),
        ("ignore", "missing = \"default\"\n", true),
        ("reject", "missing = \"default\"\n", false),
        ("stop", "", false),
    ] {
        let a = abs(write(
            &format!("{policy}{}-v1.toml", hint.len()),
            &der3(1, policy, false, hint),
        ));
        let b = abs(write(
            &format!("{policy}{}-v2.toml", hint.len()),
            &der3(2, policy, true, hint),
        ));
        let f = pair(&a, &b, false);
        assert_eq!(
            f.iter()
                .any(|x| x.rule.is_rollout_hazard() && !x.data_dependent),
            hazard,
            "unknown_tags = {policy}, hint {hint:?}: {:?}",
            f.iter().map(|x| (x.rule, &x.reasons)).collect::<Vec<_>>()
        );
        if policy == "stop" && hazard {
            assert!(
                f.iter()
                    .any(|x| x.reasons.iter().any(|r| r.contains("stops there"))),
                "the finding says where the parser stopped"
            );
        }
    }

    let tls = |v: u32, trailing: &str, prefix: u8, ems: bool| {
        format!(
            "name = \"t\"\nversion = {v}\nencoding = \"tls-positional\"\nroot = \"S\"\ntrailing = \"{trailing}\"\n\n[types.S]\nkind = \"struct\"\n\n[[types.S.fields]]\nident = \"cipher\"\nty = \"u16\"\n\n[[types.S.fields]]\nident = \"secret\"\nty = \"Vec<u8>\"\nwire = {{ prefix = {prefix} }}\n{}",
            if ems { "\n[[types.S.fields]]\nident = \"ems\"\nty = \"bool\"\nsession = { ems = { kind = \"flag\" } }\n" } else { "" }
        )
    };
    let a = abs(write("t-v1.toml", &tls(1, "reject", 1, false)));
    let b = abs(write("t-v2.toml", &tls(2, "reject", 1, true)));
    let f = pair(&a, &b, false);
    assert!(
        !f.iter().any(|x| x.rule.is_rollout_hazard()),
        "trailing = reject refuses the appended byte"
    );
    // A wider length prefix: v1 reads the first length byte alone and ignores the rest (unsafe,
    // shown by the codec); v2 can never read v1's bytes, which sessionlint cannot prove without
    // values, so it reports that direction as data-dependent.
    let a = abs(write("w-v1.toml", &tls(1, "ignore", 1, false)));
    let b = abs(write("w-v2.toml", &tls(2, "ignore", 2, true)));
    let f = pair(&a, &b, false);
    assert!(f
        .iter()
        .any(|x| x.rule == "older-session-read-as-ems" && x.data_dependent));
}
