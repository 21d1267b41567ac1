#[cfg(feature = "serde")]
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A field's type, reduced to what decides its wire form.
///
/// Smart pointers (`Box`, `Rc`, `Arc`, `Cow`) are transparent to serde and are dropped here.
/// In schema files a type is written as Rust-like text: `u16`, `Option<bool>`, `Vec<u8>`,
/// `[u8; 48]`, `(u8, u16)`, `Map<String, bool>`, `Params` (a type of the schema), `opaque Value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `bool`.
    Bool,
    /// An integer.
    Int {
        /// Whether it is signed.
        signed: bool,
        /// Its width in bits.
        bits: u8,
    },
    /// `f32` or `f64`.
    Float {
        /// Its width in bits.
        bits: u8,
    },
    /// `char`.
    Char,
    /// `String`, `str`.
    Str,
    /// `()`.
    Unit,
    /// `Option<T>`.
    Option {
        /// The type inside.
        of: Box<Ty>,
    },
    /// `Vec<T>`, sets, slices: a length-prefixed sequence.
    Seq {
        /// The element type.
        of: Box<Ty>,
    },
    /// `[T; N]`: a tuple of N elements, no length on the wire in positional encodings.
    Array {
        /// The element type.
        of: Box<Ty>,
        /// The number of elements.
        len: usize,
    },
    /// A tuple.
    Tuple {
        /// The element types, in order.
        items: Vec<Ty>,
    },
    /// A map (`HashMap`, `BTreeMap`).
    Map {
        /// The key type.
        key: Box<Ty>,
        /// The value type.
        value: Box<Ty>,
    },
    /// A struct or enum defined in the scanned sources.
    Named {
        /// The type's name in the schema.
        name: String,
    },
    /// A type whose serde form sessionlint does not model (`serde_json::Value`, generics, foreign
    /// types). Equal names are assumed to have equal wire forms.
    Opaque {
        /// The type as written.
        name: String,
    },
}

impl Ty {
    /// An integer type.
    pub fn int(signed: bool, bits: u8) -> Ty {
        Ty::Int { signed, bits }
    }

    /// Names of the schema types this type refers to, outermost first.
    pub fn named_types(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_named(&mut out);
        out
    }

    /// Whether a type this one names satisfies `f` (without collecting the names).
    pub fn any_named(&self, f: &mut dyn FnMut(&str) -> bool) -> bool {
        match self {
            Ty::Named { name } => f(name),
            Ty::Option { of } | Ty::Seq { of } | Ty::Array { of, .. } => of.any_named(f),
            Ty::Tuple { items } => items.iter().any(|t| t.any_named(f)),
            Ty::Map { key, value } => key.any_named(f) || value.any_named(f),
            _ => false,
        }
    }

    fn collect_named<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Ty::Named { name } => out.push(name),
            Ty::Option { of } | Ty::Seq { of } | Ty::Array { of, .. } => of.collect_named(out),
            Ty::Tuple { items } => items.iter().for_each(|t| t.collect_named(out)),
            Ty::Map { key, value } => {
                key.collect_named(out);
                value.collect_named(out);
            }
            _ => {}
        }
    }

    /// This type with every `Named { name }` replaced by `by`.
    pub fn replace_named(&self, name: &str, by: &Ty) -> Ty {
        match self {
            Ty::Named { name: n } if n == name => by.clone(),
            Ty::Option { of } => Ty::Option {
                of: Box::new(of.replace_named(name, by)),
            },
            Ty::Seq { of } => Ty::Seq {
                of: Box::new(of.replace_named(name, by)),
            },
            Ty::Array { of, len } => Ty::Array {
                of: Box::new(of.replace_named(name, by)),
                len: *len,
            },
            Ty::Tuple { items } => Ty::Tuple {
                items: items.iter().map(|t| t.replace_named(name, by)).collect(),
            },
            Ty::Map { key, value } => Ty::Map {
                key: Box::new(key.replace_named(name, by)),
                value: Box::new(value.replace_named(name, by)),
            },
            other => other.clone(),
        }
    }

    /// Inclusive range of an integer type.
    pub fn int_range(&self) -> Option<(i128, i128)> {
        match *self {
            Ty::Int {
                signed: false,
                bits,
            } => Some((
                0,
                if bits >= 127 {
                    i128::MAX
                } else {
                    (1i128 << bits) - 1
                },
            )),
            Ty::Int { signed: true, bits } => {
                let b = bits.min(127) - 1;
                Some((-(1i128 << b), (1i128 << b) - 1))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Bool => f.write_str("bool"),
            Ty::Int { signed, bits } => write!(f, "{}{}", if *signed { 'i' } else { 'u' }, bits),
            Ty::Float { bits } => write!(f, "f{bits}"),
            Ty::Char => f.write_str("char"),
            Ty::Str => f.write_str("String"),
            Ty::Unit => f.write_str("()"),
            Ty::Option { of } => write!(f, "Option<{of}>"),
            Ty::Seq { of } => write!(f, "Vec<{of}>"),
            Ty::Array { of, len } => write!(f, "[{of}; {len}]"),
            Ty::Tuple { items } => {
                f.write_str("(")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(")")
            }
            Ty::Map { key, value } => write!(f, "Map<{key}, {value}>"),
            Ty::Named { name } => f.write_str(name),
            Ty::Opaque { name } => write!(f, "opaque {name}"),
        }
    }
}

