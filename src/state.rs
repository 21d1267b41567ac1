//! What `#[derive(SessionState)]` implements: each version's schema, built by generated code in
//! the same model the CLI extracts from source, at no run-time cost beyond building it on request.

use crate::schema::{Schema, TypeDef};
use std::collections::BTreeMap;

/// A session format version: a type with `#[session(version = N, ...)]`.
pub trait SessionState: SessionPart {
    /// The format name shared by all versions.
    const NAME: &'static str;
    /// This version's number (`version = N`): versions of one format are compared by it.
    const VERSION: u32;
    /// This version's schema: the type and every nested type that derives `SessionState`.
    fn schema() -> Schema;
}

/// Every type that derives `SessionState`, root or part: contributes its own definition.
#[doc(hidden)]
pub trait SessionPart {
    fn __type_defs(out: &mut BTreeMap<String, TypeDef>);
}

/// Lets generated code ask a field's type for its definitions whether or not it derives
/// `SessionState` (autoref specialization: the first impl applies when the bound holds).
#[doc(hidden)]
pub mod __private {
    use super::SessionPart;
    use crate::schema::TypeDef;
    use std::collections::BTreeMap;
    use std::marker::PhantomData;

    pub trait ViaPart {
        fn __session_defs(&self, out: &mut BTreeMap<String, TypeDef>);
    }
    impl<T: SessionPart> ViaPart for PhantomData<T> {
        fn __session_defs(&self, out: &mut BTreeMap<String, TypeDef>) {
            T::__type_defs(out)
        }
    }
    pub trait ViaNothing {
        fn __session_defs(&self, _out: &mut BTreeMap<String, TypeDef>) {}
    }
    impl<T> ViaNothing for &PhantomData<T> {}
}
