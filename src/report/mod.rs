//! Renderers over one list of findings. None of them recomputes a verdict.

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

/// Totals shown by every renderer.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub formats: usize,
    pub versions: usize,
    pub pairs: usize,
    /// Files scanned (byte-prefiltered or parsed).
    pub files: usize,
}

impl Summary {
    pub fn count(
        findings: &[crate::findings::Finding],
        formats: usize,
        versions: usize,
        pairs: usize,
    ) -> Summary {
        use crate::findings::Level;
        Summary {
            errors: findings.iter().filter(|f| f.level == Level::Error).count(),
            warnings: findings
                .iter()
                .filter(|f| f.level == Level::Warning)
                .count(),
            formats,
            versions,
            pairs,
            files: 0,
        }
    }
}
