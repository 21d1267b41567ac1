//! Byte-level location of items, so that only the items that can matter are parsed with syn:
//! a file is searched for `SessionState` (or `struct Name`), and the item around a hit is cut out
//! and parsed alone. syn parses a few MB/s; this runs at memory speed.

/// Byte range of one item in a file, from its first attribute or doc comment to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemSpan {
    pub start: usize,
    pub end: usize,
}

pub fn find_all(hay: &str, needle: &str) -> Vec<usize> {
    hay.match_indices(needle).map(|(i, _)| i).collect()
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Skips a string, char, or comment starting at `i`; returns the index after it, or `i` if none
/// starts there.
fn skip_literal(b: &[u8], i: usize) -> usize {
    let n = b.len();
    match b[i] {
        b'/' if i + 1 < n && b[i + 1] == b'/' => {
            let mut j = i;
            while j < n && b[j] != b'\n' {
                j += 1;
            }
            j
        }
        b'/' if i + 1 < n && b[i + 1] == b'*' => {
            let mut depth = 0;
            let mut j = i;
            while j + 1 < n {
                if b[j] == b'/' && b[j + 1] == b'*' {
                    depth += 1;
                    j += 2;
                } else if b[j] == b'*' && b[j + 1] == b'/' {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        return j;
                    }
                } else {
                    j += 1;
                }
            }
            n
        }
        b'"' => {
            let mut j = i + 1;
            while j < n && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            (j + 1).min(n)
        }
        b'r' if i + 1 < n
            && (b[i + 1] == b'"' || b[i + 1] == b'#')
            && (i == 0 || !is_ident(b[i - 1])) =>
        {
            let mut j = i + 1;
            let mut hashes = 0;
            while j < n && b[j] == b'#' {
                hashes += 1;
                j += 1;
            }
            if j >= n || b[j] != b'"' {
                return i;
            }
            j += 1;
            while j < n {
                if b[j] == b'"'
                    && b[j + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|c| **c == b'#')
                        .count()
                        == hashes
                {
                    return j + 1 + hashes;
                }
                j += 1;
            }
            n
        }
        b'\'' => {
            // A char literal ('a', '\n', '\u{..}'), else a lifetime: skip just the quote.
            if i + 2 < n && b[i + 1] == b'\\' {
                let mut j = i + 2;
                while j < n && b[j] != b'\'' && b[j] != b'\n' {
                    j += 1;
                }
                return (j + 1).min(n);
            }
            let ch_len = std::str::from_utf8(&b[i + 1..(i + 5).min(n)])
                .ok()
                .or_else(|| {
                    (1..4)
                        .rev()
                        .find_map(|k| std::str::from_utf8(&b[i + 1..(i + 1 + k).min(n)]).ok())
                })
                .and_then(|s| s.chars().next())
                .map(|c| c.len_utf8())
                .unwrap_or(1);
            if i + 1 + ch_len < n && b[i + 1 + ch_len] == b'\'' {
                i + 2 + ch_len
            } else {
                i + 1
            }
        }
        _ => i,
    }
}

/// The end of the item whose keyword (`struct`/`enum`) starts at `kw`: its closing brace, or the
/// `;` of a unit or tuple struct.
fn item_end(b: &[u8], kw: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut i = kw;
    while i < b.len() {
        let j = skip_literal(b, i);
        if j != i {
            i = j;
            continue;
        }
        match b[i] {
            b'{' | b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b';' if depth == 0 => return Some(i + 1),
            _ => {}
        }
        if depth < 0 {
            return None;
        }
        i += 1;
    }
    None
}

