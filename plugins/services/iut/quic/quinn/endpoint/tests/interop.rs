//! Runs the real `quinn-endpoint` binary as server and client on 127.0.0.1 for each
//! supported test case, and checks the downloads, the key log and the qlog files.

use std::fs;
use std::path::Path;

use panther_interop_endpoint::test_support::{
    Fixture, assert_unknown_test_case_exits_127, count, run_pair,
};

const BIN: &str = env!("CARGO_BIN_EXE_quinn-endpoint");

/// Runs `test_case` with quinn on both sides, and checks what every test case must,
/// its qlogs too; returns the fixture and the client's stderr for the test case's own
/// checks.
fn run_case(test_case: &str) -> (Fixture, String) {
    let bin = Path::new(BIN);
    let (fixture, log) = run_pair(bin, bin, test_case);
    fixture.assert_qlogs("transport:packet_received");
    (fixture, log)
}

#[test]
fn handshake() {
    let (_, log) = run_case("handshake");
    assert_eq!(count(&log, "server certificate verified for 127.0.0.1"), 1);
}

#[test]
fn transfer() {
    run_case("transfer");
}

#[test]
fn multiplexing() {
    run_case("multiplexing");
}

#[test]
fn retry() {
    let (fixture, _) = run_case("retry");
    assert_eq!(count(&fixture.log("server"), "sending a Retry"), 1);
}

#[test]
fn resumption() {
    let (_, log) = run_case("resumption");
    assert_eq!(count(&log, "established"), 2, "{log}");
    // The resumed connection shows no certificate to verify.
    assert_eq!(count(&log, "server certificate verified"), 1, "{log}");
}

#[test]
fn zerortt() {
    let (fixture, log) = run_case("zerortt");
    assert_eq!(count(&log, "opened in 0-RTT"), 1, "{log}");
    assert_eq!(count(&log, "0-RTT accepted by the server"), 1, "{log}");
    let keys = fs::read_to_string(fixture.key_log("client")).unwrap();
    assert!(keys.contains("CLIENT_EARLY_TRAFFIC_SECRET "), "{keys}");
}

#[test]
fn chacha20() {
    run_case("chacha20");
}

#[test]
fn keyupdate() {
    let (_, log) = run_case("keyupdate");
    assert_eq!(count(&log, "key update initiated"), 1, "{log}");
}

#[test]
fn http3() {
    let (fixture, _) = run_case("http3");
    assert!(fixture.log("server").contains("ALPN h3"));
}

#[test]
fn unsupported_test_cases_exit_127() {
    assert_unknown_test_case_exits_127(Path::new(BIN));
}

#[test]
fn a_certificate_from_another_ca_fails_the_client_with_one_line() {
    let fixture = Fixture::default();
    let bin = Path::new(BIN);
    let files = vec![fixture.serve_file("small.txt", 10, 1)];
    let (_server, addr) = fixture.start_server(bin, "handshake");
    fixture.trust_another_ca();
    let (code, log) = fixture.run_client(bin, "handshake", &addr, &files);
    assert_eq!(code, Some(1), "{log}");
    let last = log.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("quinn-endpoint: error: handshake with"),
        "{log}"
    );
    assert!(last.contains("invalid peer certificate"), "{log}");
}
