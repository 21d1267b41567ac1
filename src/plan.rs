//! Rollout gates (`sessionlint plan`): for each version's writer, the oldest decoder version
//! that may still be in the fleet when the writer is switched on, read off the findings of every
//! co-deployed pair. A decoder blocks a writer when an error-level finding says it mishandles
//! that writer's sessions (in either direction of the pair); a warning about it is a cost (its
//! servers fall back to full handshakes).

use crate::deployment::Deployment;
use crate::findings::{Finding, Level};
use crate::rules::Side;
use serde::Serialize;
use std::collections::BTreeMap;

/// Why one decoder version is where the gate is, or what it costs.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub decoder: u32,
    pub rules: Vec<String>,
    pub message: String,
}

/// The gate of one version's writer.
#[derive(Clone, Debug, Serialize)]
pub struct Gate {
    pub format: String,
    /// Who holds the sessions: servers (tickets, caches) or clients (client caches).
    pub role: crate::schema::Role,
    pub writer: u32,
    /// The smallest known version N such that every known decoder version ≥ N handles the
    /// writer's sessions with no error-level finding (`None`: there is none).
    pub min_decoder: Option<u32>,
    /// The decoders below the gate that mishandle the writer's sessions (errors).
    pub blocked_by: Vec<Verdict>,
    /// Decoders at or above the gate that refuse some of the writer's sessions (warnings): full
    /// handshakes while they remain.
    pub costs: Vec<Verdict>,
    /// The writer's version can ship first as a reader that still writes the version before it.
    pub reader_first: Option<ReaderFirst>,
}

/// A two-step rollout: the new code reading the new format while writing the previous one,
/// then the writer switched on.
#[derive(Clone, Debug, Serialize)]
pub struct ReaderFirst {
    /// The version the reader step writes.
    pub writes: u32,
    /// The reader step's gate: the gate of the version it writes.
    pub reader_min_decoder: Option<u32>,
    /// The writer step's gate: this version's.
    pub writer_min_decoder: Option<u32>,
}

/// The gates of every version of every format. `versions`: each format's known versions;
/// `fleet`: which versions run beside each; `findings`: the
/// run's findings after the configuration's levels and allows.
pub fn gates(
    versions: &BTreeMap<String, Vec<u32>>,
    fleet: Deployment,
    findings: &[Finding],
) -> Vec<Gate> {
    let mut out = Vec::new();
    for (format, vs) in versions {
        let mut vs = vs.clone();
        vs.sort_unstable();
        vs.dedup();
        let mine: Vec<&Finding> = findings.iter().filter(|f| &f.format == format).collect();
        let role = mine.first().map(|f| f.role).unwrap_or_default();
        let mut gates: Vec<Gate> = Vec::new();
        for (j, &writer) in vs.iter().enumerate() {
            let decoders = &vs[fleet.first_beside(j)..];
            let mut g = gate(format, writer, decoders, &mine);
            g.role = role;
            gates.push(g);
        }
        // A version whose writer is gated above the lowest decoder can ship as a reader first,
        // when its decoder handles the previous version's sessions.
        for j in 1..gates.len() {
            let (prev, this) = (&gates[j - 1], &gates[j]);
            // The new decoder reads the previous writer's sessions without error or refusal.
            let reads_previous = !prev
                .blocked_by
                .iter()
                .chain(&prev.costs)
                .any(|b| b.decoder == this.writer)
                && prev.min_decoder.is_some_and(|m| m <= this.writer);
            // Worth a split only where some decoder in the window blocks the writer.
            let gated = !this.blocked_by.is_empty() || this.min_decoder.is_none();
            if reads_previous && gated {
                let rf = ReaderFirst {
                    writes: prev.writer,
                    reader_min_decoder: prev.min_decoder,
                    writer_min_decoder: this.min_decoder,
                };
                gates[j].reader_first = Some(rf);
            }
        }
        out.extend(gates);
    }
    out
}

