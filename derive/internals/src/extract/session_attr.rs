//! The `#[session(...)]` helper attribute: container, field and variant keys.

use super::ctxt::Ctxt;
use crate::schema::{Accepts, Encoding, Role, Trailing};
use proc_macro2::Span;
use syn::{Attribute, Expr, ExprLit, Lit, LitInt, LitStr};

pub const CONTAINER_KEYS: &str = "name, version, encoding, trailing, role, envelope, crate";
pub const FIELD_KEYS: &str =
    "ems, ems = \"Variant\", ems_mask, critical = \"name\", critical_variant, critical_mask, known_bits, version_field, accepts, ignored";
pub const VARIANT_KEYS: &str = "current";

#[derive(Default, Debug, Clone)]
pub struct ContainerAttrs {
    pub present: bool,
    pub name: Option<String>,
    pub version: Option<(u32, Span)>,
    pub encoding: Option<Encoding>,
    pub trailing: Option<Trailing>,
    pub role: Option<Role>,
    /// `envelope = "ID"`: the ticket keys (or session cache) this version's sessions are sealed
    /// under; a decoder that declares another refuses them before parsing.
    pub envelope: Option<String>,
    /// Where the derive finds `sessionlint` (`crate = "..."`), for crates that re-export it.
    pub krate: Option<String>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub enum EmsKey {
    Flag,
    Variant(String),
}

#[derive(Default, Clone, Debug)]
pub struct FieldAttrs {
    pub ems: Option<(EmsKey, Span)>,
    pub ems_mask: Option<(u64, Span)>,
    /// `critical = "name"`: a property whose value must survive resumption, like EMS.
    pub critical: Option<(String, Span)>,
    pub critical_variant: Option<(String, Span)>,
    pub critical_mask: Option<(u64, Span)>,
    pub known_bits: Option<(u64, Span)>,
    pub version_field: Option<Span>,
    pub accepts: Option<(Accepts, Span)>,
    pub ignored: Option<Span>,
}

#[derive(Default, Clone, Debug)]
pub struct VariantAttrs {
    pub current: bool,
}

fn session_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("session"))
}

fn lit_str(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta) -> Option<LitStr> {
    match meta.value().and_then(|v| v.parse::<LitStr>()) {
        Ok(s) => Some(s),
        Err(_) => {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            cx.error_spanned_by(
                &meta.path,
                format!("expected a string: write `{key} = \"...\"`"),
            );
            None
        }
    }
}

/// Integers may be written in any base (`0x4`) and must fit `u64`.
fn lit_u64(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta) -> Option<(u64, Span)> {
    let key = meta
        .path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_default();
    let parsed = meta.value().and_then(|v| v.parse::<Expr>());
    match parsed {
        Ok(Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        })) => match int_value(&i) {
            Some(v) => Some((v, i.span())),
            None => {
                cx.error_at(
                    i.span(),
                    format!("`{key}` must be an integer that fits in 63 bits (snapshots are TOML)"),
                );
                None
            }
        },
        Ok(other) => {
            cx.error_spanned_by(
                other,
                format!("`{key}` must be an integer literal, e.g. `{key} = 0x4`"),
            );
            None
        }
        Err(_) => {
            cx.error_spanned_by(
                &meta.path,
                format!("expected an integer: write `{key} = 0x4`"),
            );
            None
        }
    }
}

/// Schema snapshots are TOML, whose integers are i64: session integers must fit in 63 bits.
fn int_value(i: &LitInt) -> Option<u64> {
    i.base10_parse::<u64>()
        .ok()
        .filter(|v| *v <= i64::MAX as u64)
}

pub fn container(cx: &Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in session_attrs(attrs) {
        out.present = true;
        out.span.get_or_insert(attr.pound_token.span);
        let r = attr.parse_nested_meta(|meta| {
            container_key(cx, &meta, &mut out);
            Ok(())
        });
        if let Err(e) = r {
            cx.syn_error(e);
        }
    }
    out
}

