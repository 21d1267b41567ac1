//! What custom serde code on a field writes. A `with` module or `serialize_with` /
//! `deserialize_with` functions are known by their paths: the same code on the same type writes
//! and reads one form, whatever it is. serde_with adapters are modelled where their form is
//! known (`Base64` writes a string). In the source they are `#[serde_as(as = "X")]`, which the
//! `#[serde_as]` macro turns into `#[serde(with = "::serde_with::As::<X>")]` (and
//! `#[serde(default)]` on an `Option` field) before a derive sees the item: both readings give
//! the same field.

use super::ctxt::Ctxt;
use crate::schema::Ty;
use quote::ToTokens;
use serde_derive_internals::ast;
use syn::spanned::Spanned;

/// The custom code of one field, as the schema records it.
pub struct Coded {
    pub custom: bool,
    pub codec: Option<String>,
    /// `ty` is the form the code writes.
    pub wire: bool,
    pub ty: Ty,
    /// serde_with adds `#[serde(default)]` to an `Option` field with an `Option<_>` adapter
    /// (unless `no_default`): the source reading must do the same as the expanded one.
    pub default_option: bool,
}

/// The adapters whose form is modelled, for the error that names them.
const MODELLED: &str = "Base64, Hex, DisplayFromStr, NoneAsEmptyString (written as strings), Bytes and DefaultOnNull (known by name), `_`/Same, inside Option, Vec, sets, maps, arrays and tuples";

pub fn field(cx: &Ctxt, f: &ast::Field, ty: Ty) -> Coded {
    let a = &f.attrs;
    let (ser, de) = (plain(a.serialize_with()), plain(a.deserialize_with()));
    // The source form: `#[serde_as(as = "X")]`.
    if ser.is_none() && de.is_none() {
        if let Some((x, no_default, span)) = serde_as_attr(cx, &f.original.attrs) {
            let default_option = !no_default
                && matches!(ty, Ty::Option { .. })
                && matches!(adapter_name(&x).as_deref(), Some("Option"));
            return Coded {
                default_option,
                ..adapted(cx, &x, ty, span)
            };
        }
        return Coded {
            custom: false,
            codec: None,
            wire: false,
            ty,
            default_option: false,
        };
    }
    // The expanded form: `with = "::serde_with::As::<X>"`.
    if let Some(x) = ser.or(de).and_then(|p| as_argument(&p.path)) {
        return adapted(cx, &x, ty, f.original.span());
    }
    let text = |p: Option<&syn::ExprPath>| {
        p.map(|p| p.to_token_stream().to_string().replace(' ', ""))
            .unwrap_or_default()
    };
    let (s, d) = (text(ser), text(de));
    let module = |s: &str, suffix: &str| s.strip_suffix(suffix).map(str::to_string);
    let codec = match (module(&s, "::serialize"), module(&d, "::deserialize")) {
        (Some(m), Some(n)) if m == n => m,
        _ => format!("{s} | {d}"),
    };
    Coded {
        custom: true,
        codec: Some(codec),
        wire: false,
        ty,
        default_option: false,
    }
}

/// A path serde_derive did not make up itself (its `__private` helpers are not custom code).
fn plain(p: Option<&syn::ExprPath>) -> Option<&syn::ExprPath> {
    p.filter(|p| !p.path.segments.iter().any(|s| s.ident == "__private"))
}

/// `#[serde_as(as = "X")]`: X, whether `no_default` is set, and where.
fn serde_as_attr(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
) -> Option<(syn::Type, bool, proc_macro2::Span)> {
    let mut out = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde_as")) {
        let mut x = None;
        let mut no_default = false;
        let r = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("as") {
                let s: syn::LitStr = meta.value()?.parse()?;
                x = Some((s.parse::<syn::Type>()?, s.span()));
            } else if meta.path.is_ident("no_default") {
                no_default = true;
            } else {
                let key = meta.path.to_token_stream().to_string();
                cx.error_at(meta.path.span(), format!("`serde_as({key} = ..)` is not modelled: sessionlint reads `as = \"X\"` with {MODELLED}; describe this field's format in a schema file instead"));
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
            }
            Ok(())
        });
        if let Err(e) = r {
            cx.error_at(
                e.span(),
                format!("cannot read this #[serde_as] attribute: {e}"),
            );
        }
        if let Some((x, span)) = x {
            out = Some((x, no_default, span));
        }
    }
    out
}

/// The `X` of a `::serde_with::As::<X>::serialize` path.
fn as_argument(path: &syn::Path) -> Option<syn::Type> {
    let seg = path.segments.iter().find(|s| s.ident == "As")?;
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    }
}

/// What an adapter does to the field's type.
enum Adapt {
    /// Nothing: the type's own form.
    Same,
    /// A modelled form, read by code that may refuse some of its values.
    Wire(Ty),
    /// Known only by name.
    Opaque,
}

