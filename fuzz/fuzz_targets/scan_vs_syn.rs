//! The scanner is sound on arbitrary Rust: for every input that `syn::parse_file` accepts, each
//! struct, enum or union whose outer attributes name `SessionState` or the `session` helper is
//! among the items the scanner cuts out (it may cut out more, e.g. inside macro invocations, never
//! fewer; or refuse the file, which is exit 2), and the skim agrees with the token lexer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use proc_macro2::{TokenStream, TokenTree};
use sessionlint::extract::scan;
use syn::visit::Visit;

fn names_marker(tokens: TokenStream) -> bool {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, t) in trees.iter().enumerate() {
        match t {
            TokenTree::Ident(id) => {
                let s = id.to_string();
                let s = s.trim_start_matches("r#");
                if s == "SessionState" {
                    return true;
                }
                if s == "session" {
                    match trees.get(i + 1) {
                        None => return true,
                        Some(TokenTree::Group(_)) => return true,
                        Some(TokenTree::Punct(p)) if p.as_char() == '=' => return true,
                        _ => {}
                    }
                }
            }
            TokenTree::Group(g) => {
                if names_marker(g.stream()) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

fn marked(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        matches!(a.style, syn::AttrStyle::Outer) && {
            let t: TokenStream = quote::ToTokens::to_token_stream(&a.meta);
            names_marker(t)
        }
    })
}

#[derive(Default)]
struct Truth(Vec<String>);

impl<'ast> Visit<'ast> for Truth {
    fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
        if marked(&i.attrs) {
            self.0.push(i.ident.to_string());
        }
        syn::visit::visit_item_struct(self, i);
    }
    fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
        if marked(&i.attrs) {
            self.0.push(i.ident.to_string());
        }
        syn::visit::visit_item_enum(self, i);
    }
    fn visit_item_union(&mut self, i: &'ast syn::ItemUnion) {
        if marked(&i.attrs) {
            self.0.push(i.ident.to_string());
        }
        syn::visit::visit_item_union(self, i);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    if scan::nesting(src) > 64 {
        return;
    }
    let Ok(file) = syn::parse_file(src) else {
        return;
    };
    let mut truth = Truth::default();
    truth.visit_file(&file);
    let markers = scan::Markers::default();
    let fast = scan::scan(src, &markers);
    let slow = scan::scan_tokens(src, &markers);
    assert_eq!(
        fast.as_ref().map(|f| &f.session),
        slow.as_ref().map(|f| &f.session),
        "the skim and the lexer disagree"
    );
    if truth.0.is_empty() {
        return;
    }
    assert!(
        scan::may_hold_session(src.as_bytes(), &markers),
        "the prefilter dropped a file with session items"
    );
    // An error is bad input (exit 2), never a miss: syn accepts macro invocations whose tokens
    // look like a marked item that does not end, and the scanner refuses those.
    let Ok(found) = fast else {
        return;
    };
    let cut: Vec<String> = found
        .session
        .iter()
        .filter_map(|s| {
            let item = &src[s.start..s.end];
            syn::parse_str::<syn::DeriveInput>(item)
                .ok()
                .map(|d| d.ident.to_string())
        })
        .collect();
    for name in &truth.0 {
        assert!(cut.contains(name), "missed session item `{name}`");
    }
});
