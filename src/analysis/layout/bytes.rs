//! Where a TLS-positional layout diverges from the older one, the older decoder still reads
//! bytes: as far as the newer bytes are known (exact values, the bounds an encoder declares with
//! `values`), their reading is followed byte by byte, and a check the older decoder applies there
//! (a version, a dispatch value, a `check` after parsing) can prove that every such session is
//! refused. rustls 0.23.43 reads the cipher suite of a `main` value from bytes 1 and 2 of its
//! creation time, zero for every timestamp below 2^40, and resumes only with the suite it
//! negotiated: such a session never resumes. Anything this cannot follow stays data-dependent.

use super::{Atom, Out, Slot};
use crate::analysis::evidence::{ByteWhy, OtherWhy, Reason};
use crate::analysis::semantics::Place;

/// One newer byte: its value, or any.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cell {
    Known(u8),
    Any,
}

/// The newer bytes of one branch (a choice of presence bytes and variants), as far as they are
/// known; `complete` when the branch ends there (no unknown length follows).
#[derive(Clone, Debug, Default)]
struct Stream {
    cells: Vec<Cell>,
    complete: bool,
}

/// More branches than this are not followed.
const MAX_BRANCHES: usize = 64;
/// Nor longer byte runs.
const MAX_CELLS: usize = 1 << 16;

/// `Some(refusal)` when the older decoder provably refuses every branch of the newer bytes `n`
/// read as the older slots `o`; `None` when that cannot be shown.
pub(super) fn refused(n: &[Slot], o: &[Slot]) -> Option<Out> {
    let streams = streams(n)?;
    let mut reasons = Vec::new();
    let mut strict = true;
    for s in &streams {
        let (why, deliberate) = refusal(o, s)?;
        strict &= deliberate;
        reasons.push(why);
    }
    reasons.dedup();
    let why = ByteWhy::ByteByByte { reasons };
    Some(if strict {
        Out::reject_strict(why)
    } else {
        Out::reject(why)
    })
}

/// The newer bytes, one stream per branch.
fn streams(n: &[Slot]) -> Option<Vec<Stream>> {
    let mut done = Vec::new();
    let mut todo = vec![(Stream::default(), n.to_vec())];
    while let Some((mut s, rest)) = todo.pop() {
        if done.len() + todo.len() > MAX_BRANCHES {
            return None;
        }
        let mut i = 0;
        let mut open = true;
        while i < rest.len() && open && s.cells.len() < MAX_CELLS {
            let slot = &rest[i];
            i += 1;
            match &slot.atom {
                Atom::Bool | Atom::Int { bits: 8, .. } => s.cells.push(byte_of(slot)),
                Atom::Int { bits, .. } => s.cells.extend(int_cells(slot, *bits as usize / 8)),
                Atom::Opt(inner) => {
                    let (none, some) = match (slot.meta.allowed.as_deref(), slot.meta.forced) {
                        (Some([0]), _) => (true, false),
                        (_, true) => (false, true),
                        _ => (true, true),
                    };
                    let after: Vec<Slot> = rest[i..].to_vec();
                    if none {
                        let mut b = s.clone();
                        b.cells.push(Cell::Known(0));
                        todo.push((b, after.clone()));
                    }
                    if some {
                        let mut b = s.clone();
                        b.cells.push(Cell::Known(1));
                        let mut r = inner.clone();
                        r.extend(after);
                        todo.push((b, r));
                    }
                    open = false;
                }
                Atom::Enum {
                    variants,
                    tags: Some((w, values)),
                    ..
                } => {
                    let allowed: Vec<usize> = slot
                        .meta
                        .allowed
                        .clone()
                        .unwrap_or_else(|| (0..variants.len()).collect());
                    for k in allowed {
                        let Some(v) = values.get(k).copied().flatten() else {
                            continue;
                        };
                        let mut b = s.clone();
                        b.cells.extend(
                            v.to_be_bytes()[8 - *w as usize..]
                                .iter()
                                .map(|x| Cell::Known(*x)),
                        );
                        let mut r = variants[k].1.clone();
                        r.extend(rest[i..].iter().cloned());
                        todo.push((b, r));
                    }
                    open = false;
                }
                // A length written from values nobody knows: the bytes end being known here.
                _ => {
                    open = false;
                    i = usize::MAX;
                }
            }
        }
        if open || i == usize::MAX {
            s.complete = open && i >= rest.len();
            done.push(s);
        }
    }
    Some(done)
}

