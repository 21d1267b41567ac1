//! The older decoder's slots against the newer encoder's, position by position: where they line
//! up, where a check refuses, where what is read depends on the bytes.

// The slot model and the analysis types this walker shares with the rest of `layout`.
use super::*;
use crate::analysis::evidence::{OneByteWhy, Reason, ScalarWhy, SlotWhy, VariantBy};

/// The older decoder's walk over the newer encoder's slots.
pub(super) struct Walk {
    pub(super) trailing: Trailing,
    pub(super) packing: Packing,
    pub(super) steps: usize,
}

const INF: u64 = u64::MAX / 4;

/// `x` followed by `rest`.
fn cat(x: &[Slot], rest: &[Slot]) -> Vec<Slot> {
    let mut v = x.to_vec();
    v.extend_from_slice(rest);
    v
}

/// Least and most bytes a run of slots takes on the wire.
pub(super) fn size(slots: &[Slot], p: Packing) -> (u64, u64) {
    slots.iter().fold((0, 0), |(lo, hi), s| {
        let (a, b) = atom_size(&s.atom, p);
        (lo.saturating_add(a).min(INF), hi.saturating_add(b).min(INF))
    })
}

fn atom_size(a: &Atom, p: Packing) -> (u64, u64) {
    let varint = |bits: u8| (1, (bits as u64).div_ceil(7));
    let len = match p {
        Packing::Fixint => (8, 8),
        Packing::Varint => varint(64),
        Packing::Tls => (2, 2),
    };
    match a {
        Atom::Bool => (1, 1),
        Atom::Int { bits: 8, .. } => (1, 1),
        Atom::Int { bits, .. } => match p {
            Packing::Fixint | Packing::Tls => (*bits as u64 / 8, *bits as u64 / 8),
            Packing::Varint => varint(*bits + 1),
        },
        Atom::Float { bits } => (*bits as u64 / 8, *bits as u64 / 8),
        Atom::Char => match p {
            Packing::Fixint | Packing::Tls => (1, 4),
            Packing::Varint => (2, 5),
        },
        Atom::Seq(inner, w, max) => {
            let prefix = if *w > 0 && p == Packing::Tls {
                (*w as u64, *w as u64)
            } else {
                len
            };
            let hi = match max {
                Some(m) => prefix
                    .1
                    .saturating_add(m.saturating_mul(size(inner, p).1))
                    .min(INF),
                None => INF,
            };
            (prefix.0, hi)
        }
        Atom::Str | Atom::Map(..) => (len.0, INF),
        Atom::Tail(inner, _) => (0, size(inner, p).1),
        Atom::Opt(inner) => (1, 1u64.saturating_add(size(inner, p).1).min(INF)),
        Atom::Enum { variants, tags, .. } => {
            let tag = match (p, tags) {
                (_, Some((w, _))) => (*w as u64, *w as u64),
                (Packing::Fixint, None) => (4, 4),
                (Packing::Varint, None) => varint(32),
                (Packing::Tls, None) => (1, 1),
            };
            let lo = variants.iter().map(|v| size(&v.1, p).0).min().unwrap_or(0);
            let hi = variants.iter().map(|v| size(&v.1, p).1).max().unwrap_or(0);
            (tag.0 + lo, tag.1.saturating_add(hi).min(INF))
        }
        Atom::Opaque(_) => (0, INF),
        Atom::Cond(inner) => (0, size(inner, p).1),
    }
}

/// A list of bytes (`Vec<u8>`).
fn is_bytes(inner: &[Slot]) -> bool {
    matches!(
        inner,
        [Slot {
            atom: Atom::Int {
                signed: false,
                bits: 8
            },
            ..
        }]
    )
}

/// The values `acc` holds, shifted right by `by` bits (their high part): exact, the shift is
/// monotonic.
fn shifted(acc: &Accepts, by: u8) -> Option<Accepts> {
    if acc.is_any() {
        return None;
    }
    let ranges = acc
        .ranges
        .iter()
        .map(|(lo, hi)| (lo.map(|v| v >> by), hi.map(|v| v >> by)))
        .collect();
    Some(Accepts::new(ranges))
}

/// The values `acc` holds, in their low `bits` bits: exact where a range does not wrap, any
/// value otherwise.
fn masked(acc: &Accepts, bits: u8) -> Option<Accepts> {
    if acc.is_any() || bits >= 64 {
        return None;
    }
    let mask = (1u64 << bits) - 1;
    let mut ranges = Vec::new();
    for (lo, hi) in &acc.ranges {
        let (lo, hi) = (lo.unwrap_or(0), hi.unwrap_or(u64::MAX));
        if hi - lo >= mask || (lo & mask) > (hi & mask) {
            return None;
        }
        ranges.push((Some(lo & mask), Some(hi & mask)));
    }
    Some(Accepts::new(ranges))
}

