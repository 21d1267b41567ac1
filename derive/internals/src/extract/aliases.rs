//! Type aliases (`type Secret = Vec<u8>;`, `type TicketV2 = Ticket<bool>;`) read from the
//! scanned sources and expanded in session items before they are read, so that a field's type is
//! what serde sees. Only module-level aliases count (an `impl`'s associated type is not one); a
//! name defined as an alias more than once is left alone, and resolution then reports it.

use super::scan;
use super::workspace::SourceFile;
use std::collections::HashMap;
use syn::visit_mut::VisitMut;

/// How deep an alias may refer to another alias.
const MAX_DEPTH: usize = 16;
/// How many alias uses one item may expand: aliases of tuples of aliases grow exponentially,
/// and a hostile file must not make the expansion unbounded. Past it, the remaining uses stay
/// unexpanded and are reported as undefined types.
const MAX_EXPANSIONS: usize = 4096;
/// How many types the aliases of one item may expand to (an alias of a 64-element tuple used
/// 4,000 times is 256,000 types from 4 KB of source), and of every item one extraction reads:
/// what aliases add is bounded by these, not by the size of the file.
pub const MAX_ITEM_TYPES: usize = 1 << 16;
pub const MAX_RUN_TYPES: usize = 1 << 19;

#[derive(Default)]
pub struct Aliases<'s> {
    by_name: HashMap<String, Vec<syn::ItemType>>,
    /// Where consts in array lengths are looked up.
    files: &'s [SourceFile],
    consts: std::cell::RefCell<HashMap<String, Option<i64>>>,
    /// Every name looked up as an alias or a const: what the result depends on.
    asked: std::cell::RefCell<std::collections::BTreeSet<String>>,
    /// Types the expansions of this run have added so far (see `MAX_RUN_TYPES`).
    pub spent: std::cell::Cell<usize>,
}

impl<'s> Aliases<'s> {
    /// The aliases at the spans `scan::type_aliases` found in `text`.
    pub fn of_spans(
        text: &str,
        spans: Vec<(String, usize, usize)>,
    ) -> Vec<(String, syn::ItemType)> {
        spans
            .into_iter()
            .filter_map(|(name, start, end)| {
                Some((
                    name,
                    scan::parse_bounded::<syn::ItemType>(&text[start..end])?,
                ))
            })
            .collect()
    }

    /// The aliases defined in `files`, each file's taken from `per_file` (a cache).
    pub fn gather_with(
        files: &'s [SourceFile],
        mut per_file: impl FnMut(&SourceFile) -> Vec<(String, syn::ItemType)>,
    ) -> Aliases<'s> {
        let mut by_name: HashMap<String, Vec<syn::ItemType>> = HashMap::new();
        for f in files {
            for (name, item) in per_file(f) {
                by_name.entry(name).or_default().push(item);
            }
        }
        Aliases {
            by_name,
            files,
            consts: Default::default(),
            asked: Default::default(),
            spent: Default::default(),
        }
    }

    /// The value of the const `name` (an array length), looked up once.
    fn const_int(&self, name: &str) -> Option<i64> {
        self.asked.borrow_mut().insert(name.to_string());
        if let Some(v) = self.consts.borrow().get(name) {
            return *v;
        }
        let v = super::defaults::const_int(self.files, name);
        self.consts.borrow_mut().insert(name.to_string(), v);
        v
    }

    /// Every name looked up so far, as an alias or a const.
    pub fn asked(&self) -> Vec<String> {
        self.asked.borrow().iter().cloned().collect()
    }

    /// Expands every alias, and every const array length, in the item's field types. `Err`
    /// says which bound the expansion passed (the item is then not read).
    pub fn expand(&self, input: &mut syn::DeriveInput) -> Result<(), String> {
        let mut e = Expand {
            aliases: self,
            depth: 0,
            budget: MAX_EXPANSIONS,
            types: 0,
            over: None,
        };
        match &mut input.data {
            syn::Data::Struct(d) => d
                .fields
                .iter_mut()
                .for_each(|f| e.visit_type_mut(&mut f.ty)),
            syn::Data::Enum(d) => d
                .variants
                .iter_mut()
                .flat_map(|v| v.fields.iter_mut())
                .for_each(|f| e.visit_type_mut(&mut f.ty)),
            syn::Data::Union(_) => {}
        }
        e.over.map_or(Ok(()), Err)
    }

    /// The type `ty` names, if it is a use of exactly one known alias (generic arguments
    /// substituted).
    fn resolve(&self, ty: &syn::Type) -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else {
            return None;
        };
        if p.qself.is_some() {
            return None;
        }
        // By the last segment, as struct and enum names are found (module paths are not resolved).
        let seg = p.path.segments.last()?;
        self.asked.borrow_mut().insert(seg.ident.to_string());
        let [alias] = self.by_name.get(&seg.ident.to_string())?.as_slice() else {
            return None;
        };
        if matches!(seg.arguments, syn::PathArguments::Parenthesized(_)) {
            return None;
        }
        let args = super::ty::type_args(&seg.arguments);
        let params: Vec<&syn::TypeParam> = alias.generics.type_params().collect();
        let mut subst = HashMap::new();
        for (i, tp) in params.iter().enumerate() {
            let t = match (args.get(i), &tp.default) {
                (Some(t), _) => (*t).clone(),
                (None, Some((_, d))) => d.clone(),
                (None, None) => return None,
            };
            subst.insert(tp.ident.to_string(), t);
        }
        if args.len() > params.len() {
            return None;
        }
        let mut out = (*alias.ty).clone();
        Substitute(&subst).visit_type_mut(&mut out);
        Some(out)
    }
}

