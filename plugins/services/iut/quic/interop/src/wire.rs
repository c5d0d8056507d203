//! The wire checks of the interop test cases, read from tshark's decoding of the test's
//! capture (decrypted with the client's key log): how many handshakes, a Retry and its
//! token, the cipher suites offered, certificates on resumption, 0-RTT data, key
//! updates.

use std::collections::BTreeSet;
use std::path::Path;

use crate::testcase::TestCase;

/// The tshark fields the capture is decoded into, one line per packet, in this order.
pub const FIELDS: [&str; 8] = [
    "quic.long.packet_type",
    "quic.token_length",
    "tls.handshake.type",
    "tls.handshake.ciphersuite",
    "quic.key_phase",
    "quic.frame_type",
    "tls.handshake.random",
    "quic.decryption_failed",
];

/// QUIC long header packet types.
const ZERO_RTT: &str = "1";
const RETRY: &str = "3";
const INITIAL: &str = "0";
/// TLS handshake message types.
const CLIENT_HELLO: &str = "1";
const SERVER_HELLO: &str = "2";
const CERTIFICATE: &str = "11";
/// The random of a ServerHello that is a HelloRetryRequest (RFC 8446, 4.1.3): the
/// client answers it with a second ClientHello on the same connection.
const HELLO_RETRY_REQUEST: &str =
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";

/// What the capture shows.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Wire {
    packets: usize,
    server_hellos: usize,
    hello_retry_requests: usize,
    undecrypted: usize,
    certificates: usize,
    retries: usize,
    token_after_retry: bool,
    zero_rtt_stream_data: bool,
    key_phase_one: bool,
    offered_suites: BTreeSet<String>,
}

fn values(field: &str) -> impl Iterator<Item = &str> {
    field.split(',').map(str::trim).filter(|v| !v.is_empty())
}

