//! A schema flattened into the slots its encoder writes or its decoder reads, in order.

// The slot model and the analysis types this walker shares with the rest of `layout`.
use super::*;

/// Which side a layout describes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Encoder(Want),
    Decoder,
}

pub(super) struct Flat<'a> {
    pub(super) schema: &'a Schema,
    pub(super) side: Side,
}

impl Flat<'_> {
    pub(super) fn root(&self) -> Option<Vec<Slot>> {
        let root = Ty::Named {
            name: self.schema.root.clone(),
        };
        let dispatch = |e: &crate::schema::EnumDef| {
            e.tag_width.is_some() && !e.variants.iter().any(|v| v.current)
        };
        if let (Side::Encoder(want), Some(TypeDef::Enum(e))) = (self.side, self.schema.root_def()) {
            if dispatch(e) {
                // A root that dispatches on a value (its protocol version) writes every variant.
                return self.ty(&root, want, None, &self.schema.root, 0);
            }
            // A root enum whose variants are versions: its encoder writes one.
            let v = root_variant(e, self.schema)?;
            let idx = e.variants.iter().position(|x| x.ident == v.ident)?;
            let mut slots = self.ty(&root, want, None, &self.schema.root, 0)?;
            let first = slots.first_mut()?;
            if !first
                .meta
                .allowed
                .as_ref()
                .is_some_and(|a| a.contains(&idx))
            {
                return None;
            }
            first.meta.allowed = Some(vec![idx]);
            return Some(slots);
        }
        let want = match self.side {
            Side::Encoder(w) => w,
            Side::Decoder => Want::Any,
        };
        self.ty(&root, want, None, &self.schema.root, 0)
    }

    pub(super) fn holds(&self, f: &Field) -> bool {
        f.session.ems.is_some() || self.schema.holds_carrier(&f.ty)
    }

    pub(super) fn fields(
        &self,
        fields: &[Field],
        want: Want,
        owner: &str,
        depth: usize,
    ) -> Option<Vec<Slot>> {
        let mut out = Vec::new();
        self.fields_into(fields, want, owner, depth, &mut out)?;
        Some(out)
    }

    /// `fields`, appended to `out` (one vector for a whole layout: nested types are not copied
    /// level by level).
    pub(super) fn fields_into(
        &self,
        fields: &[Field],
        want: Want,
        owner: &str,
        depth: usize,
        out: &mut Vec<Slot>,
    ) -> Option<()> {
        if want == Want::Ems
            && !fields
                .iter()
                .any(|f| self.holds(f) && f.write != Write::Never)
        {
            return None;
        }
        for f in fields {
            let label = crate::analysis::name(owner, ".", &f.ident);
            match self.side {
                Side::Encoder(_) if f.write == Write::Never => continue,
                Side::Decoder if !f.read => continue,
                _ => {}
            }
            let w = if self.holds(f) { want } else { Want::Any };
            let start = out.len();
            // Custom code is a layout of its own; the same code on the same type is the same
            // layout in both versions. A modelled adapter writes its form (`ty`).
            if (f.custom_codec && !f.codec_wire) || f.flatten {
                let meta = Meta {
                    holds: self.holds(f),
                    label: label.clone(),
                    ..Meta::default()
                };
                let name = match f.codec_id() {
                    Some(id) if !f.flatten => id,
                    _ => [label.as_str(), " (custom serde code)"].concat(),
                };
                out.push(Slot {
                    atom: Atom::Opaque(name),
                    meta,
                });
            } else {
                self.ty_into(&f.ty, w, Some(f), &label, depth + 1, out)?;
            }
            if self.side != Side::Decoder && f.session.version_field.is_some() {
                if let Some(s) = out.get_mut(start) {
                    s.meta.val =
                        Some(f.session.writes.unwrap_or(self.schema.version as u64) as i128);
                }
            }
            if self.side == Side::Decoder && f.wire.if_remaining {
                let slots: Vec<Slot> = out.drain(start..).collect();
                out.push(Slot {
                    atom: Atom::Tail(slots, f.wire.lenient),
                    meta: Meta {
                        label: label.clone(),
                        ..Meta::default()
                    },
                });
            }
            let conditional =
                matches!(f.write, Write::Unless(_)) && !(want == Want::Ems && self.holds(f));
            if matches!(self.side, Side::Encoder(_)) && conditional {
                let slots: Vec<Slot> = out.drain(start..).collect();
                out.push(Slot {
                    atom: Atom::Cond(slots),
                    meta: Meta {
                        label: label.clone(),
                        ..Meta::default()
                    },
                });
            }
        }
        Some(())
    }

    pub(super) fn ty(
        &self,
        ty: &Ty,
        want: Want,
        field: Option<&Field>,
        label: &str,
        depth: usize,
    ) -> Option<Vec<Slot>> {
        let mut out = Vec::new();
        self.ty_into(ty, want, field, label, depth, &mut out)?;
        Some(out)
    }

    /// A sequence's slot: its prefix widths and limits, and whether the encoder is forced to
    /// write elements (the EMS carrier inside, or a decoder's minimum length).
    pub(super) fn seq_slot(
        &self,
        of: &Ty,
        want: Want,
        field: Option<&Field>,
        label: &str,
        depth: usize,
        meta: &mut Meta,
    ) -> Atom {
        let enc = matches!(self.side, Side::Encoder(_));
        meta.forced = enc && want == Want::Ems;
        let widths = field.and_then(|f| f.wire.prefix.clone());
        let max = field.and_then(|f| f.wire.max_len.clone());
        let min = field.and_then(|f| f.wire.min_len).unwrap_or(0);
        // An encoder never writes fewer elements than its decoder accepts.
        meta.forced |= enc && min > 0;
        if !enc {
            meta.min_len = min;
        }
        self.seq(of, want, widths, max, label, depth)
    }

    /// A tuple's items: the carrier sits in the first item that can hold it.
    pub(super) fn tuple_into(
        &self,
        items: &[Ty],
        want: Want,
        label: &str,
        depth: usize,
        out: &mut Vec<Slot>,
    ) -> Option<()> {
        let at = items.iter().position(|t| self.schema.holds_carrier(t));
        let wants = items.iter().enumerate().map(|(i, t)| {
            let w = if want == Want::Ems && Some(i) == at {
                Want::Ems
            } else {
                Want::Any
            };
            (t, w)
        });
        self.items_into(wants, label, depth, out)
    }

    /// `ty`, appended to `out`.
    pub(super) fn ty_into(
        &self,
        ty: &Ty,
        want: Want,
        field: Option<&Field>,
        label: &str,
        depth: usize,
        out: &mut Vec<Slot>,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            out.push(Slot {
                atom: Atom::Opaque("recursion limit".into()),
                meta: Meta::default(),
            });
            return Some(());
        }
        let marker = field.and_then(|f| f.session.ems.clone());
        let want = self.narrowed(ty, want, marker.is_some())?;
        let enc = matches!(self.side, Side::Encoder(_));
        let mut meta = self.meta(field, label);
        if enc {
            // The encoder's carrier holds exactly the value of the kind of session asked for.
            meta.val = match (ty, &marker) {
                (Ty::Bool, Some(m @ EmsMarker::Flag))
                | (Ty::Int { .. }, Some(m @ EmsMarker::Mask { .. })) => carrier_value(m, want),
                _ => None,
            };
        }
        let mut one = |atom: Atom, meta: Meta| {
            out.push(Slot { atom, meta });
            Some(())
        };
        match ty {
            Ty::Bool => one(Atom::Bool, meta),
            Ty::Int { signed, bits } => one(
                Atom::Int {
                    signed: *signed,
                    bits: *bits,
                },
                meta,
            ),
            Ty::Float { bits } => one(Atom::Float { bits: *bits }, meta),
            Ty::Char => one(Atom::Char, meta),
            Ty::Str => one(Atom::Str, meta),
            Ty::Unit => Some(()),
            Ty::Option { of } => {
                let slot = self.option_slot(of, want, field, label, depth, meta);
                one(slot.atom, slot.meta)
            }
            Ty::Seq { of } => {
                let atom = self.seq_slot(of, want, field, label, depth, &mut meta);
                one(atom, meta)
            }
            Ty::Array { of, len } => {
                // The first element carries what the array must hold; the rest may be anything.
                let first = std::iter::once((&**of, want));
                let rest = std::iter::repeat_n((&**of, Want::Any), (*len).clamp(1, 4096) - 1);
                self.items_into(first.chain(rest).take(*len), label, depth, out)
            }
            Ty::Tuple { items } => self.tuple_into(items, want, label, depth, out),
            Ty::Map { key, value } => {
                let k = self.ty(key, Want::Any, None, label, depth + 1)?;
                let v = self.ty(value, Want::Any, None, label, depth + 1)?;
                one(Atom::Map(k, v), meta)
            }
            Ty::Opaque { name } => one(Atom::Opaque(name.clone()), meta),
            Ty::Named { name } => self.named_into(name, want, marker.as_ref(), meta, depth, out),
        }
    }

    /// A length-prefixed list of `of`: each nested level takes the next declared width.
    pub(super) fn seq(
        &self,
        of: &Ty,
        want: Want,
        widths: Option<crate::schema::Prefix>,
        max: Option<crate::schema::Limits>,
        label: &str,
        depth: usize,
    ) -> Atom {
        let width = widths
            .as_ref()
            .and_then(|w| w.0.first().copied())
            .unwrap_or(0);
        let inner = match of {
            Ty::Seq { of: inner } if depth < MAX_DEPTH => vec![Slot {
                atom: self.seq(
                    inner,
                    want,
                    widths.map(|w| w.inner()),
                    max.as_ref().and_then(|m| m.inner()),
                    label,
                    depth + 1,
                ),
                meta: Meta {
                    label: label.to_string(),
                    ..Meta::default()
                },
            }],
            _ => self
                .ty(of, want, None, label, depth + 1)
                .unwrap_or_default(),
        };
        Atom::Seq(inner, width, max.map(|m| m.0[0]))
    }

    /// A type defined in the schema: a struct's fields in order, or an enum; appended to `out`.
    pub(super) fn named_into(
        &self,
        name: &str,
        want: Want,
        marker: Option<&EmsMarker>,
        meta: Meta,
        depth: usize,
        out: &mut Vec<Slot>,
    ) -> Option<()> {
        match self.schema.type_def(name) {
            None => out.push(Slot {
                atom: Atom::Opaque(name.to_string()),
                meta,
            }),
            Some(TypeDef::Struct(s)) if s.style == Style::Unit => {}
            Some(TypeDef::Struct(s)) => {
                return self.fields_into(&s.fields, want, &s.name, depth + 1, out)
            }
            Some(TypeDef::Enum(e)) => out.extend(self.enum_slots(e, want, marker, meta, depth)?),
        }
        Some(())
    }

    /// The slots of consecutive items, each of the kind asked, appended to `out`; `None` if one
    /// cannot be written.
    pub(super) fn items_into<'t>(
        &self,
        items: impl Iterator<Item = (&'t Ty, Want)>,
        label: &str,
        depth: usize,
        out: &mut Vec<Slot>,
    ) -> Option<()> {
        for (t, w) in items {
            self.ty_into(t, w, None, label, depth + 1, out)?;
        }
        Some(())
    }

    /// The kind of session a value must belong to: only a value that holds the carrier can be
    /// EMS or non-EMS (`None`: an EMS session cannot be written through it); others are anything.
    pub(super) fn narrowed(&self, ty: &Ty, want: Want, is_carrier: bool) -> Option<Want> {
        if is_carrier || self.schema.holds_carrier(ty) {
            Some(want)
        } else if want == Want::Ems {
            None
        } else {
            Some(Want::Any)
        }
    }

    /// What one slot knows of its field: the encoder's own flag bits, or the decoder's checks.
    pub(super) fn meta(&self, field: Option<&Field>, label: &str) -> Meta {
        let marker = field.and_then(|f| f.session.ems.clone());
        let mut meta = Meta {
            label: label.to_string(),
            carrier: marker.is_some(),
            ..Meta::default()
        };
        if matches!(self.side, Side::Encoder(_)) {
            meta.writes_bits = field.and_then(|f| f.session.known_bits);
            // What it writes: its `values`, else what its own decoder's `check` admits (a
            // version writes no session it would not resume itself).
            meta.values = field.and_then(|f| f.session.values.clone().or(f.session.check.clone()));
            if let Some(EmsMarker::Mask { mask }) = &marker {
                meta.writes_mask = *mask;
            }
        } else {
            meta.check = field.and_then(|f| f.session.check.clone());
            // A carrier the decoder reads but does not act on reads nothing as EMS.
            meta.marker = field.and_then(acted_on).cloned();
            meta.accepts = field.and_then(|f| f.session.version_field.clone());
            meta.known_bits = field.and_then(|f| f.session.known_bits);
            meta.one_is_true = field.is_some_and(|f| f.wire.one_is_true);
        }
        meta
    }

    /// An `Option`: a flag carrier on `Option<bool>` stays on the bool; on any other `Option`,
    /// `Some` is the EMS value and the payload is anything. The encoder writes `Some` for EMS
    /// sessions, and only `None` for non-EMS ones when `Some` would mean EMS.
    pub(super) fn option_slot(
        &self,
        of: &Ty,
        want: Want,
        field: Option<&Field>,
        label: &str,
        depth: usize,
        mut meta: Meta,
    ) -> Slot {
        let rule = OptionFlag::of(field.and_then(|f| f.session.ems.as_ref()), of);
        let inner_field = if rule == OptionFlag::OnPayload {
            field
        } else {
            None
        };
        let inner_want = if rule == OptionFlag::IsSome {
            Want::Any
        } else {
            want
        };
        let inner = self
            .ty(of, inner_want, inner_field, label, depth + 1)
            .unwrap_or_default();
        if matches!(self.side, Side::Encoder(_)) {
            meta.forced = want == Want::Ems;
            if rule == OptionFlag::IsSome && want == Want::NonEms {
                meta.allowed = Some(vec![0]);
            }
        }
        Slot {
            atom: Atom::Opt(inner),
            meta,
        }
    }

    /// Which kind of payload a variant may hold: `None` when the encoder writes no such session
    /// in it (EMS lives in another variant, or nowhere in this one).
    pub(super) fn variant_want(
        &self,
        v: &crate::schema::Variant,
        carrier: Option<&str>,
        want: Want,
    ) -> Option<Want> {
        match (carrier, want) {
            (Some(m), Want::Ems) => (v.ident == m).then_some(Want::Any),
            (Some(m), Want::NonEms) => (v.ident != m).then_some(Want::Any),
            (None, Want::Ems) => v.fields.iter().any(|f| self.holds(f)).then_some(Want::Ems),
            (_, w) => Some(w),
        }
    }

    pub(super) fn enum_slots(
        &self,
        e: &crate::schema::EnumDef,
        want: Want,
        marker: Option<&EmsMarker>,
        mut meta: Meta,
        depth: usize,
    ) -> Option<Vec<Slot>> {
        if e.repr != EnumRepr::External && e.tag_width.is_none() {
            // bincode and postcard cannot decode tagged or untagged enums at all (they need
            // deserialize_any).
            return Some(vec![Slot {
                atom: Atom::Opaque([e.name.as_str(), " (a non-external enum)"].concat()),
                meta,
            }]);
        }
        let enc = matches!(self.side, Side::Encoder(_));
        let carrier = marker.and_then(EmsMarker::variant);
        let mut variants = Vec::new();
        let mut allowed = Vec::new();
        for (i, v) in e.variants.iter().enumerate() {
            let vw = self.variant_want(v, carrier, want);
            let payload = self.fields(
                &v.fields,
                vw.unwrap_or(Want::Any),
                &crate::analysis::name(&e.name, "::", &v.ident),
                depth + 1,
            );
            if vw.is_some() && payload.is_some() && (!enc || v.write) {
                allowed.push(i);
            }
            variants.push((v.ident.clone(), payload.unwrap_or_default()));
        }
        if enc {
            if allowed.is_empty() {
                return None;
            }
            meta.allowed = Some(allowed);
        }
        let other = e.variants.iter().position(|v| v.other);
        let tags = e
            .tag_width
            .map(|w| (w, e.variants.iter().map(|v| v.tag_value).collect()));
        Some(vec![Slot {
            atom: Atom::Enum {
                variants,
                other,
                tags,
            },
            meta,
        }])
    }
}