struct Expand<'a> {
    aliases: &'a Aliases<'a>,
    depth: usize,
    budget: usize,
    /// Types this item's expansions added.
    types: usize,
    /// The bound passed, in words.
    over: Option<String>,
}

/// How many types `ty` is made of.
fn types_in(ty: &syn::Type) -> usize {
    struct Count(usize);
    impl<'ast> syn::visit::Visit<'ast> for Count {
        fn visit_type(&mut self, t: &'ast syn::Type) {
            self.0 += 1;
            syn::visit::visit_type(self, t);
        }
    }
    let mut c = Count(0);
    syn::visit::Visit::visit_type(&mut c, ty);
    c.0
}

impl VisitMut for Expand<'_> {
    fn visit_type_array_mut(&mut self, a: &mut syn::TypeArray) {
        // `[u8; SECRET_LEN]`: the layout depends on the length, so read the const.
        if let syn::Expr::Path(p) = &a.len {
            if let Some(n) = p
                .path
                .segments
                .last()
                .and_then(|s| self.aliases.const_int(&s.ident.to_string()))
                .and_then(|n| usize::try_from(n).ok())
            {
                a.len = syn::parse_quote!(#n);
            }
        }
        syn::visit_mut::visit_type_array_mut(self, a);
    }

    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        if self.over.is_some() {
            return;
        }
        if self.depth < MAX_DEPTH && self.budget > 0 {
            if let Some(t) = self.aliases.resolve(ty) {
                self.budget -= 1;
                let n = types_in(&t);
                self.types += n;
                let spent = self.aliases.spent.get() + n;
                self.aliases.spent.set(spent);
                if self.types > MAX_ITEM_TYPES {
                    self.over = Some(format!(
                        "its type aliases expand to more than {MAX_ITEM_TYPES} types"
                    ));
                    return;
                }
                if spent > MAX_RUN_TYPES {
                    self.over = Some(format!("the type aliases of the session types read in this run expand to more than {MAX_RUN_TYPES} types in all"));
                    return;
                }
                *ty = t;
                self.depth += 1;
                self.visit_type_mut(ty);
                self.depth -= 1;
                return;
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// Replaces an alias's type parameters by the arguments of one use.
struct Substitute<'a>(&'a HashMap<String, syn::Type>);

impl VisitMut for Substitute<'_> {
    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        if let syn::Type::Path(p) = ty {
            if p.qself.is_none() {
                if let Some(id) = p.path.get_ident() {
                    if let Some(t) = self.0.get(&id.to_string()) {
                        *ty = t.clone();
                        return;
                    }
                }
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}