/// Whether some value `acc` admits, read as a `y`-bit integer, holds the `x`-bit value `v` in
/// its first `x` bits on the wire (its low bits when little-endian, its high bits when not).
/// Ranges too wide to enumerate are assumed to.
fn admits_part(acc: &Accepts, v: i128, x: u8, y: u8, le: bool) -> bool {
    if acc.is_any() {
        return true;
    }
    let matches = |c: i128| {
        if le {
            c & ((1i128 << x) - 1) == v
        } else {
            c >> (y - x) == v
        }
    };
    acc.ranges.iter().any(|(lo, hi)| {
        let (lo, hi) = (lo.unwrap_or(0) as i128, hi.map_or(i128::MAX, |h| h as i128));
        hi - lo >= 1 << 16 || (lo..=hi).any(matches)
    })
}

/// Dispatch values of the newer and the older enum, per variant.
type Tags<'a> = (&'a [Option<u64>], &'a [Option<u64>]);

/// A slot a TLS codec writes as one byte.
fn one_byte(a: &Atom) -> bool {
    matches!(a, Atom::Bool | Atom::Int { bits: 8, .. })
}

/// Atoms whose walk branches (presence, length, variant, map): never a straight-line step.
fn compound(a: &Atom) -> bool {
    matches!(
        a,
        Atom::Opt(_) | Atom::Seq(..) | Atom::Enum { .. } | Atom::Map(..)
    )
}

