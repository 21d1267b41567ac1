//! One struct or enum to a `TypeDef`: serde attributes through serde_derive_internals (never
//! re-parsed by hand), `#[session]` attributes through `session_attr`, and the checks that need
//! only this item. Shared by the derive and the CLI.

use super::ctxt::Ctxt;
use super::locate::Locator;
use super::session_attr::{self, ContainerAttrs, EmsKey};
use super::ty::lower;
use crate::schema::{
    Critical, EmsMarker, EnumDef, EnumRepr, Field, Literal, Missing, SessionField, StructDef,
    Style, Ty, TypeDef, Variant, Write,
};
use quote::ToTokens;
use serde_derive_internals::{ast, attr, Derive};
use syn::spanned::Spanned;

/// What one item says about itself.
pub struct ItemInfo {
    pub def: TypeDef,
    pub session: ContainerAttrs,
    pub derives_session_state: bool,
}

impl ItemInfo {
    /// A session root: it has a container `version`. Without one it is a part.
    pub fn is_root(&self) -> bool {
        self.session.version.is_some()
    }
}

/// Whether a `#[derive(...)]` among `attrs` names `name` (as the last segment of a path).
pub fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    // The last identifier of each comma-separated path: a walk over the tokens rather than a
    // parse, for this runs several times for every item read.
    let names = |l: &syn::MetaList| {
        let mut last: Option<proc_macro2::Ident> = None;
        for t in l.tokens.clone() {
            match t {
                proc_macro2::TokenTree::Ident(i) => last = Some(i),
                // (A comma ends a path whichever it was.)
                proc_macro2::TokenTree::Punct(p)
                    if p.as_char() == ',' && last.take().is_some_and(|i| i == name) =>
                {
                    return true
                }
                _ => {}
            }
        }
        last.is_some_and(|i| i == name)
    };
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| matches!(&a.meta, syn::Meta::List(l) if names(l)))
}

/// Who reads the item: inside the derive, serde_derive reports serde's own attribute errors, so
/// they are not repeated; the CLI reports them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Derive,
    Cli,
}

pub fn read_item(cx: &Ctxt, input: &syn::DeriveInput, loc: &Locator<'_>) -> Option<ItemInfo> {
    read_item_as(cx, input, loc, Reader::Cli)
}

pub fn read_item_as(
    cx: &Ctxt,
    input: &syn::DeriveInput,
    loc: &Locator<'_>,
    reader: Reader,
) -> Option<ItemInfo> {
    let session = session_attr::container(cx, &input.attrs);
    let scx = serde_derive_internals::Ctxt::new();
    let private = syn::Ident::new("__private", proc_macro2::Span::call_site());
    let cont = ast::Container::from_ast(&scx, input, Derive::Deserialize, &private);
    if let Err(e) = scx.check() {
        if reader == Reader::Cli {
            cx.syn_error(e);
        }
    }
    let cont = cont?;
    let generics: Vec<String> = input
        .generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    let name = input.ident.to_string();
    let mut origin = loc.origin(input.ident.span());
    origin.attr_at = loc.pos(item_start(input));
    let container_missing = container_missing_of(cont.attrs.default(), &name);

    let mut ems_fields = Vec::new();
    let def = match &cont.data {
        ast::Data::Struct(style, fields) => {
            let derives_default = derives(&input.attrs, "Default");
            let fields = fields
                .iter()
                .map(|f| {
                    field(
                        cx,
                        f,
                        &generics,
                        container_missing.as_ref(),
                        derives_default,
                        loc,
                        &mut ems_fields,
                    )
                })
                .collect::<Vec<_>>();
            let s = StructDef {
                name: name.clone(),
                style: lower_style(*style),
                deny_unknown_fields: cont.attrs.deny_unknown_fields(),
                transparent: cont.attrs.transparent(),
                fields,
                origin,
            };
            check_struct(cx, input, &s, &session);
            TypeDef::Struct(s)
        }
        ast::Data::Enum(variants) => TypeDef::Enum(enum_def(
            cx,
            input,
            &cont.attrs,
            variants,
            &generics,
            loc,
            origin,
        )),
    };
    one_key_each(cx, input, &def, &name);
    one_ems_carrier(cx, &ems_fields, &name);
    Some(ItemInfo {
        def,
        session,
        derives_session_state: derives(&input.attrs, "SessionState"),
    })
}