/// The start of an item: just after the previous item's end (`}` or `;`) or the start of an
/// enclosing block, skipping back over attributes, doc comments and visibility.
fn item_start(b: &[u8], before: usize) -> usize {
    // Walk back line by line: comment lines never hold the boundary.
    let mut i = before;
    let mut depth = 0i32;
    while i > 0 {
        let line_start = b[..i]
            .iter()
            .rposition(|c| *c == b'\n')
            .map(|p| p + 1)
            .unwrap_or(0);
        let line = &b[line_start..i];
        let trimmed = line
            .iter()
            .skip_while(|c| c.is_ascii_whitespace())
            .collect::<Vec<_>>();
        let is_comment = trimmed.len() >= 2 && *trimmed[0] == b'/' && *trimmed[1] == b'/';
        if !is_comment {
            for k in (line_start..i).rev() {
                match b[k] {
                    b']' | b')' => depth += 1,
                    b'[' | b'(' => depth -= 1,
                    b'}' | b';' | b'{' if depth <= 0 => return k + 1,
                    _ => {}
                }
            }
        }
        if line_start == 0 {
            return 0;
        }
        i = line_start - 1;
    }
    0
}

/// Is the `needle` at `hit` inside a `#[derive(...)]`? Then the item it derives for.
pub fn derived_item(text: &str, hit: usize) -> Option<ItemSpan> {
    let b = text.as_bytes();
    let attr = text[..hit].rfind("#[")?;
    let between = &text[attr..hit];
    if !between.contains("derive") || between.contains(']') {
        return None;
    }
    // Forward past the attributes to the item keyword.
    let mut i = attr;
    let mut depth = 0i32;
    while i < b.len() {
        let j = skip_literal(b, i);
        if j != i {
            i = j;
            continue;
        }
        match b[i] {
            b'[' | b'(' => depth += 1,
            b']' | b')' => depth -= 1,
            b'{' | b'}' | b';' if depth == 0 => return None,
            _ if depth == 0 && (b[i..].starts_with(b"struct") || b[i..].starts_with(b"enum")) => {
                let kwlen = if b[i..].starts_with(b"struct") { 6 } else { 4 };
                let before_ok = i == 0 || !is_ident(b[i - 1]);
                let after_ok = b.get(i + kwlen).is_some_and(|c| c.is_ascii_whitespace());
                if before_ok && after_ok {
                    let end = item_end(b, i)?;
                    return Some(ItemSpan {
                        start: item_start(b, attr),
                        end,
                    });
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Every item `struct NAME` / `enum NAME` defined in `text`.
pub fn named_items(text: &str, name: &str) -> Vec<ItemSpan> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for kw in ["struct ", "enum "] {
        let pat = format!("{kw}{name}");
        for hit in find_all(text, &pat) {
            let after = hit + pat.len();
            if hit > 0 && is_ident(b[hit - 1]) {
                continue;
            }
            if b.get(after).is_some_and(|c| is_ident(*c)) {
                continue;
            }
            // Not inside a line comment.
            let line_start = text[..hit].rfind('\n').map(|p| p + 1).unwrap_or(0);
            if text[line_start..hit].contains("//") {
                continue;
            }
            if let Some(end) = item_end(b, hit) {
                out.push(ItemSpan {
                    start: item_start(b, hit),
                    end,
                });
            }
        }
    }
    out.sort_by_key(|s| s.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_items_out_of_ordinary_code() {
        let text = "use x;\n\nfn f() { let s = \"}\"; }\n\n/// Doc with } and ;\n#[derive(Serialize, SessionState)]\n#[session(name = \"a;b\", version = 1)]\npub struct T<'a> {\n    a: &'a str, // }\n    b: [u8; 4],\n    c: char,\n}\n\nstruct U;\n";
        let hit = text.find("SessionState").unwrap();
        let span = derived_item(text, hit).unwrap();
        let item = &text[span.start..span.end];
        assert!(item.trim_start().starts_with("/// Doc"), "{item:?}");
        assert!(item.ends_with("}"), "{item:?}");
        assert!(syn::parse_str::<syn::DeriveInput>(item).is_ok(), "{item:?}");
        let u = named_items(text, "U");
        assert_eq!(&text[u[0].start..u[0].end].trim(), &"struct U;");
        assert!(named_items(text, "T").len() == 1 && named_items(text, "Tx").is_empty());
        // Not a derive: a use, a comment, an impl.
        let t2 = "use sessionlint::SessionState;\n// SessionState\nimpl SessionState for X {}\n";
        for h in find_all(t2, "SessionState") {
            assert!(derived_item(t2, h).is_none());
        }
    }
}
