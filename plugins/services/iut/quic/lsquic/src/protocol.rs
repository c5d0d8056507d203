//! What both programs are told about the protocol: QUIC v1, HTTP/0.9 over
//! `hq-interop` or HTTP/3, and the `-s` service port.

use panther_plugin_api::model::ServiceAddress;
use panther_quic_interop::TestCase;

/// The ALPN of HTTP/0.9 in the interop runner.
const HQ_INTEROP: &str = "hq-interop";

/// `-o version=h3` keeps QUIC v1 only (test_common.c, `set_engine_option`, which
/// takes an ALPN as a version name); `-Q hq-interop` switches the program to HTTP/0.9
/// with that ALPN, except for the http3 case, which keeps HTTP/3 (`h3`).
pub fn flags(case: Option<TestCase>) -> Vec<String> {
    let mut flags = vec!["-o".to_owned(), "version=h3".to_owned()];
    if case != Some(TestCase::Http3) {
        flags.extend(["-Q".to_owned(), HQ_INTEROP.to_owned()]);
    }
    flags
}

/// `-s HOST:PORT`; test_common.c (`sport_new`) splits at the last colon, so an IPv6
/// host goes without brackets.
pub fn service_port(address: &ServiceAddress) -> [String; 2] {
    [
        "-s".to_owned(),
        format!("{}:{}", address.host, address.port),
    ]
}
