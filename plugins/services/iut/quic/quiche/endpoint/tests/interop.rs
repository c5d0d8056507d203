//! Runs the real `quiche-endpoint` binary as server and client on 127.0.0.1 for each
//! test case, against itself and against `quinn-endpoint`, and checks the downloads,
//! the key logs and the qlog files.

use std::fs;
use std::path::{Path, PathBuf};

use panther_interop_endpoint::test_support::{
    Fixture, assert_unknown_test_case_exits_127, count, run_pair,
};

const QUICHE: &str = env!("CARGO_BIN_EXE_quiche-endpoint");
/// The test cases the quiche client plays: all but `keyupdate`.
const CLIENT_CASES: [&str; 8] = [
    "handshake",
    "transfer",
    "multiplexing",
    "http3",
    "retry",
    "resumption",
    "zerortt",
    "chacha20",
];

/// The quinn endpoint, as `cargo build --workspace` leaves it beside this one.
fn quinn() -> PathBuf {
    let path = Path::new(QUICHE).with_file_name("quinn-endpoint");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace` first (scripts/test does)",
        path.display()
    );
    path
}

/// Runs `test_case` with quiche on both sides; its qlogs are checked too.
fn run_case(test_case: &str) -> (Fixture, String) {
    let quiche = Path::new(QUICHE);
    let (fixture, log) = run_pair(quiche, quiche, test_case);
    fixture.assert_qlogs("quic:packet_received");
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
    let (_, log) = run_case("multiplexing");
    assert_eq!(count(&log, "downloaded https://"), 200, "{log}");
}

#[test]
fn retry() {
    let (fixture, _) = run_case("retry");
    let server = fixture.log("server");
    // Stateless, the server answers each tokenless Initial datagram with a Retry: the
    // client's ClientHello may take two (BoringSSL's post-quantum key share is large).
    assert!(count(&server, "sending a Retry") >= 1, "{server}");
    assert_eq!(count(&server, "established"), 1, "{server}");
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
    assert!(fixture.log("server").contains("ALPN hq-interop (0-RTT)"));
    let keys = fs::read_to_string(fixture.key_log("client")).unwrap();
    assert!(keys.contains("CLIENT_EARLY_TRAFFIC_SECRET "), "{keys}");
}

#[test]
fn chacha20() {
    let (fixture, _) = run_case("chacha20");
    for role in ["client-", "server-"] {
        let qlogs = fixture.qlogs(role).concat();
        assert!(
            qlogs.contains(r#""tls_cipher":"ChaCha20_Poly1305""#),
            "{role} qlog shows another cipher than ChaCha20-Poly1305"
        );
    }
}

#[test]
fn http3() {
    let (fixture, _) = run_case("http3");
    assert!(fixture.log("server").contains("ALPN h3"));
}

#[test]
fn the_client_refuses_keyupdate_and_says_why() {
    let fixture = Fixture::default();
    let output = fixture
        .endpoint(Path::new(QUICHE), "client", "keyupdate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(127));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        "quiche-endpoint: unsupported test case `keyupdate` as client: quiche cannot initiate a key update"
    );
}

#[test]
fn the_server_follows_a_quinn_clients_key_update() {
    let (_, log) = run_pair(Path::new(QUICHE), &quinn(), "keyupdate");
    assert_eq!(count(&log, "key update initiated"), 1, "{log}");
}

#[test]
fn quinn_clients_download_from_the_quiche_server() {
    for case in CLIENT_CASES {
        run_pair(Path::new(QUICHE), &quinn(), case);
    }
}

#[test]
fn the_quiche_client_downloads_from_quinn_servers() {
    for case in CLIENT_CASES {
        run_pair(&quinn(), Path::new(QUICHE), case);
    }
}

#[test]
fn unsupported_test_cases_exit_127() {
    assert_unknown_test_case_exits_127(Path::new(QUICHE));
}

#[test]
fn a_certificate_from_another_ca_fails_the_client_with_one_line() {
    let fixture = Fixture::default();
    // The server reads its own files at start; the client reads the other CA.
    let (server, addr) = fixture.start_server(Path::new(QUICHE), "handshake");
    fixture.trust_another_ca();
    let files = vec![fixture.serve_file("small.txt", 10, 1)];
    let (code, log) = fixture.run_client(Path::new(QUICHE), "handshake", &addr, &files);
    drop(server);
    assert_eq!(code, Some(1), "{log}");
    let last = log.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("quiche-endpoint: error: handshake with 127.0.0.1:"),
        "{log}"
    );
    assert!(last.contains("unknown CA"), "{log}");
}

#[test]
fn a_certificate_for_another_address_fails_the_client() {
    let fixture = Fixture::for_ip("127.0.0.2");
    let files = vec![fixture.serve_file("small.txt", 10, 1)];
    let quiche = Path::new(QUICHE);
    let (server, addr) = fixture.start_server(quiche, "handshake");
    let (code, log) = fixture.run_client(quiche, "handshake", &addr, &files);
    drop(server);
    assert_eq!(code, Some(1), "{log}");
    assert!(!fixture.path("downloads/small.txt").exists());
    let last = log.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("quiche-endpoint: error: handshake with 127.0.0.1:"),
        "{log}"
    );
    assert!(last.contains("TLS alert 42 (bad certificate)"), "{log}");
}
