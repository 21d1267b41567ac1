//! `syn::Type` to the model's `Ty`, following serde's own impls for std types.

use crate::schema::Ty;
use syn::{GenericArgument, PathArguments, Type};

/// Foreign types whose serde form is not modelled; equal names compare equal.
const OPAQUE: &[&str] = &[
    "Duration",
    "SystemTime",
    "Instant",
    "IpAddr",
    "Ipv4Addr",
    "Ipv6Addr",
    "SocketAddr",
    "PathBuf",
    "Path",
    "OsString",
    "Value",
    "Bytes",
    "ByteBuf",
    "NonZeroU8",
    "NonZeroU16",
    "NonZeroU32",
    "NonZeroU64",
    "Uuid",
    "DateTime",
    "Wrapping",
    "Ordering",
];

pub fn lower(ty: &Type, generics: &[String]) -> Ty {
    match ty {
        Type::Group(g) => lower(&g.elem, generics),
        Type::Paren(p) => lower(&p.elem, generics),
        Type::Reference(r) => lower(&r.elem, generics),
        Type::Tuple(t) if t.elems.is_empty() => Ty::Unit,
        Type::Tuple(t) => Ty::Tuple {
            items: t.elems.iter().map(|e| lower(e, generics)).collect(),
        },
        Type::Slice(s) => seq(lower(&s.elem, generics)),
        Type::Array(a) => array(a, generics),
        Type::Path(p) if p.qself.is_none() => path(&p.path, generics),
        other => opaque(quote::ToTokens::to_token_stream(other).to_string()),
    }
}

/// `[T; N]`: an array of a literal length, else opaque.
fn array(a: &syn::TypeArray, generics: &[String]) -> Ty {
    let len = match &a.len {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        _ => None,
    };
    match len {
        Some(len) => Ty::Array {
            of: Box::new(lower(&a.elem, generics)),
            len,
        },
        None => opaque(quote::ToTokens::to_token_stream(a).to_string()),
    }
}

/// A type named by a path: a primitive, a standard container serde is transparent through or
/// serializes as a sequence or map, a type parameter (opaque), or a named type.
fn path(path: &syn::Path, generics: &[String]) -> Ty {
    let Some(last) = path.segments.last() else {
        return Ty::Opaque {
            name: "unknown".into(),
        };
    };
    let name = last.ident.to_string();
    let args = type_args(&last.arguments);
    let arg = |i: usize| {
        args.get(i)
            .map(|t| lower(t, generics))
            .unwrap_or(Ty::Opaque { name: "_".into() })
    };
    if path.segments.len() == 1 && generics.contains(&name) {
        return Ty::Opaque { name };
    }
    match name.as_str() {
        "bool" => Ty::Bool,
        "u8" => Ty::int(false, 8),
        "u16" => Ty::int(false, 16),
        "u32" => Ty::int(false, 32),
        "u64" | "usize" => Ty::int(false, 64),
        "u128" => Ty::int(false, 128),
        "i8" => Ty::int(true, 8),
        "i16" => Ty::int(true, 16),
        "i32" => Ty::int(true, 32),
        "i64" | "isize" => Ty::int(true, 64),
        "i128" => Ty::int(true, 128),
        "f32" => Ty::Float { bits: 32 },
        "f64" => Ty::Float { bits: 64 },
        "char" => Ty::Char,
        "String" | "str" => Ty::Str,
        "Option" => Ty::Option {
            of: Box::new(arg(0)),
        },
        "Vec" | "VecDeque" | "LinkedList" | "HashSet" | "BTreeSet" | "BinaryHeap" => seq(arg(0)),
        "HashMap" | "BTreeMap" | "IndexMap" => Ty::Map {
            key: Box::new(arg(0)),
            value: Box::new(arg(1)),
        },
        // serde is transparent through these.
        "Box" | "Rc" | "Arc" | "Cow" | "RefCell" | "Cell" | "Mutex" | "RwLock" | "Reverse" => {
            match args.first() {
                Some(t) => lower(t, generics),
                None => Ty::Opaque { name },
            }
        }
        "PhantomData" => Ty::Unit,
        _ if OPAQUE.contains(&name.as_str()) => Ty::Opaque { name },
        _ => Ty::Named { name },
    }
}

/// Opaque names go into schema files as one word.
fn opaque(text: String) -> Ty {
    let name: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ty::Opaque { name }
}

fn seq(of: Ty) -> Ty {
    Ty::Seq { of: Box::new(of) }
}

/// The type arguments of a path segment (`T` and `U` of `Map<T, U>`); none without `<...>`.
pub fn type_args(args: &PathArguments) -> Vec<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}
