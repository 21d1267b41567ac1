//! `#[cfg(...)]` and `#[cfg_attr(..., ...)]` on session items, fields and variants, evaluated
//! against one build's options, so that the format read is that build's: a `cfg_attr` that adds
//! `serde(default)` or `deny_unknown_fields` changes what a decoder accepts and is never dropped.
//! The command line takes the package's default features (and `features`/`cfg` from the
//! configuration); an option nobody set is off, as in a build that does not set it.

use std::collections::BTreeSet;
use syn::punctuated::Punctuated;

/// The options of one build.
#[derive(Clone, Debug, Default)]
pub struct Cfg {
    /// Enabled Cargo features.
    pub features: BTreeSet<String>,
    /// Other options set: `name` or `name="value"`.
    pub flags: BTreeSet<String>,
}

impl Cfg {
    /// A configuration option as written (`unix`, `target_os = "linux"`), normalised.
    pub fn flag(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// Whether a cfg predicate holds; `None` when it is not one.
    pub fn holds(&self, pred: &syn::Meta) -> Option<bool> {
        match pred {
            syn::Meta::Path(p) => Some(self.flags.contains(&p.get_ident()?.to_string())),
            syn::Meta::NameValue(nv) => {
                let name = nv.path.get_ident()?.to_string();
                let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(v),
                    ..
                }) = &nv.value
                else {
                    return None;
                };
                Some(if name == "feature" {
                    self.features.contains(&v.value())
                } else {
                    self.flags.contains(&format!("{name}=\"{}\"", v.value()))
                })
            }
            syn::Meta::List(l) => {
                let args = l
                    .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                    .ok()?;
                let vals: Option<Vec<bool>> = args.iter().map(|m| self.holds(m)).collect();
                let vals = vals?;
                match l.path.get_ident()?.to_string().as_str() {
                    "all" => Some(vals.iter().all(|v| *v)),
                    "any" => Some(vals.iter().any(|v| *v)),
                    "not" if vals.len() == 1 => Some(!vals[0]),
                    _ => None,
                }
            }
        }
    }

    /// Attributes as this build sees them: `cfg_attr`s whose predicate holds become their
    /// attributes, others vanish. `Err` names an attribute whose predicate is not a cfg.
    fn attrs(&self, attrs: &mut Vec<syn::Attribute>) -> Result<(), String> {
        let mut out = Vec::with_capacity(attrs.len());
        for a in attrs.drain(..) {
            if !a.path().is_ident("cfg_attr") {
                out.push(a);
                continue;
            }
            let syn::Meta::List(l) = &a.meta else {
                return Err("a `cfg_attr` without arguments".into());
            };
            let args = l
                .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                .map_err(|e| format!("a `cfg_attr` sessionlint cannot read: {e}"))?;
            let mut it = args.into_iter();
            let pred = it.next().ok_or("an empty `cfg_attr`")?;
            match self.holds(&pred) {
                Some(true) => out.extend(it.map(|meta| syn::Attribute {
                    pound_token: a.pound_token,
                    style: a.style,
                    bracket_token: a.bracket_token,
                    meta,
                })),
                Some(false) => {}
                None => return Err("a `cfg_attr` whose condition is not a cfg predicate".into()),
            }
        }
        *attrs = out;
        // A nested `cfg_attr` is expanded in turn.
        if attrs.iter().any(|a| a.path().is_ident("cfg_attr")) {
            return self.attrs(attrs);
        }
        Ok(())
    }

    /// Whether an item, field or variant exists in this build (`#[cfg(...)]`).
    fn present(&self, attrs: &[syn::Attribute]) -> Result<bool, String> {
        for a in attrs.iter().filter(|a| a.path().is_ident("cfg")) {
            let syn::Meta::List(l) = &a.meta else {
                return Err("a `cfg` without a predicate".into());
            };
            let pred: syn::Meta = l
                .parse_args()
                .map_err(|e| format!("a `cfg` sessionlint cannot read: {e}"))?;
            if !self
                .holds(&pred)
                .ok_or("a `cfg` whose condition is not a cfg predicate")?
            {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The item as this build compiles it; `Ok(false)` when the build leaves it out.
    pub fn apply(&self, input: &mut syn::DeriveInput) -> Result<bool, String> {
        self.attrs(&mut input.attrs)?;
        if !self.present(&input.attrs)? {
            return Ok(false);
        }
        let fields_of = |fields: &mut syn::Fields| -> Result<(), String> {
            let list = match fields {
                syn::Fields::Named(n) => &mut n.named,
                syn::Fields::Unnamed(u) => &mut u.unnamed,
                syn::Fields::Unit => return Ok(()),
            };
            for mut f in std::mem::take(list) {
                self.attrs(&mut f.attrs)?;
                if self.present(&f.attrs)? {
                    list.push(f);
                }
            }
            Ok(())
        };
        match &mut input.data {
            syn::Data::Struct(s) => fields_of(&mut s.fields)?,
            syn::Data::Enum(e) => {
                let variants = std::mem::take(&mut e.variants);
                for mut v in variants {
                    self.attrs(&mut v.attrs)?;
                    if self.present(&v.attrs)? {
                        fields_of(&mut v.fields)?;
                        e.variants.push(v);
                    }
                }
            }
            syn::Data::Union(_) => {}
        }
        Ok(true)
    }
}