/// An enum's definition: its representation and variants.
fn enum_def(
    cx: &Ctxt,
    input: &syn::DeriveInput,
    attrs: &attr::Container,
    variants: &[ast::Variant],
    generics: &[String],
    loc: &Locator<'_>,
    origin: crate::schema::Origin,
) -> EnumDef {
    let name = input.ident.to_string();
    let (repr, tag, content) = repr_of(attrs.tag());
    let variants = variants
        .iter()
        .map(|v| variant_of(cx, v, generics, &name, loc))
        .collect::<Vec<_>>();
    if variants.iter().filter(|v| v.current).count() > 1 {
        cx.error_spanned_by(&input.ident, "only one variant may be #[session(current)]");
    }
    EnumDef {
        tag_width: None,
        name,
        repr,
        tag,
        content,
        deny_unknown_fields: attrs.deny_unknown_fields(),
        variants,
        origin,
    }
}

/// One variant of an enum, its fields read (one EMS carrier per variant).
fn variant_of(
    cx: &Ctxt,
    v: &ast::Variant,
    generics: &[String],
    name: &str,
    loc: &Locator<'_>,
) -> Variant {
    let va = session_attr::variant(cx, &v.original.attrs);
    // Variants that are versions may each carry EMS: one carrier per variant.
    let mut carriers = Vec::new();
    let fields = v
        .fields
        .iter()
        .map(|f| field(cx, f, generics, None, false, loc, &mut carriers))
        .collect();
    for span in carriers.iter().skip(1) {
        cx.error_at(*span, format!("variant `{}` of `{name}` has more than one #[session(ems)] field; mark exactly one field of each variant as its EMS carrier", v.ident));
    }
    Variant {
        ident: v.ident.to_string(),
        ser_name: v.attrs.name().serialize_name().value.clone(),
        de_names: v.attrs.aliases().iter().map(|n| n.value.clone()).collect(),
        style: lower_style(v.style),
        fields,
        other: v.attrs.other(),
        untagged: v.attrs.untagged(),
        read: !v.attrs.skip_deserializing(),
        write: !v.attrs.skip_serializing(),
        current: va.current,
        tag_value: None,
        is_default: v
            .original
            .attrs
            .iter()
            .any(|a| a.path().is_ident("default")),
        origin: loc.origin(v.ident.span()),
    }
}

/// serde's enum representation: external, internal (`tag`), adjacent (`tag`, `content`) or
/// untagged.
fn repr_of(tag: &attr::TagType) -> (EnumRepr, Option<String>, Option<String>) {
    match tag {
        attr::TagType::External => (EnumRepr::External, None, None),
        attr::TagType::Internal { tag } => (EnumRepr::Internal, Some(tag.clone()), None),
        attr::TagType::Adjacent { tag, content } => {
            (EnumRepr::Adjacent, Some(tag.clone()), Some(content.clone()))
        }
        attr::TagType::None => (EnumRepr::Untagged, None, None),
    }
}

/// Two fields under one key: the decoder fills only one of them, the encoder writes both.
fn one_key_each(cx: &Ctxt, input: &syn::DeriveInput, def: &TypeDef, name: &str) {
    let groups: Vec<&[Field]> = match def {
        TypeDef::Struct(s) => vec![&s.fields[..]],
        TypeDef::Enum(e) => e.variants.iter().map(|v| &v.fields[..]).collect(),
    };
    for fields in groups {
        let mut seen = std::collections::BTreeMap::new();
        for f in fields
            .iter()
            .filter(|f| f.write != Write::Never && !f.flatten)
        {
            if let Some(first) = seen.insert(f.ser_name.clone(), f.ident.clone()) {
                cx.error_spanned_by(
                    &input.ident,
                    format!("fields `{first}` and `{}` of `{name}` are both written under the key `{}`; give each its own name", f.ident, f.ser_name),
                );
            }
        }
    }
}

