//! Versions across history: released versions (snapshots, or the tree at a git revision) are the
//! decoders deployed today; the working tree's versions are what will be deployed next.

pub mod baseline;
pub mod changes;
pub mod git;

use crate::deployment::Deployment;
use crate::schema::Schema;
use std::collections::BTreeMap;

/// One format's versions: from the source under review, and as released.
#[derive(Default)]
pub struct Chain {
    pub current: Vec<Schema>,
    pub released: Vec<Schema>,
}

pub fn chains(current: Vec<Schema>, released: Vec<Schema>) -> BTreeMap<String, Chain> {
    let mut m: BTreeMap<String, Chain> = BTreeMap::new();
    for s in current {
        m.entry(s.name.clone()).or_default().current.push(s);
    }
    for s in released {
        m.entry(s.name.clone()).or_default().released.push(s);
    }
    for c in m.values_mut() {
        c.current.sort_by_key(|s| s.version);
        c.released.sort_by_key(|s| s.version);
    }
    m
}

/// What was analysed, for the summary line.
#[derive(Default, Clone, Copy)]
pub struct Counts {
    pub versions: usize,
    pub pairs: usize,
}

/// How many distinct versions a chain has (a source version replaces its released schema).
pub fn version_count(chain: &Chain) -> usize {
    let mut v: Vec<u32> = chain
        .released
        .iter()
        .chain(&chain.current)
        .map(|s| s.version)
        .collect();
    v.sort_unstable();
    v.dedup();
    v.len()
}

/// The chain's versions, oldest first, each as its shapes: one schema, or one per group of
/// builds that compile it differently. A version in the source replaces its released schema.
pub fn versions(chain: &Chain) -> Vec<Vec<&Schema>> {
    let mut by: BTreeMap<u32, Vec<&Schema>> = BTreeMap::new();
    for r in &chain.released {
        by.entry(r.version).or_default().push(r);
    }
    let mut replaced = std::collections::BTreeSet::new();
    for c in &chain.current {
        if replaced.insert(c.version) {
            by.insert(c.version, Vec::new());
        }
        by.entry(c.version).or_default().push(c);
    }
    by.into_values().collect()
}

/// What analysing one pair of shapes costs beyond walking their values (the rules, the
/// readings of each kind of session), in the same units: a value walked.
pub const PAIR_COST: u64 = 64;

/// The work of analysing `new` against each of `olds` (and alone, when `alone`), in values
/// walked: both versions' values per pair, once for EMS and once per critical property either
/// carries. `size` is a version's value count (`Schema::expansion`).
pub fn window_work(
    olds: &[&Schema],
    new: &Schema,
    alone: bool,
    size: &dyn Fn(&Schema) -> u64,
) -> u64 {
    let props = |a: &Schema, b: Option<&Schema>| {
        let mut p: std::collections::BTreeSet<String> = a.properties().into_iter().collect();
        if let Some(b) = b {
            p.extend(b.properties());
        }
        1 + p.len() as u64
    };
    let mut w = if alone {
        (size(new) + PAIR_COST).saturating_mul(props(new, None))
    } else {
        0
    };
    for o in olds {
        w = w.saturating_add((size(o) + size(new) + PAIR_COST).saturating_mul(props(o, Some(new))));
    }
    w
}

/// The critical properties any version of the chain carries.
pub fn property_count(chain: &Chain) -> usize {
    let all: std::collections::BTreeSet<String> = chain
        .released
        .iter()
        .chain(&chain.current)
        .flat_map(|s| s.properties())
        .collect();
    all.len()
}

/// A version as deployed: its sessions meet the decoders of the older versions that may still
/// run beside it. The unit the rules check and the fixes are proven on.
pub struct Window<'a> {
    pub olds: Vec<&'a Schema>,
    pub new: &'a Schema,
    /// Whether the version is also checked alone (a window of a released version changed in
    /// place is only the pair: the version itself has its own window).
    pub alone: bool,
    /// Whether a fix may be searched: a version with one shape among versions with one shape
    /// (fixes are proven for one schema per version).
    pub fixable: bool,
}

/// The windows of one format: every version (each shape of it) with the older versions within
/// `keep` (each shape of them) and, for a version with several shapes, its other shapes, since
/// builds of one version may serve one fleet. A version in the source replaces its released
/// schema; one released and changed in place gets a window against its released schema too.
pub fn windows(chain: &Chain, fleet: Deployment) -> Vec<Window<'_>> {
    let mut out = Vec::new();
    for c in &chain.current {
        let same_version: Vec<&Schema> = chain
            .released
            .iter()
            .filter(|r| r.version == c.version)
            .collect();
        // The released shape of the same builds, else the released version's only shape.
        let r = same_version
            .iter()
            .find(|r| r.build == c.build)
            .or(same_version.first().filter(|_| same_version.len() == 1));
        if let Some(r) = r.filter(|r| !r.same_as(c)) {
            out.push(Window {
                olds: vec![r],
                new: c,
                alone: false,
                fixable: true,
            });
        }
    }
    let versions = versions(chain);
    let single = versions.iter().all(|v| v.len() == 1);
    for (j, shapes) in versions.iter().enumerate() {
        let first = fleet.first_beside(j);
        for (k, new) in shapes.iter().enumerate() {
            out.push(Window {
                olds: versions[first..j]
                    .iter()
                    .flatten()
                    .chain(&shapes[..k])
                    .copied()
                    .collect(),
                new,
                alone: true,
                fixable: single,
            });
        }
    }
    out
}

/// The version `no-older-version-to-compare` reports: a format whose only known version is above
/// 1 and that nothing released (snapshot, schema file, revision) accompanies, a version edited
/// in place, which a check would compare with nothing.
pub fn nothing_to_compare(chain: &Chain) -> Option<&Schema> {
    if !chain.released.is_empty() {
        return None;
    }
    let first = chain.current.first()?;
    if first.version <= 1 || chain.current.iter().any(|s| s.version != first.version) {
        return None;
    }
    Some(first)
}

/// How a released version's schema changed: the verdict `released-schema-changed` reports
/// (`rules::released_schema_changed` puts it into words). Each holds the schema as released and
/// the one that differs from it.
#[derive(Clone, Copy)]
pub enum Change<'a> {
    /// The source holds a released version, under its number, with another schema.
    InPlace {
        released: &'a Schema,
        current: &'a Schema,
    },
    /// A revision released the version with another schema than the working tree's schema file
    /// for it.
    SchemaFileEdited {
        released: &'a Schema,
        file: &'a Schema,
    },
    /// Two revisions released one version number with two schemas.
    Rereleased {
        first: &'a Schema,
        again: &'a Schema,
    },
    /// A released type is now another format: its `#[session(name)]` was edited, or the
    /// configuration moved it.
    Renamed {
        released: &'a Schema,
        current: &'a Schema,
    },
}

impl<'a> Change<'a> {
    /// The schema as released, and the one that differs from it.
    pub fn sides(self) -> (&'a Schema, &'a Schema) {
        match self {
            Change::InPlace { released, current }
            | Change::SchemaFileEdited {
                released,
                file: current,
            }
            | Change::Rereleased {
                first: released,
                again: current,
            }
            | Change::Renamed { released, current } => (released, current),
        }
    }
}
