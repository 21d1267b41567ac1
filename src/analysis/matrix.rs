//! Who can read what: for every (decoder version, encoder version) of one format, what happens
//! to EMS and to non-EMS sessions. Each cell is read off the same [`Reading::misread`] that the
//! rules report, so a cell is UNSAFE exactly where an error finding covers it; a review reads the
//! cells of co-deployed pairs off the rules' own verdicts ([`Known`]) rather than analysing each
//! pair again.

use super::verdict::{reading, Kind, PairVerdict, Reading};
use crate::deployment::Deployment;
use crate::schema::Schema;
use serde::Serialize;
use std::collections::HashMap;

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
    /// The two versions are further apart than `keep`: never deployed side by side, not checked.
    NotCoDeployed,
}

impl Cell {
    pub fn label(self) -> &'static str {
        match self {
            Cell::Resumes => "resumes",
            Cell::FullHandshake => "full handshake",
            Cell::Unsafe => "UNSAFE",
            Cell::None => "-",
            Cell::NotCoDeployed => "not co-deployed",
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
    /// The same two grids for each critical property any version carries.
    pub properties: Vec<PropertyMatrix>,
}

/// One critical property's grids: sessions that carry it, and sessions that do not.
#[derive(Clone, Debug, Serialize)]
pub struct PropertyMatrix {
    pub name: String,
    pub with: Vec<Vec<Cell>>,
    pub without: Vec<Vec<Cell>>,
}

/// The cells the rules' pair verdicts hold: a decoder shape reading an encoder shape's EMS and
/// non-EMS sessions, by the two schemas and the property (`None`: EMS). Schemas are known by
/// address: the windows the rules judge and the matrices read one chain's schemas, and two
/// shapes of one version may be equal in everything but where they are compiled.
#[derive(Default)]
pub struct Known {
    cells: HashMap<(usize, usize, Option<String>), [Cell; 2]>,
}

impl Known {
    /// Both directions of `v`, the verdict of `older` and `newer` (of their projections on
    /// `property`, when given).
    pub fn record(
        &mut self,
        older: &Schema,
        newer: &Schema,
        property: Option<&str>,
        v: &PairVerdict,
    ) {
        let cells = |r: &super::verdict::Readings| {
            [
                cell(r.ems.as_ref(), Kind::Ems),
                cell(r.non_ems.as_ref(), Kind::NonEms),
            ]
        };
        self.cells
            .insert(key(older, newer, property), cells(&v.forward));
        self.cells
            .insert(key(newer, older, property), cells(&v.backward));
    }

    /// How many (decoder, encoder, property) cells are known.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether no verdict was recorded.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Takes in what another thread's rules recorded.
    pub fn extend(&mut self, other: Known) {
        self.cells.extend(other.cells);
    }

    fn get(
        &self,
        decoder: &Schema,
        encoder: &Schema,
        property: Option<&str>,
        kind: Kind,
    ) -> Option<Cell> {
        let [ems, non_ems] = *self.cells.get(&key(decoder, encoder, property))?;
        Some(match kind {
            Kind::Ems => ems,
            Kind::NonEms => non_ems,
        })
    }
}

fn key(
    decoder: &Schema,
    encoder: &Schema,
    property: Option<&str>,
) -> (usize, usize, Option<String>) {
    (
        decoder as *const Schema as usize,
        encoder as *const Schema as usize,
        property.map(str::to_string),
    )
}

/// What a decoder does with one kind of session, given its reading (`None`: the encoder writes
/// no such session).
fn cell(r: Option<&Reading>, kind: Kind) -> Cell {
    let Some(r) = r else {
        return Cell::None;
    };
    if r.misread(kind).is_some() {
        Cell::Unsafe
    } else if r.accepts() {
        Cell::Resumes
    } else {
        Cell::FullHandshake
    }
}

/// `fleet`: which versions run beside each (others are `NotCoDeployed`). A version
/// given several times is one with several shapes (builds that compile it differently): its
/// cells are the worst of its shapes'.
pub fn matrix(versions: &[&Schema], fleet: Deployment) -> Matrix {
    matrix_with(versions, fleet, &Known::default())
}

/// `matrix`, reading the cells `known` holds instead of analysing those pairs again.
pub fn matrix_with(versions: &[&Schema], fleet: Deployment, known: &Known) -> Matrix {
    let mut sorted: Vec<&Schema> = versions.to_vec();
    sorted.sort_by_key(|s| s.version);
    let grouped = group(&sorted);
    let (ems, non_ems) = grids(&grouped, &grouped, None, fleet, known);
    let names: std::collections::BTreeSet<String> =
        sorted.iter().flat_map(|s| s.properties()).collect();
    // Each property's grids are the EMS grids of the versions projected on it, as its rules are.
    let properties = names
        .into_iter()
        .map(|name| {
            let projected: Vec<Schema> = sorted.iter().map(|s| s.project(&name)).collect();
            let refs: Vec<&Schema> = projected.iter().collect();
            let (with, without) = grids(&group(&refs), &grouped, Some(&name), fleet, known);
            PropertyMatrix {
                name,
                with,
                without,
            }
        })
        .collect();
    let mut versions: Vec<u32> = sorted.iter().map(|s| s.version).collect();
    versions.dedup();
    Matrix {
        format: sorted.first().map(|s| s.name.clone()).unwrap_or_default(),
        versions,
        ems,
        non_ems,
        properties,
    }
}

/// Schemas sorted by version, grouped: one group per version, one schema per shape.
fn group<'a>(sorted: &[&'a Schema]) -> Vec<Vec<&'a Schema>> {
    let mut out: Vec<Vec<&Schema>> = Vec::new();
    for s in sorted {
        match out.last_mut() {
            Some(g) if g[0].version == s.version => g.push(s),
            _ => out.push(vec![s]),
        }
    }
    out
}

/// The grids of sessions that carry EMS and of those that do not, for versions in order
/// (`originals`: the same shapes before projection on `property`, by which `known` holds them).
#[allow(clippy::type_complexity)]
fn grids(
    versions: &[Vec<&Schema>],
    originals: &[Vec<&Schema>],
    property: Option<&str>,
    fleet: Deployment,
    known: &Known,
) -> (Vec<Vec<Cell>>, Vec<Vec<Cell>>) {
    let one = |(i, a): (usize, usize), (j, b): (usize, usize), kind: Kind| -> Cell {
        known
            .get(originals[i][a], originals[j][b], property, kind)
            .unwrap_or_else(|| cell(reading(versions[i][a], versions[j][b], kind).as_ref(), kind))
    };
    // The worst a shape of the decoder can do with a shape of the encoder's sessions.
    let rank = |c: Cell| match c {
        Cell::Unsafe => 3,
        Cell::FullHandshake => 2,
        Cell::Resumes => 1,
        _ => 0,
    };
    let cell = |i: usize, j: usize, kind: Kind| -> Cell {
        if !fleet.together(i, j) {
            return Cell::NotCoDeployed;
        }
        (0..versions[i].len())
            .flat_map(|a| (0..versions[j].len()).map(move |b| one((i, a), (j, b), kind)))
            .max_by_key(|c| rank(*c))
            .unwrap_or(Cell::None)
    };
    let n = versions.len();
    let grid = |kind: Kind| {
        (0..n)
            .map(|i| (0..n).map(|j| cell(i, j, kind)).collect())
            .collect()
    };
    (grid(Kind::Ems), grid(Kind::NonEms))
}