/// One EMS carrier per type.
fn one_ems_carrier(cx: &Ctxt, ems_fields: &[proc_macro2::Span], name: &str) {
    if ems_fields.len() > 1 {
        for span in &ems_fields[1..] {
            cx.error_at(
                *span,
                format!(
                    "`{name}` has more than one #[session(ems)] field; mark exactly one field as the EMS carrier"
                ),
            );
        }
    }
}

/// What a missing field reads as under the container's `#[serde(default)]`, if any.
fn container_missing_of(default: &attr::Default, name: &str) -> Option<Missing> {
    match default {
        attr::Default::None => None,
        // `#[serde(default)]` on the container takes each missing field from the container's
        // `Default`: the fields' own defaults when it is derived; else a hand-written impl,
        // whose values are read where they can be (defaults.rs) and unknown otherwise.
        attr::Default::Default => Some(Missing::DefaultFn(container_default(name))),
        attr::Default::Path(p) => Some(Missing::DefaultFn(
            p.to_token_stream().to_string().replace(' ', ""),
        )),
    }
}

/// How a `critical = "name"` field carries its property, in the forms of `ems`: a bool or an
/// Option as it stands, an enum with `critical_variant`, an integer with `critical_mask`.
fn critical(
    cx: &Ctxt,
    span: proc_macro2::Span,
    ty: &Ty,
    sa: &session_attr::FieldAttrs,
) -> Option<EmsMarker> {
    match (ty, &sa.critical_variant, sa.critical_mask) {
        (Ty::Named { .. }, Some((v, _)), None) => Some(EmsMarker::Variant { variant: v.clone() }),
        (Ty::Int { .. }, None, Some((mask, _))) => Some(EmsMarker::Mask { mask }),
        (Ty::Bool | Ty::Option { .. }, None, None) => Some(EmsMarker::Flag),
        (Ty::Named { .. }, None, None) => {
            cx.error_at(span, "a critical property on an enum field needs its variant: add `critical_variant = \"Variant\"`");
            None
        }
        (Ty::Int { .. }, None, None) => {
            cx.error_at(span, "a critical property on an integer flags field needs its bit: add `critical_mask = 0x4`");
            None
        }
        (other, _, _) => {
            cx.error_at(span, format!("`critical` is not supported on `{other}` with these keys: use bool, Option<bool>, Option<_>, an enum with `critical_variant`, or an integer with `critical_mask`"));
            None
        }
    }
}

fn lower_style(s: ast::Style) -> Style {
    match s {
        ast::Style::Struct => Style::Struct,
        ast::Style::Tuple => Style::Tuple,
        ast::Style::Newtype => Style::Newtype,
        ast::Style::Unit => Style::Unit,
    }
}

