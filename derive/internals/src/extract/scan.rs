//! Byte-level location of items, so that only the items that can matter are parsed with syn.
//!
//! The scan must be sound: it may select an item that turns out not to be a session type, never
//! miss one. Two layers:
//! - a prefilter over bytes (`may_hold_session`): a file can hold a session item only if it
//!   contains a derive name (`SessionState` or an alias of it) or the identifier `session`
//!   followed by `(`, `]`, `=` or a comment: the `#[session(...)]` helper, which cannot be renamed;
//! - a lexer over candidate files that knows Rust's comments (nested), strings, raw strings, byte
//!   and C strings, char literals and lifetimes, so that text inside them never starts, ends or
//!   hides an item. An item is a session item when one of its outer attributes names a derive
//!   alias or the `session` helper (directly or inside `cfg_attr`).
//!
//! syn parses a few MB/s; the prefilter runs at memory speed and the lexer only on candidates.

/// Byte range of one item in a file, from its first outer attribute to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemSpan {
    pub start: usize,
    pub end: usize,
}

/// Why a candidate file could not be scanned: the byte offset and what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanError {
    pub at: usize,
    pub what: &'static str,
}

/// The derive names that mark a session item: `SessionState` and its `use ... as` aliases.
#[derive(Clone, Debug)]
pub struct Markers {
    pub derives: Vec<String>,
}

impl Default for Markers {
    fn default() -> Self {
        Markers {
            derives: vec!["SessionState".into()],
        }
    }
}

impl Markers {
    /// Adds every `SessionState as Alias` found in `text`. Aliases are a convenience (roots are
    /// anchored on `#[session(...)]` whatever the derive is called); missing one loses nothing.
    /// Returns whether `SessionState` occurs in `text` at all (then the file is a candidate).
    pub fn learn_aliases(&mut self, text: &str) -> bool {
        let (any, aliases) = state_aliases(text);
        self.learn(aliases);
        any
    }

    /// Adds the aliases `state_aliases` found.
    pub fn learn(&mut self, aliases: Vec<String>) {
        for alias in aliases {
            if !self.derives.contains(&alias) {
                self.derives.push(alias);
            }
        }
    }
}

/// Whether `SessionState` occurs in `text`, and every `SessionState as Alias` there.
pub fn state_aliases(text: &str) -> (bool, Vec<String>) {
    let b = text.as_bytes();
    let mut any = false;
    let mut out = Vec::new();
    for i in memchr::memmem::find_iter(b, b"SessionState") {
        any = true;
        let mut j = skip_ws(b, i + "SessionState".len());
        if !b[j..].starts_with(b"as") || ws_at(b, j + 2) == 0 {
            continue;
        }
        j = skip_ws(b, j + 2);
        let k = ident_end(b, j);
        if k > j && &text[j..k] != "_" {
            out.push(text[j..k].to_string());
        }
    }
    (any, out)
}

/// Whether a file's bytes may hold a session item (see the module comment). Works on bytes so
/// that a non-UTF-8 file can be judged too.
pub fn may_hold_session(b: &[u8], markers: &Markers) -> bool {
    markers
        .derives
        .iter()
        .any(|d| contains_word(b, d.as_bytes()))
        || session_helper_hit(b)
}

/// Whether the `len` bytes at `at` stand as a whole identifier (no identifier byte either side).
pub fn is_word_at(hay: &[u8], at: usize, len: usize) -> bool {
    !ident_before(hay, at) && !ident_at(hay, at + len)
}

/// Whether `word` occurs in `hay` as a whole identifier.
pub fn contains_word(hay: &[u8], word: &[u8]) -> bool {
    find_words(hay, word).next().is_some()
}

fn find_words<'h>(hay: &'h [u8], word: &'h [u8]) -> impl Iterator<Item = usize> + 'h {
    memchr::memmem::find_iter(hay, word)
        .filter(move |&at| !ident_before(hay, at) && !ident_at(hay, at + word.len()))
}

/// Where `needle` first occurs in `hay`.
pub fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    // SIMD substring search: the prefilter runs over every byte of every file.
    memchr::memmem::find(hay, needle)
}

/// `session` as a whole identifier followed (after white space) by `(`, `]`, `=` or `/`.
fn session_helper_hit(b: &[u8]) -> bool {
    find_words(b, b"session").any(|at| {
        let next = b.get(skip_ws(b, at + "session".len()));
        matches!(next, None | Some(b'(' | b']' | b'=' | b'/'))
    })
}

/// The length of the white space character at `i` (0 if none). Rust's white space is
/// Pattern_White_Space: besides ASCII space, tab, LF, CR, it has vertical tab and form feed, NEL
/// (U+0085), the left-to-right and right-to-left marks (U+200E, U+200F) and the line and
/// paragraph separators (U+2028, U+2029). Missing one lets `]\u{b}struct` hide an item.
fn ws_at(b: &[u8], i: usize) -> usize {
    match b.get(i..).unwrap_or(&[]) {
        [b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ', ..] => 1,
        [0xc2, 0x85, ..] => 2,
        [0xe2, 0x80, 0x8e | 0x8f | 0xa8 | 0xa9, ..] => 3,
        _ => 0,
    }
}

/// `i` moved past any white space.
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    loop {
        match ws_at(b, i) {
            0 => return i,
            n => i += n,
        }
    }
}

/// Whether the white space character that ends just before `at`, if any.
fn ws_before(b: &[u8], at: usize) -> bool {
    let tail = &b[..at];
    matches!(
        tail.last(),
        Some(b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
    ) || tail.ends_with(&[0xc2, 0x85])
        || (tail.len() >= 3
            && tail[tail.len() - 3..tail.len() - 1] == [0xe2, 0x80]
            && matches!(tail[tail.len() - 1], 0x8e | 0x8f | 0xa8 | 0xa9))
}

/// Whether an identifier character ends just before `at`.
fn ident_before(b: &[u8], at: usize) -> bool {
    at > 0 && is_ident(b[at - 1]) && !ws_before(b, at)
}

/// Whether an identifier character starts at `i`.
fn ident_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(|c| is_ident(*c)) && ws_at(b, i) == 0
}

