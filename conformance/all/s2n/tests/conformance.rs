//! s2n-tls as the `s2n-tls-sys` crate 0.3.47 vendors it, the judge of the client session schema
//! (examples/real-world/s2n-client, version 2 of `s2n-client-session`): every vector the v2
//! decoder is predicted for, given to a client connection by `s2n_connection_set_session`
//! (which refuses what it cannot parse or check), its EMS status read back from the session the
//! connection serializes again (`s2n_connection_get_session`: the TLS 1.2 state's last byte is
//! `conn->ems_negotiated`).
//!
//! A client serializes a session-id session only below TLS 1.3 (`actual_protocol_version`, which a
//! client starts at the highest version s2n supports): the test lowers that to TLS 1.2 as s2n's own
//! tests do (`s2n_disable_tls13_in_test`, which only unit-test builds may call), through the
//! library's global.

use s2n_tls_sys::*;
use sessionlint::conformance::{assert_conforms, vectors_at, Observed};
use std::ffi::CString;

extern "C" {
    /// tls/s2n_tls.c: the version a client starts at.
    static mut s2n_highest_protocol_version: u8;
}

const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../examples/real-world/s2n-client"
);

/// One client connection, configured as the schema says (security policy "20170210", tickets on).
struct Client {
    config: *mut s2n_config,
    conn: *mut s2n_connection,
}

impl Client {
    fn new() -> Client {
        unsafe {
            let config = s2n_config_new();
            assert!(!config.is_null());
            let policy = CString::new("20170210").unwrap();
            assert_eq!(
                s2n_config_set_cipher_preferences(config, policy.as_ptr()),
                0
            );
            assert_eq!(s2n_config_set_session_tickets_onoff(config, 1), 0);
            let conn = s2n_connection_new(s2n_mode::CLIENT);
            assert!(!conn.is_null());
            assert_eq!(s2n_connection_set_config(conn, config), 0);
            Client { config, conn }
        }
    }

    /// What the client does with `bytes`: refused, or taken, with the EMS bit it then holds.
    fn set_session(&self, bytes: &[u8]) -> Observed {
        unsafe {
            if s2n_connection_set_session(self.conn, bytes.as_ptr(), bytes.len()) != 0 {
                return Observed::Refused;
            }
            let len = s2n_connection_get_session_length(self.conn);
            assert!(len > 0, "s2n took the session but serializes none");
            let mut out = vec![0u8; len as usize];
            let n = s2n_connection_get_session(self.conn, out.as_mut_ptr(), out.len());
            assert_eq!(n, len, "s2n_connection_get_session");
            Observed::resumed(out[out.len() - 1] & 1 == 1)
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        unsafe {
            s2n_connection_free(self.conn);
            s2n_config_free(self.config);
        }
    }
}

#[test]
fn client_sessions_set_on_a_real_connection() {
    unsafe {
        assert_eq!(s2n_disable_atexit(), 0);
        assert_eq!(s2n_init(), 0, "s2n_init");
        // S2N_TLS12; set once, before any connection exists.
        *std::ptr::addr_of_mut!(s2n_highest_protocol_version) = 33;
    }
    let v = vectors_at(EXAMPLES, "s2n-client-session").unwrap();
    let r = assert_conforms(&v, 2, |_, bytes| Client::new().set_session(bytes));
    eprintln!(
        "s2n-tls (s2n-tls-sys 0.3.47) client: {} vectors agree",
        r.checked
    );
}