fn field(
    cx: &Ctxt,
    f: &ast::Field,
    generics: &[String],
    container_missing: Option<&Missing>,
    derived_default: bool,
    loc: &Locator<'_>,
    ems_fields: &mut Vec<proc_macro2::Span>,
) -> Field {
    let a = &f.attrs;
    let name_span = f
        .original
        .ident
        .as_ref()
        .map(|i| i.span())
        .unwrap_or_else(|| f.original.ty.span());
    let sa = session_attr::field(cx, &f.original.attrs);
    let ty = lower(f.ty, generics);
    let lowered = ty.clone();
    let ident = match &f.member {
        syn::Member::Named(i) => i.to_string().trim_start_matches("r#").to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    };
    let write = if a.skip_serializing() {
        Write::Never
    } else if let Some(p) = a.skip_serializing_if() {
        Write::Unless(p.to_token_stream().to_string().replace(' ', ""))
    } else {
        Write::Always
    };
    let missing = missing_of(a, container_missing, derived_default, &lowered);
    let coded = super::codec::field(cx, f, ty);
    let ty = coded.ty;
    let missing = if coded.default_option && missing == Missing::Error {
        Missing::Default
    } else {
        missing
    };

    let session = session_field(cx, &sa, &ty, f.ty.span(), ems_fields);
    Field {
        ident,
        ser_name: a.name().serialize_name().value.clone(),
        de_names: a.aliases().iter().map(|n| n.value.clone()).collect(),
        ty,
        write,
        read: !a.skip_deserializing(),
        missing,
        flatten: a.flatten(),
        custom_codec: coded.custom,
        codec: coded.codec,
        codec_wire: coded.wire,
        session,
        wire: Default::default(),
        origin: crate::schema::Origin {
            attr_at: loc.pos(match &f.original.vis {
                syn::Visibility::Inherited => name_span,
                v => v.span(),
            }),
            ..loc.origin(name_span)
        },
    }
}

/// What reading a session without the field does (serde's `default`; a derived container
/// `Default` gives a bool or integer field false or 0).
fn missing_of(
    a: &attr::Field,
    container_missing: Option<&Missing>,
    derived_default: bool,
    lowered: &Ty,
) -> Missing {
    match a.default() {
        // A derived `Default` (the source reading sees the derive; a derive never does): a
        // bool or integer field defaults to false or 0.
        attr::Default::None => match container_missing {
            Some(Missing::DefaultFn(path)) if derived_default => match lowered {
                Ty::Bool => Missing::DefaultValue {
                    path: path.clone(),
                    value: Literal::Bool(false),
                },
                Ty::Int { .. } => Missing::DefaultValue {
                    path: path.clone(),
                    value: Literal::Int(0),
                },
                _ => Missing::DefaultFn(path.clone()),
            },
            other => other.cloned().unwrap_or(Missing::Error),
        },
        attr::Default::Default => Missing::Default,
        attr::Default::Path(p) => {
            Missing::DefaultFn(p.to_token_stream().to_string().replace(' ', ""))
        }
    }
}

/// The field's `#[session(...)]` keys, checked against its type and each other.
fn session_field(
    cx: &Ctxt,
    sa: &session_attr::FieldAttrs,
    ty: &Ty,
    ty_span: proc_macro2::Span,
    ems_fields: &mut Vec<proc_macro2::Span>,
) -> SessionField {
    let mut session = SessionField {
        ems: ems_of(cx, sa, ty, ty_span, ems_fields),
        ..SessionField::default()
    };
    session.critical = critical_of(cx, sa, ty, session.ems.is_some());
    session.known_bits = known_bits_of(cx, sa, ty);
    session.version_field = version_field_of(cx, sa, ty, ty_span);
    if session.ems.is_some() && session.version_field.is_some() {
        let span = sa
            .version_field
            .unwrap_or_else(proc_macro2::Span::call_site);
        cx.error_at(span, "a field cannot be both the version field and the EMS carrier: the encoder writes its version there, so no EMS value could be told apart; carry EMS in a field of its own");
    }
    if let Some(span) = sa.ignored {
        if session.ems.is_none() {
            cx.error_at(span, "`ignored` marks an EMS carrier this version reads but does not act on: put it next to `ems`");
        }
        session.ignored = true;
    }
    session
}

