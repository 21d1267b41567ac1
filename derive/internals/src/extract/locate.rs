use crate::schema::Origin;
use proc_macro2::Span;

/// Turns spans into file positions. Outside a proc-macro, spans carry line and column
/// (proc-macro2's `span-locations`); the byte offset is recovered from the text.
pub struct Locator<'a> {
    pub file: String,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    pub fn new(file: impl Into<String>, text: &'a str) -> Locator<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        Locator { file: file.into(), text, line_starts }
    }

    /// For the derive: no file text, lines as the compiler reports them.
    pub fn detached() -> Locator<'static> {
        Locator { file: String::new(), text: "", line_starts: vec![0] }
    }

    pub fn origin(&self, span: Span) -> Origin {
        let start = span.start();
        let end = span.end();
        let offset = self.offset(start.line, start.column);
        let end_off = self.offset(end.line, end.column).max(offset);
        Origin { file: self.file.clone(), line: start.line as u32, offset, len: end_off - offset }
    }

    /// Byte offset of a (1-based line, 0-based char column) position.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        if line == 0 || line > self.line_starts.len() {
            return 0;
        }
        let start = self.line_starts[line - 1];
        let rest = &self.text[start.min(self.text.len())..];
        start + rest.char_indices().nth(column).map(|(i, _)| i).unwrap_or(rest.len().min(column))
    }
}
