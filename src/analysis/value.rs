//! Values on the wire of a self-describing encoding, concrete (`Wire`, for witnesses) and as the
//! set of everything an encoder may write (`AVal`).

use std::fmt::Write as _;

/// One concrete value in serde's self-describing data model.
#[derive(Clone, Debug, PartialEq)]
pub enum Wire {
    Null,
    Bool(bool),
    Int(i128),
    Float,
    Str(String),
    Seq(Vec<Wire>),
    Map(Vec<(String, Wire)>),
    /// A value whose form sessionlint does not model.
    Opaque(String),
}

/// Everything one encoder may write for one type, as a structured set of choices.
#[derive(Clone, Debug)]
pub enum AVal {
    Null,
    Bool(bool),
    Int(i128),
    /// Any integer whose set bits lie within `bits` (`None`: any integer).
    IntAny {
        bits: Option<u64>,
    },
    Float,
    Str(String),
    /// Fixed elements: tuples, arrays, structs as arrays. An optional element may be left out.
    Seq(Vec<Elem>),
    /// A sequence of any length (`Vec<T>`): empty is always possible.
    List(Box<AVal>),
    /// A struct or enum as a map: keys are fixed, an optional entry may be absent.
    Map(Vec<Entry>),
    /// A map of any size (`HashMap<K, V>`): empty is always possible.
    DynMap(Box<AVal>),
    OneOf(Vec<AVal>),
    /// Custom code or an unmodelled type: any shape.
    Opaque(String),
}

#[derive(Clone, Debug)]
pub struct Elem {
    pub val: AVal,
    pub optional: bool,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub key: String,
    pub val: AVal,
    /// `skip_serializing_if`, or a `None` that the encoding omits.
    pub optional: bool,
    /// Path of the newer field that writes this entry, for reasons.
    pub field: String,
}

impl AVal {
    /// The one value `w`, as a set (every element and entry present).
    pub fn from_wire(w: &Wire) -> AVal {
        match w {
            Wire::Null => AVal::Null,
            Wire::Bool(b) => AVal::Bool(*b),
            Wire::Int(i) => AVal::Int(*i),
            Wire::Float => AVal::Float,
            Wire::Str(s) => AVal::Str(s.clone()),
            Wire::Seq(items) => AVal::Seq(
                items
                    .iter()
                    .map(|x| Elem {
                        val: AVal::from_wire(x),
                        optional: false,
                    })
                    .collect(),
            ),
            Wire::Map(entries) => AVal::Map(
                entries
                    .iter()
                    .map(|(k, x)| Entry {
                        key: k.clone(),
                        val: AVal::from_wire(x),
                        optional: false,
                        field: k.clone(),
                    })
                    .collect(),
            ),
            Wire::Opaque(n) => AVal::Opaque(n.clone()),
        }
    }

    pub fn one_of(mut alts: Vec<AVal>) -> Option<AVal> {
        match alts.len() {
            0 => None,
            1 => alts.pop(),
            _ => Some(AVal::OneOf(alts)),
        }
    }

    /// Some concrete value of this set, for entries the older decoder ignores.
    pub fn concretize(&self) -> Wire {
        match self {
            AVal::Null => Wire::Null,
            AVal::Bool(b) => Wire::Bool(*b),
            AVal::Int(i) => Wire::Int(*i),
            AVal::IntAny { .. } => Wire::Int(0),
            AVal::Float => Wire::Float,
            AVal::Str(s) => Wire::Str(s.clone()),
            AVal::Seq(es) => Wire::Seq(
                es.iter()
                    .filter(|e| !e.optional)
                    .map(|e| e.val.concretize())
                    .collect(),
            ),
            AVal::List(_) => Wire::Seq(Vec::new()),
            AVal::Map(es) => Wire::Map(
                es.iter()
                    .filter(|e| !e.optional)
                    .map(|e| (e.key.clone(), e.val.concretize()))
                    .collect(),
            ),
            AVal::DynMap(_) => Wire::Map(Vec::new()),
            AVal::OneOf(alts) => alts[0].concretize(),
            AVal::Opaque(n) => Wire::Opaque(n.clone()),
        }
    }
}

impl Wire {
    pub fn to_json(&self) -> String {
        let mut s = String::new();
        self.json_into(&mut s);
        s
    }

    fn json_into(&self, out: &mut String) {
        match self {
            Wire::Null => out.push_str("null"),
            Wire::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Wire::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Wire::Float => out.push_str("0.0"),
            Wire::Str(s) => {
                let _ = write!(out, "{s:?}");
            }
            Wire::Opaque(n) => {
                let _ = write!(out, "<{n}>");
            }
            Wire::Seq(items) => {
                out.push('[');
                for (i, w) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    w.json_into(out);
                }
                out.push(']');
            }
            Wire::Map(entries) => {
                out.push('{');
                for (i, (k, w)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{k:?}:");
                    w.json_into(out);
                }
                out.push('}');
            }
        }
    }

    /// YAML block style for maps at the top, flow (JSON) style below.
    pub fn to_yaml(&self) -> String {
        match self {
            Wire::Map(entries) if !entries.is_empty() => entries
                .iter()
                .map(|(k, v)| [k.as_str(), ": ", &v.to_json(), "\n"].concat())
                .collect(),
            other => other.to_json() + "\n",
        }
    }

    /// TOML: scalars as `key = value`, nested maps as inline tables.
    pub fn to_toml(&self) -> String {
        fn val(w: &Wire) -> String {
            match w {
                Wire::Map(es) => {
                    let inner: Vec<String> = es
                        .iter()
                        .map(|(k, v)| [k.as_str(), " = ", &val(v)].concat())
                        .collect();
                    ["{ ", &inner.join(", "), " }"].concat()
                }
                Wire::Seq(items) => {
                    let inner: Vec<String> = items.iter().map(val).collect();
                    ["[", &inner.join(", "), "]"].concat()
                }
                other => other.to_json(),
            }
        }
        match self {
            Wire::Map(entries) => entries
                .iter()
                .map(|(k, v)| [k.as_str(), " = ", &val(v), "\n"].concat())
                .collect(),
            other => val(other),
        }
    }
}
