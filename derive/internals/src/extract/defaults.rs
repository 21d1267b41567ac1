//! `#[serde(default = "path")]` read without running it: the function named by the path's last
//! segment is looked up in the scanned sources, and its value is known when its body is one
//! literal (`true`, `3`, `None`, `Some(..)`, `Kind::Variant`) or one const holding one. Anything
//! else stays unknown (`Missing::DefaultFn`), and the analysis treats an unknown default on an
//! EMS carrier or a version field as data-dependent rather than guess.

use super::scan;
use super::workspace::SourceFile;
use crate::schema::{Literal, Missing, Schema};

/// How deep a const may refer to another const.
const MAX_CONSTS: usize = 4;

/// Replaces every readable `DefaultFn` in `schemas` by its value.
pub fn resolve(schemas: &mut [Schema], files: &[SourceFile]) {
    for s in schemas {
        for def in s.types.values_mut() {
            let fields = def.fields_mut();
            for f in fields {
                if let Missing::DefaultFn(path) = &f.missing {
                    let value = match container_of(path) {
                        Some(name) => impl_default_field(files, name, &f.ident),
                        None => evaluate(files, path),
                    };
                    if let Some(value) = value {
                        f.missing = Missing::DefaultValue {
                            path: path.clone(),
                            value,
                        };
                    }
                }
            }
        }
    }
}

/// The names of the `default = "path"` functions not read yet (their paths' last segments).
pub fn unresolved(schemas: &[Schema]) -> Vec<String> {
    let mut out: Vec<String> = schemas
        .iter()
        .flat_map(|s| s.types.values())
        .flat_map(|d| d.fields())
        .filter_map(|f| match &f.missing {
            Missing::DefaultFn(path) => container_of(path)
                .or_else(|| path.rsplit("::").next())
                .map(|n| n.trim().to_string()),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `Name` of the path a container's `#[serde(default)]` gets without a derived `Default`
/// (`<Name as Default>::default`).
fn container_of(path: &str) -> Option<&str> {
    path.strip_prefix('<')?
        .strip_suffix(" as Default>::default")
}

/// The value a hand-written `impl Default for Name` gives field `field`: its `default()` must be
/// one struct literal (`Self { .. }` or `Name { .. }`) naming the field with a literal or a
/// const. `None` otherwise (several impls, a computed value, the field left to `..rest`).
fn impl_default_field(files: &[SourceFile], name: &str, field: &str) -> Option<Literal> {
    let mut found: Option<syn::ItemImpl> = None;
    for f in files {
        for (start, end) in scan::code_items(&f.text, "impl", "Default").ok()? {
            let Some(i) = scan::parse_bounded::<syn::ItemImpl>(&f.text[start..end]) else {
                continue;
            };
            let for_name = matches!(&*i.self_ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident(name));
            if for_name && i.trait_.is_some() {
                if found.is_some() {
                    return None;
                }
                found = Some(i);
            }
        }
    }
    let body = found?.items.into_iter().find_map(|it| match it {
        syn::ImplItem::Fn(f) if f.sig.ident == "default" => Some(f.block),
        _ => None,
    })?;
    let expr = match body.stmts.as_slice() {
        [syn::Stmt::Expr(e, None)] => e.clone(),
        [syn::Stmt::Expr(syn::Expr::Return(r), _)] => (*r.expr.clone()?).clone(),
        _ => return None,
    };
    let syn::Expr::Struct(lit) = expr else {
        return None;
    };
    let own = lit.path.is_ident("Self") || lit.path.is_ident(name);
    if !own {
        return None;
    }
    let value = lit.fields.iter().find_map(|fv| match &fv.member {
        syn::Member::Named(i) if i == field => Some(&fv.expr),
        _ => None,
    })?;
    literal(files, value, 0)
}

/// The one item `keyword NAME` in the files, parsed; `None` when there is none or several.
fn unique<T: syn::parse::Parse>(files: &[SourceFile], keyword: &str, name: &str) -> Option<T> {
    let mut found = None;
    for f in files {
        for (start, end) in scan::code_items(&f.text, keyword, name).ok()? {
            if found.is_some() {
                return None;
            }
            found = Some(&f.text[start..end]);
        }
    }
    scan::parse_bounded(found?)
}

/// The value `default = "path"` produces, when its function returns one literal or const.
pub fn evaluate(files: &[SourceFile], path: &str) -> Option<Literal> {
    let name = path.rsplit("::").next()?.trim();
    let f: syn::ItemFn = unique(files, "fn", name)?;
    if !f.sig.inputs.is_empty() || !f.sig.generics.params.is_empty() {
        return None;
    }
    let expr = match f.block.stmts.as_slice() {
        [syn::Stmt::Expr(e, None)] => e,
        [syn::Stmt::Expr(syn::Expr::Return(r), _)] => r.expr.as_deref()?,
        _ => return None,
    };
    literal(files, expr, 0)
}

fn literal(files: &[SourceFile], e: &syn::Expr, depth: usize) -> Option<Literal> {
    use syn::{Expr, Lit};
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Bool(b) => Some(Literal::Bool(b.value)),
            Lit::Int(i) => i.base10_parse::<i64>().ok().map(Literal::Int),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => {
            match literal(files, &u.expr, depth)? {
                Literal::Int(n) => n.checked_neg().map(Literal::Int),
                _ => None,
            }
        }
        Expr::Paren(p) => literal(files, &p.expr, depth),
        Expr::Group(g) => literal(files, &g.expr, depth),
        Expr::Call(c) if c.args.len() == 1 && is_path(&c.func, "Some") => Some(Literal::Some(
            Box::new(literal(files, &c.args[0], depth).unwrap_or(Literal::Any)),
        )),
        Expr::Path(p) if p.qself.is_none() => {
            let segs: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            match segs.as_slice() {
                [one] if one == "None" => Some(Literal::None),
                // SCREAMING_CASE: a const; read its value.
                [one]
                    if one
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') =>
                {
                    if depth >= MAX_CONSTS {
                        return None;
                    }
                    let c: syn::ItemConst = unique(files, "const", one)?;
                    literal(files, &c.expr, depth + 1)
                }
                // `Kind::Variant`, `Self::Variant`, or a variant brought into scope.
                [.., variant] if variant.starts_with(|c: char| c.is_ascii_uppercase()) => {
                    Some(Literal::Variant(variant.clone()))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The integer value of the one const `NAME` in the files (for array lengths), if its expression
/// is one literal or another such const.
pub fn const_int(files: &[SourceFile], name: &str) -> Option<i64> {
    let c: syn::ItemConst = unique(files, "const", name)?;
    match literal(files, &c.expr, 1)? {
        Literal::Int(n) => Some(n),
        _ => None,
    }
}

fn is_path(e: &syn::Expr, name: &str) -> bool {
    matches!(e, syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}