/// A one-byte slot: its exact value when the encoder has one.
fn byte_of(slot: &Slot) -> Cell {
    match slot.meta.val {
        Some(v) if (0..=255).contains(&v) && slot.meta.writes_bits.is_none() => {
            Cell::Known(v as u8)
        }
        _ => Cell::Any,
    }
}

/// A big-endian integer of `width` bytes: its exact bytes, else the high bytes every value the
/// encoder declares it writes (`values`) leaves zero.
fn int_cells(slot: &Slot, width: usize) -> Vec<Cell> {
    if let (Some(v), None) = (slot.meta.val, slot.meta.writes_bits) {
        if v >= 0 {
            return (v as u128).to_be_bytes()[16 - width..]
                .iter()
                .map(|b| Cell::Known(*b))
                .collect();
        }
    }
    let top = slot
        .meta
        .values
        .as_ref()
        .and_then(|a| {
            a.ranges
                .iter()
                .map(|(_, hi)| *hi)
                .collect::<Option<Vec<u64>>>()
        })
        .and_then(|his| his.into_iter().max());
    let Some(top) = top else {
        return vec![Cell::Any; width];
    };
    let significant = ((64 - top.leading_zeros()) as usize).div_ceil(8);
    (0..width)
        .map(|i| {
            if width - i > significant {
                Cell::Known(0)
            } else {
                Cell::Any
            }
        })
        .collect()
}

/// Why the older slots `o` refuse the stream, and whether a check meant to refuse did;
/// `None` when the stream may be accepted (or that is not known).
fn refusal(o: &[Slot], s: &Stream) -> Option<(Reason, bool)> {
    let mut slots: Vec<Slot> = o.to_vec();
    slots.reverse();
    let mut at = 0usize;
    let cells = &s.cells;
    let take = |at: &mut usize, n: usize| -> Result<Option<Vec<u8>>, ()> {
        if *at + n > cells.len() {
            return Err(());
        }
        let got = &cells[*at..*at + n];
        *at += n;
        Ok(got
            .iter()
            .map(|c| match c {
                Cell::Known(b) => Some(*b),
                Cell::Any => None,
            })
            .collect())
    };
    let end = |label: &str| {
        if s.complete {
            Some((
                ByteWhy::BytesEndBefore {
                    label: label.to_string(),
                }
                .into(),
                false,
            ))
        } else {
            None
        }
    };
    while let Some(b) = slots.pop() {
        let label = b.meta.label.clone();
        let width = match &b.atom {
            Atom::Bool | Atom::Int { bits: 8, .. } | Atom::Opt(_) => 1,
            Atom::Int { bits, .. } => *bits as usize / 8,
            Atom::Enum {
                tags: Some((w, _)), ..
            } => *w as usize,
            Atom::Seq(_, w, _) if *w > 0 => *w as usize,
            _ => return None,
        };
        let bytes = match take(&mut at, width) {
            Ok(b) => b,
            Err(()) => return end(&label),
        };
        let value = bytes.map(|b| b.iter().fold(0u64, |a, x| (a << 8) | *x as u64));
        match slot_flow(&b, &label, value, &mut slots) {
            Flow::Go => {}
            Flow::Stop(why) => return why,
            Flow::Skip(n) => {
                if take(&mut at, n).is_err() {
                    return end(&label);
                }
            }
        }
    }
    None
}

/// What one slot's value does to the walk over the newer bytes.
enum Flow {
    /// On to the next slot.
    Go,
    /// The walk ends: refused (why, and whether by a check after parsing), or undecided.
    Stop(Option<(Reason, bool)>),
    /// The slot's opaque content, this many bytes, is skipped.
    Skip(usize),
}

