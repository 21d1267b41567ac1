//! A mixed fleet, for real: v1 and v2 ticket types side by side.
//!
//!     cargo run --example mixed_fleet
//!
//! It encodes an EMS session with v2, decodes it with v1 using serde_json, shows that the older
//! server would resume it, prints sessionlint's finding for the pair, then does the same with a
//! fixed v2 that v1 rejects.

use serde::{Deserialize, Serialize};
use sessionlint::report::SourceMap;
use sessionlint::report::{human, Summary};
use sessionlint::rules::{check_pair as analyse_pair, check_version as analyse_version};
use sessionlint::SessionState;

/// What the fleet runs today: no EMS, unknown keys ignored (serde's default).
mod v1 {
    use super::*;
    #[derive(Debug, Serialize, Deserialize, SessionState)]
    #[session(name = "ticket", version = 1, encoding = "json")]
    pub struct Ticket {
        pub cipher_suite: u16,
        pub master_secret: Vec<u8>,
    }
}

/// The first attempt: v2 adds the EMS flag, and v1 servers keep resuming its tickets.
mod v2 {
    use super::*;
    #[derive(Debug, Serialize, Deserialize, SessionState)]
    #[session(name = "ticket", version = 2, encoding = "json")]
    pub struct Ticket {
        pub cipher_suite: u16,
        pub master_secret: Vec<u8>,
        #[session(ems)]
        #[serde(default)]
        pub extended_master_secret: bool,
    }
}

/// The fix that needs no change to v1: the secret moves to a key v1 does not know, so v1 misses
/// a field it requires and rejects the ticket; v2 still reads v1 tickets through the alias.
mod v2_fixed {
    use super::*;
    #[derive(Debug, Serialize, Deserialize, SessionState)]
    #[session(name = "ticket", version = 2, encoding = "json")]
    pub struct Ticket {
        pub cipher_suite: u16,
        #[serde(rename = "secret_v2", alias = "master_secret")]
        pub master_secret: Vec<u8>,
        #[session(ems)]
        #[serde(default)]
        pub extended_master_secret: bool,
    }
}

fn lint<Old: SessionState, New: SessionState>() -> String {
    let (old, new) = (Old::schema(), New::schema());
    let mut findings = analyse_version(&new);
    findings.extend(analyse_pair(&old, &new));
    sessionlint::findings::sort(&mut findings);
    human::render(
        &findings,
        &Summary::count(&findings, 1, 2, 1),
        &SourceMap::default(),
        false,
    )
}

fn main() {
    let secret = vec![0x5a; 48];

    println!("== v2 writes an EMS ticket; a v1 server decodes it with serde_json");
    let bytes = serde_json::to_vec(&v2::Ticket {
        cipher_suite: 0xc02f,
        master_secret: secret.clone(),
        extended_master_secret: true,
    })
    .expect("v2 encodes");
    println!("ticket: {}", String::from_utf8_lossy(&bytes));
    match serde_json::from_slice::<v1::Ticket>(&bytes) {
        Ok(t) => println!(
            "v1 decoded it ({:?}, {} secret bytes): the older server would RESUME this EMS session without EMS, and the client aborts (RFC 7627 §5.3)",
            t.cipher_suite,
            t.master_secret.len()
        ),
        Err(e) => println!("v1 rejected it: {e}"),
    }
    println!(
        "\n== what sessionlint says about v1 -> v2\n{}",
        lint::<v1::Ticket, v2::Ticket>()
    );

    println!("== the fixed v2 writes an EMS ticket; the v1 server decodes it");
    let bytes = serde_json::to_vec(&v2_fixed::Ticket {
        cipher_suite: 0xc02f,
        master_secret: secret.clone(),
        extended_master_secret: true,
    })
    .expect("v2 encodes");
    println!("ticket: {}", String::from_utf8_lossy(&bytes));
    match serde_json::from_slice::<v1::Ticket>(&bytes) {
        Ok(_) => println!("v1 decoded it: still unsafe"),
        Err(e) => println!("v1 REJECTED it ({e}): a full handshake, which is what RFC 7627 asks of a pre-EMS server"),
    }
    let old = serde_json::to_vec(&v1::Ticket {
        cipher_suite: 0xc02f,
        master_secret: secret,
    })
    .expect("v1 encodes");
    match serde_json::from_slice::<v2_fixed::Ticket>(&old) {
        Ok(t) => println!(
            "and the fixed v2 still reads v1 tickets, as non-EMS: extended_master_secret = {}",
            t.extended_master_secret
        ),
        Err(e) => println!("the fixed v2 rejects v1 tickets: {e}"),
    }
    println!(
        "\n== what sessionlint says about v1 -> fixed v2\n{}",
        lint::<v1::Ticket, v2_fixed::Ticket>()
    );
}
