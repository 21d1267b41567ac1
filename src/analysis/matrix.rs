//! Who can read what: for every (decoder version, encoder version) of one format, what happens
//! to EMS and to non-EMS sessions. Each cell is read off the same [`Reading::misread`] that the
//! rules report, so a cell is UNSAFE exactly where an error finding covers it.

use super::verdict::{reading, Kind};
use crate::deployment::Deployment;
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

/// `fleet`: which versions run beside each (others are `NotCoDeployed`). A version
/// given several times is one with several shapes (builds that compile it differently): its
/// cells are the worst of its shapes'.
pub fn matrix(versions: &[&Schema], fleet: Deployment) -> Matrix {
    let mut sorted: Vec<&Schema> = versions.to_vec();
    sorted.sort_by_key(|s| s.version);
    let grouped = group(&sorted);
    let (ems, non_ems) = grids(&grouped, fleet);
    let names: std::collections::BTreeSet<String> =
        sorted.iter().flat_map(|s| s.properties()).collect();
    // Each property's grids are the EMS grids of the versions projected on it, as its rules are.
    let properties = names
        .into_iter()
        .map(|name| {
            let projected: Vec<Schema> = sorted.iter().map(|s| s.project(&name)).collect();
            let refs: Vec<&Schema> = projected.iter().collect();
            let (with, without) = grids(&group(&refs), fleet);
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

/// The grids of sessions that carry EMS and of those that do not, for versions in order.
#[allow(clippy::type_complexity)]
fn grids(versions: &[Vec<&Schema>], fleet: Deployment) -> (Vec<Vec<Cell>>, Vec<Vec<Cell>>) {
    let one = |dec: &Schema, enc: &Schema, kind: Kind| -> Cell {
        let Some(r) = reading(dec, enc, kind) else {
            return Cell::None;
        };
        if r.misread(kind).is_some() {
            Cell::Unsafe
        } else if r.accepts() {
            Cell::Resumes
        } else {
            Cell::FullHandshake
        }
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
        versions[i]
            .iter()
            .flat_map(|d| versions[j].iter().map(move |e| one(d, e, kind)))
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