fn adapted(cx: &Ctxt, x: &syn::Type, ty: Ty, span: proc_macro2::Span) -> Coded {
    let id = format!(
        "serde_with::As<{}>",
        x.to_token_stream().to_string().replace(' ', "")
    );
    match adapt(x, &ty) {
        Ok(Adapt::Same) => Coded {
            custom: false,
            codec: None,
            wire: false,
            ty,
            default_option: false,
        },
        Ok(Adapt::Wire(w)) => Coded {
            custom: true,
            codec: Some(id),
            wire: true,
            ty: w,
            default_option: false,
        },
        Ok(Adapt::Opaque) => Coded {
            custom: true,
            codec: Some(id),
            wire: false,
            ty,
            default_option: false,
        },
        Err(what) => {
            cx.error_at(span, format!("the serde_with adapter {what} is not modelled, so what this field writes is unknown; sessionlint models {MODELLED}: use one of those, or describe this field's format in a schema file"));
            Coded {
                custom: true,
                codec: Some(id),
                wire: false,
                ty,
                default_option: false,
            }
        }
    }
}

fn adapter_name(x: &syn::Type) -> Option<String> {
    match x {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn type_args(x: &syn::Type) -> Vec<&syn::Type> {
    let syn::Type::Path(p) = x else {
        return Vec::new();
    };
    p.path
        .segments
        .last()
        .map_or_else(Vec::new, |s| super::ty::type_args(&s.arguments))
}

/// A tuple of adapters over a tuple of the same length: each element adapted.
fn adapt_tuple(t: &syn::TypeTuple, items: &[Ty]) -> Result<Adapt, String> {
    let mut out = Vec::new();
    let mut any_wire = false;
    for (x, t) in t.elems.iter().zip(items) {
        match adapt(x, t)? {
            Adapt::Same => out.push(t.clone()),
            Adapt::Wire(w) => {
                any_wire = true;
                out.push(w)
            }
            Adapt::Opaque => return Ok(Adapt::Opaque),
        }
    }
    Ok(if any_wire {
        Adapt::Wire(Ty::Tuple { items: out })
    } else {
        Adapt::Same
    })
}

/// The adapter `x` applied to a field of type `ty`; `Err` names what is not modelled.
fn adapt(x: &syn::Type, ty: &Ty) -> Result<Adapt, String> {
    let unmodelled = || format!("`{}`", x.to_token_stream().to_string().replace(' ', ""));
    let inner = |x: &syn::Type, ty: &Ty, wrap: &dyn Fn(Ty) -> Ty| match adapt(x, ty)? {
        Adapt::Wire(w) => Ok(Adapt::Wire(wrap(w))),
        other => Ok(other),
    };
    match x {
        syn::Type::Infer(_) => return Ok(Adapt::Same),
        syn::Type::Paren(p) => return adapt(&p.elem, ty),
        syn::Type::Array(a) => {
            return match ty {
                Ty::Array { of, len } => {
                    let len = *len;
                    inner(&a.elem, of, &|w| Ty::Array {
                        of: Box::new(w),
                        len,
                    })
                }
                _ => Err(unmodelled()),
            }
        }
        syn::Type::Tuple(t) => {
            return match ty {
                Ty::Tuple { items } if items.len() == t.elems.len() => adapt_tuple(t, items),
                _ => Err(unmodelled()),
            };
        }
        _ => {}
    }
    let name = adapter_name(x).ok_or_else(unmodelled)?;
    let args = type_args(x);
    match (name.as_str(), ty, args.as_slice()) {
        ("Same", _, []) => Ok(Adapt::Same),
        ("Base64" | "Hex" | "DisplayFromStr", _, _) => Ok(Adapt::Wire(Ty::Str)),
        ("NoneAsEmptyString", Ty::Option { .. }, []) => Ok(Adapt::Wire(Ty::Str)),
        ("Bytes" | "DefaultOnNull", _, _) => Ok(Adapt::Opaque),
        ("Box" | "Rc" | "Arc", _, [x]) => adapt(x, ty),
        ("Option", Ty::Option { of }, [x]) => inner(x, of, &|w| Ty::Option { of: Box::new(w) }),
        (
            "Vec" | "VecDeque" | "BTreeSet" | "HashSet" | "BinaryHeap" | "LinkedList",
            Ty::Seq { of },
            [x],
        ) => inner(x, of, &|w| Ty::Seq { of: Box::new(w) }),
        ("BTreeMap" | "HashMap", Ty::Map { key, value }, [k, v]) => {
            match (adapt(k, key)?, adapt(v, value)?) {
                (Adapt::Same, Adapt::Same) => Ok(Adapt::Same),
                (Adapt::Opaque, _) | (_, Adapt::Opaque) => Ok(Adapt::Opaque),
                (k2, v2) => {
                    let pick = |a: Adapt, t: &Ty| match a {
                        Adapt::Wire(w) => w,
                        _ => t.clone(),
                    };
                    Ok(Adapt::Wire(Ty::Map {
                        key: Box::new(pick(k2, key)),
                        value: Box::new(pick(v2, value)),
                    }))
                }
            }
        }
        _ => Err(unmodelled()),
    }
}
