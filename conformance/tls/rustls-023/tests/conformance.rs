//! rustls 0.23.43 as the judge of its schema files (examples/real-world/rustls,
//! `rustls-server-value`: v1 is 0.23.43, v2 is main at 6868ee84d). Two routes:
//!
//! - decoding: `internal::msgs::persist::ServerSessionValue::read_bytes` (hidden from the docs,
//!   public), its fields read off its `Debug` form, and `hs::can_resume`'s checks applied (the
//!   stored suite must be one the provider negotiates);
//! - a real handshake: a TLS 1.2 server whose session store serves the vector's bytes for the
//!   session the client offers, and `handshake_kind()`, which includes every check the server
//!   applies after parsing. The rustls client offers EMS, so a resumption is an EMS resumption,
//!   and a full handshake is a refusal or a session read without EMS (RFC 7627 §5.3).

use rustls::internal::msgs::codec::Codec;
use rustls::internal::msgs::persist::ServerSessionValue;
use rustls::server::StoresServerSessions;
use rustls::{
    ClientConfig, ClientConnection, HandshakeKind, RootCertStore, ServerConfig, ServerConnection,
};
use sessionlint::conformance::{assert_conforms, vectors_at, Observed};
use std::sync::{Arc, Mutex};

const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../examples/real-world/rustls"
);

/// The suites the ring provider negotiates, by their `Debug` names.
fn negotiable(name: &str) -> bool {
    rustls::crypto::ring::ALL_CIPHER_SUITES
        .iter()
        .any(|s| format!("{:?}", s.suite()) == name)
}

/// `field: value` out of a `Debug` form.
fn field<'a>(debug: &'a str, name: &str) -> Option<&'a str> {
    let at = debug.find(&format!("{name}: "))? + name.len() + 2;
    let rest = &debug[at..];
    let end = rest.find(", ").unwrap_or(rest.len());
    Some(&rest[..end])
}

#[test]
fn server_values_decoded() {
    let v = vectors_at(EXAMPLES, "rustls-server-value").unwrap();
    let r = assert_conforms(&v, 1, |_, bytes| {
        match ServerSessionValue::read_bytes(bytes) {
            Ok(s) => {
                let d = format!("{s:?}");
                let suite = field(&d, "cipher_suite").expect("Debug names the suite");
                if !negotiable(suite) {
                    return Observed::Refused;
                }
                Observed::resumed(field(&d, "extended_ms") == Some("true"))
            }
            Err(_) => Observed::Refused,
        }
    });
    eprintln!("rustls 0.23.43 decoding: {} vectors agree", r.checked);
}

/// A session store that records what the server stores, and serves `serve` instead of it.
#[derive(Debug, Default)]
struct Store {
    stored: Mutex<Option<Vec<u8>>>,
    serve: Mutex<Option<Vec<u8>>>,
}

impl StoresServerSessions for Store {
    fn put(&self, key: Vec<u8>, _value: Vec<u8>) -> bool {
        *self.stored.lock().unwrap() = Some(key);
        true
    }
    fn get(&self, _key: &[u8]) -> Option<Vec<u8>> {
        self.serve.lock().unwrap().clone()
    }
    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.get(key)
    }
    fn can_cache(&self) -> bool {
        true
    }
}

/// Moves TLS records between the two until neither has anything to send, or one fails.
fn pump(c: &mut ClientConnection, s: &mut ServerConnection) -> Result<(), String> {
    for _ in 0..32 {
        let mut moved = false;
        let mut buf = Vec::new();
        while c.wants_write() {
            c.write_tls(&mut buf).map_err(|e| e.to_string())?;
        }
        if !buf.is_empty() {
            moved = true;
            s.read_tls(&mut &buf[..]).map_err(|e| e.to_string())?;
            s.process_new_packets()
                .map_err(|e| format!("server: {e}"))?;
        }
        let mut buf = Vec::new();
        while s.wants_write() {
            s.write_tls(&mut buf).map_err(|e| e.to_string())?;
        }
        if !buf.is_empty() {
            moved = true;
            c.read_tls(&mut &buf[..]).map_err(|e| e.to_string())?;
            c.process_new_packets()
                .map_err(|e| format!("client: {e}"))?;
        }
        if !moved {
            return Ok(());
        }
    }
    Ok(())
}

