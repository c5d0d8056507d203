//! Which interop test cases `hq` plays in each role, and the HTTP it speaks in each.

use panther_quic_interop::TestCase;

/// The cases the server plays. Not retry: no flag makes it send a Retry (mvfst's
/// QuicServerWorker sends one only when `--rate_limit` trips), and mvfst-qns's
/// run_endpoint.sh exits 127 for it. Not chacha20: hq has no cipher-suite flag and
/// run_endpoint.sh exits 127 for it. Multiplexing and keyupdate are transfers for the
/// server (the interop runner tells it `transfer`), and mvfst answers a peer's key
/// update.
pub const SERVER_SUPPORTED: [TestCase; 7] = [
    TestCase::Handshake,
    TestCase::Transfer,
    TestCase::Multiplexing,
    TestCase::Http3,
    TestCase::Resumption,
    TestCase::Keyupdate,
    TestCase::Zerortt,
];

/// The cases the client plays: those of the server, and retry, which needs nothing of
/// the client (mvfst's QuicClientTransport follows a Retry with its token); keyupdate
/// by `--initiate_key_updates`. Not chacha20: hq has no cipher-suite flag.
pub const CLIENT_SUPPORTED: [TestCase; 8] = [
    TestCase::Handshake,
    TestCase::Transfer,
    TestCase::Multiplexing,
    TestCase::Http3,
    TestCase::Retry,
    TestCase::Resumption,
    TestCase::Keyupdate,
    TestCase::Zerortt,
];

/// The HTTP a test case is spoken in.
pub struct Http {
    /// The ALPN (`--protocol`).
    pub protocol: &'static str,
    /// The HTTP version of the messages (`--httpversion`).
    pub version: &'static str,
}

/// HTTP/3 for the http3 case, HTTP/0.9 over `hq-interop` for the others, as
/// run_endpoint.sh sets `PROTOCOL` and `HTTPVERSION`.
pub fn http(case: Option<TestCase>) -> Http {
    if case == Some(TestCase::Http3) {
        Http {
            protocol: "h3",
            version: "1.1",
        }
    } else {
        Http {
            protocol: "hq-interop",
            version: "0.9",
        }
    }
}
