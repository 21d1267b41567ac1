//! DER sessions (BoringSSL, OpenSSL): a SEQUENCE of elements, the optional ones under context
//! tags, parsed in a fixed order. An element the older parser does not expect where it stands is
//! left unconsumed: a strict parser (`unknown_tags = "reject"`) then fails, a lenient one skips it
//! (`"ignore"`), and one that never checks for leftovers stops there (`"stop"`): every later
//! element reads as absent.

// A rejection is itself the verdict (an `Out`), returned early from the walk; boxing it would
// only add an allocation on the path that ends the walk.
#![allow(clippy::result_large_err)]

use super::evidence::{DerWhy, Element, Reason};
use super::outcome::Out;
use super::semantics::Want;
use super::semantics::{carrier_value, Checks, Place};
use super::value::Wire;
use crate::schema::{Field, Missing, Schema, Ty, TypeDef, UnknownTags, Write};

/// Past this many elements written conditionally, the branches are not enumerated.
const MAX_CHOICES: usize = 12;

struct Elem<'a> {
    id: Element,
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
                    Some(t) => Element::Tag(t, f.wire.implicit),
                    None => {
                        untagged += 1;
                        Element::Untagged(untagged - 1)
                    }
                };
                Elem {
                    id,
                    field: f,
                    label: super::name(&root.name, ".", &f.ident),
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

/// What the newer encoder does with one element.
#[derive(Clone, Copy, PartialEq)]
enum Presence {
    Absent,
    /// Written, with its value where the analysis knows it (a version, an EMS carrier).
    Written(Option<i128>),
    /// Written or not, depending on the session.
    Either,
}

fn presence(e: &Elem<'_>, old: &Schema, new: &Schema, want: Want) -> Presence {
    let f = e.field;
    let is_carrier = f.session.ems.is_some();
    let value = if f.session.version_field.is_some() {
        Some(f.session.writes.unwrap_or(new.version as u64) as i128)
    } else {
        f.session.ems.as_ref().and_then(|m| carrier_value(m, want))
    };
    match &f.write {
        Write::Never => Presence::Absent,
        Write::Always => Presence::Written(value),
        // "when true" / "when non-zero": an EMS value is written, a zero one is not.
        Write::Unless(_) if is_carrier && value.is_some() => {
            if value != Some(0) {
                Presence::Written(value)
            } else {
                Presence::Absent
            }
        }
        // Present or not, an element the older decoder reads as the same plain type changes
        // nothing: leave it out rather than branch on it.
        Write::Unless(_) if o_plain_known(&o_ids(old), e, old) => Presence::Absent,
        Write::Unless(_) => Presence::Either,
    }
}

pub fn analyse(old: &Schema, new: &Schema, want: Want) -> Option<Out> {
    let n = elements(new)?;
    let o = elements(old)?;
    let unknown = old.unknown_tags.unwrap_or(UnknownTags::Ignore);
    if want == Want::Ems
        && !n
            .iter()
            .any(|e| e.field.session.ems.is_some() && e.field.write != Write::Never)
    {
        return None;
    }
    let presence: Vec<Presence> = n.iter().map(|e| presence(e, old, new, want)).collect();
    let choices: Vec<usize> = (0..n.len())
        .filter(|i| presence[*i] == Presence::Either)
        .collect();
    if choices.len() > MAX_CHOICES {
        return Some(Out::data_dependent(
            Wire::Seq(Vec::new()),
            DerWhy::TooManyDerChoices,
        ));
    }
    let mut outs = Vec::new();
    for mask in 0u32..(1 << choices.len()) {
        let mut seq = Vec::new();
        let mut wrote = Vec::new();
        for (i, e) in n.iter().enumerate() {
            let value = match presence[i] {
                Presence::Absent => continue,
                Presence::Written(v) => v,
                Presence::Either => {
                    let bit = choices.iter().position(|c| *c == i).expect("a choice");
                    if mask & (1 << bit) == 0 {
                        continue;
                    }
                    None
                }
            };
            seq.push(Written { elem: e, value });
            if e.field.write != Write::Always {
                wrote.push(e.id.clone());
            }
        }
        let mut out = walk(&seq, &o, unknown);
        if !wrote.is_empty() {
            out = out.note(DerWhy::OptionalElementsWritten { elements: wrote });
        }
        outs.push(out);
    }
    Some(Out::union_all(outs))
}

/// The older decoder's walk over the newer elements, in order: each matched to the older
/// element of its tag (OPTIONAL older elements in between are absent) or handled as unknown.
fn walk(seq: &[Written<'_>], o: &[Elem<'_>], unknown: UnknownTags) -> Out {
    match walk_elements(seq, o, unknown) {
        Ok(out) | Err(out) => out,
    }
}

fn walk_elements(seq: &[Written<'_>], o: &[Elem<'_>], unknown: UnknownTags) -> Result<Out, Out> {
    let mut j = 0;
    let mut ems = false;
    let mut notes = Vec::new();
    for (i, w) in seq.iter().enumerate() {
        let e = w.elem;
        let mut k = j;
        while k < o.len() && o[k].id != e.id && o[k].field.missing != Missing::Error {
            k += 1;
        }
        if k < o.len() && o[k].id == e.id {
            for skipped in &o[j..k] {
                notes.push(
                    DerWhy::ElementAbsent {
                        label: skipped.label.clone(),
                    }
                    .into(),
                );
                ems |= absent_reads_ems(skipped, &mut notes);
            }
            ems |= read_element(w, &o[k], &mut notes)?;
            j = k + 1;
            continue;
        }
        if unknown == UnknownTags::Stop {
            notes.push(stopped(&seq[i..], &o[j..]));
            if let Some(req) = o[j..].iter().find(|x| x.field.missing == Missing::Error) {
                return Err(Out::reject(DerWhy::StopsBeforeRequired {
                    element: e.id.clone(),
                    required: req.label.clone(),
                }));
            }
            j = o.len();
            break;
        }
        notes.push(unmatched(e, &o[j..], o, unknown)?);
    }
    if let Some(req) = o[j..].iter().find(|x| x.field.missing == Missing::Error) {
        return Err(Out::reject(DerWhy::LacksRequiredElement {
            required: req.label.clone(),
        }));
    }
    for absent in &o[j..] {
        ems |= absent_reads_ems(absent, &mut notes);
    }
    let out = if ems {
        Out::accept_ems(Wire::Seq(Vec::new()))
    } else {
        Out::accept(Wire::Seq(Vec::new()))
    };
    Ok(notes.into_iter().fold(out, Out::note))
}

/// One newer element read by the older element of its tag: whether it reads EMS.
fn read_element(w: &Written<'_>, old: &Elem<'_>, notes: &mut Vec<Reason>) -> Result<bool, Out> {
    let (e, of) = (w.elem, old.field);
    if !same_type(&of.ty, &e.field.ty) {
        return Err(Out::data_dependent(
            Wire::Seq(Vec::new()),
            DerWhy::ElementTypeDiffers {
                element: e.id.clone(),
                writer: e.field.ty.clone(),
                reader: of.ty.clone(),
            },
        ));
    }
    // Values the newer encoder may write: exact where it matters, else one of what it declares
    // it writes (its `values`, else what its own decoder's `check` admits: a version writes no
    // session it would not resume itself), one the older checks admit where there is one.
    let checks = Checks::of(of);
    let v = w.value.unwrap_or_else(|| {
        let mine = e
            .field
            .session
            .values
            .as_ref()
            .or(e.field.session.check.as_ref());
        let mut cands: Vec<i128> = mine.map(|a| a.candidates()).unwrap_or_default();
        cands.extend(checks.candidates());
        let allowed = |c: &i128| mine.is_none_or(|a| a.contains(*c));
        cands
            .iter()
            .copied()
            .filter(allowed)
            .find(|c| checks.read(*c, Place::Slot(&old.label)).is_ok())
            .or_else(|| cands.iter().copied().find(allowed))
            .unwrap_or(0)
    });
    let read = checks.read(v, Place::Slot(&old.label))?;
    notes.extend(read.note);
    if of.session.ignored && e.field.session.ems.is_some() {
        notes.push(
            DerWhy::ReadButIgnored {
                label: old.label.clone(),
            }
            .into(),
        );
    } else if of.session.ems.is_none() && e.field.session.ems.is_some() && w.value.is_some() {
        notes.push(
            DerWhy::CarrierReadAsPlain {
                writer: e.label.clone(),
                reader: old.label.clone(),
            }
            .into(),
        );
    }
    Ok(read.ems)
}

/// An older EMS carrier left absent reads as EMS when its default is true (`DEFAULT TRUE`).
fn absent_reads_ems(e: &Elem<'_>, notes: &mut Vec<Reason>) -> bool {
    let f = e.field;
    let default_true = matches!(
        &f.missing,
        Missing::DefaultValue {
            value: crate::schema::Literal::Bool(true),
            ..
        }
    );
    let reads = default_true && super::semantics::acted_on(f).is_some();
    if reads {
        notes.push(
            DerWhy::AbsentDefaultTrue {
                label: e.label.clone(),
            }
            .into(),
        );
    }
    reads
}

/// Where a parser that stops at the first element it does not expect leaves the newer elements:
/// `seq` from that element on is never read, and the older elements in `rest` read as absent.
fn stopped(seq: &[Written<'_>], rest: &[Elem<'_>]) -> Reason {
    DerWhy::ParserStops {
        element: seq[0].elem.id.clone(),
        unread: seq
            .iter()
            .map(|w| (w.elem.id.clone(), w.elem.label.clone()))
            .collect(),
        absent: rest.iter().map(|x| x.label.clone()).collect(),
    }
    .into()
}

/// A newer element with no older element of its tag at this point (`rest`: the older elements
/// not yet matched): skipped when unknown and the decoder skips unknown elements, else a
/// rejection.
fn unmatched(
    e: &Elem<'_>,
    rest: &[Elem<'_>],
    o: &[Elem<'_>],
    unknown: UnknownTags,
) -> Result<Reason, Out> {
    let known = o.iter().any(|x| x.id == e.id);
    match (unknown, known) {
        (UnknownTags::Ignore | UnknownTags::Stop, false) => Ok(DerWhy::UnknownElementSkipped {
            element: e.id.clone(),
            label: e.label.clone(),
        }
        .into()),
        (UnknownTags::Reject, false) => Err(Out::reject_strict(DerWhy::UnknownElementRefused {
            element: e.id.clone(),
            label: e.label.clone(),
        })),
        (_, true) => Err(
            match rest.iter().find(|x| x.field.missing == Missing::Error) {
                Some(req) if !rest.iter().any(|x| x.id == e.id) => {
                    Out::reject(DerWhy::ElementWhereRequired {
                        element: e.id.clone(),
                        required: req.label.clone(),
                    })
                }
                _ => Out::reject_strict(DerWhy::ElementOutOfOrder {
                    element: e.id.clone(),
                }),
            },
        ),
    }
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