/// The slot `b` (labelled `label`) read as `value` (`None`: the bytes are not known): an
/// option's or a dispatch's content is pushed onto `slots`.
fn slot_flow(b: &Slot, label: &str, value: Option<u64>, slots: &mut Vec<Slot>) -> Flow {
    match &b.atom {
        Atom::Opt(inner) => match value {
            Some(1) => {
                for x in inner.iter().rev() {
                    slots.push(x.clone());
                }
            }
            Some(0) => {}
            Some(_) if b.meta.one_is_true => {}
            Some(x) => {
                return stop(
                    ByteWhy::NoPresenceByte {
                        byte: x,
                        label: label.to_string(),
                    },
                    false,
                )
            }
            None => return Flow::Stop(None),
        },
        Atom::Bool => match value {
            Some(0 | 1) | None if !has_checks(b) => {}
            Some(x) if x > 1 && !b.meta.one_is_true => {
                return stop(
                    ByteWhy::NoBool {
                        byte: x,
                        label: label.to_string(),
                    },
                    false,
                )
            }
            Some(x) => {
                let x = if x > 1 { 0 } else { x };
                if let Err(why) = checked(b, x) {
                    return stop(why, true);
                }
            }
            None => return Flow::Stop(None),
        },
        Atom::Int { .. } => match value {
            Some(x) => {
                if let Err(why) = checked(b, x) {
                    return stop(why, true);
                }
            }
            None if has_checks(b) => return Flow::Stop(None),
            None => {}
        },
        Atom::Enum {
            variants,
            other,
            tags: Some((_, values)),
        } => {
            let Some(x) = value else {
                return Flow::Stop(None);
            };
            match values.iter().position(|v| *v == Some(x)).or(*other) {
                Some(k) => {
                    for y in variants[k].1.iter().rev() {
                        slots.push(y.clone());
                    }
                }
                None => {
                    return stop(
                        ByteWhy::UnknownDispatch {
                            label: label.to_string(),
                            value: x,
                        },
                        true,
                    )
                }
            }
        }
        Atom::Seq(inner, _, max) => return seq_flow(b, label, inner, *max, value),
        _ => return Flow::Stop(None),
    }
    Flow::Go
}

/// The walk ends refused: why, and whether by a check after parsing.
fn stop(why: impl Into<Reason>, deliberate: bool) -> Flow {
    Flow::Stop(Some((why.into(), deliberate)))
}

/// A length-prefixed slot: its length checked, its content skipped when opaque bytes.
fn seq_flow(b: &Slot, label: &str, inner: &[Slot], max: Option<u64>, value: Option<u64>) -> Flow {
    let Some(n) = value.map(|v| v as usize) else {
        return Flow::Stop(None);
    };
    if max.is_some_and(|m| n as u64 > m) {
        return stop(
            ByteWhy::OverLimit {
                label: label.to_string(),
                len: n,
            },
            true,
        );
    }
    if n == 0 {
        return Flow::Go;
    }
    if b.meta.min_len > n as u64 {
        return stop(
            ByteWhy::UnderMinimum {
                label: label.to_string(),
                len: n,
            },
            true,
        );
    }
    // Opaque bytes are skipped whatever they hold; anything else is not followed.
    if !matches!(
        inner,
        [Slot {
            atom: Atom::Int { bits: 8, .. },
            ..
        }]
    ) {
        return Flow::Stop(None);
    }
    Flow::Skip(n)
}

fn has_checks(b: &Slot) -> bool {
    b.meta.accepts.is_some() || b.meta.check.is_some() || b.meta.known_bits.is_some()
}

/// The older slot's checks on a value it read.
fn checked(b: &Slot, v: u64) -> Result<(), Reason> {
    match b.meta.checks().read(v as i128, Place::Slot(&b.meta.label)) {
        Ok(_) => Ok(()),
        Err(out) => Err(out.reject.unwrap_or_else(|| OtherWhy::Rejected.into())),
    }
}
