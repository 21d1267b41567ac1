//! Repository text made safe to show. Identifiers, serde names, format names, paths and snippets
//! come from the repository under review, which may be hostile: none of it may form a terminal
//! control sequence, a GitHub workflow command, or markup. Escaped, never dropped: a reviewer must
//! still see that a name is odd.

/// Characters that a terminal or log viewer acts on rather than shows: C0 controls (but line
/// feed and tab), DEL, C1 controls (CSI and friends), bidirectional overrides (Trojan Source),
/// and the Unicode line and paragraph separators.
fn is_active(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Whether `s` may hold an active character: a byte-level test that passes plain text (ASCII
/// without controls, and non-ASCII that cannot start C1, a bidi override or a separator) at once.
fn may_be_active(s: &str) -> bool {
    s.bytes()
        .any(|b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f || b == 0xc2 || b == 0xe2)
        && s.chars().any(is_active)
}

/// `s` with every active character written by `escape`.
fn escape_active(s: &str, escape: impl Fn(char) -> String) -> String {
    if !may_be_active(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_active(c) {
            out.push_str(&escape(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Shows every active character as `\u{..}`.
pub fn clean(s: &str) -> String {
    escape_active(s, |c| format!("\\u{{{:x}}}", c as u32))
}

/// Whether `s` holds no active character: safe to hand to a renderer that adds its own escape
/// sequences (colour) without escaping the result.
pub fn is_inert(s: &str) -> bool {
    !may_be_active(s)
}

/// A whole plain-text output made safe for a terminal and a CI log: active characters escaped, and
/// no line that a GitHub runner would take as a workflow command (`::name ...::`, after any
/// leading white space).
pub fn guard(s: &str) -> String {
    guard_commands(&clean(s))
}

/// No line that a GitHub runner would take as a workflow command: for output whose active
/// characters are the renderer's own (colour), built only from inert text. The runner acts on a
/// line that starts with `::` (after white space) and on `##[` anywhere in a line (the older
/// `##[command]` form); the first colon and the second `#` are written `\u{..}` instead.
pub fn guard_commands(s: &str) -> String {
    let s = neutralise_hash_commands(s);
    if !s.contains("::") {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for line in s.split_inclusive('\n') {
        let lead = line.len() - line.trim_start().len();
        if line[lead..].starts_with("::") {
            out.push_str(&line[..lead]);
            out.push_str("\\u{3a}");
            out.push_str(&line[lead + 1..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `##[` written `#\u{23}[`, so that no runner reads an `##[command]` anywhere in a line.
pub fn neutralise_hash_commands(s: &str) -> String {
    if s.contains("##[") {
        s.replace("##[", "#\\u{23}[")
    } else {
        s.to_string()
    }
}

/// A JSON document (serde_json's output) with every active character written as a `\\u` escape:
/// serde_json escapes C0 controls inside strings but leaves DEL, C1 controls and bidirectional
/// overrides raw, which a terminal showing a CI log may act on. Escaped, the document means the
/// same.
pub fn json(s: &str) -> String {
    // `##[` can only stand inside a string of the document: `#\u0023[` means the same.
    escape_active(s, |c| format!("\\u{:04x}", c as u32)).replace("##[", "#\\u0023[")
}

/// Text for a Markdown document, never at the start of a line: the characters that can open
/// inline markup in GitHub's Markdown backslash-escaped (emphasis, code, links and images, HTML
/// tags and entities, table cells, strikethrough, math), line breaks as spaces.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in clean(s).chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '!' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A message of ours that quotes repository text in backticks, for Markdown: the backticked
/// parts become `<code>` spans, everything escaped. A backtick inside repository text can only
/// shift which parts are shown as code, never let text out of its escaping.
pub fn markdown_message(s: &str) -> String {
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", markdown(part))
            } else {
                markdown(part)
            }
        })
        .collect()
}

/// Text for HTML element content or a quoted attribute value.
pub fn html(s: &str) -> String {
    clean(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `n` things, in words: "1 error", "2 errors".
pub fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_characters_are_shown_not_obeyed() {
        assert_eq!(clean("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(clean("x\ry"), "x\\u{d}y");
        assert_eq!(clean("\u{9b}2J"), "\\u{9b}2J");
        assert_eq!(clean("ok\nnext"), "ok\nnext");
        assert_eq!(
            guard("fine\n  ::error::pwned\n::add-mask::x"),
            "fine\n  \\u{3a}:error::pwned\n\\u{3a}:add-mask::x"
        );
        assert_eq!(
            markdown("![x](http://e) *a*"),
            "\\!\\[x\\](http://e) \\*a\\*"
        );
        assert_eq!(
            markdown_message("key `a<b>` of `T`"),
            "key <code>a\\<b\\></code> of <code>T</code>"
        );
        assert_eq!(html("<script>'"), "&lt;script&gt;&#39;");
        let doc = json("{\"a\":\"\u{9b}x\u{202e}\"}");
        assert_eq!(doc, "{\"a\":\"\\u009bx\\u202e\"}");
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(v["a"], "\u{9b}x\u{202e}");
    }

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(1, "error"), "1 error");
        assert_eq!(count(0, "error"), "0 errors");
        assert_eq!(count(2, "pair"), "2 pairs");
    }
}
