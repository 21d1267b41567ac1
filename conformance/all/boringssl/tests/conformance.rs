//! BoringSSL as the `boring` crate 4.22.0 vendors it, the judge of its schema file
//! (examples/real-world/boringssl/boring-4.22.0.schema.toml, version 6 of `boringssl-session`):
//! every vector the v6 decoder is predicted for, parsed by `SslSession::from_der`
//! (`d2i_SSL_SESSION`: `SSL_SESSION_parse` with every check it applies), the properties read back
//! from what BoringSSL then holds: the session it writes again (`i2d_SSL_SESSION`) has
//! `extendedMasterSecret [17]` only for an EMS session and `isQuic [27]` only for a QUIC one.

use boring::ssl::SslSession;
use sessionlint::conformance::{assert_conforms, der_elements, vectors_at, Observed};

const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../examples/real-world/boringssl"
);

#[test]
fn sessions_parsed_by_the_vendored_boringssl() {
    let v = vectors_at(EXAMPLES, "boringssl-session").unwrap();
    let r = assert_conforms(&v, 6, |vector, bytes| match SslSession::from_der(bytes) {
        Ok(s) => {
            let der = s.to_der().expect("BoringSSL writes its session");
            let again: Vec<u8> = der_elements(&der).iter().map(|(tag, _)| *tag).collect();
            let tag = match vector.property.as_str() {
                "ems" => 0xa0 | 17,
                "quic" => 0xa0 | 27,
                p => panic!("no way to read property {p} back"),
            };
            Observed::resumed(again.contains(&tag))
        }
        Err(_) => Observed::Refused,
    });
    eprintln!("BoringSSL (boring 4.22.0): {} vectors agree", r.checked);
}
