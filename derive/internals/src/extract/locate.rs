use crate::schema::{Origin, Pos};
use proc_macro2::Span;

/// Turns spans into file positions. Outside a proc-macro, spans carry line and column
/// (proc-macro2's `span-locations`); the byte offset is recovered from the text.
pub struct Locator<'a> {
    pub file: String,
    text: &'a str,
    line_starts: std::borrow::Cow<'a, [usize]>,
    /// Where the parsed snippet starts in the file: 0-based line, char column on that line.
    base_line: usize,
    base_col: usize,
}

/// Byte offsets where the lines of `text` start.
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut out = vec![0];
    out.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    out
}

impl<'a> Locator<'a> {
    pub fn new(file: impl Into<String>, text: &'a str) -> Locator<'a> {
        Locator {
            file: file.into(),
            text,
            line_starts: std::borrow::Cow::Owned(line_starts(text)),
            base_line: 0,
            base_col: 0,
        }
    }

    /// With the file's line starts computed once (`line_starts`) for many items of one file.
    pub fn with_lines(file: impl Into<String>, text: &'a str, lines: &'a [usize]) -> Locator<'a> {
        Locator {
            file: file.into(),
            text,
            line_starts: std::borrow::Cow::Borrowed(lines),
            base_line: 0,
            base_col: 0,
        }
    }

    /// For spans of a snippet cut out of the file at byte `offset`.
    pub fn at(mut self, offset: usize) -> Locator<'a> {
        let line = self
            .line_starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        self.base_line = line;
        self.base_col = self.text[self.line_starts[line]..offset.min(self.text.len())]
            .chars()
            .count();
        self
    }

    /// A position given as a byte offset into the file.
    pub fn origin_at(&self, offset: usize) -> Origin {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|s| *s <= offset);
        Origin {
            file: self.file.clone(),
            line: line as u32,
            offset,
            len: 0,
            attr_at: None,
        }
    }

    /// Where `span` starts, with its column: `None` without the file's text (the derive), where
    /// an offset means nothing.
    pub fn pos(&self, span: Span) -> Option<Pos> {
        if self.text.is_empty() {
            return None;
        }
        let (line, col) = self.absolute(span.start().line, span.start().column);
        (line > 0).then(|| {
            let offset = self.offset(line, col);
            let start = self
                .line_starts
                .get(line - 1)
                .copied()
                .unwrap_or(0)
                .min(offset);
            let before = self.text.get(start..offset).unwrap_or("x");
            Pos {
                offset,
                line: line as u32,
                column: col as u32 + 1,
                indent: before
                    .bytes()
                    .all(|b| b == b' ' || b == b'\t')
                    .then_some(before.len() as u32),
            }
        })
    }

    /// For the derive: no file text, lines as the compiler reports them.
    pub fn detached() -> Locator<'static> {
        Locator {
            file: String::new(),
            text: "",
            line_starts: std::borrow::Cow::Owned(vec![0]),
            base_line: 0,
            base_col: 0,
        }
    }

    pub fn origin(&self, span: Span) -> Origin {
        let (sl, sc) = self.absolute(span.start().line, span.start().column);
        let (el, ec) = self.absolute(span.end().line, span.end().column);
        let offset = self.offset(sl, sc);
        let end_off = self.offset(el, ec).max(offset);
        Origin {
            file: self.file.clone(),
            line: sl as u32,
            offset,
            len: end_off - offset,
            attr_at: None,
        }
    }

    fn absolute(&self, line: usize, column: usize) -> (usize, usize) {
        if line == 0 {
            return (0, 0);
        }
        let col = if line == 1 {
            self.base_col + column
        } else {
            column
        };
        (self.base_line + line, col)
    }

    /// Byte offset of a (1-based line, 0-based char column) position.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        if line == 0 || line > self.line_starts.len() {
            return 0;
        }
        let start = self.line_starts[line - 1];
        let rest = &self.text[start.min(self.text.len())..];
        start
            + rest
                .char_indices()
                .nth(column)
                .map(|(i, _)| i)
                .unwrap_or(rest.len().min(column))
    }
}
