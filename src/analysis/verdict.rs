//! The typed verdict for a pair of versions: for each direction (the older decoder reading the
//! newer version's sessions, and the newer decoder reading the older version's) and each kind of
//! session (EMS, non-EMS), what the decoder does with them and why. Rule-agnostic: the rules in
//! `crate::rules` read it; the matrices lay it out. Both read the same [`Reading::misread`], so
//! a matrix cell is UNSAFE exactly where a rule reports an error.

use super::evidence::{Direction, OtherWhy, Reason};
use super::outcome::{Out, Pick};
use super::{decode_sessions, Want};
use crate::schema::{EmsMarker, Schema, Ty, TypeDef};

/// Which sessions: those that carry EMS, or those that do not (every session, for a version
/// without an EMS carrier).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Ems,
    NonEms,
}

/// A witness accepted only for some bytes, and the condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Depends {
    pub pick: Pick,
    pub condition: Reason,
}

/// Why sessions are rejected, and whether a check meant to reject did it (a version check,
/// unknown fields or tags refused, trailing bytes refused) or a layout change did by accident.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    pub why: Reason,
    pub deliberate: bool,
    /// The newer version's own design (`Out::designed`): what a remedy does on purpose.
    pub designed: bool,
}

/// What one decoder does with one kind of session one encoder writes. Each part is existential:
/// some session is read with EMS, some without, some depending on data, some rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub with_ems: Option<Pick>,
    pub without_ems: Option<Pick>,
    pub depends: Option<Depends>,
    pub rejection: Option<Rejection>,
    /// Whether the decoder has an EMS carrier (a data-dependent read may then set it).
    pub decoder_carries: bool,
    /// Which side wrote the sessions: what the reasons' "newer" and "older" are.
    pub direction: Direction,
}

/// A session read with the wrong EMS status: for certain, or for some bytes (`condition`).
#[derive(Clone, Copy, Debug)]
pub struct Misread<'a> {
    pub pick: &'a Pick,
    pub condition: Option<&'a Reason>,
    /// The reading's direction, for the words of its reasons.
    pub direction: Direction,
}

impl Reading {
    fn from_out(o: Out, decoder: &Schema, direction: Direction) -> Reading {
        let accepts = o.accepts();
        let rejection = (o.reject.is_some() || !accepts).then(|| Rejection {
            why: o
                .reject
                .clone()
                .unwrap_or_else(|| OtherWhy::Rejected.into()),
            deliberate: o.strict,
            designed: o.designed,
        });
        Reading {
            with_ems: o.ems,
            without_ems: o.plain,
            depends: o.dd.map(|(pick, condition)| Depends { pick, condition }),
            rejection,
            decoder_carries: decoder.ems_carrier().is_some(),
            direction,
        }
    }

    pub fn accepts(&self) -> bool {
        self.with_ems.is_some() || self.without_ems.is_some() || self.depends.is_some()
    }

    /// A session of `kind` this decoder accepts with the other EMS status. A data-dependent
    /// read of a non-EMS session is a misread only when the decoder has a carrier to set.
    pub fn misread(&self, kind: Kind) -> Option<Misread<'_>> {
        let certain = match kind {
            Kind::Ems => self.without_ems.as_ref(),
            Kind::NonEms => self.with_ems.as_ref(),
        };
        if let Some(pick) = certain {
            return Some(Misread {
                pick,
                condition: pick.conditions.first(),
                direction: self.direction,
            });
        }
        let d = self.depends.as_ref()?;
        (kind == Kind::Ems || self.decoder_carries).then_some(Misread {
            pick: &d.pick,
            condition: Some(&d.condition),
            direction: self.direction,
        })
    }
}

/// Why a decoder reads EMS sessions without EMS: the most specific cause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Loss {
    /// The decoder has no EMS carrier.
    NoCarrier,
    /// The decoder reads its carrier (`path`) but does not act on it.
    Ignored { path: String },
    /// The decoder's lenient optional tail absorbed the encoder's carrier field.
    Swallowed { field: String },
    /// The decoder keeps the encoder's flags word whole, without `known_bits`, and its EMS bit
    /// (if any) is not the encoder's.
    UnmaskedFlags { field: String, mask: u64 },
    /// The decoder's carrier (`path`) is never filled by the encoder's bytes.
    Unset { path: String },
}

/// What one decoder does with the sessions of one encoder, by kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Readings {
    /// `None`: the encoder writes no EMS session (no carrier, or never serialized).
    pub ems: Option<Reading>,
    /// `None`: the encoder writes no session of this kind.
    pub non_ems: Option<Reading>,
    /// Why EMS sessions are read without EMS, when some are.
    pub loss: Option<Loss>,
}

impl Readings {
    pub fn of(decoder: &Schema, encoder: &Schema) -> Readings {
        let ems = reading(decoder, encoder, Kind::Ems);
        let non_ems = reading(decoder, encoder, Kind::NonEms);
        let loss = ems
            .as_ref()
            .and_then(|r| r.misread(Kind::Ems))
            .map(|m| loss(decoder, encoder, m.pick));
        Readings { ems, non_ems, loss }
    }

    pub fn get(&self, kind: Kind) -> Option<&Reading> {
        match kind {
            Kind::Ems => self.ems.as_ref(),
            Kind::NonEms => self.non_ems.as_ref(),
        }
    }
}

/// Both directions of one co-deployed pair.
pub struct PairVerdict<'a> {
    pub older: &'a Schema,
    pub newer: &'a Schema,
    /// The older decoder reading the newer version's sessions (during a rollout or a rollback).
    pub forward: Readings,
    /// The newer decoder reading the older version's sessions (after an upgrade).
    pub backward: Readings,
}

