//! The bytes a serde encoding writes for one value of serde's data model (`Wire`, as the
//! generator picks it): text for json, toml and yaml, bytes for cbor (ciborium), msgpack
//! (rmp-serde, structs as arrays or as maps), bincode 1 (fixint, little endian) and postcard
//! (varint). The self-describing encodings need only the value; bincode and postcard lay a value
//! out by its type, read from the schema. `tests/corpus` holds each against the real crate.

use crate::analysis::Wire;
use crate::schema::{Encoding, Schema, Style, Ty, TypeDef, Write};

/// A session's encoding: text, or bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Encoded {
    Text(String),
    Bytes(Vec<u8>),
}

/// The encoding of `w`, a session of `s`.
pub fn encode(s: &Schema, w: &Wire) -> Result<Encoded, String> {
    if let Some(n) = opaque(w) {
        return Err(format!(
            "`{n}` is written by code sessionlint does not model"
        ));
    }
    match s.encoding {
        Encoding::Json => Ok(Encoded::Text(w.to_json())),
        Encoding::Yaml => Ok(Encoded::Text(Yaml { schema: s }.root(w))),
        Encoding::Toml => Ok(Encoded::Text(w.to_toml())),
        Encoding::Cbor => {
            let mut out = Vec::new();
            cbor(w, &mut out)?;
            Ok(Encoded::Bytes(out))
        }
        Encoding::Msgpack | Encoding::MsgpackNamed => {
            let mut out = Vec::new();
            msgpack(w, &mut out)?;
            Ok(Encoded::Bytes(out))
        }
        Encoding::Bincode | Encoding::Postcard => {
            let mut out = Vec::new();
            let p = Packed {
                schema: s,
                varint: s.encoding == Encoding::Postcard,
            };
            p.ty(
                &Ty::Named {
                    name: s.root.clone(),
                },
                w,
                &mut out,
                0,
            )?;
            Ok(Encoded::Bytes(out))
        }
        e => Err(format!("{e} is not a serde encoding")),
    }
}

/// The first part of `w` that is not modelled.
fn opaque(w: &Wire) -> Option<&str> {
    match w {
        Wire::Opaque(n) => Some(n),
        Wire::Seq(items) => items.iter().find_map(opaque),
        Wire::Map(es) => es.iter().find_map(|(_, x)| opaque(x)),
        _ => None,
    }
}

// ---------------------------------------------------------------- YAML (serde_yaml 0.9)

/// serde_yaml 0.9 writes an externally tagged enum as a YAML tag (`!V2 {..}`), not as a map:
/// which maps are enums is read from the schema.
struct Yaml<'a> {
    schema: &'a Schema,
}