#[cfg(feature = "serde")]
impl Serialize for Ty {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for Ty {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ty::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl Ty {
    /// Parses the text form written by `Display`.
    pub fn parse(s: &str) -> Result<Ty, String> {
        let mut p = TyParser {
            s: s.as_bytes(),
            i: 0,
            depth: 0,
        };
        let t = p.ty().map_err(|e| format!("{e} in type `{}`", short(s)))?;
        p.ws();
        if p.i != p.s.len() {
            return Err(format!(
                "unexpected `{}` in type `{}`",
                short(&s[p.i..]),
                short(s)
            ));
        }
        Ok(t)
    }
}

/// A type text as quoted in a message: long ones are cut (a hostile file may hold megabytes).
fn short(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

struct TyParser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl TyParser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!(
                "expected `{}` at offset {} of a type",
                c as char, self.i
            ))
        }
    }

    fn word(&mut self) -> Result<String, String> {
        self.ws();
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || matches!(self.s[self.i], b'_' | b':'))
        {
            self.i += 1;
        }
        if start == self.i {
            return Err(format!("expected a type name at offset {start}"));
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn ty(&mut self) -> Result<Ty, String> {
        self.depth += 1;
        if self.depth > 64 {
            return Err("type nested too deeply".into());
        }
        let t = self.ty_inner();
        self.depth -= 1;
        t
    }

    fn ty_inner(&mut self) -> Result<Ty, String> {
        if self.eat(b'(') {
            let mut items = Vec::new();
            if self.eat(b')') {
                return Ok(Ty::Unit);
            }
            loop {
                items.push(self.ty()?);
                if self.eat(b')') {
                    break;
                }
                self.expect(b',')?;
            }
            return Ok(Ty::Tuple { items });
        }
        if self.eat(b'[') {
            let of = Box::new(self.ty()?);
            self.expect(b';')?;
            let n = self.word()?;
            let len = n
                .parse()
                .map_err(|_| format!("array length `{n}` is not a number"))?;
            self.expect(b']')?;
            return Ok(Ty::Array { of, len });
        }
        let w = self.word()?;
        if w == "opaque" {
            return Ok(Ty::Opaque { name: self.word()? });
        }
        let one = |p: &mut Self| -> Result<Box<Ty>, String> {
            p.expect(b'<')?;
            let t = p.ty()?;
            p.expect(b'>')?;
            Ok(Box::new(t))
        };
        Ok(match w.as_str() {
            "bool" => Ty::Bool,
            "char" => Ty::Char,
            "String" => Ty::Str,
            "f32" => Ty::Float { bits: 32 },
            "f64" => Ty::Float { bits: 64 },
            "Option" => Ty::Option { of: one(self)? },
            "Vec" => Ty::Seq { of: one(self)? },
            "Map" => {
                self.expect(b'<')?;
                let key = Box::new(self.ty()?);
                self.expect(b',')?;
                let value = Box::new(self.ty()?);
                self.expect(b'>')?;
                Ty::Map { key, value }
            }
            _ => match (w.as_bytes()[0], w[1..].parse::<u8>()) {
                (b'u', Ok(bits)) if [8, 16, 32, 64, 128].contains(&bits) => Ty::int(false, bits),
                (b'i', Ok(bits)) if [8, 16, 32, 64, 128].contains(&bits) => Ty::int(true, bits),
                _ => Ty::Named { name: w },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips() {
        for s in [
            "u16",
            "i64",
            "bool",
            "Option<bool>",
            "Vec<u8>",
            "[u8; 48]",
            "(u8, u16)",
            "()",
            "Map<String, Vec<Params>>",
            "opaque Value",
            "Params",
            "Option<Option<char>>",
            "f64",
        ] {
            let t = Ty::parse(s).unwrap();
            assert_eq!(t.to_string(), s);
        }
        for bad in ["", "Vec<u8", "[u8; x]", "Option<>", "u8 u8"] {
            assert!(Ty::parse(bad).is_err(), "{bad}");
        }
    }
}