/// The end of the identifier characters from `i`.
fn ident_end(b: &[u8], mut i: usize) -> usize {
    while ident_at(b, i) {
        i += 1;
    }
    i
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    Punct(u8),
    Literal,
    Lifetime,
    /// `///` or `/** */`: an outer doc attribute in the attribute run.
    DocComment,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

struct Lexer<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str, at: usize) -> Self {
        Lexer {
            b: text.as_bytes(),
            i: at,
        }
    }

    fn err(&self, at: usize, what: &'static str) -> ScanError {
        ScanError { at, what }
    }

    /// The next token, skipping white space and plain comments; `None` at the end.
    fn next(&mut self) -> Result<Option<Tok>, ScanError> {
        let b = self.b;
        let n = b.len();
        loop {
            self.i = skip_ws(b, self.i);
            if self.i >= n {
                return Ok(None);
            }
            let s = self.i;
            let c = b[s];
            let comment = self.comment_at(s)?;
            if let Some((end, doc)) = comment {
                self.i = end;
                if doc {
                    return Ok(Some(Tok {
                        kind: Kind::DocComment,
                        start: s,
                        end,
                    }));
                }
                continue;
            }
            if is_ident_start(c) {
                let (kind, e) = self.word_at(s)?;
                self.i = e;
                return Ok(Some(Tok {
                    kind,
                    start: s,
                    end: e,
                }));
            }
            let (kind, e) = match c {
                b'"' => (Kind::Literal, self.quoted(s, b'"')?),
                b'\'' => self.quote_or_lifetime(s)?,
                b'0'..=b'9' => {
                    let mut e = s;
                    while e < n
                        && (ident_at(b, e)
                            || (b[e] == b'.' && b.get(e + 1).is_some_and(u8::is_ascii_digit)))
                    {
                        e += 1;
                    }
                    (Kind::Literal, e)
                }
                _ => (Kind::Punct(c), s + 1),
            };
            self.i = e;
            return Ok(Some(Tok {
                kind,
                start: s,
                end: e,
            }));
        }
    }

    /// The comment at `s`, if one starts there: its end, and whether it is a doc comment.
    fn comment_at(&self, s: usize) -> Result<Option<(usize, bool)>, ScanError> {
        let (b, n) = (self.b, self.b.len());
        Ok(match (b[s], b.get(s + 1)) {
            (b'/', Some(b'/')) => {
                let end = s + b[s..].iter().position(|c| *c == b'\n').unwrap_or(n - s);
                let doc = b[s..].starts_with(b"///") && !b[s..].starts_with(b"////");
                Some((end, doc))
            }
            (b'/', Some(b'*')) => {
                let end = self.block_comment(s)?;
                let doc = b[s..].starts_with(b"/**")
                    && !b[s..].starts_with(b"/***")
                    && !b[s..].starts_with(b"/**/");
                Some((end, doc))
            }
            _ => None,
        })
    }

    /// The identifier, raw identifier or prefixed literal (`r"…"`, `b'…'`, `c"…"`) at `s`.
    fn word_at(&self, s: usize) -> Result<(Kind, usize), ScanError> {
        let b = self.b;
        let kind;
        let mut e = ident_end(b, s);
        let word = &b[s..e];
        let next = b.get(e).copied();
        match (word, next) {
            (b"r" | b"br" | b"cr", Some(b'"' | b'#')) if self.raw_string_follows(e) => {
                e = self.raw_string(e)?;
                kind = Kind::Literal;
            }
            (b"r", Some(b'#')) => {
                // A raw identifier: r#name.
                e = ident_end(b, e + 1);
                kind = Kind::Ident;
            }
            (b"b" | b"c", Some(b'"')) => {
                e = self.quoted(e, b'"')?;
                kind = Kind::Literal;
            }
            (b"b", Some(b'\'')) => {
                e = self.quoted(e, b'\'')?;
                kind = Kind::Literal;
            }
            _ => kind = Kind::Ident,
        }
        Ok((kind, e))
    }

    fn block_comment(&self, s: usize) -> Result<usize, ScanError> {
        let b = self.b;
        let mut depth = 0usize;
        let mut j = s;
        while j + 1 < b.len() {
            if b[j] == b'/' && b[j + 1] == b'*' {
                depth += 1;
                j += 2;
            } else if b[j] == b'*' && b[j + 1] == b'/' {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return Ok(j);
                }
            } else {
                j += 1;
            }
        }
        Err(self.err(s, "unterminated block comment"))
    }

    fn raw_string_follows(&self, at: usize) -> bool {
        let hashes = self.b[at..].iter().take_while(|c| **c == b'#').count();
        self.b.get(at + hashes) == Some(&b'"')
    }

    /// `#*"..."#*` from `at` (just after the `r`, `br` or `cr` prefix).
    fn raw_string(&self, at: usize) -> Result<usize, ScanError> {
        let b = self.b;
        let hashes = b[at..].iter().take_while(|c| **c == b'#').count();
        let mut j = at + hashes + 1;
        while j < b.len() {
            if b[j] == b'"'
                && b[j + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|c| **c == b'#')
                    .count()
                    == hashes
            {
                return Ok(j + 1 + hashes);
            }
            j += 1;
        }
        Err(self.err(at, "unterminated raw string"))
    }

    /// A string or char body with backslash escapes, from the opening quote at `at`.
    fn quoted(&self, at: usize, q: u8) -> Result<usize, ScanError> {
        let b = self.b;
        let mut j = at + 1;
        while j < b.len() {
            match b[j] {
                b'\\' => j += 2,
                c if c == q => return Ok(j + 1),
                _ => j += 1,
            }
        }
        Err(self.err(at, "unterminated string or character literal"))
    }

    /// `'a'`, `'\n'`, `'\u{..}'` or a lifetime / label `'a`.
    fn quote_or_lifetime(&self, s: usize) -> Result<(Kind, usize), ScanError> {
        let b = self.b;
        if b.get(s + 1) == Some(&b'\\') {
            return Ok((Kind::Literal, self.quoted(s, b'\'')?));
        }
        let ch_len = match b.get(s + 1) {
            Some(c) if *c < 0x80 => 1,
            Some(c) if *c >= 0xF0 => 4,
            Some(c) if *c >= 0xE0 => 3,
            Some(_) => 2,
            None => return Err(self.err(s, "unterminated character literal")),
        };
        if b.get(s + 1 + ch_len) == Some(&b'\'') {
            return Ok((Kind::Literal, s + 2 + ch_len));
        }
        let e = ident_end(b, s + 1);
        Ok((Kind::Lifetime, e.max(s + 1)))
    }
}

