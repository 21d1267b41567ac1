//! Model values as Rust expressions, for the derive: generated code rebuilds the very `TypeDef`
//! the CLI extracts, with no parser at run time.

use crate::schema::{
    Accepts, EmsMarker, EnumDef, EnumRepr, Field, Missing, SessionField, StructDef, Style, Ty,
    TypeDef, Variant, Write,
};
use proc_macro2::TokenStream;
use quote::quote;

fn s(v: &str) -> TokenStream {
    quote!(::std::string::String::from(#v))
}

fn strings(v: &[String]) -> TokenStream {
    let items = v.iter().map(|x| s(x));
    quote!(::std::vec![#(#items),*])
}

fn opt<T>(v: &Option<T>, f: impl Fn(&T) -> TokenStream) -> TokenStream {
    match v {
        Some(x) => {
            let t = f(x);
            quote!(::core::option::Option::Some(#t))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// Generated code names the crate through the alias the derive declares (`use <crate> as
/// __sessionlint;`), so that `#[session(crate = "...")]` moves every path at once.
const P: &str = "__sessionlint::schema";

fn path(name: &str) -> TokenStream {
    format!("{P}::{name}").parse().expect("a valid path")
}

pub fn style(x: Style) -> TokenStream {
    let v = match x {
        Style::Struct => "Struct",
        Style::Tuple => "Tuple",
        Style::Newtype => "Newtype",
        Style::Unit => "Unit",
    };
    path(&format!("Style::{v}"))
}

pub fn ty(t: &Ty) -> TokenStream {
    let p = path("Ty");
    match t {
        Ty::Bool => quote!(#p::Bool),
        Ty::Int { signed, bits } => quote!(#p::Int { signed: #signed, bits: #bits }),
        Ty::Float { bits } => quote!(#p::Float { bits: #bits }),
        Ty::Char => quote!(#p::Char),
        Ty::Str => quote!(#p::Str),
        Ty::Unit => quote!(#p::Unit),
        Ty::Option { of } => {
            let of = ty(of);
            quote!(#p::Option { of: ::std::boxed::Box::new(#of) })
        }
        Ty::Seq { of } => {
            let of = ty(of);
            quote!(#p::Seq { of: ::std::boxed::Box::new(#of) })
        }
        Ty::Array { of, len } => {
            let of = ty(of);
            quote!(#p::Array { of: ::std::boxed::Box::new(#of), len: #len })
        }
        Ty::Tuple { items } => {
            let items = items.iter().map(ty);
            quote!(#p::Tuple { items: ::std::vec![#(#items),*] })
        }
        Ty::Map { key, value } => {
            let (k, v) = (ty(key), ty(value));
            quote!(#p::Map { key: ::std::boxed::Box::new(#k), value: ::std::boxed::Box::new(#v) })
        }
        Ty::Named { name } => {
            let n = s(name);
            quote!(#p::Named { name: #n })
        }
        Ty::Opaque { name } => {
            let n = s(name);
            quote!(#p::Opaque { name: #n })
        }
    }
}

fn accepts(a: &Accepts) -> TokenStream {
    let p = path("Accepts");
    let ranges = a.ranges.iter().map(|(lo, hi)| {
        let lo = opt(lo, |m| quote!(#m));
        let hi = opt(hi, |m| quote!(#m));
        quote!((#lo, #hi))
    });
    quote!(#p::new(::std::vec![#(#ranges),*]))
}

fn marker(e: &EmsMarker) -> TokenStream {
    let m = path("EmsMarker");
    match e {
        EmsMarker::Flag => quote!(#m::Flag),
        EmsMarker::Variant { variant } => {
            let v = s(variant);
            quote!(#m::Variant { variant: #v })
        }
        EmsMarker::Mask { mask } => quote!(#m::Mask { mask: #mask }),
    }
}

fn session(sf: &SessionField) -> TokenStream {
    let p = path("SessionField");
    let c = path("Critical");
    let ems = opt(&sf.ems, marker);
    let critical = opt(&sf.critical, |x| {
        let (name, m) = (s(&x.name), marker(&x.marker));
        quote!(#c::new(#name, #m))
    });
    let kb = opt(&sf.known_bits, |k| quote!(#k));
    let vf = opt(&sf.version_field, accepts);
    let ignored = sf.ignored;
    let writes = opt(&sf.writes, |w| quote!(#w));
    let check = opt(&sf.check, accepts);
    let values = opt(&sf.values, accepts);
    // Keys only schema files set (`written`) keep their defaults.
    quote!({
        let mut __sl = <#p as ::core::default::Default>::default();
        __sl.ems = #ems; __sl.critical = #critical; __sl.known_bits = #kb;
        __sl.version_field = #vf; __sl.writes = #writes; __sl.ignored = #ignored;
        __sl.check = #check; __sl.values = #values;
        __sl
    })
}

fn field(f: &Field) -> TokenStream {
    let p = path("Field");
    let w = path("Write");
    let mi = path("Missing");
    let ident = s(&f.ident);
    let ser = s(&f.ser_name);
    let de = strings(&f.de_names);
    let t = ty(&f.ty);
    let write = match &f.write {
        Write::Always => quote!(#w::Always),
        Write::Never => quote!(#w::Never),
        Write::Unless(x) => {
            let x = s(x);
            quote!(#w::Unless(#x))
        }
    };
    let missing = match &f.missing {
        Missing::Error => quote!(#mi::Error),
        Missing::Default => quote!(#mi::Default),
        // A container's `Default` (derived or not: a derive cannot tell) is in scope where
        // the schema is built: a bool or integer field's default is read from it then.
        Missing::DefaultFn(x) | Missing::DefaultValue { path: x, .. }
            if x.starts_with('<') && matches!(f.ty, Ty::Bool | Ty::Int { .. }) =>
        {
            let member = member(&f.ident);
            let lit = path("Literal");
            let value = match f.ty {
                Ty::Bool => {
                    quote!(#lit::Bool(<Self as ::core::default::Default>::default().#member))
                }
                _ => {
                    quote!(#lit::Int(<Self as ::core::default::Default>::default().#member as i64))
                }
            };
            let x = s(x);
            quote!(#mi::DefaultValue { path: #x, value: #value })
        }
        // The derive sees one item, never the function: its default stays unknown.
        Missing::DefaultFn(x) | Missing::DefaultValue { path: x, .. } => {
            let x = s(x);
            quote!(#mi::DefaultFn(#x))
        }
    };
    let (read, flatten, custom, codec_wire) = (f.read, f.flatten, f.custom_codec, f.codec_wire);
    let codec = match &f.codec {
        Some(c) => {
            let c = s(c);
            quote!(::core::option::Option::Some(#c))
        }
        None => quote!(::core::option::Option::None),
    };
    let sess = session(&f.session);
    quote!({
        let mut __sl = #p::new(#ident, #t);
        __sl.ser_name = #ser; __sl.de_names = #de; __sl.write = #write; __sl.read = #read;
        __sl.missing = #missing; __sl.flatten = #flatten; __sl.custom_codec = #custom;
        __sl.codec = #codec; __sl.codec_wire = #codec_wire; __sl.session = #sess;
        __sl
    })
}

/// A field by its schema name: `0` for a tuple field, an identifier (raw when a keyword).
fn member(ident: &str) -> TokenStream {
    match ident.parse::<usize>() {
        Ok(i) => {
            let i = syn::Index::from(i);
            quote!(#i)
        }
        Err(_) => match syn::parse_str::<syn::Ident>(ident) {
            Ok(i) => quote!(#i),
            Err(_) => {
                let i = syn::Ident::new_raw(ident, proc_macro2::Span::call_site());
                quote!(#i)
            }
        },
    }
}

fn variant(v: &Variant) -> TokenStream {
    let p = path("Variant");
    let ident = s(&v.ident);
    let ser = s(&v.ser_name);
    let de = strings(&v.de_names);
    let st = style(v.style);
    let fields = v.fields.iter().map(field);
    let (other, untagged, read, write, current, is_default) = (
        v.other,
        v.untagged,
        v.read,
        v.write,
        v.current,
        v.is_default,
    );
    quote!({
        let mut __sl = #p::new(#ident, #st, ::std::vec![#(#fields),*]);
        __sl.ser_name = #ser; __sl.de_names = #de; __sl.other = #other;
        __sl.untagged = #untagged; __sl.read = #read; __sl.write = #write;
        __sl.current = #current; __sl.is_default = #is_default;
        __sl
    })
}

pub fn type_def(d: &TypeDef) -> TokenStream {
    let td = path("TypeDef");
    match d {
        TypeDef::Struct(StructDef {
            name,
            style: st,
            deny_unknown_fields,
            transparent,
            fields,
            ..
        }) => {
            let p = path("StructDef");
            let name = s(name);
            let st = style(*st);
            let fields = fields.iter().map(field);
            quote!(#td::Struct({
                let mut __sl = #p::new(#name, #st, ::std::vec![#(#fields),*]);
                __sl.deny_unknown_fields = #deny_unknown_fields;
                __sl.transparent = #transparent;
                __sl
            }))
        }
        TypeDef::Enum(EnumDef {
            name,
            repr,
            tag,
            content,
            deny_unknown_fields,
            variants,
            ..
        }) => {
            let p = path("EnumDef");
            let r = path("EnumRepr");
            let name = s(name);
            let repr = match repr {
                EnumRepr::External => quote!(#r::External),
                EnumRepr::Internal => quote!(#r::Internal),
                EnumRepr::Adjacent => quote!(#r::Adjacent),
                EnumRepr::Untagged => quote!(#r::Untagged),
            };
            let tag = opt(tag, |t| s(t));
            let content = opt(content, |t| s(t));
            let variants = variants.iter().map(variant);
            quote!(#td::Enum({
                let mut __sl = #p::new(#name, #repr, ::std::vec![#(#variants),*]);
                __sl.tag = #tag; __sl.content = #content;
                __sl.deny_unknown_fields = #deny_unknown_fields;
                __sl
            }))
        }
    }
}

/// The syn types, inside a field's type, that the model lowers to `Ty::Named`: the generated
/// code asks each of them for its own definitions.
pub fn named_type_paths(t: &syn::Type, generics: &[String]) -> Vec<syn::Type> {
    let mut out = Vec::new();
    collect(t, generics, &mut out);
    out
}

fn collect(t: &syn::Type, generics: &[String], out: &mut Vec<syn::Type>) {
    match t {
        syn::Type::Group(g) => collect(&g.elem, generics, out),
        syn::Type::Paren(p) => collect(&p.elem, generics, out),
        syn::Type::Reference(r) => collect(&r.elem, generics, out),
        syn::Type::Tuple(tt) => tt.elems.iter().for_each(|e| collect(e, generics, out)),
        syn::Type::Slice(sl) => collect(&sl.elem, generics, out),
        syn::Type::Array(a) => collect(&a.elem, generics, out),
        syn::Type::Path(_) => {
            if let Ty::Named { .. } = super::ty::lower(t, generics) {
                out.push(t.clone());
            }
            if let syn::Type::Path(p) = t {
                if let Some(last) = p.path.segments.last() {
                    if let syn::PathArguments::AngleBracketed(a) = &last.arguments {
                        for g in &a.args {
                            if let syn::GenericArgument::Type(inner) = g {
                                collect(inner, generics, out);
                            }
                        }
                    }
                }
            }
        }
        _ => {}
    }
}