fn gate(format: &str, writer: u32, decoders: &[u32], findings: &[&Finding]) -> Gate {
    // What each decoder does with the writer's sessions.
    let about = |d: u32, level: Level| -> Vec<&Finding> {
        findings
            .iter()
            .copied()
            .filter(|f| f.level == level)
            .filter(|f| {
                let side = f.rule.decoder_side();
                if d == writer {
                    f.older_version.is_none() && f.newer_version == writer
                } else if d < writer {
                    f.older_version == Some(d)
                        && f.newer_version == writer
                        && side == Some(Side::Older)
                } else {
                    f.older_version == Some(writer)
                        && f.newer_version == d
                        && side == Some(Side::Newer)
                }
            })
            .collect()
    };
    let verdict = |d: u32, fs: &[&Finding]| Verdict {
        decoder: d,
        rules: {
            let mut r: Vec<String> = fs.iter().map(|f| f.rule.id().to_string()).collect();
            r.sort();
            r.dedup();
            r
        },
        message: fs.first().map(|f| f.message.clone()).unwrap_or_default(),
    };
    let errors: Vec<(u32, Vec<&Finding>)> = decoders
        .iter()
        .map(|&d| (d, about(d, Level::Error)))
        .collect();
    // The smallest decoder from which on every decoder is clean.
    let mut min_decoder = None;
    for (i, &d) in decoders.iter().enumerate() {
        if errors[i..].iter().all(|(_, e)| e.is_empty()) {
            min_decoder = Some(d);
            break;
        }
    }
    let blocked_by = errors
        .iter()
        .filter(|(d, e)| !e.is_empty() && min_decoder.is_none_or(|m| *d < m))
        .map(|(d, e)| verdict(*d, e))
        .collect();
    let costs = decoders
        .iter()
        .filter(|&&d| min_decoder.is_some_and(|m| d >= m))
        .filter_map(|&d| {
            let mut w = about(d, Level::Warning);
            w.extend(about(d, Level::Notice));
            (!w.is_empty()).then(|| verdict(d, &w))
        })
        .collect();
    Gate {
        format: format.to_string(),
        role: Default::default(),
        writer,
        min_decoder,
        blocked_by,
        costs,
        reader_first: None,
    }
}

/// The plan in words, one paragraph per gate.
pub fn describe(g: &Gate, lowest: Option<u32>) -> Vec<String> {
    let mut lines = Vec::new();
    let head = format!("{} v{}", g.format, g.writer);
    let peer = match g.role {
        crate::schema::Role::Server => "server",
        crate::schema::Role::Client => "client",
    };
    match g.min_decoder {
        None => lines.push(format!(
            "{head}: do not enable the writer: no decoder version handles its sessions without an error ({})",
            g.blocked_by
                .iter()
                .map(|b| format!("v{}: {}", b.decoder, b.rules.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Some(m) if Some(m) == lowest || g.blocked_by.is_empty() => {
            lines.push(format!("{head}: the writer may be enabled with every known decoder in the fleet"))
        }
        Some(m) => {
            let why: Vec<String> = g
                .blocked_by
                .iter()
                .map(|b| format!("v{}: {}", b.decoder, b.message))
                .collect();
            lines.push(format!(
                "{head}: enable the writer only when no {peer} older than v{m} remains ({})",
                why.join("; ")
            ))
        }
    }
    for c in &g.costs {
        lines.push(format!(
            "  cost while v{} remains: {} ({})",
            c.decoder,
            c.message,
            c.rules.join(", ")
        ));
    }
    if let Some(rf) = &g.reader_first {
        let at = |m: Option<u32>| match m {
            Some(m) if Some(m) == lowest => "at any time".to_string(),
            Some(m) => format!("when no {peer} older than v{m} remains"),
            None => "never (its writer has no safe gate)".to_string(),
        };
        lines.push(format!(
            "  reader first: ship v{} writing v{}'s format {}, then switch its writer on {}",
            g.writer,
            rf.writes,
            at(rf.reader_min_decoder),
            at(rf.writer_min_decoder)
        ));
    }
    lines
}
