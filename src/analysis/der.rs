//! DER sessions (BoringSSL, OpenSSL): a SEQUENCE of elements, the optional ones under context
//! tags, parsed in a fixed order. An element the older parser does not expect where it stands is
//! left unconsumed: a strict parser (`unknown_tags = "reject"`) then fails, a lenient one skips it.

use super::generate::Want;
use super::outcome::Out;
use super::semantics::{carrier_value, Checks, Place};
use super::value::Wire;
use crate::schema::{Field, Missing, Schema, Trailing, Ty, TypeDef, Write};

/// Past this many elements written conditionally, the branches are not enumerated.
const MAX_CHOICES: usize = 12;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Id {
    Tag(u32),
    /// The n-th untagged element (version, cipher, ... at the head of the SEQUENCE).
    Untagged(usize),
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Id::Tag(t) => write!(f, "[{t}]"),
            Id::Untagged(i) => write!(f, "untagged element #{}", i + 1),
        }
    }
}

struct Elem<'a> {
    id: Id,
    field: &'a Field,
    label: String,
}

fn elements(s: &Schema) -> Option<Vec<Elem<'_>>> {
    let TypeDef::Struct(root) = s.root_def()? else {
        return None;
    };
    let mut untagged = 0;
    Some(
        root.fields
            .iter()
            .map(|f| {
                let id = match f.wire.tag {
                    Some(t) => Id::Tag(t),
                    None => {
                        untagged += 1;
                        Id::Untagged(untagged - 1)
                    }
                };
                Elem {
                    id,
                    field: f,
                    label: format!("{}.{}", root.name, f.ident),
                }
            })
            .collect(),
    )
}

/// One written element: its value where it matters.
struct Written<'a> {
    elem: &'a Elem<'a>,
    value: Option<i128>,
}

pub fn analyse(old: &Schema, new: &Schema, want: Want) -> Option<Out> {
    let n = elements(new)?;
    let o = elements(old)?;
    let unknown = old.unknown_tags.unwrap_or(Trailing::Ignore);
    // Each newer element: always written, never, or either (a conditional presence rule).
    let mut fixed: Vec<Option<Option<i128>>> = Vec::new(); // Some(value) written / None choice
    let mut choices = Vec::new();
    for (i, e) in n.iter().enumerate() {
        let f = e.field;
        let is_carrier = f.session.ems.is_some();
        let value = if f.session.version_field.is_some() {
            Some(f.session.writes.unwrap_or(new.version as u64) as i128)
        } else {
            f.session.ems.as_ref().and_then(|m| carrier_value(m, want))
        };
        let written = match &f.write {
            Write::Never => false,
            Write::Always => true,
            // "when true" / "when non-zero": an EMS value is written, a zero one is not.
            Write::Unless(_) if is_carrier && value.is_some() => value != Some(0),
            // Present or not, an element the older decoder reads as the same plain type changes
            // nothing: leave it out rather than branch on it.
            Write::Unless(_) if o_plain_known(&o_ids(old), e, old) => false,
            Write::Unless(_) => {
                choices.push(i);
                fixed.push(None);
                continue;
            }
        };
        if !written {
            fixed.push(Some(None));
            continue;
        }
        fixed.push(Some(Some(value.unwrap_or(i128::MIN))));
    }
    if want == Want::Ems
        && !n
            .iter()
            .any(|e| e.field.session.ems.is_some() && e.field.write != Write::Never)
    {
        return None;
    }
    if choices.len() > MAX_CHOICES {
        return Some(Out::data_dependent(
            Wire::Seq(Vec::new()),
            "too many conditionally written DER elements to enumerate",
        ));
    }
    let mut outs = Vec::new();
    for mask in 0u32..(1 << choices.len()) {
        let mut seq = Vec::new();
        let mut wrote = Vec::new();
        for (i, e) in n.iter().enumerate() {
            let decision = match fixed[i] {
                Some(v) => v,
                None => {
                    let bit = choices.iter().position(|c| *c == i).expect("a choice");
                    (mask & (1 << bit) != 0).then_some(i128::MIN)
                }
            };
            if let Some(v) = decision {
                seq.push(Written {
                    elem: e,
                    value: (v != i128::MIN).then_some(v),
                });
                if e.field.write != Write::Always {
                    wrote.push(e.id.to_string());
                }
            }
        }
        let mut out = walk(&seq, &o, unknown);
        if !wrote.is_empty() {
            out = out.note(format!(
                "the newer version writes the optional elements {}",
                wrote.join(", ")
            ));
        }
        outs.push(out);
    }
    Some(Out::union_all(outs))
}