/// One key of a container's `#[session(...)]`.
fn container_key(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta, out: &mut ContainerAttrs) {
    let key = meta
        .path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_default();
    match key.as_str() {
        "name" => {
            if let Some(s) = lit_str(cx, meta) {
                if s.value().trim().is_empty() {
                    cx.error_at(s.span(), "`name` must not be empty");
                }
                out.name = Some(s.value());
            }
        }
        "version" => {
            if let Some((v, span)) = lit_u64(cx, meta) {
                match u32::try_from(v) {
                    Ok(v) => out.version = Some((v, span)),
                    Err(_) => cx.error_at(span, "`version` must fit in u32"),
                }
            }
        }
        "encoding" | "crate" | "trailing" | "role" => {
            if let Some(s) = lit_str(cx, meta) {
                choice(cx, &key, &s, out);
            }
        }
        "envelope" => {
            if let Some(s) = lit_str(cx, meta) {
                if s.value().trim().is_empty() {
                    cx.error_at(s.span(), "`envelope` must not be empty: name the ticket keys or session cache this version's sessions are sealed under");
                }
                out.envelope = Some(s.value());
            }
        }
        _ => {
            let hint = if FIELD_KEYS.split(", ").any(|k| k.starts_with(key.as_str())) {
                " (that is a field key: put it on the field)"
            } else {
                ""
            };
            cx.error_spanned_by(
                &meta.path,
                format!("unknown session container key `{key}`{hint}; expected one of: {CONTAINER_KEYS}"),
            );
            skip_value(meta);
        }
    }
}

/// A container key whose string value is one of a set: `encoding`, `crate`, `trailing`, `role`.
fn choice(cx: &Ctxt, key: &str, s: &LitStr, out: &mut ContainerAttrs) {
    match key {
        "encoding" => {
            match Encoding::parse(&s.value()) {
                Some(e) if !e.is_serde() => cx.error_at(
                    s.span(),
                    format!("encoding `{}` describes hand-written codecs in schema files; a serde type uses one of {}", s.value(), Encoding::names()),
                ),
                Some(e) => out.encoding = Some(e),
                None => cx.error_at(
                    s.span(),
                    format!("unknown encoding `{}`; write one of {}", s.value(), Encoding::names()),
                ),
            }
        }
        "crate" => {
            match s.parse::<syn::Path>() {
                Ok(_) => out.krate = Some(s.value()),
                Err(_) => cx.error_at(
                    s.span(),
                    format!("`crate` must be the path of the sessionlint crate, e.g. \"::my_tls::sessionlint\", not `{}`", s.value()),
                ),
            }
        }
        "trailing" => {
            match Trailing::parse(&s.value()) {
                Some(t) => out.trailing = Some(t),
                None => cx.error_at(
                    s.span(),
                    format!("unknown trailing policy `{}`; write \"reject\" or \"ignore\"", s.value()),
                ),
            }
        }
        "role" => {
            match s.value().as_str() {
                "server" => out.role = Some(Role::Server),
                "client" => out.role = Some(Role::Client),
                other => cx.error_at(
                    s.span(),
                    format!("unknown role `{other}`; write \"server\" or \"client\""),
                ),
            }
        }
        _ => {}
    }
}

pub fn field(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in session_attrs(attrs) {
        let r = attr.parse_nested_meta(|meta| {
            field_key(cx, &meta, &mut out);
            Ok(())
        });
        if let Err(e) = r {
            cx.syn_error(e);
        }
    }
    out
}