impl Yaml<'_> {
    fn root(&self, w: &Wire) -> String {
        let root = Ty::Named {
            name: self.schema.root.clone(),
        };
        match (self.schema.root_def(), w) {
            // A struct root: one `key: value` line per field.
            (Some(TypeDef::Struct(st)), Wire::Map(es)) if !es.is_empty() => es
                .iter()
                .map(|(k, x)| {
                    let ty = st.fields.iter().find(|f| f.ser_name == *k).map(|f| &f.ty);
                    format!("{k}: {}\n", self.flow(ty, x, 0))
                })
                .collect(),
            _ => format!("{}\n", self.flow(Some(&root), w, 0)),
        }
    }

    /// `w` in flow style, tagged where its type is an externally tagged enum.
    fn flow(&self, ty: Option<&Ty>, w: &Wire, depth: usize) -> String {
        let def = match ty {
            Some(Ty::Named { name }) => self.schema.type_def(name),
            _ => None,
        };
        let inner = |t: Option<&Ty>| -> Option<Ty> {
            match t {
                Some(Ty::Option { of }) | Some(Ty::Seq { of }) | Some(Ty::Array { of, .. }) => {
                    Some((**of).clone())
                }
                _ => None,
            }
        };
        if depth > 64 {
            return w.to_json();
        }
        match (def, w) {
            (Some(TypeDef::Enum(e)), Wire::Map(es))
                if e.repr == crate::schema::EnumRepr::External && es.len() == 1 =>
            {
                let (name, content) = &es[0];
                let var = e.variants.iter().find(|v| v.ser_name == *name);
                let ty = var.and_then(|v| match v.style {
                    Style::Newtype => v.fields.first().map(|f| f.ty.clone()),
                    _ => None,
                });
                let body = match (var, content) {
                    (Some(v), Wire::Map(fs)) if v.style == Style::Struct => {
                        self.map(&v.fields, fs, depth)
                    }
                    _ => self.flow(ty.as_ref(), content, depth + 1),
                };
                format!("!{name} {body}")
            }
            (Some(TypeDef::Struct(st)), Wire::Map(fs)) => self.map(&st.fields, fs, depth),
            (_, Wire::Seq(items)) => {
                let t = inner(ty);
                let parts: Vec<String> = match (ty, t) {
                    (Some(Ty::Tuple { items: ts }), _) => items
                        .iter()
                        .zip(ts)
                        .map(|(x, t)| self.flow(Some(t), x, depth + 1))
                        .collect(),
                    (_, t) => items
                        .iter()
                        .map(|x| self.flow(t.as_ref(), x, depth + 1))
                        .collect(),
                };
                format!("[{}]", parts.join(", "))
            }
            (_, x) => match (ty, x) {
                (Some(Ty::Option { of }), x) if *x != Wire::Null => {
                    self.flow(Some(of), x, depth + 1)
                }
                _ => x.to_json(),
            },
        }
    }

    fn map(&self, fields: &[crate::schema::Field], es: &[(String, Wire)], depth: usize) -> String {
        let parts: Vec<String> = es
            .iter()
            .map(|(k, x)| {
                let ty = fields.iter().find(|f| f.ser_name == *k).map(|f| &f.ty);
                format!("{k:?}: {}", self.flow(ty, x, depth + 1))
            })
            .collect();
        format!("{{{}}}", parts.join(", "))
    }
}

// ---------------------------------------------------------------- CBOR (RFC 8949)

fn cbor_head(major: u8, n: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend(n.to_be_bytes());
        }
    }
}

fn cbor(w: &Wire, out: &mut Vec<u8>) -> Result<(), String> {
    match w {
        Wire::Null => out.push(0xf6),
        Wire::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Wire::Int(i) if *i >= 0 => cbor_head(0, *i as u64, out),
        Wire::Int(i) => cbor_head(1, (-1 - *i) as u64, out),
        // ciborium writes the shortest float that keeps the value: 0.0 is a half.
        Wire::Float => out.extend([0xf9, 0, 0]),
        Wire::Str(s) => {
            cbor_head(3, s.len() as u64, out);
            out.extend(s.as_bytes());
        }
        Wire::Seq(items) => {
            cbor_head(4, items.len() as u64, out);
            for x in items {
                cbor(x, out)?;
            }
        }
        Wire::Map(entries) => {
            cbor_head(5, entries.len() as u64, out);
            for (k, x) in entries {
                cbor(&Wire::Str(k.clone()), out)?;
                cbor(x, out)?;
            }
        }
        Wire::Opaque(n) => return Err(format!("`{n}` is not modelled")),
    }
    Ok(())
}

// ---------------------------------------------------------------- MessagePack