impl Wire {
    /// Reads tshark's fields output (tab-separated, lists comma-separated).
    pub fn parse(text: &str) -> Self {
        let mut wire = Self::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            wire.packets += 1;
            let fields: Vec<&str> = line.split('\t').collect();
            let field = |i: usize| fields.get(i).copied().unwrap_or("");
            let types: Vec<&str> = values(field(0)).collect();
            let handshake: Vec<&str> = values(field(2)).collect();
            if types.contains(&RETRY) {
                wire.retries += 1;
            }
            let token = values(field(1)).any(|t| t.parse::<u64>().is_ok_and(|n| n > 0));
            if wire.retries > 0 && types.contains(&INITIAL) && token {
                wire.token_after_retry = true;
            }
            let hellos = handshake.iter().filter(|t| **t == CLIENT_HELLO).count();
            if hellos > 0 {
                wire.offered_suites
                    .extend(values(field(3)).map(str::to_owned));
            }
            wire.server_hellos += handshake.iter().filter(|t| **t == SERVER_HELLO).count();
            wire.certificates += handshake.iter().filter(|t| **t == CERTIFICATE).count();
            if !field(7).is_empty() {
                wire.undecrypted += 1;
            }
            wire.hello_retry_requests += values(field(6))
                .filter(|random| random.eq_ignore_ascii_case(HELLO_RETRY_REQUEST))
                .count();
            let stream =
                values(field(5)).any(|f| f.parse::<u64>().is_ok_and(|n| (8..=15).contains(&n)));
            if types.contains(&ZERO_RTT) && stream {
                wire.zero_rtt_stream_data = true;
            }
            if values(field(4)).any(|p| p == "1") {
                wire.key_phase_one = true;
            }
        }
        wire
    }

    /// Reads the decoding tshark wrote.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("the capture was not decoded ({}: {e})", path.display()))?;
        let wire = Self::parse(&text);
        if wire.packets == 0 {
            return Err(format!(
                "the capture holds no QUIC packet ({})",
                path.display()
            ));
        }
        Ok(wire)
    }

    /// The handshakes on the wire: one per ServerHello that is not a
    /// HelloRetryRequest. Counting ClientHellos would count one handshake twice when
    /// the client answers a HelloRetryRequest, or sends its ClientHello again in new
    /// Initial packets after a Retry.
    fn handshakes(&self) -> usize {
        self.server_hellos.saturating_sub(self.hello_retry_requests)
    }

    /// Checks what the test case requires of the wire; what was seen, or what is wrong.
    /// What is missing from a capture that tshark could not decrypt whole is said as
    /// the capture's fault, not the endpoints'.
    pub fn check(&self, case: TestCase) -> Result<String, String> {
        self.check_decrypted(case).map_err(|problem| {
            if self.undecrypted == 0 {
                problem
            } else {
                format!(
                    "the capture could not be decrypted whole ({} packet(s) failed), so: \
                     {problem}",
                    self.undecrypted
                )
            }
        })
    }

    /// [`Self::check`] on what was decrypted.
    fn check_decrypted(&self, case: TestCase) -> Result<String, String> {
        let handshakes = |expected: usize| {
            let seen = self.handshakes();
            let retried = match self.hello_retry_requests {
                0 => String::new(),
                n => format!(" (after {n} HelloRetryRequest(s))"),
            };
            if seen == expected {
                Ok(format!("{expected} handshake(s){retried}"))
            } else {
                Err(format!(
                    "{seen} handshake(s) on the wire{retried}, expected {expected}"
                ))
            }
        };
        match case {
            TestCase::Handshake | TestCase::Transfer | TestCase::Multiplexing | TestCase::Http3 => {
                handshakes(1)
            }
            TestCase::Retry => {
                if self.retries == 0 {
                    Err("no Retry packet on the wire".to_owned())
                } else if !self.token_after_retry {
                    Err("the client's Initial after the Retry carries no token".to_owned())
                } else {
                    handshakes(1).map(|h| format!("a Retry, its token reused, {h}"))
                }
            }
            TestCase::Resumption => {
                handshakes(2)?;
                if self.certificates == 1 {
                    Ok("2 handshakes, the second without a certificate".to_owned())
                } else {
                    Err(format!(
                        "{} certificates sent, expected 1: the second handshake did not resume",
                        self.certificates
                    ))
                }
            }
            TestCase::Zerortt => {
                handshakes(2)?;
                if self.zero_rtt_stream_data {
                    Ok("2 handshakes, stream data in 0-RTT packets".to_owned())
                } else {
                    Err("no stream data in 0-RTT packets".to_owned())
                }
            }
            TestCase::Chacha20 => {
                let only: BTreeSet<String> = BTreeSet::from(["0x1303".to_owned()]);
                if self.offered_suites == only {
                    handshakes(1).map(|h| format!("only TLS_CHACHA20_POLY1305_SHA256 offered, {h}"))
                } else {
                    Err(format!(
                        "the client offered {}, not only 0x1303 (TLS_CHACHA20_POLY1305_SHA256)",
                        self.offered_suites
                            .iter()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }
            }
            TestCase::Keyupdate => {
                if self.key_phase_one {
                    handshakes(1).map(|h| format!("a key update (key phase 1), {h}"))
                } else {
                    Err("no packet with key phase 1: the keys were never updated".to_owned())
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tshark's decoding of a real quinn client and server running `retry`.
    const RETRY_RUN: &str = "0\t0\t1\t0x1302,0x1301,0x1303\t\t6,0\n3\t\t\t\t\t\n0\t69\t\t\t\t6,0\n0,2\t0\t2,8,11,15,20\t0x1302\t\t3,6,6,0\n0,2\t69\t20\t\t\t3,3,6,0\n\t\t\t\t0\t1,31,0\n";

    #[test]
    fn a_retry_run_shows_the_retry_its_token_and_one_handshake() {
        let wire = Wire::parse(RETRY_RUN);
        assert_eq!(wire.retries, 1);
        assert!(wire.token_after_retry);
        assert_eq!(wire.handshakes(), 1);
        assert_eq!(wire.certificates, 1);
        assert!(wire.check(TestCase::Retry).is_ok());
        assert!(wire.check(TestCase::Handshake).is_ok());
    }

    #[test]
    fn each_case_fails_on_a_wire_that_lacks_what_it_needs() {
        let plain = Wire::parse(
            "0\t0\t1\t0x1302,0x1301,0x1303\t\t6,0\n0,2\t0\t2,8,11,15,20\t0x1302\t\t3,6,6,0\n\t\t\t\t0\t1,31,0\n",
        );
        assert_eq!(
            plain.check(TestCase::Retry).unwrap_err(),
            "no Retry packet on the wire"
        );
        assert!(
            plain
                .check(TestCase::Chacha20)
                .unwrap_err()
                .contains("0x1301, 0x1302, 0x1303")
        );
        assert!(
            plain
                .check(TestCase::Keyupdate)
                .unwrap_err()
                .contains("key phase 1")
        );
        assert!(
            plain
                .check(TestCase::Resumption)
                .unwrap_err()
                .contains("1 handshake(s) on the wire, expected 2")
        );
        assert!(plain.check(TestCase::Zerortt).is_err());
        assert!(plain.check(TestCase::Transfer).is_ok());
    }

    #[test]
    fn a_hello_retry_request_s_second_client_hello_is_the_same_handshake() {
        let retried = Wire::parse(&format!(
            "0\t0\t1\t0x1301\t\t6\t{client}\n0\t0\t2\t0x1301\t\t6\t{HELLO_RETRY_REQUEST}\n\
             0\t0\t1\t0x1301\t\t6\t{client}\n0,2\t0\t2,8,11,15,20\t0x1301\t\t3\t{server}\n",
            client = "11".repeat(32),
            server = "22".repeat(32),
        ));
        assert_eq!(
            retried.check(TestCase::Handshake).unwrap(),
            "1 handshake(s) (after 1 HelloRetryRequest(s))"
        );
    }

    #[test]
    fn missing_evidence_in_a_capture_not_decrypted_whole_is_the_capture_s_fault() {
        let lost =
            Wire::parse("0\t0\t1\t0x1301\t\t6\t\t\n0,2\t0\t2\t0x1301\t\t6\t\t\n\t\t\t\t\t\t\t1\n");
        let problem = lost.check(TestCase::Resumption).unwrap_err();
        assert!(
            problem.starts_with("the capture could not be decrypted whole (1 packet(s) failed)"),
            "{problem}"
        );
        assert!(lost.check(TestCase::Handshake).is_ok());
    }

    #[test]
    fn resumption_and_zero_rtt_read_from_two_handshakes() {
        let resumed = Wire::parse(
            "0\t0\t1\t0x1301\t\t6\n0,2\t0\t2,8,11,15,20\t0x1301\t\t3\n0\t0\t1\t0x1301\t\t6\n1\t\t\t\t\t8\n0,2\t0\t2,8,20\t0x1301\t\t3\n",
        );
        assert_eq!(
            resumed.check(TestCase::Resumption).unwrap(),
            "2 handshakes, the second without a certificate"
        );
        assert!(resumed.check(TestCase::Zerortt).is_ok());
    }
}