/// The EMS marker of the field's `ems` or `ems_mask`, checked against its type.
fn ems_of(
    cx: &Ctxt,
    sa: &session_attr::FieldAttrs,
    ty: &Ty,
    ty_span: proc_macro2::Span,
    ems_fields: &mut Vec<proc_macro2::Span>,
) -> Option<EmsMarker> {
    let mut ems = None;
    if let Some((key, span)) = &sa.ems {
        ems_fields.push(*span);
        if sa.ems_mask.is_some() {
            cx.error_at(*span, "write either `ems` or `ems_mask`, not both: `ems_mask = 0x4` alone marks a flag bit");
        }
        ems = match key {
            EmsKey::Flag => match ty {
                Ty::Bool | Ty::Option { .. } => Some(EmsMarker::Flag),
                Ty::Int { .. } => {
                    cx.error_at(*span, "`ems` on an integer flags field needs the bit: write `ems_mask = 0x4` instead of `ems`");
                    None
                }
                Ty::Named { .. } => {
                    cx.error_at(
                        *span,
                        "`ems` on an enum field needs the variant: write `ems = \"Variant\"`",
                    );
                    None
                }
                other => {
                    cx.error_at(ty_span, format!("`ems` is not supported on `{other}`: use bool, Option<bool>, Option<_>, an enum with `ems = \"Variant\"`, or an integer with `ems_mask`"));
                    None
                }
            },
            EmsKey::Variant(v) => match ty {
                Ty::Named { .. } => Some(EmsMarker::Variant { variant: v.clone() }),
                other => {
                    cx.error_at(*span, format!("`ems = \"{v}\"` needs an enum-typed field, not `{other}`; on a bool or Option write plain `ems`"));
                    None
                }
            },
        };
    }
    if let Some((mask, span)) = sa.ems_mask {
        ems_fields.push(span);
        if matches!(ty, Ty::Int { .. }) {
            ems = Some(EmsMarker::Mask { mask });
        } else {
            cx.error_at(
                span,
                format!("`ems_mask` needs an integer flags field, not `{ty}`"),
            );
        }
    }
    ems
}

/// The critical property the field carries (`critical = "name"`), checked.
fn critical_of(
    cx: &Ctxt,
    sa: &session_attr::FieldAttrs,
    ty: &Ty,
    carries_ems: bool,
) -> Option<Critical> {
    match &sa.critical {
        Some((name, span)) => {
            let c = critical(cx, *span, ty, sa).map(|marker| Critical {
                name: name.clone(),
                marker,
            });
            if carries_ems {
                cx.error_at(
                    *span,
                    "one field carries one property: EMS or a critical property, not both",
                );
            }
            c
        }
        None => {
            let stray = sa
                .critical_variant
                .as_ref()
                .map(|(_, s)| *s)
                .or(sa.critical_mask.map(|(_, s)| s));
            if let Some(span) = stray {
                cx.error_at(
                    span,
                    "`critical_variant` and `critical_mask` qualify `critical = \"name\"`: add it",
                );
            }
            None
        }
    }
}

/// The field's `known_bits`, checked against its type and its `ems_mask`.
fn known_bits_of(cx: &Ctxt, sa: &session_attr::FieldAttrs, ty: &Ty) -> Option<u64> {
    let mut known = None;
    if let Some((bits, span)) = sa.known_bits {
        if matches!(ty, Ty::Int { .. }) {
            known = Some(bits);
        } else {
            cx.error_at(
                span,
                format!("`known_bits` needs an integer flags field, not `{ty}`"),
            );
        }
        if let Some((mask, mspan)) = sa.ems_mask {
            if mask & !bits != 0 {
                cx.error_at(mspan, format!("ems_mask {mask:#x} has bits outside known_bits {bits:#x}: this version's decoder would reject its own EMS sessions; add the bits to known_bits"));
            }
        }
    }
    known
}

/// What the field's `version_field` (with `accepts`) says the decoder accepts, checked.
fn version_field_of(
    cx: &Ctxt,
    sa: &session_attr::FieldAttrs,
    ty: &Ty,
    ty_span: proc_macro2::Span,
) -> Option<crate::schema::Accepts> {
    match (sa.version_field, &sa.accepts) {
        (Some(_), acc) => {
            if !matches!(ty, Ty::Int { .. }) {
                cx.error_at(
                    ty_span,
                    format!("`version_field` needs an integer field, not `{ty}`"),
                );
            }
            Some(
                acc.as_ref()
                    .map(|a| a.0.clone())
                    .unwrap_or_else(crate::schema::Accepts::any),
            )
        }
        (None, Some((_, span))) => {
            cx.error_at(
                *span,
                "`accepts` belongs to the version field: add `version_field` to this field",
            );
            None
        }
        (None, None) => None,
    }
}

