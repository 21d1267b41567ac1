//! Versions across history: released versions (snapshots, or the tree at a git revision) are the
//! decoders deployed today; the working tree's versions are what will be deployed next.

pub mod git;
pub mod snapshots;

use crate::findings::Finding;
use crate::rules;
use crate::schema::Schema;
use crate::snapshot::to_toml;
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

/// How many pair analyses `analyse` will run for a chain, before it runs any: each pair is
/// analysed for EMS and again for each critical property of the chain.
pub fn pair_count(chain: &Chain, keep: Option<usize>) -> usize {
    let n = version_count(chain);
    let pairs: usize = (0..n)
        .map(|j| j - keep.map(|k| j.saturating_sub(k)).unwrap_or(0))
        .sum();
    pairs.saturating_mul(1 + property_count(chain))
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

/// Every finding for one format: released versions changed in place, then every (older decoder,
/// newer encoder) pair within `keep`, where a version in the source replaces its released schema.
pub fn analyse(
    chain: &Chain,
    keep: Option<usize>,
    budget: &mut crate::fixes::Budget,
) -> (Vec<Finding>, Counts) {
    let mut out = Vec::new();
    let mut counts = Counts::default();
    let mut by_version: BTreeMap<u32, &Schema> = BTreeMap::new();
    for r in &chain.released {
        by_version.insert(r.version, r);
    }
    for c in &chain.current {
        if let Some(r) = by_version.get(&c.version) {
            if !r.same_as(c) {
                // Released decoders of this version will meet the changed encoder.
                let mut pair = vec![changed(r, c)];
                pair.extend(rules::check_pair(r, c));
                crate::fixes::attach(&[r], c, &mut pair, budget);
                out.extend(pair);
                counts.pairs += 1;
            }
        }
        by_version.insert(c.version, c);
    }
    let versions: Vec<&Schema> = by_version.into_values().collect();
    counts.versions = versions.len();
    for j in 0..versions.len() {
        let first = keep.map(|k| j.saturating_sub(k)).unwrap_or(0);
        counts.pairs += j - first;
    }
    let mut chained = rules::check_chain(&versions, keep);
    crate::fixes::attach_chain(&versions, keep, &mut chained, budget);
    out.extend(chained);
    (out, counts)
}

/// `released-schema-changed`: `current` claims a released version with another schema.
pub fn changed(released: &Schema, current: &Schema) -> Finding {
    let mut f = Finding::new(
        &rules::released_schema_changed::RULE,
        Some(released),
        current,
        format!(
            "{} v{} was released as {}, and its schema has changed in the source without a new version number",
            current.name, current.version, released.origin.file
        ),
    )
    .at(&current.origin, None);
    f.reasons = schema_diff(released, current);
    f
}

/// The lines that differ between two schemas' TOML forms, for the reason chain.
fn schema_diff(a: &Schema, b: &Schema) -> Vec<String> {
    let (ta, tb) = (to_toml(a), to_toml(b));
    let la: Vec<&str> = ta.lines().collect();
    let lb: Vec<&str> = tb.lines().collect();
    let mut out = Vec::new();
    for l in &la {
        if !lb.contains(l) {
            out.push(format!("released: {l}"));
        }
    }
    for l in &lb {
        if !la.contains(l) {
            out.push(format!("source:   {l}"));
        }
    }
    out.truncate(12);
    out
}
