//! Who can read what: for every (decoder version, encoder version) of one format, what happens
//! to EMS and to non-EMS sessions. Computed here so that renderers only lay it out.

use super::{decode_sessions, Want};
use crate::schema::Schema;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cell {
    /// Accepted, and read with the right EMS status.
    Resumes,
    /// Rejected: a full handshake.
    FullHandshake,
    /// Accepted with the wrong EMS status (or possibly, where the layout makes it data-dependent).
    Unsafe,
    /// The encoder writes no such session.
    None,
}

impl Cell {
    pub fn label(self) -> &'static str {
        match self {
            Cell::Resumes => "resumes",
            Cell::FullHandshake => "full handshake",
            Cell::Unsafe => "UNSAFE",
            Cell::None => "-",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    pub format: String,
    /// Versions in order; rows are decoders, columns encoders.
    pub versions: Vec<u32>,
    pub ems: Vec<Vec<Cell>>,
    pub non_ems: Vec<Vec<Cell>>,
}

pub fn matrix(versions: &[&Schema]) -> Matrix {
    let mut sorted: Vec<&Schema> = versions.to_vec();
    sorted.sort_by_key(|s| s.version);
    let cell = |dec: &Schema, enc: &Schema, ems: bool| -> Cell {
        let want = match (ems, enc.ems_carrier().is_some()) {
            (true, false) => return Cell::None,
            (true, true) => Want::Ems,
            (false, true) => Want::NonEms,
            (false, false) => Want::Any,
        };
        let Some(o) = decode_sessions(dec, enc, want) else {
            return Cell::None;
        };
        let dec_carries = dec.ems_carrier().is_some();
        if ems {
            if o.plain.is_some() || o.dd.is_some() {
                Cell::Unsafe
            } else if o.ems.is_some() {
                Cell::Resumes
            } else {
                Cell::FullHandshake
            }
        } else if o.ems.is_some() || (o.dd.is_some() && dec_carries) {
            Cell::Unsafe
        } else if o.accepts() {
            Cell::Resumes
        } else {
            Cell::FullHandshake
        }
    };
    let grid = |ems: bool| {
        sorted
            .iter()
            .map(|d| sorted.iter().map(|e| cell(d, e, ems)).collect())
            .collect()
    };
    Matrix {
        format: sorted.first().map(|s| s.name.clone()).unwrap_or_default(),
        versions: sorted.iter().map(|s| s.version).collect(),
        ems: grid(true),
        non_ems: grid(false),
    }
}
