//! What changed between a released schema and the source's, in the words of the code: a new
//! field `alpn: Option<String>`, a key renamed, a type widened, a default added. For
//! `released-schema-changed`'s reasons.

use crate::schema::{Field, Missing, Origin, Schema, TypeDef, Write};

/// At most this many changes are listed; a note says how many more there are.
const SHOWN: usize = 12;

/// The changes from `released` to `current`, one sentence each.
pub fn describe(released: &Schema, current: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for (what, a, b) in [
        (
            "encoding",
            released.encoding.to_string(),
            current.encoding.to_string(),
        ),
        ("root type", released.root.clone(), current.root.clone()),
        (
            "trailing-bytes policy",
            format!("{:?}", released.trailing),
            format!("{:?}", current.trailing),
        ),
        (
            "envelope",
            format!("{:?}", released.envelope.id),
            format!("{:?}", current.envelope.id),
        ),
    ] {
        if a != b {
            out.push(format!("the {what} changed: {a} → {b}"));
        }
    }
    // Types are matched by name, except the root, matched to the root (a renamed struct).
    let pairs = released.types.iter().map(|(name, def)| {
        let other = if *name == released.root {
            current.types.get(&current.root)
        } else {
            current.types.get(name)
        };
        (name, def, other)
    });
    for (name, def, other) in pairs {
        match other {
            None => out.push(format!("type `{name}` is gone")),
            Some(o) => types(def, o, &mut out),
        }
    }
    for name in current.types.keys() {
        let matched = released.types.contains_key(name) || *name == current.root;
        if !matched {
            out.push(format!("new type `{name}`"));
        }
    }
    if out.len() > SHOWN {
        let more = out.len() - SHOWN;
        out.truncate(SHOWN);
        out.push(format!("and {more} more"));
    }
    out
}

fn types(a: &TypeDef, b: &TypeDef, out: &mut Vec<String>) {
    match (a, b) {
        (TypeDef::Struct(x), TypeDef::Struct(y)) => {
            if x.deny_unknown_fields != y.deny_unknown_fields {
                out.push(format!(
                    "`{}` {} unknown keys",
                    y.name,
                    if y.deny_unknown_fields {
                        "now refuses"
                    } else {
                        "no longer refuses"
                    }
                ));
            }
            fields(&y.name, &x.fields, &y.fields, out);
        }
        (TypeDef::Enum(x), TypeDef::Enum(y)) => {
            if x.repr != y.repr {
                out.push(format!(
                    "enum `{}` is represented otherwise: {:?} → {:?}",
                    y.name, x.repr, y.repr
                ));
            }
            for v in &x.variants {
                match y.variants.iter().find(|w| w.ident == v.ident) {
                    None => out.push(format!("variant `{}::{}` is gone", y.name, v.ident)),
                    Some(w) => fields(
                        &format!("{}::{}", y.name, v.ident),
                        &v.fields,
                        &w.fields,
                        out,
                    ),
                }
            }
            for w in &y.variants {
                if !x.variants.iter().any(|v| v.ident == w.ident) {
                    out.push(format!("new variant `{}::{}`", y.name, w.ident));
                }
            }
        }
        (_, b) => out.push(format!(
            "`{}` is now {}",
            b.name(),
            match b {
                TypeDef::Struct(_) => "a struct",
                TypeDef::Enum(_) => "an enum",
            }
        )),
    }
}

/// A field as the code declares it, and what it means to the session.
fn shown(f: &Field) -> String {
    let mut s = format!("`{}: {}`", f.ident, f.ty);
    let mut notes = Vec::new();
    if f.ser_name != f.ident {
        notes.push(format!("key `{}`", f.ser_name));
    }
    if f.session.ems.is_some() {
        notes.push("the EMS carrier".to_string());
    }
    if f.session.version_field.is_some() {
        notes.push("the version field".to_string());
    }
    if let Some(c) = &f.session.critical {
        notes.push(format!("carries `{}`", c.name));
    }
    if notes.is_empty() {
        s
    } else {
        s.push_str(&format!(" ({})", notes.join(", ")));
        s
    }
}

fn fields(owner: &str, a: &[Field], b: &[Field], out: &mut Vec<String>) {
    for (i, f) in a.iter().enumerate() {
        match b.iter().position(|g| g.ident == f.ident) {
            None => out.push(format!("field {} of `{owner}` is gone", shown(f))),
            Some(j) => {
                if i != j {
                    out.push(format!(
                        "field `{}` of `{owner}` moved: position {} → {}",
                        f.ident,
                        i + 1,
                        j + 1
                    ));
                }
                field(owner, f, &b[j], out);
            }
        }
    }
    for g in b {
        if !a.iter().any(|f| f.ident == g.ident) {
            out.push(format!("new field {} in `{owner}`", shown(g)));
        }
    }
}

fn missing(m: &Missing) -> String {
    match m {
        Missing::Error => "an error".into(),
        Missing::Default => "the type's default".into(),
        Missing::DefaultFn(p) => format!("`{p}`"),
        Missing::DefaultValue { value, .. } => format!("`{value}`"),
    }
}

fn write(w: &Write) -> String {
    match w {
        Write::Always => "always".into(),
        Write::Never => "never".into(),
        Write::Unless(p) => format!("unless `{p}`"),
    }
}

fn field(owner: &str, a: &Field, b: &Field, out: &mut Vec<String>) {
    let at = format!("field `{}` of `{owner}`", b.ident);
    if a.ty != b.ty {
        out.push(format!("{at} changed type: `{}` → `{}`", a.ty, b.ty));
    }
    if a.ser_name != b.ser_name {
        out.push(format!(
            "{at} is written under another key: `{}` → `{}`",
            a.ser_name, b.ser_name
        ));
    }
    if a.de_names != b.de_names {
        out.push(format!(
            "{at} is read under other keys: {} → {}",
            a.de_names.join(", "),
            b.de_names.join(", ")
        ));
    }
    if a.write != b.write {
        out.push(format!(
            "{at} is written {} (was {})",
            write(&b.write),
            write(&a.write)
        ));
    }
    if a.missing != b.missing {
        out.push(format!(
            "{at}, when missing, is {} (was {})",
            missing(&b.missing),
            missing(&a.missing)
        ));
    }
    if a.session != b.session {
        out.push(format!(
            "{at} means something else to the session: {} (was {})",
            shown(b),
            shown(a)
        ));
    }
    let rest = |f: &Field| {
        let mut f = f.clone();
        f.origin = Origin::default();
        (
            f.read,
            f.flatten,
            f.custom_codec,
            f.codec,
            f.codec_wire,
            f.wire,
        )
    };
    if rest(a) != rest(b) {
        out.push(format!(
            "{at} is read or laid out otherwise (flatten, custom code or wire layout)"
        ));
    }
}
