//! Module paths, read the way rustc names items: a file's place in `src/` (`src/v1.rs`,
//! `src/v1/mod.rs` are `v1`), the inline `mod` blocks around an item, and the `use` items and
//! `self`/`super`/`crate` prefixes by which a field names a type. Only as far as choosing between
//! items of the same name needs: `#[path]` attributes, glob imports and re-exports are not
//! followed, so a name they would decide stays ambiguous (bad input asking for a path) rather
//! than guessed.

use super::scan;

/// The module a file is, from its path: components after the last `src`, without `lib.rs`,
/// `main.rs` or `mod.rs`, and without the `.rs` of the last one.
pub fn of_file(path: &str) -> Vec<String> {
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    // A file read at a git revision is named `REV:path` (`v1.0:src/v1.rs`).
    let start = parts
        .iter()
        .rposition(|p| *p == "src" || p.rsplit_once(':').is_some_and(|(_, tail)| tail == "src"))
        .map(|i| i + 1)
        .unwrap_or(parts.len().saturating_sub(1));
    let mut out: Vec<String> = parts[start..].iter().map(|p| p.to_string()).collect();
    if let Some(last) = out.pop() {
        let stem = last.strip_suffix(".rs").unwrap_or(&last);
        if !matches!(stem, "lib" | "main" | "mod") {
            out.push(stem.to_string());
        }
    }
    out
}

/// The full paths (module, then the type's own name) that a field naming a type by `segs` may
/// mean, for a field of an item in module `here` (`inline`: the `mod` blocks of its file around
/// it, where its `use` items live). The first is what rustc would pick; the second, when there is
/// one, is the crate-root reading that 2015-edition code writes. A rename is undone: the last
/// segment is the name the type is defined by.
pub fn candidates(
    here: &[String],
    inline: &[String],
    segs: &[String],
    uses: &Uses,
) -> Vec<Vec<String>> {
    through_uses(here, inline, segs, uses, 0)
}

/// How many `use` items one path may pass through: a hostile `use a::b as a;` would otherwise
/// grow the path forever.
const MAX_USE_HOPS: usize = 8;

fn through_uses(
    here: &[String],
    inline: &[String],
    segs: &[String],
    uses: &Uses,
    hops: usize,
) -> Vec<Vec<String>> {
    let Some((name, prefix)) = segs.split_last() else {
        return Vec::new();
    };
    if hops > MAX_USE_HOPS {
        return Vec::new();
    }
    if prefix.is_empty() {
        return match uses.imported(inline, name) {
            Some(path) => through_uses(here, inline, &path, uses, hops + 1),
            None => vec![here.iter().chain([name]).cloned().collect()],
        };
    }
    let first = prefix[0].as_str();
    match first {
        "crate" => vec![segs[1..].to_vec()],
        "self" | "super" => {
            let mut m = here.to_vec();
            let mut rest = prefix;
            while let Some((s, tail)) = rest.split_first() {
                match s.as_str() {
                    "self" => {}
                    "super" => {
                        m.pop();
                    }
                    _ => break,
                }
                rest = tail;
            }
            m.extend(rest.iter().cloned());
            m.push(name.clone());
            vec![m]
        }
        _ => {
            // A first segment brought in by `use` (`use crate::v1; v1::Ticket`) stands for its path.
            if let Some(mut path) = uses.imported(inline, first) {
                path.extend(segs[1..].iter().cloned());
                return through_uses(here, inline, &path, uses, hops + 1);
            }
            let mut relative = here.to_vec();
            relative.extend(segs.iter().cloned());
            vec![relative, segs.to_vec()]
        }
    }
}

/// A file's `use` items, each with the inline modules it stands in; read once per file.
#[derive(Default)]
pub struct Uses(Vec<(Vec<String>, syn::ItemUse)>);

impl Uses {
    pub fn read(text: &str) -> Uses {
        let spans = scan::code_uses(text).unwrap_or_default();
        Uses(
            spans
                .into_iter()
                .filter_map(|(start, end)| {
                    let u = scan::parse_bounded::<syn::ItemUse>(&text[start..end])?;
                    Some((scan::modules_at(text, start).unwrap_or_default(), u))
                })
                .collect(),
        )
    }

    /// The full path of a `use` item at module scope `inline` that brings `name` into scope
    /// (the original path of a rename), if one does.
    pub fn imported(&self, inline: &[String], name: &str) -> Option<Vec<String>> {
        self.0
            .iter()
            .filter(|(m, _)| m == inline)
            .find_map(|(_, u)| find(&u.tree, name, &mut Vec::new()))
    }
}

fn find(tree: &syn::UseTree, name: &str, path: &mut Vec<String>) -> Option<Vec<String>> {
    match tree {
        syn::UseTree::Path(p) => {
            path.push(p.ident.to_string());
            let found = find(&p.tree, name, path);
            path.pop();
            found
        }
        syn::UseTree::Name(n) if n.ident == name => {
            let mut full = path.clone();
            full.push(name.to_string());
            Some(full)
        }
        syn::UseTree::Rename(r) if r.rename == name => {
            let mut full = path.clone();
            full.push(r.ident.to_string());
            Some(full)
        }
        syn::UseTree::Group(g) => g.items.iter().find_map(|t| find(t, name, path)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn files_are_modules() {
        assert_eq!(of_file("crate/src/lib.rs"), v(&[]));
        assert_eq!(of_file("crate/src/v1.rs"), v(&["v1"]));
        assert_eq!(of_file("crate/src/v1/mod.rs"), v(&["v1"]));
        assert_eq!(of_file("crate/src/tickets/v2.rs"), v(&["tickets", "v2"]));
        assert_eq!(of_file("loose.rs"), v(&["loose"]));
        assert_eq!(of_file("v1.0:src/tickets/v2.rs"), v(&["tickets", "v2"]));
        assert_eq!(of_file("v1.0:src/lib.rs"), v(&[]));
    }

    #[test]
    fn paths_resolve_like_rustc() {
        let here = v(&["v2"]);
        let none = &Uses::default();
        assert_eq!(
            candidates(&here, &[], &v(&["Ticket"]), none),
            vec![v(&["v2", "Ticket"])]
        );
        assert_eq!(
            candidates(&here, &[], &v(&["super", "v1", "Ticket"]), none),
            vec![v(&["v1", "Ticket"])]
        );
        assert_eq!(
            candidates(&here, &[], &v(&["crate", "v1", "Ticket"]), none),
            vec![v(&["v1", "Ticket"])]
        );
        assert_eq!(
            candidates(&here, &[], &v(&["self", "Ticket"]), none),
            vec![v(&["v2", "Ticket"])]
        );
        let renamed = "use crate::v1::Ticket as Old;\n";
        assert_eq!(
            candidates(&here, &[], &v(&["Old"]), &Uses::read(renamed)),
            vec![v(&["v1", "Ticket"])]
        );
        let module = "use super::v1;\n";
        assert_eq!(
            candidates(&here, &[], &v(&["v1", "Ticket"]), &Uses::read(module)),
            vec![v(&["v1", "Ticket"])]
        );
        // A `use` inside another inline module does not scope this one.
        let elsewhere = "mod other { use crate::v1::Ticket; }\n";
        assert_eq!(
            candidates(&here, &[], &v(&["Ticket"]), &Uses::read(elsewhere)),
            vec![v(&["v2", "Ticket"])]
        );
        // A use that names itself ends, with no module rather than a guess.
        let cycle = "use a::b as a;\n";
        assert!(candidates(&here, &[], &v(&["a", "Ticket"]), &Uses::read(cycle)).is_empty());
    }
}