fn msgpack_uint(n: u64, out: &mut Vec<u8>) {
    match n {
        0..=0x7f => out.push(n as u8),
        0x80..=0xff => out.extend([0xcc, n as u8]),
        0x100..=0xffff => {
            out.push(0xcd);
            out.extend((n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xce);
            out.extend((n as u32).to_be_bytes());
        }
        _ => {
            out.push(0xcf);
            out.extend(n.to_be_bytes());
        }
    }
}

fn msgpack_int(i: i128, out: &mut Vec<u8>) {
    if i >= 0 {
        return msgpack_uint(i as u64, out);
    }
    match i {
        -32..=-1 => out.push(i as i8 as u8),
        -128..=-33 => out.extend([0xd0, i as i8 as u8]),
        -32768..=-129 => {
            out.push(0xd1);
            out.extend((i as i16).to_be_bytes());
        }
        -2147483648..=-32769 => {
            out.push(0xd2);
            out.extend((i as i32).to_be_bytes());
        }
        _ => {
            out.push(0xd3);
            out.extend((i as i64).to_be_bytes());
        }
    }
}

fn msgpack_len(n: usize, fix: u8, fix_max: usize, wide: [u8; 3], out: &mut Vec<u8>) {
    match n {
        _ if n <= fix_max => out.push(fix | n as u8),
        _ if n <= 0xff && wide[0] != 0 => out.extend([wide[0], n as u8]),
        _ if n <= 0xffff => {
            out.push(wide[1]);
            out.extend((n as u16).to_be_bytes());
        }
        _ => {
            out.push(wide[2]);
            out.extend((n as u32).to_be_bytes());
        }
    }
}

fn msgpack(w: &Wire, out: &mut Vec<u8>) -> Result<(), String> {
    match w {
        Wire::Null => out.push(0xc0),
        Wire::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Wire::Int(i) => msgpack_int(*i, out),
        // rmp-serde writes an f64 as float 64.
        Wire::Float => {
            out.push(0xcb);
            out.extend(0f64.to_be_bytes());
        }
        Wire::Str(s) => {
            msgpack_len(s.len(), 0xa0, 31, [0xd9, 0xda, 0xdb], out);
            out.extend(s.as_bytes());
        }
        Wire::Seq(items) => {
            msgpack_len(items.len(), 0x90, 15, [0, 0xdc, 0xdd], out);
            for x in items {
                msgpack(x, out)?;
            }
        }
        Wire::Map(entries) => {
            msgpack_len(entries.len(), 0x80, 15, [0, 0xde, 0xdf], out);
            for (k, x) in entries {
                msgpack(&Wire::Str(k.clone()), out)?;
                msgpack(x, out)?;
            }
        }
        Wire::Opaque(n) => return Err(format!("`{n}` is not modelled")),
    }
    Ok(())
}

// ---------------------------------------------------------------- bincode 1 and postcard

/// A value laid out by its type: bincode 1's `serialize` (fixint, little endian, u64 lengths,
/// u32 variant indexes) or postcard's (varint lengths and indexes, zigzag signed integers).
struct Packed<'a> {
    schema: &'a Schema,
    varint: bool,
}