/// One key of a field's `#[session(...)]`.
fn field_key(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta, out: &mut FieldAttrs) {
    let key = meta
        .path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_default();
    let span = meta
        .path
        .get_ident()
        .map(|i| i.span())
        .unwrap_or_else(Span::call_site);
    match key.as_str() {
        "ems" => {
            if meta.input.peek(syn::Token![=]) {
                if let Some(s) = lit_str(cx, meta) {
                    let v = s.value();
                    if syn::parse_str::<syn::Ident>(&v).is_err() {
                        cx.error_at(
                            s.span(),
                            format!("`ems = \"{v}\"` must name an enum variant"),
                        );
                    }
                    out.ems = Some((EmsKey::Variant(v), s.span()));
                }
            } else {
                out.ems = Some((EmsKey::Flag, span));
            }
        }
        "ems_mask" => {
            if let Some((v, s)) = lit_u64(cx, meta) {
                if v == 0 {
                    cx.error_at(
                        s,
                        "`ems_mask` must have at least one bit set, e.g. `ems_mask = 0x4`",
                    );
                }
                out.ems_mask = Some((v, s));
            }
        }
        "critical" | "critical_variant" | "critical_mask" => critical_key(cx, &key, meta, out),
        "known_bits" => out.known_bits = lit_u64(cx, meta),
        "version_field" => out.version_field = Some(span),
        "ignored" => out.ignored = Some(span),
        "accepts" => {
            if let Some(s) = lit_str(cx, meta) {
                match Accepts::parse(&s.value()) {
                    Ok(a) => out.accepts = Some((a, s.span())),
                    Err(e) => cx.error_at(s.span(), e),
                }
            }
        }
        _ => {
            let hint = if CONTAINER_KEYS.split(", ").any(|k| k == key) {
                " (that is a container key: put it on the struct or enum)"
            } else {
                ""
            };
            cx.error_spanned_by(
                &meta.path,
                format!("unknown session field key `{key}`{hint}; expected one of: {FIELD_KEYS}"),
            );
            skip_value(meta);
        }
    }
}

/// `critical = "name"` and the keys that qualify it.
fn critical_key(cx: &Ctxt, key: &str, meta: &syn::meta::ParseNestedMeta, out: &mut FieldAttrs) {
    match key {
        "critical" => {
            if let Some(s) = lit_str(cx, meta) {
                let v = s.value();
                let ok = !v.is_empty()
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if !ok || v == "ems" {
                    cx.error_at(s.span(), format!("`critical = \"{v}\"` must name a property in letters, digits, `_` or `-` (and not `ems`: mark EMS with `ems`)"));
                }
                out.critical = Some((v, s.span()));
            }
        }
        "critical_variant" => {
            if let Some(s) = lit_str(cx, meta) {
                out.critical_variant = Some((s.value(), s.span()));
            }
        }
        "critical_mask" => {
            if let Some((v, s)) = lit_u64(cx, meta) {
                if v == 0 {
                    cx.error_at(s, "`critical_mask` must have at least one bit set");
                }
                out.critical_mask = Some((v, s));
            }
        }
        _ => {}
    }
}

pub fn variant(cx: &Ctxt, attrs: &[Attribute]) -> VariantAttrs {
    let mut out = VariantAttrs::default();
    for attr in session_attrs(attrs) {
        let r = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("current") {
                out.current = true;
            } else {
                let key = meta
                    .path
                    .get_ident()
                    .map(|i| i.to_string())
                    .unwrap_or_default();
                cx.error_spanned_by(
                    &meta.path,
                    format!("unknown session variant key `{key}`; expected one of: {VARIANT_KEYS}"),
                );
                skip_value(&meta);
            }
            Ok(())
        });
        if let Err(e) = r {
            cx.syn_error(e);
        }
    }
    out
}

/// After an unknown key, consume `= value` or `(...)` so the other keys are still read.
fn skip_value(meta: &syn::meta::ParseNestedMeta) {
    if meta.input.peek(syn::Token![=]) {
        let _ = meta.value().and_then(|v| v.parse::<Expr>());
    } else if meta.input.peek(syn::token::Paren) {
        let _ = meta.parse_nested_meta(|_| Ok(()));
    }
}