/// What a rustls 0.23.43 server does when the session a client offers is stored as `bytes`. The
/// connection is one the session could resume on: the client names the session's SNI (or none)
/// and offers only its suite, as a client that made the session would; only the bytes decide.
struct Handshakes {
    provider: Arc<rustls::crypto::CryptoProvider>,
    cert: rustls::pki_types::CertificateDer<'static>,
    key: Vec<u8>,
    store: Arc<Store>,
}

impl Handshakes {
    fn new() -> Handshakes {
        let cert = rcgen::generate_simple_self_signed(vec![
            "example.com".to_string(),
            "abc".to_string(),
            "127.0.0.1".to_string(),
        ])
        .unwrap();
        Handshakes {
            provider: Arc::new(rustls::crypto::ring::default_provider()),
            cert: cert.cert.der().clone(),
            key: cert.key_pair.serialize_der(),
            store: Arc::new(Store::default()),
        }
    }

    fn configs(
        &self,
        suite: Option<rustls::SupportedCipherSuite>,
    ) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(self.key.clone().into());
        let mut server = ServerConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS12])
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![self.cert.clone()], key)
            .unwrap();
        server.session_storage = self.store.clone();
        let mut provider = (*self.provider).clone();
        if let Some(s) = suite {
            provider.cipher_suites = vec![s];
        }
        let mut roots = RootCertStore::empty();
        roots.add(self.cert.clone()).unwrap();
        let client = ClientConfig::builder_with_provider(Arc::new(provider))
            .with_protocol_versions(&[&rustls::version::TLS12])
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        (Arc::new(client), Arc::new(server))
    }

    fn observe(&self, bytes: &[u8]) -> Observed {
        // The session as the release decodes it: its SNI and suite shape the connection.
        let (sni, suite) = match ServerSessionValue::read_bytes(bytes) {
            Ok(s) => {
                let d = format!("{s:?}");
                let sni = field(&d, "sni")
                    .and_then(|x| x.split('"').nth(1))
                    .map(str::to_string);
                let suite = field(&d, "cipher_suite").and_then(|n| {
                    rustls::crypto::ring::ALL_CIPHER_SUITES
                        .iter()
                        .copied()
                        .find(|s| format!("{:?}", s.suite()) == n && s.tls13().is_none())
                });
                (sni, suite)
            }
            Err(_) => (Some("example.com".to_string()), None),
        };
        let name = match &sni {
            Some(n) => match rustls::pki_types::ServerName::try_from(n.clone()) {
                Ok(x) => x,
                Err(_) => return Observed::Refused,
            },
            None => rustls::pki_types::ServerName::IpAddress(
                std::net::IpAddr::from(std::net::Ipv4Addr::LOCALHOST).into(),
            ),
        };
        let (client, server) = self.configs(suite);
        // A full handshake first, so that the client holds a session to offer.
        let mut c = ClientConnection::new(client.clone(), name.clone()).unwrap();
        let mut s = ServerConnection::new(server.clone()).unwrap();
        *self.store.serve.lock().unwrap() = None;
        pump(&mut c, &mut s).expect("the first handshake completes");
        assert_eq!(s.handshake_kind(), Some(HandshakeKind::Full));
        // The second: the client offers that session, and the server finds the vector's bytes.
        *self.store.serve.lock().unwrap() = Some(bytes.to_vec());
        let mut c = ClientConnection::new(client, name).unwrap();
        let mut s = ServerConnection::new(server).unwrap();
        // The master secret of the vector is not the client's: a resumed handshake fails at
        // Finished, after the server has decided. What it decided is what is observed.
        let _ = pump(&mut c, &mut s);
        match s.handshake_kind() {
            Some(HandshakeKind::Resumed) => Observed::resumed(true),
            Some(_) => Observed::NotResumedWithEmsClient,
            None => Observed::Refused,
        }
    }
}

#[test]
fn server_values_in_real_handshakes() {
    let h = Handshakes::new();
    let v = vectors_at(EXAMPLES, "rustls-server-value").unwrap();
    let r = assert_conforms(&v, 1, |_, bytes| h.observe(bytes));
    eprintln!("rustls 0.23.43 handshakes: {} vectors agree", r.checked);
    // Main's values in particular: the release refuses every one (no error since this round).
    let main_only = sessionlint::vectors::Vectors {
        vectors: v
            .vectors
            .iter()
            .filter(|x| x.encoder == 2)
            .cloned()
            .collect(),
        ..v.clone()
    };
    let r = assert_conforms(&main_only, 1, |_, bytes| h.observe(bytes));
    assert!(r.checked > 0);
    eprintln!(
        "rustls 0.23.43 handshakes, main's values: {} refused as predicted",
        r.checked
    );
}