/// What a scan of one file found.
#[derive(Clone, Debug, Default)]
pub struct FileScan {
    /// Items whose attributes mark them as session items.
    pub session: Vec<ItemSpan>,
    /// Every `struct`/`enum`/`union` keyword in code with its item's name and start.
    keywords: Vec<Keyword>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Keyword {
    name: String,
    kw: usize,
    start: usize,
}

impl FileScan {
    /// The spans of the items called `name` (attributes included).
    pub fn named(&self, text: &str, name: &str) -> Result<Vec<ItemSpan>, ScanError> {
        self.keywords
            .iter()
            .filter(|k| k.name == name)
            .map(|k| {
                Ok(ItemSpan {
                    start: k.start,
                    end: end_of(text, k.kw, k.start)?,
                })
            })
            .collect()
    }

    /// Every named item, in order: (name, span).
    pub fn all_named(&self, text: &str) -> Result<Vec<(String, ItemSpan)>, ScanError> {
        self.keywords
            .iter()
            .map(|k| {
                Ok((
                    k.name.clone(),
                    ItemSpan {
                        start: k.start,
                        end: end_of(text, k.kw, k.start)?,
                    },
                ))
            })
            .collect()
    }
}

/// After a `#` at `start`: the attribute it opens, as (inner, marked); `None`, with the lexer
/// back after the `#`, when it opens none (a macro's `$(#...)`, a raw string's hash).
fn attribute_after_hash(
    lx: &mut Lexer<'_>,
    markers: &Markers,
    start: usize,
) -> Result<Option<(bool, bool)>, ScanError> {
    let save = lx.i;
    let mut inner = false;
    let mut nt = lx.next()?;
    if matches!(
        nt,
        Some(Tok {
            kind: Kind::Punct(b'!'),
            ..
        })
    ) {
        inner = true;
        nt = lx.next()?;
    }
    if !matches!(
        nt,
        Some(Tok {
            kind: Kind::Punct(b'['),
            ..
        })
    ) {
        lx.i = save;
        return Ok(None);
    }
    let marked = attribute(lx, markers, start)?;
    Ok(Some((inner, marked)))
}

/// Lexes a whole file token by token and returns its session items and every named item. An item
/// that starts but does not end, or a literal or comment that never closes, is an error at its
/// place. The reference for `scan`, which skims instead (tests hold the two equal).
pub fn scan_tokens(text: &str, markers: &Markers) -> Result<FileScan, ScanError> {
    let mut lx = Lexer::new(text, shebang_end(text));
    let mut out = FileScan::default();
    // Start of the current run of outer attributes, and whether one of them marks the item.
    let mut run: Option<usize> = None;
    let mut marked = false;
    while let Some(t) = lx.next()? {
        match t.kind {
            // `#[...]` (outer) or `#![...]` (inner: ends any run).
            Kind::Punct(b'#') => match attribute_after_hash(&mut lx, markers, t.start)? {
                Some((false, m)) => {
                    run.get_or_insert(t.start);
                    marked |= m;
                }
                _ => {
                    run = None;
                    marked = false;
                }
            },
            Kind::DocComment => {}
            // Visibility between attributes and the item: `pub`, `pub(crate)`, `pub(in a::b)`.
            Kind::Ident if word(text, t) == "pub" => skip_restriction(&mut lx, t.start)?,
            Kind::Ident if matches!(word(text, t), "struct" | "enum" | "union") => {
                let save = lx.i;
                let name = lx.next()?;
                match name {
                    Some(n) if n.kind == Kind::Ident => {
                        let start = run.unwrap_or(t.start);
                        let name = word(text, n).trim_start_matches("r#").to_string();
                        if marked {
                            out.session.push(ItemSpan {
                                start,
                                end: end_of(text, t.start, start)?,
                            });
                        }
                        out.keywords.push(Keyword {
                            name,
                            kw: t.start,
                            start,
                        });
                        // A union is never a session type, but its name may be referenced: keep
                        // it in `named` so that resolution reports it rather than missing it.
                        lx.i = n.end;
                    }
                    _ => lx.i = save,
                }
                run = None;
                marked = false;
            }
            _ => {
                run = None;
                marked = false;
            }
        }
    }
    Ok(out)
}

fn word(text: &str, t: Tok) -> &str {
    &text[t.start..t.end]
}

/// Reads an attribute's bracket group (the `[` is consumed); true when it marks a session item:
/// a derive name among its identifiers, or `session` followed by `(`, `]` or `=`.
fn attribute(lx: &mut Lexer<'_>, markers: &Markers, at: usize) -> Result<bool, ScanError> {
    if let Some((marked, end)) = plain_attribute(lx.b, lx.i, markers) {
        lx.i = end;
        return Ok(marked);
    }
    lexed_attribute(lx, markers, at)
}

/// `attribute`, token by token: any attribute, literals, comments and raw identifiers included.
fn lexed_attribute(lx: &mut Lexer<'_>, markers: &Markers, at: usize) -> Result<bool, ScanError> {
    let text_b = lx.b;
    let mut depth = 1usize;
    let mut marked = false;
    let mut last_session = false;
    while let Some(t) = lx.next()? {
        if last_session && matches!(t.kind, Kind::Punct(b'(' | b']' | b'=')) {
            marked = true;
        }
        last_session = false;
        match t.kind {
            Kind::Punct(b'(' | b'[' | b'{') => depth += 1,
            Kind::Punct(b')' | b']' | b'}') => {
                depth -= 1;
                if depth == 0 {
                    return Ok(marked);
                }
            }
            Kind::Ident => {
                let w = &text_b[t.start..t.end];
                let w = w.strip_prefix(b"r#").unwrap_or(w);
                if w == b"session" {
                    last_session = true;
                }
                if markers.derives.iter().any(|d| d.as_bytes() == w) {
                    marked = true;
                }
            }
            _ => {}
        }
    }
    Err(ScanError {
        at,
        what: "unterminated attribute",
    })
}

/// After `pub`: skips a `(crate)`, `(super)` or `(in path)` restriction if one follows.
fn skip_restriction(lx: &mut Lexer<'_>, at: usize) -> Result<(), ScanError> {
    let save = lx.i;
    match lx.next()? {
        Some(Tok {
            kind: Kind::Punct(b'('),
            ..
        }) => skip_group(lx, at),
        _ => {
            lx.i = save;
            Ok(())
        }
    }
}

/// `attribute` for the common case, read byte by byte: an attribute of plain ASCII tokens (no
/// literal, comment, raw identifier, lifetime or non-ASCII byte). Whether it marks its item and
/// where it ends; `None` when it is not such an attribute (the lexer reads it). Most attributes
/// (`derive`, `cfg`, `test`, `inline`) are, and lexing each token cost a sixth of a large check.
fn plain_attribute(b: &[u8], from: usize, markers: &Markers) -> Option<(bool, usize)> {
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut depth = 1usize;
    let mut marked = false;
    let mut i = from;
    while let Some(&c) = b.get(i) {
        match c {
            c if space(c) => i += 1,
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return Some((marked, i));
                }
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = i;
                while b.get(i).is_some_and(|c| word(*c)) {
                    i += 1;
                }
                let w = &b[start..i];
                // `b"..."`, `r#x`, `c'…'`: a prefix of something the lexer reads.
                if matches!(b.get(i), Some(b'"' | b'\'' | b'#')) {
                    return None;
                }
                if w == b"session" {
                    let mut k = i;
                    while b.get(k).is_some_and(|c| space(*c)) {
                        k += 1;
                    }
                    if matches!(b.get(k), Some(b'(' | b']' | b'=')) {
                        marked = true;
                    }
                }
                if markers.derives.iter().any(|d| d.as_bytes() == w) {
                    marked = true;
                }
            }
            // A number, suffix and all.
            b'0'..=b'9' => {
                while b.get(i).is_some_and(|c| word(*c)) {
                    i += 1;
                }
            }
            b',' | b':' | b'=' | b'<' | b'>' | b'!' | b'-' | b'.' | b'&' | b'+' | b'*' | b';'
            | b'|' | b'@' | b'^' | b'%' | b'?' | b'$' | b'~' => i += 1,
            _ => return None,
        }
    }
    None
}