fn walk(seq: &[Written<'_>], o: &[Elem<'_>], unknown: Trailing) -> Out {
    let mut j = 0;
    let mut ems = false;
    let mut notes = Vec::new();
    for w in seq {
        let e = w.elem;
        let mut k = j;
        while k < o.len() && o[k].id != e.id && o[k].field.missing != Missing::Error {
            k += 1;
        }
        if k < o.len() && o[k].id == e.id {
            for skipped in &o[j..k] {
                notes.push(format!("`{}` is absent (OPTIONAL)", skipped.label));
            }
            let of = o[k].field;
            if !same_type(&of.ty, &e.field.ty) {
                return Out::data_dependent(
                    Wire::Seq(Vec::new()),
                    format!(
                        "element {} is `{}` in the newer version and `{}` in the older",
                        e.id, e.field.ty, of.ty
                    ),
                );
            }
            // Values the newer encoder may write: exact where it matters, else any (0, or the
            // first version the older check admits, tried).
            let checks = Checks::of(of);
            let v = w
                .value
                .or_else(|| checks.accepts.and_then(|a| a.candidates().first().copied()))
                .unwrap_or(0);
            match checks.read(v, Place::Slot(&o[k].label)) {
                Err(rejected) => return rejected,
                Ok(a) => {
                    notes.extend(a.note);
                    ems |= a.ems;
                }
            }
            if of.session.ignored && e.field.session.ems.is_some() {
                notes.push(format!(
                    "`{}` is read but ignored by the older decoder",
                    o[k].label
                ));
            } else if of.session.ems.is_none() && e.field.session.ems.is_some() && w.value.is_some()
            {
                notes.push(format!(
                    "the newer EMS carrier `{}` is read as `{}`, which has no EMS meaning and no known_bits",
                    e.label, o[k].label
                ));
            }
            j = k + 1;
            continue;
        }
        let known = o.iter().any(|x| x.id == e.id);
        match (unknown, known) {
            (Trailing::Ignore, false) => notes.push(format!(
                "element {} (`{}`) is unknown to the older decoder, which skips unknown elements",
                e.id, e.label
            )),
            (Trailing::Reject, false) => {
                return Out::reject_strict(format!(
                    "element {} (`{}`) is unknown to the older decoder, which rejects what it cannot parse",
                    e.id, e.label
                ))
            }
            (_, true) => {
                return match o[j..].iter().find(|x| x.field.missing == Missing::Error) {
                    Some(req) if o[j..].iter().position(|x| x.id == e.id).is_none() => {
                        Out::reject(format!("element {} comes where the older decoder needs `{}`", e.id, req.label))
                    }
                    _ => Out::reject_strict(format!("element {} is out of the order the older decoder parses", e.id)),
                };
            }
        }
    }
    if let Some(req) = o[j..].iter().find(|x| x.field.missing == Missing::Error) {
        return Out::reject(format!(
            "the newer session lacks the element `{}` the older decoder requires",
            req.label
        ));
    }
    let out = if ems {
        Out::accept_ems(Wire::Seq(Vec::new()))
    } else {
        Out::accept(Wire::Seq(Vec::new()))
    };
    notes.into_iter().fold(out, |o, n| o.note(n))
}

fn o_ids(old: &Schema) -> Vec<Elem<'_>> {
    elements(old).unwrap_or_default()
}

/// The older decoder knows this element, with the same type and no check or EMS meaning on it.
fn o_plain_known(o: &[Elem<'_>], e: &Elem<'_>, _old: &Schema) -> bool {
    o.iter().any(|x| {
        x.id == e.id
            && same_type(&x.field.ty, &e.field.ty)
            && x.field.missing != Missing::Error
            && x.field.session.is_empty()
            && e.field.session.is_empty()
    })
}

fn same_type(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        // DER INTEGERs have no fixed width: any two integers share the encoding.
        (Ty::Int { .. }, Ty::Int { .. }) => true,
        _ => a == b,
    }
}
