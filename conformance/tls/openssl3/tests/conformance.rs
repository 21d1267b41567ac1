//! The system OpenSSL 3 (through the `openssl` crate) as the judge of its schema file
//! (examples/real-world/openssl/3.0.schema.toml, version 3 of `openssl-session`): every vector the
//! 3.0 decoder is predicted for, parsed by `SslSession::from_der` (`d2i_SSL_SESSION`, with the
//! checks it applies), its EMS status read back from what OpenSSL then holds: the flags it
//! writes again (`i2d_SSL_SESSION`, `[13]` bit 0x1, SSL_SESS_FLAG_EXTMS).

use openssl::ssl::SslSession;
use sessionlint::conformance::{assert_conforms, der_elements, vectors_at, Observed};

const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../examples/real-world/openssl"
);

/// The value of the `[13]` flags element of a session's DER (an INTEGER inside), 0 when absent.
fn flags(der: &[u8]) -> u64 {
    der_elements(der)
        .into_iter()
        .find(|(tag, _)| *tag == 0xad)
        .and_then(|(_, inner)| match inner.split_first() {
            Some((0x02, rest)) => rest.get(1..),
            _ => None,
        })
        .map_or(0, |int| int.iter().fold(0u64, |a, x| (a << 8) | *x as u64))
}

#[test]
fn sessions_parsed_by_the_system_openssl() {
    assert!(
        openssl::version::number() >= 0x3000_0000,
        "the system OpenSSL is {}; the schema describes 3.0",
        openssl::version::version()
    );
    let v = vectors_at(EXAMPLES, "openssl-session").unwrap();
    let r = assert_conforms(&v, 3, |_, bytes| match SslSession::from_der(bytes) {
        Ok(s) => Observed::resumed(flags(&s.to_der().unwrap()) & 1 == 1),
        Err(_) => Observed::Refused,
    });
    eprintln!(
        "{}: {} vectors agree",
        openssl::version::version(),
        r.checked
    );
}