fn skip_group(lx: &mut Lexer<'_>, at: usize) -> Result<(), ScanError> {
    let mut depth = 1usize;
    while let Some(t) = lx.next()? {
        match t.kind {
            Kind::Punct(b'(' | b'[' | b'{') => depth += 1,
            Kind::Punct(b')' | b']' | b'}') => {
                depth -= 1;
                if depth == 0 {
                    return Ok(());
                }
            }
            _ => {}
        }
    }
    Err(ScanError {
        at,
        what: "unterminated group",
    })
}

/// The end of the item whose keyword starts at `kw`: its closing brace, or the `;` of a unit or
/// tuple struct.
fn item_end(text: &str, kw: usize) -> Result<usize, ScanError> {
    let mut lx = Lexer::new(text, kw);
    let mut depth = 0usize;
    while let Some(t) = lx.next()? {
        match t.kind {
            Kind::Punct(b'(' | b'[' | b'{') => depth += 1,
            Kind::Punct(b')' | b']') => {
                depth = depth.checked_sub(1).ok_or(ScanError {
                    at: t.start,
                    what: "unbalanced delimiter in item",
                })?
            }
            Kind::Punct(b'}') => {
                depth = depth.checked_sub(1).ok_or(ScanError {
                    at: t.start,
                    what: "unbalanced delimiter in item",
                })?;
                if depth == 0 {
                    return Ok(t.end);
                }
            }
            Kind::Punct(b';') if depth == 0 => return Ok(t.end),
            _ => {}
        }
    }
    Err(ScanError {
        at: kw,
        what: "item never ends (unterminated struct or enum)",
    })
}

/// One outer attribute `#[...]` (or doc comment) found by the skim.
#[derive(Clone, Copy, Debug)]
struct Attr {
    start: usize,
    end: usize,
    marked: bool,
}