/// The path a container's `#[serde(default)]` fills missing fields from: the container's
/// `Default`, derived or hand-written (read in defaults.rs).
pub fn container_default(name: &str) -> String {
    format!("<{name} as Default>::default")
}

/// Where an item's attributes end: its visibility, else its `struct` or `enum` keyword.
fn item_start(input: &syn::DeriveInput) -> proc_macro2::Span {
    match (&input.vis, &input.data) {
        (syn::Visibility::Inherited, syn::Data::Struct(d)) => d.struct_token.span,
        (syn::Visibility::Inherited, syn::Data::Enum(d)) => d.enum_token.span,
        (syn::Visibility::Inherited, syn::Data::Union(d)) => d.union_token.span,
        (v, _) => v.span(),
    }
}

fn check_struct(cx: &Ctxt, input: &syn::DeriveInput, s: &StructDef, session: &ContainerAttrs) {
    let syn::Data::Struct(data) = &input.data else {
        return;
    };
    for (f, orig) in s.fields.iter().zip(data.fields.iter()) {
        if let Some(acc) = &f.session.version_field {
            match session.version {
                None => cx.error_spanned_by(
                    orig.ident.as_ref().map(|i| i.to_token_stream()).unwrap_or_else(|| orig.ty.to_token_stream()),
                    "`version_field` needs a container `version`: add #[session(version = N)] to the struct",
                ),
                Some((v, _)) if !acc.contains(v as i128) => cx.error_spanned_by(
                    orig.ident.as_ref().map(|i| i.to_token_stream()).unwrap_or_else(|| orig.ty.to_token_stream()),
                    format!("accepts = \"{acc}\" rejects this struct's own version {v}; include {v} in the range"),
                ),
                Some(_) => {}
            }
        }
    }
}

/// Checks only the derive makes, at compile time. The CLI reports the first as the rule
/// `ems-not-serialized` instead, and resolves the second across items.
pub fn derive_checks(cx: &Ctxt, input: &syn::DeriveInput, info: &ItemInfo) {
    let pairs: Vec<(&Field, &syn::Field)> = match (&info.def, &input.data) {
        (TypeDef::Struct(s), syn::Data::Struct(d)) => {
            s.fields.iter().zip(d.fields.iter()).collect()
        }
        (TypeDef::Enum(e), syn::Data::Enum(d)) => e
            .variants
            .iter()
            .zip(d.variants.iter())
            .flat_map(|(v, sv)| v.fields.iter().zip(sv.fields.iter()))
            .collect(),
        _ => Vec::new(),
    };
    for (f, sf) in pairs {
        let Some(marker) = &f.session.ems else {
            continue;
        };
        let at = sf
            .attrs
            .iter()
            .find(|a| a.path().is_ident("session"))
            .map(|a| a.to_token_stream());
        let at = at.unwrap_or_else(|| sf.to_token_stream());
        if f.write == Write::Never {
            cx.error_spanned_by(
                &at,
                "the EMS carrier is never written (serde skips it), so EMS sessions cannot be told apart: remove `skip`/`skip_serializing` (a `skip_serializing_if` that skips false is fine)",
            );
        }
        if let (EmsMarker::Variant { variant }, TypeDef::Enum(e)) = (marker, &info.def) {
            if f.ty.named_types().first() == Some(&e.name.as_str())
                && !e.variants.iter().any(|v| &v.ident == variant)
            {
                cx.error_spanned_by(
                    &at,
                    format!(
                        "`ems = \"{variant}\"`: enum `{}` has no variant `{variant}`",
                        e.name
                    ),
                );
            }
        }
    }
}