fn varint(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

impl Packed<'_> {
    fn len(&self, n: usize, out: &mut Vec<u8>) {
        if self.varint {
            varint(n as u64, out)
        } else {
            out.extend((n as u64).to_le_bytes())
        }
    }

    fn int(&self, i: i128, signed: bool, bits: u8, out: &mut Vec<u8>) {
        if bits == 8 || !self.varint {
            let b = (i as u128).to_le_bytes();
            out.extend(&b[..bits as usize / 8]);
        } else if signed {
            let z = ((i << 1) ^ (i >> 127)) as u128 as u64;
            varint(z, out)
        } else {
            varint(i as u64, out)
        }
    }

    fn ty(&self, ty: &Ty, w: &Wire, out: &mut Vec<u8>, depth: usize) -> Result<(), String> {
        if depth > 64 {
            return Err("nested too deep".into());
        }
        let d = depth + 1;
        match (ty, w) {
            (Ty::Bool, Wire::Bool(b)) => out.push(*b as u8),
            (Ty::Int { signed, bits }, Wire::Int(i)) => self.int(*i, *signed, *bits, out),
            (Ty::Float { bits }, _) => out.extend(vec![0; *bits as usize / 8]),
            (Ty::Str, Wire::Str(s)) => {
                self.len(s.len(), out);
                out.extend(s.as_bytes());
            }
            (Ty::Unit, _) => {}
            (Ty::Option { .. }, Wire::Null) => out.push(0),
            (Ty::Option { of }, x) => {
                out.push(1);
                self.ty(of, x, out, d)?;
            }
            (Ty::Seq { of }, Wire::Seq(items)) => {
                self.len(items.len(), out);
                for x in items {
                    self.ty(of, x, out, d)?;
                }
            }
            (Ty::Array { of, .. }, Wire::Seq(items)) => {
                for x in items {
                    self.ty(of, x, out, d)?;
                }
            }
            (Ty::Tuple { items }, Wire::Seq(xs)) => {
                for (t, x) in items.iter().zip(xs) {
                    self.ty(t, x, out, d)?;
                }
            }
            (Ty::Map { key, value }, Wire::Map(es)) => {
                self.len(es.len(), out);
                for (k, x) in es {
                    self.ty(key, &Wire::Str(k.clone()), out, d)?;
                    self.ty(value, x, out, d)?;
                }
            }
            (Ty::Named { name }, x) => self.named(name, x, out, d)?,
            (t, x) => {
                return Err(format!(
                    "no {} layout of {} as {t}",
                    self.which(),
                    x.to_json()
                ))
            }
        }
        Ok(())
    }

    fn which(&self) -> &'static str {
        if self.varint {
            "postcard"
        } else {
            "bincode"
        }
    }

    fn named(&self, name: &str, w: &Wire, out: &mut Vec<u8>, d: usize) -> Result<(), String> {
        match self.schema.type_def(name) {
            Some(TypeDef::Struct(st)) => {
                let written: Vec<&crate::schema::Field> = st
                    .fields
                    .iter()
                    .filter(|f| f.write != Write::Never)
                    .collect();
                match (st.style, w) {
                    (Style::Unit, _) => {}
                    (_, Wire::Seq(items)) => {
                        for (f, x) in written.iter().zip(items) {
                            self.ty(&f.ty, x, out, d)?;
                        }
                    }
                    (_, Wire::Map(es)) => {
                        for f in written {
                            let x = es
                                .iter()
                                .find(|(k, _)| *k == f.ser_name)
                                .map(|(_, x)| x)
                                .unwrap_or(&Wire::Null);
                            self.ty(&f.ty, x, out, d)?;
                        }
                    }
                    (_, x) if written.len() == 1 => self.ty(&written[0].ty, x, out, d)?,
                    (_, x) => return Err(format!("`{name}` as {}", x.to_json())),
                }
            }
            Some(TypeDef::Enum(e)) => {
                // Externally tagged: a unit variant by its name, another as { name: content }.
                let (vname, content) = match w {
                    Wire::Str(v) => (v.clone(), None),
                    Wire::Map(es) if es.len() == 1 => (es[0].0.clone(), Some(&es[0].1)),
                    x => return Err(format!("enum `{name}` as {}", x.to_json())),
                };
                let (i, var) = e
                    .variants
                    .iter()
                    .enumerate()
                    .find(|(_, v)| v.ser_name == vname)
                    .ok_or_else(|| format!("no variant `{vname}` in `{name}`"))?;
                if self.varint {
                    varint(i as u64, out)
                } else {
                    out.extend((i as u32).to_le_bytes())
                }
                let fields: Vec<&crate::schema::Field> = var
                    .fields
                    .iter()
                    .filter(|f| f.write != Write::Never)
                    .collect();
                match (var.style, content) {
                    (Style::Unit, _) | (_, None) => {}
                    (Style::Newtype, Some(x)) if fields.len() == 1 => {
                        self.ty(&fields[0].ty, x, out, d)?
                    }
                    (_, Some(Wire::Seq(items))) => {
                        for (f, x) in fields.iter().zip(items) {
                            self.ty(&f.ty, x, out, d)?;
                        }
                    }
                    (_, Some(Wire::Map(es))) => {
                        for f in fields {
                            let x = es
                                .iter()
                                .find(|(k, _)| *k == f.ser_name)
                                .map(|(_, x)| x)
                                .unwrap_or(&Wire::Null);
                            self.ty(&f.ty, x, out, d)?;
                        }
                    }
                    (_, Some(x)) => return Err(format!("variant `{vname}` as {}", x.to_json())),
                }
            }
            None => return Err(format!("`{name}` is not modelled")),
        }
        Ok(())
    }
}
