//! `#[derive(SessionState)]`. Reads the item with the same code the CLI uses
//! (`sessionlint-internals`), turns every mistake into a `compile_error!` on the attribute at
//! fault, and implements `sessionlint::SessionState` for roots (`version = N`) and
//! `sessionlint::SessionPart` for every annotated type. Generated impls are
//! `#[automatically_derived]` and reach the crate through `#[session(crate = "...")]` when it is
//! re-exported (as serde's and schemars' derives do).
#![warn(missing_docs)]

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use sessionlint_internals::extract::{
    derive_checks, named_type_paths, read_item_as, type_def_tokens, Ctxt, Locator, Reader,
};
use sessionlint_internals::schema::{Encoding, Role, Trailing};
use syn::{parse_macro_input, DeriveInput};

/// Implements `sessionlint::SessionState` for a session version (`#[session(version = N, ...)]`)
/// and `sessionlint::SessionPart` for every annotated type. The `#[session]` keys are documented
/// in [the guide](https://github.com/OWNER/sessionlint/blob/main/README.md#annotating-a-session-type)
/// (the README's "Annotating a session type").
#[proc_macro_derive(SessionState, attributes(session))]
pub fn derive_session_state(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(|e| e.to_compile_error())
        .into()
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let cx = Ctxt::new();
    let info = read_item_as(&cx, input, &Locator::detached(), Reader::Derive);
    if let Some(info) = &info {
        derive_checks(&cx, input, info);
        if info.is_root() && info.session.encoding.is_none() && !cx.has_errors() {
            cx.error_spanned_by(
                &input.ident,
                format!("a session version needs its encoding: add `encoding = \"...\"` to #[session(...)], one of {}", Encoding::names()),
            );
        }
    }
    cx.check()?;
    let Some(info) = info else {
        return Ok(TokenStream2::new());
    };

    let ident = &input.ident;
    let name = ident.to_string();
    let generics: Vec<String> = input
        .generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    let (impl_g, ty_g, where_g) = input.generics.split_for_impl();
    let def = type_def_tokens(&info.def);
    let field_types: Vec<&syn::Type> = match &input.data {
        syn::Data::Struct(d) => d.fields.iter().map(|f| &f.ty).collect(),
        syn::Data::Enum(d) => d
            .variants
            .iter()
            .flat_map(|v| v.fields.iter().map(|f| &f.ty))
            .collect(),
        syn::Data::Union(_) => Vec::new(),
    };
    let nested: Vec<syn::Type> = field_types
        .into_iter()
        .flat_map(|t| named_type_paths(t, &generics))
        .collect();

    let part = quote! {
        #[automatically_derived]
        impl #impl_g __sessionlint::SessionPart for #ident #ty_g #where_g {
            fn __type_defs(
                out: &mut ::std::collections::BTreeMap<::std::string::String, __sessionlint::schema::TypeDef>,
            ) {
                #[allow(unused_imports)]
                use __sessionlint::__private::{ViaNothing as _, ViaPart as _};
                if out.contains_key(#name) {
                    return;
                }
                out.insert(::std::string::String::from(#name), #def);
                #( (&::core::marker::PhantomData::<#nested>).__session_defs(out); )*
            }
        }
    };
    let root = match (info.session.version, info.session.encoding) {
        (Some((version, _)), Some(encoding)) => state_impl(input, &info, version, encoding),
        _ => TokenStream2::new(),
    };
    // Checked to be a path when the attribute was read.
    let krate: syn::Path = match &info.session.krate {
        Some(p) => syn::parse_str(p)?,
        None => syn::parse_quote!(::sessionlint),
    };
    Ok(quote! {
        const _: () = {
            #[allow(unused_imports)]
            use #krate as __sessionlint;
            #part
            #root
        };
    })
}

/// `SessionState` for a root: its name, version and schema.
fn state_impl(
    input: &DeriveInput,
    info: &sessionlint_internals::extract::ItemInfo,
    version: u32,
    encoding: Encoding,
) -> TokenStream2 {
    let ident = &input.ident;
    let name = ident.to_string();
    let (impl_g, ty_g, where_g) = input.generics.split_for_impl();
    let format = info.session.name.clone().unwrap_or_else(|| name.clone());
    let (enc, trailing, envelope, role) = schema_keys(&info.session, encoding);
    quote! {
        #[automatically_derived]
        impl #impl_g __sessionlint::SessionState for #ident #ty_g #where_g {
            const NAME: &'static str = #format;
            const VERSION: u32 = #version;
            fn schema() -> __sessionlint::schema::Schema {
                let mut types = ::std::collections::BTreeMap::new();
                <Self as __sessionlint::SessionPart>::__type_defs(&mut types);
                let mut __sl =
                    __sessionlint::schema::Schema::new(#format, #version, #enc, #name, types);
                __sl.trailing = #trailing;
                __sl.role = #role;
                __sl.envelope = __sessionlint::schema::Envelope::sealed_under(#envelope);
                __sl
            }
        }
    }
}

/// The schema's encoding, trailing-bytes policy, envelope and role, as expressions.
fn schema_keys(
    session: &sessionlint_internals::extract::ContainerAttrs,
    encoding: Encoding,
) -> (TokenStream2, TokenStream2, TokenStream2, TokenStream2) {
    let enc = variant_path(
        "Encoding",
        match encoding {
            Encoding::Json => "Json",
            Encoding::Toml => "Toml",
            Encoding::Yaml => "Yaml",
            Encoding::Cbor => "Cbor",
            Encoding::Msgpack => "Msgpack",
            Encoding::MsgpackNamed => "MsgpackNamed",
            Encoding::Bincode => "Bincode",
            Encoding::Postcard => "Postcard",
            Encoding::Der => "Der",
            Encoding::TlsPositional => "TlsPositional",
        },
    );
    let trailing = match session.trailing {
        Some(Trailing::Reject) => {
            let p = variant_path("Trailing", "Reject");
            quote!(::core::option::Option::Some(#p))
        }
        Some(Trailing::Ignore) => {
            let p = variant_path("Trailing", "Ignore");
            quote!(::core::option::Option::Some(#p))
        }
        None => quote!(::core::option::Option::None),
    };
    let envelope = match &session.envelope {
        Some(id) => quote!(::core::option::Option::Some(::std::string::String::from(#id))),
        None => quote!(::core::option::Option::None),
    };
    let role = variant_path(
        "Role",
        match session.role.unwrap_or_default() {
            Role::Server => "Server",
            Role::Client => "Client",
        },
    );
    (enc, trailing, envelope, role)
}

fn variant_path(ty: &str, v: &str) -> TokenStream2 {
    format!("__sessionlint::schema::{ty}::{v}")
        .parse()
        .expect("a valid path")
}