/// The same answer as `scan_tokens`, found without tokenising the whole file: the skim jumps
/// (memchr) from one byte that can start a literal, a comment or an attribute to the next, steps over
/// literals and comments exactly as the lexer does, and hands each attribute (and the few tokens
/// after it) to the lexer. Named items are found on demand (`FileScan::named` is filled for every
/// `struct`/`enum`/`union` keyword in code).
pub fn scan(text: &str, markers: &Markers) -> Result<FileScan, ScanError> {
    let b = text.as_bytes();
    let n = b.len();
    let lx = Lexer::new(text, 0);
    let mut attrs: Vec<Attr> = Vec::new();
    // Literal and comment ranges, in order: a keyword inside one is not code.
    let mut noncode: Vec<(usize, usize)> = Vec::new();
    let code = shebang_end(text);
    let mut i = code;
    // The next `#` at or after `i`, searched for apart from the three literal and comment
    // starts (memchr looks for at most three bytes at once).
    let mut hash = memchr::memchr(b'#', &b[i..]).map_or(n, |k| i + k);
    loop {
        if hash < i {
            hash = memchr::memchr(b'#', &b[i..]).map_or(n, |k| i + k);
        }
        let other = memchr::memchr3(b'"', b'\'', b'/', &b[i..]).map_or(n, |k| i + k);
        i = other.min(hash);
        if i >= n {
            break;
        }
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = i + b[i..].iter().position(|c| *c == b'\n').unwrap_or(n - i);
                noncode.push((i, end));
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = lx.block_comment(i)?;
                noncode.push((i, end));
                i = end;
            }
            b'"' => {
                let (start, end) = match raw_prefix(b, i) {
                    Some((start, hashes)) => (start, lx.raw_string(i - hashes)?),
                    None => (i, lx.quoted(i, b'"')?),
                };
                noncode.push((start, end));
                i = end;
            }
            b'\'' => {
                let byte_char = i > 0 && b[i - 1] == b'b' && !ident_before(b, i - 1);
                let (kind, end) = if byte_char {
                    (Kind::Literal, lx.quoted(i, b'\'')?)
                } else {
                    lx.quote_or_lifetime(i)?
                };
                if kind == Kind::Literal {
                    noncode.push((i, end));
                }
                i = end;
            }
            b'#' => match attribute_at(text, i, markers)? {
                Some((attr, inner)) => {
                    // The attribute's own literals were lexed, not skimmed: the whole attribute
                    // is not code (a keyword in one of its strings starts no item).
                    noncode.push((attr.start, attr.end));
                    i = attr.end;
                    if !inner {
                        attrs.push(attr);
                    }
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    let mut out = items(text, code, &noncode, &attrs)?;
    out.session.sort_by_key(|s| s.start);
    out.keywords.sort_by_key(|k| k.start);
    Ok(out)
}

/// The attribute starting at the `#` at `i`, and whether it is an inner one (`#![...]`);
/// `None` when the `#` starts no attribute (a raw string's or a macro's hash: the bytes after
/// a raw string's hash are the string's, not tokens).
fn attribute_at(
    text: &str,
    i: usize,
    markers: &Markers,
) -> Result<Option<(Attr, bool)>, ScanError> {
    let b = text.as_bytes();
    // `#[` or `#![`, white space (or, absurdly, comments) allowed between.
    let j = skip_ws(b, i + 1);
    let k = if b.get(j) == Some(&b'!') {
        skip_ws(b, j + 1)
    } else {
        j
    };
    if !matches!(b.get(k), Some(b'[' | b'/')) {
        return Ok(None);
    }
    let mut l = Lexer::new(text, i + 1);
    let first = l.next()?;
    let (inner, open) = match first {
        Some(Tok {
            kind: Kind::Punct(b'!'),
            ..
        }) => (true, l.next()?),
        t => (false, t),
    };
    if !matches!(
        open,
        Some(Tok {
            kind: Kind::Punct(b'['),
            ..
        })
    ) {
        return Ok(None);
    }
    let marked = attribute(&mut l, markers, i)?;
    Ok(Some((
        Attr {
            start: i,
            end: l.i,
            marked,
        },
        inner,
    )))
}

/// Every `struct`/`enum`/`union` item in code (not in `noncode`), with the session items
/// among them (those whose attributes mark them).
fn items(
    text: &str,
    code: usize,
    noncode: &[(usize, usize)],
    attrs: &[Attr],
) -> Result<FileScan, ScanError> {
    let b = text.as_bytes();
    let mut out = FileScan::default();
    let in_code = |at: usize| {
        let k = noncode.partition_point(|r| r.1 <= at);
        noncode.get(k).is_none_or(|r| at < r.0)
    };
    for kw in ["struct", "enum", "union"] {
        for at in find_words(b, kw.as_bytes()) {
            if at < code || !in_code(at) || (at >= 2 && &b[at - 2..at] == b"r#") {
                continue;
            }
            let mut l = Lexer::new(text, at + kw.len());
            let Some(name) = l.next()? else { continue };
            if name.kind != Kind::Ident {
                continue;
            }
            let (start, marked) = attribute_run(text, attrs, at)?;
            let name = word(text, name).trim_start_matches("r#").to_string();
            // Where an item ends is found only for the items asked for: session items now,
            // others when a type of that name is looked up.
            if marked {
                out.session.push(ItemSpan {
                    start,
                    end: end_of(text, at, start)?,
                });
            }
            out.keywords.push(Keyword {
                name,
                kw: at,
                start,
            });
        }
    }
    Ok(out)
}

/// `item_end`, with an item that never ends reported where it starts.
/// The items `keyword NAME ...` (`fn`, `const`) in code, not in comments or strings: each from
/// its keyword to its end. For reading `#[serde(default = "path")]` functions and the consts
/// they return, without parsing whole files.
pub fn code_items(text: &str, keyword: &str, name: &str) -> Result<Vec<(usize, usize)>, ScanError> {
    let mut out = Vec::new();
    if !contains_word(text.as_bytes(), name.as_bytes()) {
        return Ok(out);
    }
    let mut lx = Lexer::new(text, shebang_end(text));
    let mut prev: Option<Tok> = None;
    while let Some(t) = lx.next()? {
        if t.kind == Kind::Ident && word(text, t) == name {
            if let Some(k) = prev.filter(|p| p.kind == Kind::Ident && word(text, *p) == keyword) {
                out.push((k.start, item_end(text, k.start)?));
            }
        }
        prev = Some(t);
    }
    Ok(out)
}

/// Whether the file defines or imports one of `words`: an identifier of them right after `struct`,
/// `enum`, `union`, `type`, `const`, `static`, `fn`, `mod`, `trait` or `as`, or anywhere in a
/// `use` item. Comments and strings do not count; a file that cannot be lexed does (the caller
/// must then read it).
pub fn defines_or_imports(text: &str, words: &std::collections::HashSet<&str>) -> bool {
    if !words
        .iter()
        .any(|w| contains_word(text.as_bytes(), w.as_bytes()))
    {
        return false;
    }
    let mut lx = Lexer::new(text, shebang_end(text));
    let mut prev: Option<Tok> = None;
    let mut in_use = false;
    loop {
        let t = match lx.next() {
            Ok(Some(t)) => t,
            Ok(None) => return false,
            Err(_) => return true,
        };
        if t.kind == Kind::Ident {
            let w = word(text, t);
            if w == "use" {
                in_use = true;
            } else if words.contains(w) {
                let after_keyword = prev.is_some_and(|p| {
                    p.kind == Kind::Ident
                        && matches!(
                            word(text, p),
                            "struct"
                                | "enum"
                                | "union"
                                | "type"
                                | "const"
                                | "static"
                                | "fn"
                                | "mod"
                                | "trait"
                                | "as"
                        )
                });
                if in_use || after_keyword {
                    return true;
                }
            }
        } else if t.kind == Kind::Punct(b';') {
            in_use = false;
        }
        prev = Some(t);
    }
}

/// The bodies of `macro_rules!` definitions in code: an item written there is a template the
/// macro expands (with `$` fragments substituted), not an item of the file.
pub fn macro_rules_bodies(text: &str) -> Result<Vec<(usize, usize)>, ScanError> {
    let mut out = Vec::new();
    if !contains_word(text.as_bytes(), b"macro_rules") {
        return Ok(out);
    }
    let mut lx = Lexer::new(text, shebang_end(text));
    while let Some(t) = lx.next()? {
        if t.kind == Kind::Ident && word(text, t) == "macro_rules" {
            let end = item_end(text, t.start)?;
            out.push((t.start, end));
            lx.i = end;
        }
    }
    Ok(out)
}

/// Rust code a file takes from another file: `include!(...)` and `#[path = "..."] mod name;`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum External {
    /// `include!` at byte `at`: the path it names, or `None` when its argument is not one string
    /// literal (`concat!(env!("OUT_DIR"), "/gen.rs")`: code written at build time).
    Include { at: usize, path: Option<String> },
    /// `#[path = "..."] mod name;` at byte `at` (its attribute), inside the inline `mod` blocks
    /// `modules`.
    PathMod {
        at: usize,
        path: String,
        modules: Vec<String>,
    },
}

/// The index of the first token from `j` that is not part of an attribute, a doc comment or
/// a visibility.
fn past_attributes(text: &str, toks: &[Tok], mut j: usize) -> usize {
    let is = |i: usize, k: Kind| toks.get(i).is_some_and(|t| t.kind == k);
    let word_is = |i: usize, w: &str| is(i, Kind::Ident) && word(text, toks[i]) == w;
    loop {
        if is(j, Kind::Punct(b'#')) && is(j + 1, Kind::Punct(b'[')) {
            let mut depth = 0usize;
            j += 1;
            while let Some(t) = toks.get(j) {
                match t.kind {
                    Kind::Punct(b'[') => depth += 1,
                    Kind::Punct(b']') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            j += 1;
        } else if is(j, Kind::DocComment) {
            j += 1;
        } else if word_is(j, "pub") {
            j += 1;
            if is(j, Kind::Punct(b'(')) {
                while toks.get(j).is_some_and(|t| t.kind != Kind::Punct(b')')) {
                    j += 1;
                }
                j += 1;
            }
        } else {
            break;
        }
    }
    j
}

/// Every `include!` and `#[path] mod` in code (not in comments or strings).
pub fn external_code(text: &str) -> Result<Vec<External>, ScanError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    if !contains_word(b, b"include") && !contains_word(b, b"path") {
        return Ok(out);
    }
    let mut toks = Vec::new();
    let mut lx = Lexer::new(text, shebang_end(text));
    while let Some(t) = lx.next()? {
        toks.push(t);
    }
    let is = |i: usize, k: Kind| toks.get(i).is_some_and(|t| t.kind == k);
    let word_is = |i: usize, w: &str| is(i, Kind::Ident) && word(text, toks[i]) == w;
    let string = |t: Tok| -> Option<String> {
        parse_bounded::<syn::LitStr>(&text[t.start..t.end]).map(|l| l.value())
    };
    for i in 0..toks.len() {
        if word_is(i, "include") && is(i + 1, Kind::Punct(b'!')) {
            // The argument: one string literal between the delimiters, else generated code.
            let open = i + 2;
            let close = match toks.get(open).map(|t| t.kind) {
                Some(Kind::Punct(b'(')) => b')',
                Some(Kind::Punct(b'[')) => b']',
                Some(Kind::Punct(b'{')) => b'}',
                _ => continue,
            };
            let lit = (is(open + 1, Kind::Literal) && is(open + 2, Kind::Punct(close)))
                .then(|| string(toks[open + 1]))
                .flatten();
            out.push(External::Include {
                at: toks[i].start,
                path: lit,
            });
        }
        if is(i, Kind::Punct(b'#'))
            && is(i + 1, Kind::Punct(b'['))
            && word_is(i + 2, "path")
            && is(i + 3, Kind::Punct(b'='))
            && is(i + 4, Kind::Literal)
            && is(i + 5, Kind::Punct(b']'))
        {
            let Some(path) = string(toks[i + 4]) else {
                continue;
            };
            // Past other attributes and a visibility to `mod NAME ;`.
            let j = past_attributes(text, &toks, i + 6);
            if word_is(j, "mod") && is(j + 1, Kind::Ident) && is(j + 2, Kind::Punct(b';')) {
                out.push(External::PathMod {
                    at: toks[i].start,
                    path,
                    modules: modules_at(text, toks[i].start)?,
                });
            }
        }
    }
    Ok(out)
}

/// The inline `mod` blocks enclosing byte `at` of the file, outermost first.
pub fn modules_at(text: &str, at: usize) -> Result<Vec<String>, ScanError> {
    if !contains_word(text.as_bytes(), b"mod") {
        return Ok(Vec::new());
    }
    let mut lx = Lexer::new(text, shebang_end(text));
    let mut braces: Vec<Option<String>> = Vec::new();
    let (mut prev, mut prev2): (Option<Tok>, Option<Tok>) = (None, None);
    while let Some(t) = lx.next()? {
        if t.start >= at {
            break;
        }
        match t.kind {
            Kind::Punct(b'{') => {
                let is_mod = prev2.is_some_and(|x| x.kind == Kind::Ident && word(text, x) == "mod");
                braces.push(
                    prev.filter(|p| is_mod && p.kind == Kind::Ident)
                        .map(|p| word(text, p).to_string()),
                );
            }
            Kind::Punct(b'}') => {
                braces.pop();
            }
            _ => {}
        }
        prev2 = prev;
        prev = Some(t);
    }
    Ok(braces.into_iter().flatten().collect())
}

/// Every `use ...;` item in code: its span from the keyword to the end.
pub fn code_uses(text: &str) -> Result<Vec<(usize, usize)>, ScanError> {
    let mut out = Vec::new();
    if !contains_word(text.as_bytes(), b"use") {
        return Ok(out);
    }
    let mut lx = Lexer::new(text, shebang_end(text));
    while let Some(t) = lx.next()? {
        if t.kind == Kind::Ident && word(text, t) == "use" {
            // A `use` ends at its `;`: its braces group paths, they do not end it.
            let mut depth = 0usize;
            while let Some(u) = lx.next()? {
                match u.kind {
                    Kind::Punct(b'{') => depth += 1,
                    Kind::Punct(b'}') => depth = depth.saturating_sub(1),
                    Kind::Punct(b';') if depth == 0 => {
                        out.push((t.start, u.end));
                        break;
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(out)
}

/// Every module-level `type NAME ... ;` item in code (in a file or in `mod` blocks, not in
/// `impl` or `trait` blocks, whose `type`s are associated types): name and span from the
/// keyword to the end.
pub fn type_aliases(text: &str) -> Result<Vec<(String, usize, usize)>, ScanError> {
    let mut out = Vec::new();
    if !contains_word(text.as_bytes(), b"type") {
        return Ok(out);
    }
    let mut lx = Lexer::new(text, shebang_end(text));
    // For each open brace: whether it opens a `mod` block.
    let mut braces: Vec<bool> = Vec::new();
    let (mut prev, mut prev2): (Option<Tok>, Option<Tok>) = (None, None);
    while let Some(t) = lx.next()? {
        let is = |x: Option<Tok>, w: &str| {
            x.is_some_and(|x| x.kind == Kind::Ident && word(text, x) == w)
        };
        match t.kind {
            Kind::Punct(b'{') => {
                braces.push(is(prev2, "mod") && prev.is_some_and(|p| p.kind == Kind::Ident))
            }
            Kind::Punct(b'}') => {
                braces.pop();
            }
            Kind::Ident if is(prev, "type") && braces.iter().all(|m| *m) => {
                let k = prev.expect("checked");
                let end = item_end(text, k.start)?;
                out.push((word(text, t).to_string(), k.start, end));
            }
            _ => {}
        }
        prev2 = prev;
        prev = Some(t);
    }
    Ok(out)
}

fn end_of(text: &str, kw: usize, start: usize) -> Result<usize, ScanError> {
    item_end(text, kw).map_err(|e| ScanError {
        at: if e.at == kw { start } else { e.at },
        ..e
    })
}

/// Where the code of a file starts: after a shebang line (`#!` first, not an inner attribute).
fn shebang_end(text: &str) -> usize {
    let b = text.as_bytes();
    if !b.starts_with(b"#!") || b.get(skip_ws(b, 2)) == Some(&b'[') {
        return 0;
    }
    memchr::memchr(b'\n', b).unwrap_or(b.len())
}

/// Where the string whose opening quote is at `q` really starts, if it is raw (`r"`, `r#"`,
/// `br"`, `cr##"`): the prefix's first byte and the number of hashes.
fn raw_prefix(b: &[u8], q: usize) -> Option<(usize, usize)> {
    let hashes = b[..q].iter().rev().take_while(|c| **c == b'#').count();
    let r = q.checked_sub(hashes + 1)?;
    if b[r] != b'r' {
        return None;
    }
    let start = if r > 0 && matches!(b[r - 1], b'b' | b'c') {
        r - 1
    } else {
        r
    };
    // `r#r#"`: the first `r#r` is a raw identifier, not a prefix.
    if ident_before(b, start)
        || (start >= 2 && &b[start - 2..start] == b"r#" && !ident_before(b, start - 2))
    {
        return None;
    }
    Some((start, hashes))
}

/// The outer attributes right before the item keyword at `kw` (white space, comments and
/// visibility between them): where the run starts, and whether one of them marks the item.
fn attribute_run(text: &str, attrs: &[Attr], kw: usize) -> Result<(usize, bool), ScanError> {
    let mut k = attrs.partition_point(|a| a.end <= kw);
    let mut start = kw;
    let mut marked = false;
    // Visibility may stand between the attributes and the keyword.
    let mut limit = kw;
    while k > 0 {
        let a = attrs[k - 1];
        if !only_visibility_between(text, a.end, limit)? {
            break;
        }
        start = a.start;
        marked |= a.marked;
        limit = a.start;
        k -= 1;
    }
    Ok((start, marked))
}

/// Whether the text from `from` to `to` holds nothing but white space, plain comments and a
/// visibility (`pub`, `pub(crate)`, `pub(in path)`).
fn only_visibility_between(text: &str, from: usize, to: usize) -> Result<bool, ScanError> {
    let mut l = Lexer::new(text, from);
    while let Some(t) = l.next()? {
        if t.start >= to {
            return Ok(true);
        }
        match t.kind {
            Kind::DocComment => {}
            Kind::Ident if word(text, t) == "pub" => skip_restriction(&mut l, t.start)?,
            _ => return Ok(false),
        }
    }
    Ok(true)
}

/// How deeply delimiters and generic brackets nest in `text` (an over-estimate: a `<` that is a
/// comparison counts too). syn parses nested types recursively, so a snippet nested deeper than
/// a fixed bound is refused before it is parsed rather than allowed to overflow the stack.
/// `text` parsed with syn, unless it nests deeper than `super::workspace::MAX_NESTING` (syn's
/// parser recurses per level: a hostile file must not exhaust the stack).
pub fn parse_bounded<T: syn::parse::Parse>(text: &str) -> Option<T> {
    if nesting(text) > super::workspace::MAX_NESTING {
        return None;
    }
    syn::parse_str(text).ok()
}

pub fn nesting(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut lx = Lexer::new(text, 0);
    while let Ok(Some(t)) = lx.next() {
        match t.kind {
            Kind::Punct(b'(' | b'[' | b'{' | b'<') => {
                depth += 1;
                max = max.max(depth);
            }
            Kind::Punct(b')' | b']' | b'}' | b'>') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-level reading of an attribute agrees with the lexer's wherever it answers: on
    /// every attribute of this repository's own sources, and on hand-picked edges.
    #[test]
    fn plain_attributes_read_as_the_lexer_reads_them() {
        let mut markers = Markers::default();
        markers.learn(vec!["Sess".into()]);
        let by_lexer = |text: &str, at: usize| {
            let mut lx = Lexer::new(text, at);
            let marked = lexed_attribute(&mut lx, &markers, at).ok()?;
            Some((marked, lx.i))
        };
        let edges = [
            "#[derive(Debug, SessionState)] struct A;",
            "#[derive(Debug, a::Sess)] struct A;",
            "#[session (name = \"x\")] struct A;",
            "#[session] struct A;",
            "#[x(session = 1)] #[x(session\n= 1)] #[x(session: 1)] struct A;",
            "#[sessions(x)] #[x(session)] #[x(session::y)] struct A;",
            "#[cfg_attr(feature = \"x\", derive(SessionState))] struct A;",
            "#[doc = r#\"]\"#] #[x(b'a', 1u8, 0x1F, 1.5e3, -2)] #[x(r#session(y))] struct A;",
            "#[x(a::<B<'c>>)] #[a {b} [c] (d)] #[x(/* ] */ SessionState)] #[x(// ]\n)] struct A;",
            "#[x(\u{b}session(y))] #[x(\u{2028}y)] #[x(é)] #[unterminated(",
        ];
        let mut texts: Vec<String> = edges.iter().map(|s| s.to_string()).collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for dir in ["src", "tests", "derive/internals/src"] {
            let mut stack = vec![root.join(dir)];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "rs") {
                        texts.extend(std::fs::read_to_string(&p).ok());
                    }
                }
            }
        }
        let (mut fast, mut all) = (0, 0);
        for text in &texts {
            for at in text.match_indices("#[").map(|(i, _)| i + 2) {
                all += 1;
                if let Some(got) = plain_attribute(text.as_bytes(), at, &markers) {
                    fast += 1;
                    assert_eq!(Some(got), by_lexer(text, at), "{}", &text[at - 2..]);
                }
            }
        }
        assert!(
            texts.len() > 100 && fast > 1000 && fast < all,
            "{fast} of {all} in {} files",
            texts.len()
        );
    }

    fn items(text: &str) -> Vec<&str> {
        scan(text, &Markers::default())
            .unwrap()
            .session
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn cuts_items_out_of_ordinary_code() {
        let text = "use x;\n\nfn f() { let s = \"}\"; }\n\n/// Doc with } and ;\n#[derive(Serialize, SessionState)]\n#[session(name = \"a;b\", version = 1)]\npub struct T<'a> {\n    a: &'a str, // }\n    b: [u8; 4],\n    c: char,\n}\n\nstruct U;\n";
        let got = items(text);
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with("#[derive"), "{:?}", got[0]);
        assert!(got[0].ends_with('}'));
        assert!(syn::parse_str::<syn::DeriveInput>(got[0]).is_ok());
        let u = scan(text, &Markers::default())
            .unwrap()
            .named(text, "U")
            .unwrap();
        assert_eq!(&text[u[0].start..u[0].end], "struct U;");
        // Not a derive: a use, a comment, an impl.
        assert!(items("use sessionlint::SessionState;\n// #[derive(SessionState)] struct X {}\nimpl SessionState for X {}\n").is_empty());
    }

    #[test]
    fn literals_never_desynchronise_the_scan() {
        let text = concat!(
            "#[doc = br\"\\\"]\nfn a() {}\n",
            "const C: char = '\"'; const D: u8 = b'\\''; const E: &str = r#\"\"}\"#;\n",
            "/* /* nested */ #[derive(SessionState)] struct Fake {} */\n",
            "fn f<'a>(x: &'a str) -> &'a str { x }\n",
            "#[session(version = 1, encoding = \"json\")]\n#[derive(Sess)]\nstruct Real { a: u8 }\n",
        );
        let got = items(text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("struct Real"));
    }

    /// The skim and the token lexer agree on every Rust file of this repository.
    #[test]
    fn the_skim_agrees_with_the_lexer_on_this_repository() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        let mut stack = vec![std::path::PathBuf::from(root)];
        let mut files = 0;
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                if p.is_dir() && name != "target" && name != ".git" {
                    stack.push(p);
                } else if name.ends_with(".rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    let m = Markers::default();
                    let (a, b) = (scan(&text, &m), scan_tokens(&text, &m));
                    match (a, b) {
                        (Ok(a), Ok(b)) => {
                            assert_eq!(a.session, b.session, "{}", p.display());
                            assert_eq!(a.all_named(&text), b.all_named(&text), "{}", p.display());
                        }
                        (a, b) => assert_eq!(a.is_ok(), b.is_ok(), "{}: {a:?} {b:?}", p.display()),
                    }
                    files += 1;
                }
            }
        }
        assert!(files > 50, "{files}");
    }

    /// Found by the `scan_vs_syn` fuzzer: a shebang line is not code, and `r#r#"` is a raw
    /// identifier before a string, not a raw string.
    #[test]
    fn shebangs_and_raw_identifiers() {
        let m = Markers::default();
        for text in [
            "#!/usr/bin/env x \"\n#[session(version = 1)]\nstruct T { a: u8 }\n",
            "#[session(version = 1)]\nstruct T { a: u8 }\nm!(r#r#\"x\");\n",
        ] {
            let (a, b) = (scan(text, &m).unwrap(), scan_tokens(text, &m).unwrap());
            assert_eq!(a.session.len(), 1, "{text:?}");
            assert_eq!(a.session, b.session);
        }
        let bad = "#!.!>?r#r#\"1";
        assert_eq!(scan(bad, &m).is_ok(), scan_tokens(bad, &m).is_ok());
    }

    /// Found by the `scan_vs_syn` fuzzer: a vertical tab is Rust white space.
    #[test]
    fn every_rust_white_space_separates_tokens() {
        for ws in [
            "\u{b}", "\u{c}", "\u{85}", "\u{200e}", "\u{200f}", "\u{2028}", "\u{2029}",
        ] {
            let text = format!(
                "#[session(version = 1)]{ws}struct{ws}T{ws}{{ a: u8 }}\nconst B: &[u8] ={ws}b'x';"
            );
            assert_eq!(items(&text).len(), 1, "{ws:?}");
            assert!(syn::parse_file(&text).is_ok(), "{ws:?}");
            let s = scan_tokens(&text, &Markers::default()).unwrap();
            assert_eq!(s.session.len(), 1, "{ws:?}");
        }
    }

    #[test]
    fn an_unterminated_session_item_is_an_error() {
        let e = scan(
            "#[derive(SessionState)]\nstruct T { a: u8,\n",
            &Markers::default(),
        )
        .unwrap_err();
        assert!(e.what.contains("never ends"), "{e:?}");
    }

    #[test]
    fn aliases_and_the_helper_are_found_by_the_prefilter() {
        let mut m = Markers::default();
        m.learn_aliases("use sessionlint::SessionState as Sess;");
        assert!(m.derives.iter().any(|d| d == "Sess"));
        assert!(may_hold_session(b"#[derive(Sess)] struct A;", &m));
        assert!(may_hold_session(
            b"#[ session ( version = 1 ) ]",
            &Markers::default()
        ));
        assert!(!may_hold_session(
            b"let session_id = 1; // the session is new",
            &Markers::default()
        ));
    }
}
