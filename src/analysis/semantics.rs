//! One decoder semantics for every walker. What an older decoder does with one integer it read
//! (a version check, a known-bits check, reading EMS from a flag or a mask) and which value a
//! newer encoder writes in its EMS carrier are written here once, and used by the serde walker
//! (`decode`), the packed-layout walker (`layout`) and the DER walker (`der`), and by the
//! encoder-side generators (`generate`, `layout`, `der`).
//!
//! The other bits of a flags word beside an EMS mask follow one rule where they are declared:
//! both generators try the EMS bits alone and with every declared bit beside them. Where a
//! writer declares no `known_bits`, each side keeps its own reading on purpose: a serde
//! generator tries any word without the EMS bits (a Rust program may set any bit of its
//! integer), the layout walker the EMS value alone (a hand-written codec writes the byte it
//! built: s2n-tls writes its one-bit `ems_negotiated` as 0 or 1). One rule for both would invent
//! bytes a C codec never writes, or drop words a Rust program can write.

// A rejection is itself the verdict (an `Out`), returned early from the walk; boxing it would
// only add an allocation on the path that ends the walk.
#![allow(clippy::result_large_err)]

use super::evidence::{At, CheckWhy, Reason};
use super::outcome::Out;
use crate::schema::{Accepts, EmsMarker, Field, Ty};

/// Which sessions an encoder writes (and a generator describes): EMS ones, the others, or any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    Ems,
    NonEms,
    Any,
}

/// Where an EMS flag on a field of type `Option<T>` lives: on the `bool` inside (`Option<bool>`:
/// `Some(true)` is EMS), or in the `Some` itself (any other `Option`: `Some(_)` is EMS, `None` is
/// not). The one rule the serde walker, the layout walker and the generators apply (the model
/// codec, `vectors::wire`, keeps its own on purpose: it is the analysis's independent check).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionFlag {
    /// No EMS flag on this `Option`.
    Absent,
    /// The flag is the `bool` payload's.
    OnPayload,
    /// `Some` is the EMS value; the payload is anything.
    IsSome,
}

impl OptionFlag {
    /// The rule for an `Option<of>` whose field carries `marker`.
    pub fn of(marker: Option<&EmsMarker>, of: &Ty) -> OptionFlag {
        match (marker, of) {
            (Some(EmsMarker::Flag), Ty::Bool) => OptionFlag::OnPayload,
            (Some(EmsMarker::Flag), _) => OptionFlag::IsSome,
            _ => OptionFlag::Absent,
        }
    }
}

/// The EMS marker a decoder acts on: none for a carrier it parses and ignores
/// (`#[session(ignored)]`, an EMS revert).
pub fn acted_on(f: &Field) -> Option<&EmsMarker> {
    f.session.ems.as_ref().filter(|_| !f.session.ignored)
}

/// The checks a decoder applies to one value beyond its type.
#[derive(Clone, Copy, Debug, Default)]
pub struct Checks<'a> {
    /// The EMS marker the decoder acts on (`None` for a carrier it parses and ignores).
    pub marker: Option<&'a EmsMarker>,
    pub accepts: Option<&'a Accepts>,
    pub known_bits: Option<u64>,
    /// After parsing: the session resumes only when the value lies in this set.
    pub check: Option<&'a Accepts>,
}

/// Where a value was read, for the words of a rejection or a note: a labelled slot (layouts and
/// DER elements) or the value itself (serde, where the path is in the witness).
#[derive(Clone, Copy)]
pub enum Place<'a> {
    Slot(&'a str),
    Value,
}

impl Place<'_> {
    fn owned(self) -> At {
        match self {
            Place::Slot(l) => At::Slot(l.to_string()),
            Place::Value => At::Value,
        }
    }
}

/// An accepted value: read as EMS or not, and what to note about the check it passed.
#[derive(Debug)]
pub struct Accepted {
    pub ems: bool,
    pub note: Option<Reason>,
}

impl<'a> Checks<'a> {
    pub fn of(f: &'a Field) -> Checks<'a> {
        Checks {
            marker: acted_on(f),
            accepts: f.session.version_field.as_ref(),
            known_bits: f.session.known_bits,
            check: f.session.check.as_ref(),
        }
    }

    /// No check and no EMS meaning: any value reads the same.
    pub fn is_plain(&self) -> bool {
        self.marker.is_none()
            && self.accepts.is_none()
            && self.known_bits.is_none()
            && self.check.is_none()
    }

    /// The values worth trying when the encoder may write any: zero, every boundary of the
    /// version check, and the EMS mask.
    pub fn candidates(&self) -> Vec<i128> {
        let mut c = vec![0i128];
        if let Some(a) = self.accepts {
            c.extend(a.candidates());
        }
        if let Some(a) = self.check {
            c.extend(a.candidates());
        }
        if let Some(EmsMarker::Mask { mask }) = self.marker {
            c.push(*mask as i128);
        }
        c
    }

    /// What the decoder does with the integer `v` (a bool reads as 0 or 1): a deliberate
    /// rejection by the version or known-bits check, or acceptance, as EMS or not.
    pub fn read(&self, v: i128, at: Place<'_>) -> Result<Accepted, Out> {
        if let Some(a) = self.accepts {
            if !a.contains(v) {
                return Err(Out::reject_designed(CheckWhy::VersionRefused {
                    at: at.owned(),
                    version: v,
                    accepts: a.clone(),
                }));
            }
        }
        if let Some(k) = self.known_bits {
            let unknown = (v as u64) & !k;
            if unknown != 0 {
                return Err(Out::reject_strict(CheckWhy::UnknownFlagBits {
                    at: at.owned(),
                    bits: unknown,
                    known: k,
                }));
            }
        }
        if let Some(a) = self.check {
            if !a.contains(v) {
                return Err(Out::reject_strict(CheckWhy::CheckRefused {
                    at: at.owned(),
                    value: v,
                    check: a.clone(),
                }));
            }
        }
        let ems = match self.marker {
            Some(EmsMarker::Flag) => v == 1,
            Some(EmsMarker::Mask { mask }) => (v as u64) & mask != 0,
            _ => false,
        };
        let note = self.accepts.map(|a| {
            Reason::from(CheckWhy::VersionAdmitted {
                at: at.owned(),
                version: v,
                accepts: a.clone(),
            })
        });
        Ok(Accepted { ems, note })
    }
}

/// The integer an encoder writes in its EMS carrier for sessions of kind `want` (`None`: any).
/// A flag is 1 or 0; a mask sets its bits or writes 0 (the other bits of a flags word are the
/// encoder's own `known_bits`, handled where the word is generated).
pub fn carrier_value(marker: &EmsMarker, want: Want) -> Option<i128> {
    match (marker, want) {
        (EmsMarker::Flag, Want::Ems) => Some(1),
        (EmsMarker::Mask { mask }, Want::Ems) => Some(*mask as i128),
        (EmsMarker::Flag | EmsMarker::Mask { .. }, Want::NonEms) => Some(0),
        (EmsMarker::Variant { .. }, _) | (_, Want::Any) => None,
    }
}
