//! rustls 0.5.6 as the judge of its schema files (examples/real-world/rustls): every vector of the
//! server and client session formats that the v2 decoder is predicted for, decoded by the real
//! `ServerSessionValue` / `ClientSessionValue` codec with the checks rustls applies before it
//! resumes (server: `can_resume`, the stored suite must be one it can negotiate; client: a
//! session is offered if it decodes and has not expired, judged when it was written).

use rustls::internal::msgs::codec::Codec;
use rustls::internal::msgs::persist::{ClientSessionValue, ServerSessionValue};
use sessionlint::conformance::{assert_conforms, vectors_at, Observed};

const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/real-world/rustls"
);

/// The suites rustls 0.5.6 can negotiate, from the library itself.
fn negotiable(suite: u16) -> bool {
    rustls::ALL_CIPHERSUITES
        .iter()
        .any(|s| s.suite.get_u16() == suite)
}

#[test]
fn server_session_values() {
    let v = vectors_at(EXAMPLES, "rustls-server-session").unwrap();
    let r = assert_conforms(&v, 2, |_, bytes| {
        match ServerSessionValue::read_bytes(bytes) {
            Some(s) if negotiable(s.cipher_suite.get_u16()) => Observed::resumed(s.extended_ms),
            _ => Observed::Refused,
        }
    });
    eprintln!("rustls 0.5.6 server: {} vectors agree", r.checked);
}

#[test]
fn client_session_values() {
    let v = vectors_at(EXAMPLES, "rustls-client-session").unwrap();
    let r = assert_conforms(&v, 2, |_, bytes| {
        match ClientSessionValue::read_bytes(bytes) {
            Some(c) if !c.has_expired(c.epoch) => Observed::resumed(c.extended_ms),
            _ => Observed::Refused,
        }
    });
    eprintln!("rustls 0.5.6 client: {} vectors agree", r.checked);
}
