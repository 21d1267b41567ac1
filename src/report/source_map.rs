//! The text of the files a report points into, kept as they are read: the input stage records
//! each file here, the reports read snippets from it.

use std::collections::{BTreeMap, HashSet};

/// The text of files reports point into, by the path shown to users. Files read from disk are
/// read again when a report needs them (most runs print no snippet at all), and only those: a
/// path that was refused (a symlink out of the root) is never opened to show a snippet. Texts
/// that exist nowhere else (a git revision's blobs) are kept.
#[derive(Default)]
pub struct SourceMap {
    pub texts: BTreeMap<String, String>,
    /// Paths read from disk and found safe to read again.
    pub on_disk: HashSet<String>,
    /// The files most recently read again: findings come sorted by format, so consecutive
    /// ones mostly show the same few files. Bounded, so that a report never holds a tree.
    recent: std::sync::Mutex<std::collections::VecDeque<(String, std::sync::Arc<str>)>>,
}

/// How many re-read files `SourceMap` keeps.
const RECENT: usize = 8;

impl SourceMap {
    pub fn get(&self, path: &str) -> Option<Text<'_>> {
        if let Some(t) = self.texts.get(path) {
            return Some(Text::Held(t));
        }
        if !self.on_disk.contains(path) {
            return None;
        }
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, t)) = recent.iter().find(|(p, _)| p == path) {
            return Some(Text::Reread(t.clone()));
        }
        let text: std::sync::Arc<str> = std::fs::read_to_string(path).ok()?.into();
        if recent.len() == RECENT {
            recent.pop_back();
        }
        recent.push_front((path.to_string(), text.clone()));
        Some(Text::Reread(text))
    }
}

/// A file's text: held since it was read, or read again for a report.
pub enum Text<'a> {
    Held(&'a str),
    Reread(std::sync::Arc<str>),
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Text::Held(t) => t,
            Text::Reread(t) => t,
        }
    }
}