impl<'a> PairVerdict<'a> {
    pub fn of(older: &'a Schema, newer: &'a Schema) -> PairVerdict<'a> {
        PairVerdict {
            older,
            newer,
            forward: Readings::of(older, newer),
            backward: Readings::of(newer, older),
        }
    }
}

/// What one version alone does.
pub struct VersionVerdict<'a> {
    pub schema: &'a Schema,
    /// The EMS carrier's dotted path, when the version has one.
    pub carrier: Option<String>,
    /// Whether the encoder can write an EMS session at all.
    pub writes_ems: bool,
    /// EMS sessions the version's own decoder reads back without EMS (a carrier whose EMS
    /// value serializes as what reads back as its non-EMS one: `Some(())` as `null` in JSON):
    /// whether every one of them or some, and why.
    pub loses_ems: Option<(bool, Reason)>,
}

impl<'a> VersionVerdict<'a> {
    pub fn of(schema: &'a Schema) -> VersionVerdict<'a> {
        // A carrier the version writes whatever the session is not its EMS record.
        let carrier = schema
            .ems_carrier()
            .filter(|p| p.carrier().session.written.is_none())
            .map(|p| p.dotted());
        let writes_ems = carrier.is_some() && super::writes(schema, Want::Ems);
        // A carrier its own decoder ignores is `field-read-but-ignored`'s, not a lost value.
        let ignored = schema
            .ems_carrier()
            .is_some_and(|p| p.carrier().session.ignored);
        let loses_ems = (writes_ems && !ignored)
            .then(|| super::decode_sessions(schema, schema, Want::Ems))
            .flatten()
            .and_then(|own| {
                let lost = own.plain?;
                let why = lost
                    .notes
                    .last()
                    .cloned()
                    .unwrap_or_else(|| OtherWhy::ReadBackPlain.into());
                Some((own.ems.is_none() && own.dd.is_none(), why))
            });
        VersionVerdict {
            schema,
            carrier,
            writes_ems,
            loses_ems,
        }
    }
}

/// The sessions of `kind` that `encoder` writes, as `decoder` reads them.
pub fn reading(decoder: &Schema, encoder: &Schema, kind: Kind) -> Option<Reading> {
    let direction = Direction::of(decoder.version, encoder.version);
    if direction == Direction::Backward {
        if let Some(assumed) = undeclared_bits_clear(encoder, decoder) {
            return reading_as_written(decoder, &assumed, kind, direction);
        }
    }
    reading_as_written(decoder, encoder, kind, direction)
}

/// An older version that declares nothing about a flags word's bits (no `known_bits`, no
/// marker) is assumed never to have set the bits a newer version gives to EMS in the field of
/// the same name: otherwise any flags word would make every older session "maybe EMS". An older
/// version that did set them says so with `known_bits`. `None` when nothing is assumed.
fn undeclared_bits_clear(older: &Schema, newer: &Schema) -> Option<Schema> {
    let masks: Vec<(&str, u64)> = newer
        .types
        .values()
        .flat_map(|d| d.fields())
        .filter_map(|f| match &f.session.ems {
            Some(EmsMarker::Mask { mask }) => Some((f.ident.as_str(), *mask)),
            _ => None,
        })
        .collect();
    if masks.is_empty() {
        return None;
    }
    let mut assumed = older.clone();
    let mut changed = false;
    for def in assumed.types.values_mut() {
        let fields: Vec<&mut crate::schema::Field> = def.fields_mut();
        for f in fields {
            let undeclared = matches!(f.ty, Ty::Int { .. })
                && f.session.known_bits.is_none()
                && f.session.ems.is_none()
                && f.session.version_field.is_none();
            if let Some((_, mask)) = masks.iter().find(|(ident, _)| *ident == f.ident) {
                if undeclared {
                    f.session.known_bits = Some(!mask);
                    changed = true;
                }
            }
        }
    }
    changed.then_some(assumed)
}

fn reading_as_written(
    decoder: &Schema,
    encoder: &Schema,
    kind: Kind,
    direction: Direction,
) -> Option<Reading> {
    let carries = encoder.ems_carrier().is_some();
    let want = match (kind, carries) {
        (Kind::Ems, false) => return None,
        (Kind::Ems, true) => Want::Ems,
        (Kind::NonEms, true) => Want::NonEms,
        (Kind::NonEms, false) => Want::Any,
    };
    Some(Reading::from_out(
        decode_sessions(decoder, encoder, want)?,
        decoder,
        direction,
    ))
}

fn loss(decoder: &Schema, encoder: &Schema, pick: &Pick) -> Loss {
    let own = decoder.ems_carrier();
    if let Some(p) = own.as_ref().filter(|p| p.carrier().session.ignored) {
        return Loss::Ignored { path: p.dotted() };
    }
    let theirs = encoder
        .ems_carrier()
        .expect("only an encoder with a carrier writes EMS sessions");
    let carrier = theirs.carrier();
    if let Some(field) = &pick.swallowed {
        return Loss::Swallowed {
            field: field.clone(),
        };
    }
    if let Some(EmsMarker::Mask { mask }) = &carrier.session.ems {
        let unmasked = decoder.types.values().any(|d| match d {
            TypeDef::Struct(s) => s.fields.iter().any(|f| {
                f.ident == carrier.ident
                    && matches!(f.ty, Ty::Int { .. })
                    && f.session.known_bits.is_none()
                    && !matches!(f.session.ems, Some(EmsMarker::Mask { mask: m }) if m & mask != 0)
            }),
            TypeDef::Enum(_) => false,
        });
        if unmasked {
            return Loss::UnmaskedFlags {
                field: carrier.ident.clone(),
                mask: *mask,
            };
        }
    }
    match own {
        None => Loss::NoCarrier,
        Some(p) => Loss::Unset { path: p.dotted() },
    }
}
