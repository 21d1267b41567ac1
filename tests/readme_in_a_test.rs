//! The README's "In a test" section, run as written: its serde block is this file's test, and its
//! codec block is the OpenSSL conformance test's (conformance/tls/openssl3, run by .ci/run).

mod common;
use common::root;

#[path = "../examples/quickstart/ticket.rs"]
#[allow(dead_code)]
mod ticket;
use ticket::TicketV2;

use sessionlint::conformance::{assert_type_conforms, Observed};

#[test]
fn ticket_v2_reads_as_modelled() {
    assert_type_conforms::<TicketV2>(|_, bytes| match serde_json::from_slice::<TicketV2>(bytes) {
        Ok(t) => Observed::resumed(t.extended_master_secret),
        Err(_) => Observed::Refused,
    });
}

/// The ```rust blocks of the README's "In a test" section.
fn blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let at = readme
        .find("\n## In a test")
        .expect("the README has an \"In a test\" section");
    let section = &readme[at + 1..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .split("```rust\n")
        .skip(1)
        .map(|b| b[..b.find("```").expect("a closed block")].to_string())
        .collect()
}

/// Each block, line by line without indentation, as a run of lines of the file that runs it.
fn runs_in(block: &str, file: &str) -> bool {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let want: Vec<&str> = block.lines().map(str::trim).collect();
    lines.windows(want.len()).any(|w| w == want.as_slice())
}

#[test]
fn the_readme_blocks_are_the_tests_that_run() {
    let b = blocks();
    assert_eq!(b.len(), 2, "the section's rust blocks: {b:?}");
    assert!(
        runs_in(&b[0], "tests/readme_in_a_test.rs"),
        "the serde block is not this file's test:\n{}",
        b[0]
    );
    assert!(
        runs_in(&b[1], "conformance/tls/openssl3/tests/conformance.rs"),
        "the codec block is not the OpenSSL conformance test:\n{}",
        b[1]
    );
}