impl Walk {
    /// Walks the newer slots `n` against the older `o`. Straight-line stretches (equal scalars
    /// with one candidate value, equal maps) advance in a loop, so that a long layout (a
    /// `[u8; 5000]`, a struct of thousands of fields) costs no stack; only real branches recurse.
    pub(super) fn go(
        &mut self,
        mut n: &[Slot],
        mut o: &[Slot],
        mut ems: bool,
        notes: &mut Vec<Reason>,
    ) -> Out {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Out::data_dependent(Wire::Seq(Vec::new()), SlotWhy::TooManyBranches);
        }
        loop {
            // A conditional newer field: written or not.
            if let Some(Slot {
                atom: Atom::Cond(inner),
                meta,
            }) = n.first()
            {
                let absent = self.go(&n[1..], o, ems, &mut notes.clone());
                let mut with: Vec<Slot> = inner.clone();
                with.extend_from_slice(&n[1..]);
                let mut nn = notes.clone();
                nn.push(
                    SlotWhy::Written {
                        label: meta.label.clone(),
                    }
                    .into(),
                );
                return absent.union(self.go(&with, o, ems, &mut nn));
            }
            let (a, b) = match (n.first(), o.first()) {
                (Some(a), Some(b)) => (a, b),
                (a, b) => return self.end(a, b, o, ems, notes),
            };
            let straight = match (&a.atom, &b.atom) {
                (Atom::Map(nk, nv), Atom::Map(ok, ovv)) => shape_eq(nk, ok) && shape_eq(nv, ovv),
                (_, Atom::Tail(..)) => false,
                (x, y) if atom_eq(x, y) && !compound(x) => match self.single(a, b) {
                    Some((reads_ems, noted)) => {
                        ems |= reads_ems;
                        if noted {
                            notes.push(read_as(a, b));
                        }
                        true
                    }
                    None => false,
                },
                _ => false,
            };
            if !straight {
                return self.step(a, b, &n[1..], &o[1..], ems, notes);
            }
            n = &n[1..];
            o = &o[1..];
        }
    }

    /// One side has no slot left.
    fn end(
        &mut self,
        a: Option<&Slot>,
        b: Option<&Slot>,
        o: &[Slot],
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        let done = |ems: bool, notes: &[Reason]| {
            let out = if ems {
                Out::accept_ems(Wire::Seq(Vec::new()))
            } else {
                Out::accept(Wire::Seq(Vec::new()))
            };
            notes.iter().fold(out, |o, n| o.note(n.clone()))
        };
        match (a, b) {
            (None, None) => done(ems, notes),
            (Some(a), _) => match self.trailing {
                Trailing::Ignore => {
                    let mut nn = notes.to_vec();
                    nn.push(
                        SlotWhy::TrailingIgnored {
                            from: a.meta.label.clone(),
                        }
                        .into(),
                    );
                    done(ems, &nn)
                }
                Trailing::Reject => Out::reject_strict(SlotWhy::TrailingRefused {
                    from: a.meta.label.clone(),
                }),
            },
            (None, Some(b)) => {
                if size(o, self.packing).0 == 0 {
                    done(ems, notes)
                } else {
                    Out::reject(SlotWhy::EndsBefore {
                        label: b.meta.label.clone(),
                    })
                }
            }
        }
    }

    /// Equal scalars where the newer encoder has exactly one candidate value and the older
    /// decoder accepts it: whether the older decoder reads it as EMS, and whether to note that
    /// it is read as another field (the note is made by the caller: this runs for every slot).
    /// `None` when the pair needs `scalar` (several candidates, a check that may reject, or a
    /// carrier inside an opaque layout).
    fn single(&self, a: &Slot, b: &Slot) -> Option<(bool, bool)> {
        if a.meta.holds
            || b.meta.holds
            || b.meta.accepts.is_some()
            || b.meta.known_bits.is_some()
            || b.meta.check.is_some()
        {
            return None;
        }
        let v = match a.meta.val {
            Some(v) => v,
            None if b.meta.marker.is_none() && !matches!(a.atom, Atom::Bool) => 0,
            None => return None,
        };
        if a.meta.writes_bits.is_some_and(|k| (v as u64) & !k != 0) {
            return None;
        }
        let reads_ems = b
            .meta
            .checks()
            .read(v, Place::Slot(&b.meta.label))
            .ok()?
            .ems;
        let noted = a.meta.val.is_some() && b.meta.marker.is_none() && a.meta.label != b.meta.label;
        Some((reads_ems, noted))
    }

    /// One pair of slots, the newer `a` against the older `b`, then the rest (`n`, `o`): one
    /// method per pair of shapes.
    fn step(
        &mut self,
        a: &Slot,
        b: &Slot,
        n: &[Slot],
        o: &[Slot],
        ems: bool,
        notes: &mut Vec<Reason>,
    ) -> Out {
        match (&a.atom, &b.atom) {
            (Atom::Opt(ni), Atom::Opt(oi)) => self.option(a, b, (ni, oi), (n, o), ems, notes),
            (Atom::Seq(ni, p, _), Atom::Seq(oi, q, _)) if p == q => {
                self.seqs(a, b, (ni, oi), (n, o), ems, notes)
            }
            (Atom::Enum { tags: nt, .. }, Atom::Enum { tags: ot, .. })
                if nt.as_ref().map(|t| t.0) == ot.as_ref().map(|t| t.0) =>
            {
                self.enums(a, b, (n, o), ems, notes)
            }
            // A dispatch on a value the newer bytes can never start: refused whatever follows.
            (_, Atom::Enum { .. })
                if self.packing == Packing::Tls && Self::dispatch_refuses(a, b) =>
            {
                Out::reject(SlotWhy::DispatchNeverStarts {
                    writer: a.meta.label.clone(),
                    reader: b.meta.label.clone(),
                })
            }
            // TLS codecs write a bool, a presence byte and a u8 alike: one byte, read by the
            // older decoder as what it declares there.
            (x, Atom::Bool) if self.packing == Packing::Tls && one_byte(x) => {
                self.byte_as_bool(a, b, n, o, ems, notes)
            }
            (x, Atom::Opt(oi)) if self.packing == Packing::Tls && one_byte(x) => {
                self.byte_as_presence(a, b, oi, (n, o), ems, notes)
            }
            (Atom::Opt(ni), y) if self.packing == Packing::Tls && one_byte(y) => {
                self.presence_as_byte(a, b, ni, (n, o), ems, notes)
            }
            (Atom::Bool, Atom::Int { bits: 8, .. }) if self.packing == Packing::Tls => {
                self.scalar(a, b, n, o, ems, notes)
            }
            (_, Atom::Tail(inner, lenient)) => {
                self.tail(a, b, (inner, *lenient), (n, o), ems, notes)
            }
            (Atom::Map(nk, nv), Atom::Map(ok, ovv)) if shape_eq(nk, ok) && shape_eq(nv, ovv) => {
                self.go(n, o, ems, notes)
            }
            (x, y)
                if atom_eq(x, y)
                    && !matches!(
                        x,
                        Atom::Opt(_) | Atom::Seq(..) | Atom::Enum { .. } | Atom::Map(..)
                    ) =>
            {
                self.scalar(a, b, n, o, ems, notes)
            }
            (Atom::Seq(ni, 0, _), Atom::Str) if self.packing != Packing::Tls && is_bytes(ni) => {
                self.bytes_as_str(a, b, (n, o), ems, notes)
            }
            (Atom::Str, Atom::Seq(oi, 0, max)) if self.packing != Packing::Tls && is_bytes(oi) => {
                self.str_as_bytes(a, b, *max, (n, o), ems, notes)
            }
            (
                Atom::Int {
                    signed: s1,
                    bits: x,
                },
                Atom::Int {
                    signed: s2,
                    bits: y,
                },
            ) if s1 == s2 && x != y => self.resized(a, b, (*s1, *x, *y), (n, o), ems, notes),
            _ => self.diverge(a, b, n, o),
        }
    }

    /// Whether `b` dispatches (with no `other`) on a value the newer `a` never starts with.
    fn dispatch_refuses(a: &Slot, b: &Slot) -> bool {
        match &b.atom {
            Atom::Enum {
                tags: Some((w, values)),
                other: None,
                ..
            } => Self::cannot_start(a, *w, values),
            _ => false,
        }
    }

    /// Two enums whose dispatch values have one width: variant by variant.
    fn enums(
        &mut self,
        a: &Slot,
        b: &Slot,
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &mut [Reason],
    ) -> Out {
        let (
            Atom::Enum {
                variants: nv,
                tags: nt,
                ..
            },
            Atom::Enum {
                variants: ov,
                other,
                tags: ot,
            },
        ) = (&a.atom, &b.atom)
        else {
            return self.diverge(a, b, n, o);
        };
        let tags = nt
            .as_ref()
            .zip(ot.as_ref())
            .map(|(n, o)| (&n.1[..], &o.1[..]));
        self.variants(a, b, (nv, ov, *other, tags), (n, o), ems, notes)
    }

    /// Two length-prefixed sequences of one prefix width: empty (when the newer may be), or
    /// their elements first.
    fn seqs(
        &mut self,
        a: &Slot,
        b: &Slot,
        (ni, oi): (&[Slot], &[Slot]),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        let mut outs = Vec::new();
        if !a.meta.forced {
            if b.meta.min_len > 0 {
                outs.push(Out::reject_strict(SlotWhy::MayBeEmpty {
                    writer: a.meta.label.clone(),
                    min: b.meta.min_len,
                    reader: b.meta.label.clone(),
                }));
            } else {
                outs.push(self.go(n, o, ems, &mut notes.to_vec()));
            }
        }
        outs.push(self.go(&cat(ni, n), &cat(oi, o), ems, &mut notes.to_vec()));
        Out::union_all(outs)
    }

    /// bincode and postcard write a string and a byte vector alike: a length, then the bytes.
    /// Read as a string, the bytes must be UTF-8.
    fn bytes_as_str(
        &mut self,
        a: &Slot,
        b: &Slot,
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        let mut nn = notes.to_vec();
        nn.push(
            SlotWhy::BytesAsString {
                writer: a.meta.label.clone(),
                reader: b.meta.label.clone(),
            }
            .into(),
        );
        self.go(n, o, ems, &mut nn)
            .union(Out::reject(SlotWhy::BytesNotUtf8 {
                writer: a.meta.label.clone(),
                reader: b.meta.label.clone(),
            }))
    }

    /// The newer string read as the older byte vector (the same bytes on the wire), within the
    /// older decoder's limit.
    fn str_as_bytes(
        &mut self,
        a: &Slot,
        b: &Slot,
        max: Option<u64>,
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        let mut nn = notes.to_vec();
        nn.push(
            SlotWhy::StringAsBytes {
                writer: a.meta.label.clone(),
                reader: b.meta.label.clone(),
            }
            .into(),
        );
        let read = self.go(n, o, ems, &mut nn);
        match max {
            Some(m) => read.union(Out::reject(SlotWhy::OverByteLimit {
                max: m,
                reader: b.meta.label.clone(),
            })),
            None => read,
        }
    }

    /// An integer of another width in the older decoder. postcard writes integers wider than
    /// a byte as the same varint whatever their width; bincode (little-endian) and TLS codecs
    /// (big-endian) at their width, so the older decoder reads part of the newer integer, or
    /// part of what follows it.
    fn resized(
        &mut self,
        a: &Slot,
        b: &Slot,
        (signed, x, y): (bool, u8, u8),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        let fits = |v: i128, bits: u8| {
            if signed {
                let half = 1i128 << (bits - 1);
                (-half..half).contains(&v)
            } else {
                (0..(1i128 << bits)).contains(&v)
            }
        };
        match self.packing {
            Packing::Varint if x > 8 && y > 8 => {
                let mut nn = notes.to_vec();
                nn.push(
                    ScalarWhy::SameVarint {
                        writer: a.meta.label.clone(),
                        writer_shape: describe(&a.atom),
                        reader: b.meta.label.clone(),
                        reader_shape: describe(&b.atom),
                    }
                    .into(),
                );
                let too_big = Out::reject(ScalarWhy::VarintOverflow {
                    writer: a.meta.label.clone(),
                    reader: b.meta.label.clone(),
                });
                match a.meta.val {
                    Some(v) if !fits(v, y) => too_big,
                    Some(_) => self.scalar(a, b, n, o, ems, &nn),
                    None if y > x => self.scalar(a, b, n, o, ems, &nn),
                    None => self.scalar(a, b, n, o, ems, &nn).union(too_big),
                }
            }
            // A raw byte against a varint: the same byte for values below 0x80.
            Packing::Varint if !signed => match a.meta.val {
                Some(v) if v < 0x80 => self.scalar(a, b, n, o, ems, notes),
                Some(_) => self.diverge(a, b, n, o),
                None => self
                    .scalar(a, b, n, o, ems, notes)
                    .union(self.diverge(a, b, n, o)),
            },
            Packing::Varint => self.diverge(a, b, n, o),
            Packing::Fixint | Packing::Tls if x > y => {
                self.split_wider(a, b, (signed, x, y), (n, o), ems, notes)
            }
            Packing::Fixint | Packing::Tls => {
                // The older decoder reads the newer integer and the bytes after it as one: a
                // check refuses it when no value it admits has the newer value in that place.
                let le = self.packing == Packing::Fixint;
                let checks = [b.meta.accepts.as_ref(), b.meta.check.as_ref()];
                let refused = a.meta.val.is_some_and(|v| {
                    checks
                        .iter()
                        .flatten()
                        .any(|acc| !admits_part(acc, v, x, y, le))
                });
                if refused {
                    return Out::reject_strict(ScalarWhy::NoAdmittedValue {
                        reader: b.meta.label.clone(),
                        reader_shape: describe(&b.atom),
                        writer: a.meta.label.clone(),
                        writer_shape: describe(&a.atom),
                        value: a.meta.val.unwrap_or_default(),
                    });
                }
                self.diverge(a, b, n, o)
            }
        }
    }

    /// A fixed-width integer wider than the older one: the older decoder reads the first `y`
    /// bits of the newer integer; the rest is read as what follows in the older layout.
    fn split_wider(
        &mut self,
        a: &Slot,
        b: &Slot,
        (signed, x, y): (bool, u8, u8),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        // The older decoder reads the first y bits of the newer integer; the rest is
        // read as what follows in the older layout.
        let le = self.packing == Packing::Fixint;
        let rest = x - y;
        let low = |v: i128, bits: u8| v & ((1i128 << bits) - 1);
        let (first, second) = match a.meta.val.map(|v| low(v, x)) {
            Some(v) if le => (Some(low(v, y)), Some(v >> y)),
            Some(v) => (Some(v >> rest), Some(low(v, rest))),
            None => (None, None),
        };
        // What the encoder declares it writes, for each part.
        let (first_values, second_values) = match &a.meta.values {
            Some(acc) if le => (masked(acc, y), shifted(acc, y)),
            Some(acc) => (shifted(acc, rest), masked(acc, rest)),
            None => (None, None),
        };
        let part = |bits: u8, val: Option<i128>, values, which: &str, meta: Meta| Slot {
            atom: Atom::Int { signed, bits },
            meta: Meta {
                label: [a.meta.label.as_str(), " (", which, ")"].concat(),
                val,
                values,
                ..meta
            },
        };
        let (head, tail) = if le {
            ("low bytes", "high bytes")
        } else {
            ("high bytes", "low bytes")
        };
        let split = [
            part(y, first, first_values, head, a.meta.clone()),
            part(rest, second, second_values, tail, Meta::default()),
        ];
        let mut nn = notes.to_vec();
        nn.push(
            ScalarWhy::SplitWider {
                reader: b.meta.label.clone(),
                reader_shape: describe(&b.atom),
                writer: a.meta.label.clone(),
                writer_shape: describe(&a.atom),
                little_endian: le,
            }
            .into(),
        );
        self.go(
            &cat(&split, n),
            &cat(std::slice::from_ref(b), o),
            ems,
            &mut nn,
        )
    }

    /// An `Option` in both: `None` (unless the encoder forces `Some`), and `Some` with its payload.
    fn option(
        &mut self,
        a: &Slot,
        b: &Slot,
        (ni, oi): (&[Slot], &[Slot]),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        let flag = b.meta.marker == Some(EmsMarker::Flag);
        let mut outs = Vec::new();
        if !a.meta.forced {
            outs.push(self.go(n, o, ems, &mut notes.to_vec()));
        }
        if a.meta.allowed.as_deref() != Some(&[0]) {
            // `Some(_)` of a non-bool Option carrier is EMS to the older decoder.
            let some_is_ems = flag
                && !matches!(
                    oi,
                    [Slot {
                        atom: Atom::Bool,
                        ..
                    }]
                );
            outs.push(self.go(
                &cat(ni, n),
                &cat(oi, o),
                ems || some_is_ems,
                &mut notes.to_vec(),
            ));
        }
        Out::union_all(outs)
    }

    /// An enum in both: each variant index the encoder may write, as the older enum reads it
    /// (by index; an unknown index is rejected unless a `#[serde(other)]` variant takes it).
    fn variants(
        &mut self,
        a: &Slot,
        b: &Slot,
        (nv, ov, other, tags): (&[Variant], &[Variant], Option<usize>, Option<Tags<'_>>),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        let allowed: Vec<usize> = a
            .meta
            .allowed
            .clone()
            .unwrap_or_else(|| (0..nv.len()).collect());
        let mut outs = Vec::new();
        for k in allowed {
            let (nname, npayload) = &nv[k];
            let (found, what) = Self::variant_read(k, nname, ov, tags);
            let (oname, opayload, via_other) = match (found, other) {
                (Some((name, p)), _) => (name, p, false),
                (None, Some(oi)) => (&ov[oi].0, &ov[oi].1, true),
                (None, None) => {
                    outs.push(Out::reject_strict(ScalarWhy::UnknownToEnum {
                        by: what,
                        name: nname.clone(),
                        reader: b.meta.label.clone(),
                    }));
                    continue;
                }
            };
            let reads_ems = b.meta.marker.as_ref().and_then(EmsMarker::variant) == Some(oname);
            let mut nn = notes.to_vec();
            if via_other {
                nn.push(
                    ScalarWhy::CaughtByCatchAll {
                        by: what,
                        name: nname.clone(),
                        caught: oname.clone(),
                    }
                    .into(),
                );
                if !npayload.is_empty() {
                    outs.push(Out::data_dependent(
                        Wire::Seq(Vec::new()),
                        ScalarWhy::CatchAllDropsData {
                            name: nname.clone(),
                            caught: oname.clone(),
                        },
                    ));
                    continue;
                }
            } else if nname != oname {
                nn.push(
                    ScalarWhy::VariantRenamed {
                        by: what,
                        writer: nname.clone(),
                        reader: oname.clone(),
                    }
                    .into(),
                );
            }
            outs.push(self.go(
                &cat(npayload, n),
                &cat(opayload, o),
                ems || reads_ems,
                &mut nn,
            ));
        }
        Out::union_all(outs)
    }

    /// The older variant that reads the newer variant `k` (`name`): by index, or by the
    /// dispatch value the newer variant writes; and how it was told apart.
    fn variant_read<'v>(
        k: usize,
        name: &str,
        ov: &'v [Variant],
        tags: Option<Tags<'_>>,
    ) -> (Option<&'v Variant>, VariantBy) {
        match tags {
            Some((nt, ot)) => {
                let value = nt.get(k).copied().flatten();
                let at = value.and_then(|t| ot.iter().position(|x| *x == Some(t)));
                let by = match value {
                    Some(t) => VariantBy::Dispatch(t),
                    None => VariantBy::Named(name.to_string()),
                };
                (at.and_then(|i| ov.get(i)), by)
            }
            None => (ov.get(k), VariantBy::Index(k)),
        }
    }

    /// An older read-if-bytes-remain tail: the newer bytes from here on either parse as the
    /// tail, or (lenient) the failed parse counts as absence and everything left is swallowed.
    fn tail(
        &mut self,
        a: &Slot,
        b: &Slot,
        (inner, lenient): (&[Slot], bool),
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        let mut outs = vec![self.go(
            &cat(std::slice::from_ref(a), n),
            &cat(inner, o),
            ems,
            &mut notes.to_vec(),
        )];
        if lenient && size(o, self.packing).0 == 0 {
            let rest = || std::iter::once(a).chain(n.iter());
            let swallowed: Vec<String> = rest().map(|s| s.meta.label.clone()).collect();
            let carrier = rest()
                .find(|s| s.meta.carrier || s.meta.holds)
                .map(|s| s.meta.label.clone());
            let out = if ems {
                Out::accept_ems(Wire::Seq(Vec::new()))
            } else {
                Out::accept(Wire::Seq(Vec::new()))
            };
            let why = Reason::from(ScalarWhy::TailSwallows {
                tail: b.meta.label.clone(),
                swallowed,
            });
            let notes = notes.iter().cloned().chain(std::iter::once(why));
            outs.push(notes.fold(out, Out::note).swallowing(carrier));
        }
        Out::union_all(outs)
    }

    /// The bytes a newer one-byte slot may hold: its exact value (with the other flag bits its
    /// version declares), else 0, 1 and a byte above 1.
    fn byte_values(a: &Slot) -> Vec<i128> {
        match (a.meta.val, &a.atom) {
            (Some(v), _) => {
                // The other flag bits the version declares may be set beside the EMS bits.
                let mut c = vec![v];
                let other = a.meta.writes_bits.unwrap_or(0) & !a.meta.writes_mask;
                if other != 0 {
                    c.push(v | other as i128);
                }
                c
            }
            (None, Atom::Bool) => vec![0, 1],
            (None, _) => vec![0, 1, 2],
        }
    }

    /// True when every first byte the newer slot `a` may write differs from the first byte of
    /// each value a `w`-byte dispatch accepts (big-endian).
    fn cannot_start(a: &Slot, w: u8, values: &[Option<u64>]) -> bool {
        let first = |v: u64, width: u8| (v >> (8 * (width as u32 - 1))) as i128;
        let starts: Vec<i128> = match &a.atom {
            Atom::Opt(_) => match (a.meta.allowed.as_deref(), a.meta.forced) {
                (Some([0]), _) => vec![0],
                (_, true) => vec![1],
                _ => vec![0, 1],
            },
            Atom::Bool | Atom::Int { bits: 8, .. } => Self::byte_values(a),
            Atom::Enum {
                tags: Some((nw, nv)),
                ..
            } => nv.iter().flatten().map(|v| first(*v, *nw)).collect(),
            _ => return false,
        };
        let wanted: Vec<i128> = values.iter().flatten().map(|v| first(*v, w)).collect();
        !starts.is_empty()
            && starts
                .iter()
                .all(|b| (0..=255).contains(b) && !wanted.contains(b))
    }

    /// The older slot's checks on value `v`; a refusal joins `outs`.
    fn read_checked(
        b: &Slot,
        v: i128,
        outs: &mut Vec<Out>,
    ) -> Option<crate::analysis::semantics::Accepted> {
        match b.meta.checks().read(v, Place::Slot(&b.meta.label)) {
            Ok(x) => Some(x),
            Err(rejected) => {
                outs.push(rejected);
                None
            }
        }
    }

    /// A newer byte read by an older bool: 0 and 1 as they are; another byte refused, or false
    /// when the decoder reads `== 1`.
    fn byte_as_bool(
        &mut self,
        a: &Slot,
        b: &Slot,
        n: &[Slot],
        o: &[Slot],
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        let mut outs = Vec::new();
        for v in Self::byte_values(a) {
            let read = match v {
                0 | 1 => v,
                _ if b.meta.one_is_true => 0,
                _ => {
                    outs.push(Out::reject(OneByteWhy::ByteNotBool {
                        writer: a.meta.label.clone(),
                        byte: v,
                        reader: b.meta.label.clone(),
                    }));
                    continue;
                }
            };
            let Some(accepted) = Self::read_checked(b, read, &mut outs) else {
                continue;
            };
            let mut nn = notes.to_vec();
            nn.extend(accepted.note);
            if v > 1 {
                nn.push(
                    OneByteWhy::ByteReadFalse {
                        writer: a.meta.label.clone(),
                        byte: v,
                        reader: b.meta.label.clone(),
                    }
                    .into(),
                );
            } else if a.meta.label != b.meta.label {
                nn.push(read_as(a, b));
            }
            outs.push(self.go(n, o, ems || accepted.ems, &mut nn));
        }
        Out::union_all(outs)
    }

    /// A newer byte read by an older `Option`'s presence byte: 1 is `Some` (its payload is read
    /// from the bytes that follow), 0 is `None`; another byte refused, or `None` when the decoder
    /// reads `== 1`.
    fn byte_as_presence(
        &mut self,
        a: &Slot,
        b: &Slot,
        oi: &[Slot],
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        let mut outs = Vec::new();
        for v in Self::byte_values(a) {
            let mut nn = notes.to_vec();
            let some = match v {
                1 => true,
                0 => false,
                _ if b.meta.one_is_true => false,
                _ => {
                    outs.push(Out::reject(OneByteWhy::ByteNotPresence {
                        writer: a.meta.label.clone(),
                        byte: v,
                        reader: b.meta.label.clone(),
                    }));
                    continue;
                }
            };
            nn.push(
                OneByteWhy::ByteAsPresence {
                    writer: a.meta.label.clone(),
                    byte: v,
                    reader: b.meta.label.clone(),
                    present: some,
                }
                .into(),
            );
            let some_is_ems = some && b.meta.marker == Some(EmsMarker::Flag);
            let older = if some { cat(oi, o) } else { o.to_vec() };
            outs.push(self.go(n, &older, ems || some_is_ems, &mut nn));
        }
        Out::union_all(outs)
    }

    /// A newer `Option`'s presence byte read by an older one-byte slot: `None` is 0, `Some` is
    /// 1 followed by a payload the older decoder reads as what comes next.
    fn presence_as_byte(
        &mut self,
        a: &Slot,
        b: &Slot,
        ni: &[Slot],
        (n, o): (&[Slot], &[Slot]),
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        let mut outs = Vec::new();
        let choices: &[i128] = match a.meta.allowed.as_deref() {
            Some([0]) => &[0],
            _ if a.meta.forced => &[1],
            _ => &[0, 1],
        };
        for &v in choices {
            let Some(accepted) = Self::read_checked(b, v, &mut outs) else {
                continue;
            };
            let mut nn = notes.to_vec();
            nn.extend(accepted.note);
            nn.push(
                OneByteWhy::PresenceAsByte {
                    writer: a.meta.label.clone(),
                    byte: v,
                    reader: b.meta.label.clone(),
                }
                .into(),
            );
            let newer = if v == 1 { cat(ni, n) } else { n.to_vec() };
            outs.push(self.go(&newer, o, ems || accepted.ems, &mut nn));
        }
        Out::union_all(outs)
    }

    /// Different shapes from here on. Byte counts can still prove a rejection; else what the
    /// older decoder reads depends on the data.
    fn diverge(&self, a: &Slot, b: &Slot, n: &[Slot], o: &[Slot]) -> Out {
        let (n_lo, n_hi) = size(&cat(std::slice::from_ref(a), n), self.packing);
        let (o_lo, o_hi) = size(&cat(std::slice::from_ref(b), o), self.packing);
        if n_hi < o_lo {
            return Out::reject(SlotWhy::TooFewBytes {
                from: a.meta.label.clone(),
                writer_max: n_hi,
                reader_min: o_lo,
            });
        }
        if self.trailing == Trailing::Reject && n_lo > o_hi {
            return Out::reject_strict(SlotWhy::TooManyBytes {
                from: a.meta.label.clone(),
                writer_min: n_lo,
                reader_max: o_hi,
            });
        }
        // Byte by byte, as far as the newer bytes are known: a check the older decoder applies
        // to what it reads there may refuse every such session.
        if self.packing == Packing::Tls {
            if let Some(out) = bytes::refused(
                &cat(std::slice::from_ref(a), n),
                &cat(std::slice::from_ref(b), o),
            ) {
                return out;
            }
        }
        Out::data_dependent(
            Wire::Seq(Vec::new()),
            SlotWhy::LayoutsDiffer {
                writer: a.meta.label.clone(),
                writer_shape: describe(&a.atom),
                reader: b.meta.label.clone(),
                reader_shape: describe(&b.atom),
            },
        )
    }

    /// Equal scalar shapes: the older decoder reads the newer value itself.
    fn scalar(
        &mut self,
        a: &Slot,
        b: &Slot,
        n: &[Slot],
        o: &[Slot],
        ems: bool,
        notes: &[Reason],
    ) -> Out {
        if a.meta.holds || b.meta.holds {
            return Out::data_dependent(
                Wire::Seq(Vec::new()),
                SlotWhy::CarrierUnmodelled {
                    label: a.meta.label.clone(),
                },
            );
        }
        // Candidate values the newer encoder may write here.
        let checks = b.meta.checks();
        let cands: Vec<i128> = match a.meta.val {
            Some(v) => vec![v],
            None => {
                let mut c = checks.candidates();
                if matches!(a.atom, Atom::Bool) {
                    c.push(1);
                }
                // The bounds of what the encoder writes, which may be all it can write.
                if let Some(vals) = &a.meta.values {
                    c.extend(vals.candidates());
                }
                c
            }
        };
        let mut outs = Vec::new();
        let writable = |v: &i128| {
            a.meta.writes_bits.is_none_or(|k| (*v as u64) & !k == 0)
                && a.meta.values.as_ref().is_none_or(|vals| vals.contains(*v))
        };
        for v in cands.into_iter().filter(writable) {
            let read = match checks.read(v, Place::Slot(&b.meta.label)) {
                Err(rejected) => {
                    outs.push(rejected);
                    continue;
                }
                Ok(read) => read,
            };
            let reads_ems = read.ems;
            let mut nn = notes.to_vec();
            nn.extend(read.note);
            if a.meta.val.is_some()
                && b.meta.marker.is_none()
                && a.meta.label != b.meta.label
                && b.meta.accepts.is_none()
            {
                nn.push(read_as(a, b));
            }
            outs.push(self.go(n, o, ems || reads_ems, &mut nn));
        }
        Out::union_all(outs)
    }
}

/// The writer's slot `a` read as the reader's slot `b`.
fn read_as(a: &Slot, b: &Slot) -> Reason {
    SlotWhy::ReadAs {
        writer: a.meta.label.clone(),
        reader: b.meta.label.clone(),
    }
    .into()
}
