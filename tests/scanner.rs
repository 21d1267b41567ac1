//! The byte scanner is sound: on generated Rust files full of decoys (literals and comments that
//! look like session items, raw and byte strings, char literals and lifetimes, nested modules,
//! items in function bodies, a renamed derive), the items it cuts out are exactly the session
//! items a full `syn::parse_file` finds. Deterministic: a fixed seed, every case reported.

use sessionlint::extract::scan;
use syn::visit::Visit;

/// xorshift64*: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// Text that must never start, end or hide an item.
const DECOYS: &[&str] = &[
    "const A: &str = \"#[derive(SessionState)] struct FakeA { }\";\n",
    "const B: &[u8] = br\"\\\";\n",
    "const C: &str = r#\"\" } #[session(version = 1)] struct FakeC {\"#;\n",
    "const D: char = '\"';\nconst E: u8 = b'\\'';\nconst F: char = '}';\n",
    "/* /* nested */ #[derive(SessionState)] struct FakeG { } */\n",
    "// #[session(version = 9)] struct FakeH {\n",
    "fn life<'a>(x: &'a str) -> &'a str { 'outer: loop { break 'outer x; } }\n",
    "#[doc = \"} { ; struct FakeI\"]\npub fn documented() {}\n",
    "/// A doc comment with } and #[session(x)]\npub fn doc() {}\n",
    "const J: &str = \"\\\"}\\\\\";\n",
    "const K: &std::ffi::CStr = c\"struct FakeK {\";\n",
    "macro_rules! m { ($n:ident) => { struct $n { a: u8 } }; }\n",
    "pub fn session_id() -> u32 { let session = 1; session + 1 }\n",
];

const FIELD_ATTRS: &[&str] = &[
    "",
    "#[serde(rename = \"x}y\")] ",
    "#[serde(default)] ",
    "/// field doc with \" and }\n    ",
    "#[serde(alias = \"r#\\\"\")] ",
];

const DERIVES: &[&str] = &[
    "#[derive(Serialize, Deserialize, SessionState)]\n",
    "#[derive(sessionlint::SessionState, Clone)]\n",
    "#[derive(Sess)]\n",
    "",
];

const HELPERS: &[&str] = &[
    "#[session(name = \"f;}\", version = 1, encoding = \"json\")]\n",
    "#[cfg_attr(feature = \"x\", session(version = 2))]\n",
    "#[session(ems)]\n",
    "",
];

struct Gen {
    rng: Rng,
    n: usize,
    expected: Vec<String>,
}

impl Gen {
    fn item(&mut self, out: &mut String) {
        self.n += 1;
        let name = format!("Item{}", self.n);
        let derive = self.rng.pick(DERIVES);
        let helper = self.rng.pick(HELPERS);
        let session = !derive.is_empty() || !helper.is_empty();
        if self.rng.below(3) == 0 {
            out.push_str("/// Docs: `#[session]` } ;\n");
        }
        out.push_str(derive);
        if self.rng.below(2) == 0 {
            out.push_str("#[serde(deny_unknown_fields)]\n");
        }
        out.push_str(helper);
        out.push_str(
            self.rng
                .pick(&["", "pub ", "pub(crate) ", "pub(in crate::a) "]),
        );
        match self.rng.below(3) {
            0 => {
                out.push_str(&format!("struct {name} {{\n"));
                for k in 0..self.rng.below(4) {
                    let attr = self.rng.pick(FIELD_ATTRS);
                    let ty =
                        self.rng
                            .pick(&["u8", "[u8; 4]", "Option<Vec<(u8, u16)>>", "&'static str"]);
                    out.push_str(&format!("    {attr}f{k}: {ty},\n"));
                }
                out.push_str("}\n");
            }
            1 => out.push_str(&format!("struct {name}(u8, [u16; 2]);\n")),
            _ => out.push_str(&format!(
                "enum {name} {{ A, B(u8), #[serde(rename = \"}}\")] C {{ x: u8 }} }}\n"
            )),
        }
        if session {
            self.expected.push(name);
        }
    }

    fn chunk(&mut self, out: &mut String, depth: usize) {
        match self.rng.below(6) {
            0 | 1 => self.item(out),
            2 => out.push_str(self.rng.pick(DECOYS)),
            3 if depth < 3 => {
                out.push_str(&format!("mod m{} {{\n    use super::*;\n", self.n));
                self.n += 1;
                for _ in 0..self.rng.below(3) {
                    self.chunk(out, depth + 1);
                }
                out.push_str("}\n");
            }
            4 if depth < 3 => {
                out.push_str(&format!("pub fn body{}() {{\n", self.n));
                self.n += 1;
                self.chunk(out, depth + 1);
                out.push_str("}\n");
            }
            _ => out.push_str(self.rng.pick(DECOYS)),
        }
    }
}

/// The session items syn sees: struct or enum with an outer attribute naming `SessionState`,
/// its alias `Sess`, or the `session` helper (directly or in `cfg_attr`).
#[derive(Default)]
struct Truth(Vec<String>);

fn marked(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        if a.path().is_ident("session") {
            return true;
        }
        let tokens = match &a.meta {
            syn::Meta::List(l) => l.tokens.to_string(),
            _ => return false,
        };
        let words: Vec<&str> = tokens
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .collect();
        (a.path().is_ident("derive") && words.iter().any(|w| *w == "SessionState" || *w == "Sess"))
            || (a.path().is_ident("cfg_attr") && tokens.contains("session ("))
    })
}

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
}

#[test]
fn the_scanner_finds_exactly_the_session_items_syn_finds() {
    let mut rng = Rng(0x5e55_1011_7e57_0001);
    let cases = 600;
    let mut items = 0;
    for case in 0..cases {
        let mut g = Gen {
            rng: Rng(rng.next() | 1),
            n: 0,
            expected: Vec::new(),
        };
        let mut src = String::from("use sessionlint::SessionState as Sess;\n");
        for _ in 0..(1 + g.rng.below(8)) {
            g.chunk(&mut src, 0);
        }
        let file = syn::parse_file(&src).unwrap_or_else(|e| {
            panic!("case {case}: the generator wrote invalid Rust ({e}):\n{src}")
        });
        let mut truth = Truth::default();
        truth.visit_file(&file);
        let mut want = truth.0;
        want.sort();
        let mut expected = g.expected.clone();
        expected.sort();
        assert_eq!(
            want, expected,
            "case {case}: the generator and syn disagree:\n{src}"
        );

        let mut markers = scan::Markers::default();
        markers.learn_aliases(&src);
        assert!(scan::may_hold_session(src.as_bytes(), &markers) || want.is_empty());
        for found in [
            scan::scan(&src, &markers),
            scan::scan_tokens(&src, &markers),
        ] {
            let found = found.unwrap_or_else(|e| panic!("case {case}: {e:?}\n{src}"));
            let mut got: Vec<String> = found
                .session
                .iter()
                .map(|s| {
                    let item = &src[s.start..s.end];
                    syn::parse_str::<syn::DeriveInput>(item)
                        .unwrap_or_else(|e| panic!("case {case}: cut {item:?}: {e}"))
                        .ident
                        .to_string()
                })
                .collect();
            got.sort();
            assert_eq!(got, want, "case {case}:\n{src}");
        }
        items += want.len();
    }
    println!("{cases} generated files, {items} session items: the scanner agreed with syn on all");
    assert!(
        items > cases,
        "the generator must make session items: {items}"
    );
}
