//! `#[derive(SessionState)]`: placeholder until the derive issue lands; registers the helper.
use proc_macro::TokenStream;

#[proc_macro_derive(SessionState, attributes(session))]
pub fn derive_session_state(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
