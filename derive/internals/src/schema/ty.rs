use serde::{Deserialize, Serialize};
use std::fmt;

/// A field's type, reduced to what decides its wire form.
///
/// Smart pointers (`Box`, `Rc`, `Arc`, `Cow`) are transparent to serde and are dropped here.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Ty {
    Bool,
    Int { signed: bool, bits: u8 },
    Float { bits: u8 },
    Char,
    Str,
    Unit,
    Option { of: Box<Ty> },
    /// `Vec<T>`, sets, slices: a length-prefixed sequence.
    Seq { of: Box<Ty> },
    /// `[T; N]`: a tuple of N elements, no length on the wire in positional encodings.
    Array { of: Box<Ty>, len: usize },
    Tuple { items: Vec<Ty> },
    Map { key: Box<Ty>, value: Box<Ty> },
    /// A struct or enum defined in the scanned sources.
    Named { name: String },
    /// A type whose serde form sessionlint does not model (`serde_json::Value`, generics, foreign
    /// types). Equal names are assumed to have equal wire forms.
    Opaque { name: String },
}

impl Ty {
    pub fn int(signed: bool, bits: u8) -> Ty {
        Ty::Int { signed, bits }
    }

    /// Names of the schema types this type refers to, outermost first.
    pub fn named_types(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_named(&mut out);
        out
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

    /// Inclusive range of an integer type.
    pub fn int_range(&self) -> Option<(i128, i128)> {
        match *self {
            Ty::Int { signed: false, bits } => {
                Some((0, if bits >= 127 { i128::MAX } else { (1i128 << bits) - 1 }))
            }
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
            Ty::Named { name } | Ty::Opaque { name } => f.write_str(name),
        }
    }
}
