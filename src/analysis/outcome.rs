//! What an older decoder can do with a set of newer values: accept and read non-EMS, accept and
//! read EMS, accept depending on data it cannot see, or reject. Each kind keeps one witness.

use super::evidence::{OtherWhy, Reason};
use super::value::Wire;

#[derive(Clone, Debug, PartialEq)]
pub struct Pick {
    /// The newer value on the wire, as far as this part of the decoder consumed it.
    pub wire: Wire,
    /// Why the decoder accepted it: attribute or missing attribute, in decode order.
    pub notes: Vec<Reason>,
    /// The newer EMS carrier (its `Type.field` label), when an older lenient optional tail
    /// absorbed it.
    pub swallowed: Option<String>,
    /// What the acceptance rests on that the analysis cannot see (custom code of a field that
    /// cannot set EMS): the value is read as this pick says, if it is accepted at all.
    pub conditions: Vec<Reason>,
}

impl Pick {
    pub fn new(wire: Wire) -> Pick {
        Pick {
            wire,
            notes: Vec::new(),
            swallowed: None,
            conditions: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Out {
    pub plain: Option<Pick>,
    pub ems: Option<Pick>,
    /// Accepted for some bytes: the layout or a custom codec makes it data-dependent.
    pub dd: Option<(Pick, Reason)>,
    /// Why some (or every) value is rejected.
    pub reject: Option<Reason>,
    /// The rejection comes from a check meant to reject (a version check, unknown fields or tags
    /// refused, trailing bytes refused, an array length or a variant checked), not from an
    /// incidental change of layout.
    pub strict: bool,
    /// The rejection is the newer version's own design: it writes a version the older check
    /// refuses, renamed a key the older decoder requires (keeping it as an alias), or seals its
    /// sessions under other keys. The remedies sessionlint proposes do exactly this.
    pub designed: bool,
}

impl Out {
    pub fn accept(wire: Wire) -> Out {
        Out {
            plain: Some(Pick::new(wire)),
            ..Out::default()
        }
    }

    pub fn accept_ems(wire: Wire) -> Out {
        Out {
            ems: Some(Pick::new(wire)),
            ..Out::default()
        }
    }

    /// A rejection by accident: a missing field, a type or layout that no longer fits.
    pub fn reject(why: impl Into<Reason>) -> Out {
        Out {
            reject: Some(why.into()),
            ..Out::default()
        }
    }

    /// A rejection by a check that exists to reject.
    pub fn reject_strict(why: impl Into<Reason>) -> Out {
        Out {
            reject: Some(why.into()),
            strict: true,
            ..Out::default()
        }
    }

    /// A rejection the newer version designed (see `designed`).
    pub fn reject_designed(why: impl Into<Reason>) -> Out {
        Out {
            reject: Some(why.into()),
            strict: true,
            designed: true,
            ..Out::default()
        }
    }

    /// Accepted if code sessionlint does not run accepts it, and then read without EMS: for a
    /// value that cannot set EMS in this decoder. Whether it is accepted is the condition, not
    /// how it is read; a custom-coded field beside the carrier must not blur the carrier.
    pub fn accept_if(wire: Wire, why: impl Into<Reason>) -> Out {
        let mut pick = Pick::new(wire);
        pick.conditions.push(why.into());
        Out {
            plain: Some(pick),
            ..Out::default()
        }
    }

    pub fn data_dependent(wire: Wire, why: impl Into<Reason>) -> Out {
        Out {
            dd: Some((Pick::new(wire), why.into())),
            ..Out::default()
        }
    }

    pub fn accepts(&self) -> bool {
        self.plain.is_some() || self.ems.is_some() || self.dd.is_some()
    }

    fn any_pick(&self) -> Option<&Pick> {
        self.plain
            .as_ref()
            .or(self.ems.as_ref())
            .or(self.dd.as_ref().map(|d| &d.0))
    }

    pub fn union(self, other: Out) -> Out {
        let (reject, strict, designed) = match (self.reject, other.reject) {
            (Some(r), _) => (Some(r), self.strict, self.designed),
            (None, r) => (r, other.strict, other.designed),
        };
        Out {
            plain: self.plain.or(other.plain),
            ems: self.ems.or(other.ems),
            dd: self.dd.or(other.dd),
            reject,
            strict,
            designed,
        }
    }

    pub fn union_all(outs: impl IntoIterator<Item = Out>) -> Out {
        let mut acc: Option<Out> = None;
        for o in outs {
            acc = Some(match acc {
                None => o,
                Some(a) => a.union(o),
            });
        }
        acc.unwrap_or_else(|| Out::reject(OtherWhy::NothingWritten))
    }

    /// Adds a reason to every accepted witness.
    pub fn note(mut self, note: impl Into<Reason>) -> Out {
        let note = note.into();
        for p in [
            self.plain.as_mut(),
            self.ems.as_mut(),
            self.dd.as_mut().map(|d| &mut d.0),
        ]
        .into_iter()
        .flatten()
        {
            p.notes.push(note.clone());
        }
        self
    }

    /// Records the newer carrier an older optional tail absorbed, on every accepted witness.
    pub fn swallowing(mut self, carrier: Option<String>) -> Out {
        for p in [
            self.plain.as_mut(),
            self.ems.as_mut(),
            self.dd.as_mut().map(|d| &mut d.0),
        ]
        .into_iter()
        .flatten()
        {
            p.swallowed = p.swallowed.take().or(carrier.clone());
        }
        self
    }

    /// Everything accepted is read as EMS (e.g. `Some(_)` of an `Option` carrier).
    pub fn as_ems(self) -> Out {
        Out {
            plain: None,
            ems: self.plain.or(self.ems),
            ..self
        }
    }

    pub fn map_wire(mut self, f: impl Fn(Wire) -> Wire) -> Out {
        for p in [
            self.plain.as_mut(),
            self.ems.as_mut(),
            self.dd.as_mut().map(|d| &mut d.0),
        ]
        .into_iter()
        .flatten()
        {
            p.wire = f(std::mem::replace(&mut p.wire, Wire::Null));
        }
        self
    }

    /// Every part must be accepted; the whole reads EMS when a part does (one carrier).
    pub fn product(outs: Vec<Out>, combine: impl Fn(Vec<Wire>) -> Wire) -> Out {
        if let Some(bad) = outs.iter().find(|o| !o.accepts()) {
            return Out {
                reject: Some(
                    bad.reject
                        .clone()
                        .unwrap_or_else(|| OtherWhy::Rejected.into()),
                ),
                strict: bad.strict,
                designed: bad.designed,
                ..Out::default()
            };
        }
        let first_rejecting = outs.iter().find(|o| o.reject.is_some());
        let reject = first_rejecting.and_then(|o| o.reject.clone());
        let strict = first_rejecting.is_some_and(|o| o.strict);
        let designed = first_rejecting.is_some_and(|o| o.designed);
        let join = |picks: Vec<&Pick>| Pick {
            wire: combine(picks.iter().map(|p| p.wire.clone()).collect()),
            notes: picks.iter().flat_map(|p| p.notes.iter().cloned()).collect(),
            swallowed: picks.iter().find_map(|p| p.swallowed.clone()),
            conditions: picks
                .iter()
                .flat_map(|p| p.conditions.iter().cloned())
                .collect(),
        };
        let plain = outs
            .iter()
            .map(|o| o.plain.as_ref())
            .collect::<Option<Vec<_>>>()
            .map(join);
        let ems = outs.iter().position(|o| o.ems.is_some()).and_then(|i| {
            outs.iter()
                .enumerate()
                .map(|(j, o)| {
                    if i == j {
                        o.ems.as_ref()
                    } else {
                        o.plain.as_ref().or(o.ems.as_ref())
                    }
                })
                .collect::<Option<Vec<_>>>()
                .map(join)
        });
        let dd = outs.iter().position(|o| o.dd.is_some()).map(|i| {
            let why = outs[i].dd.as_ref().unwrap().1.clone();
            let picks = outs
                .iter()
                .enumerate()
                .map(|(j, o)| {
                    if i == j {
                        &o.dd.as_ref().unwrap().0
                    } else {
                        o.any_pick().unwrap()
                    }
                })
                .collect();
            (join(picks), why)
        });
        Out {
            plain,
            ems,
            dd,
            reject,
            strict,
            designed,
        }
    }
}
