//! The interop runner's test cases that an endpoint may be asked to play (TESTCASE),
//! and the ALPN protocol each one uses.

/// ALPN of HTTP/0.9 over QUIC, used by every test case but `http3`.
pub const ALPN_HQ: &[u8] = b"hq-interop";
/// ALPN of HTTP/3.
pub const ALPN_H3: &[u8] = b"h3";

/// A test case of the interop runner that the endpoints know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestCase {
    /// One connection, the requests.
    Handshake,
    /// One connection, several files of some MB.
    Transfer,
    /// One connection, many small files on concurrent streams.
    Multiplexing,
    /// Like `Transfer`, over HTTP/3.
    Http3,
    /// The server sends a Retry for every new connection.
    Retry,
    /// The second connection resumes the first one's TLS session.
    Resumption,
    /// Like `Resumption`, with the second connection's requests sent as 0-RTT data.
    ZeroRtt,
    /// The client offers only TLS_CHACHA20_POLY1305_SHA256.
    ChaCha20,
    /// The client initiates a key update during the transfer.
    KeyUpdate,
}

impl TestCase {
    /// The test case named `name`, or `None` if the endpoints do not know it.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "handshake" => Self::Handshake,
            "transfer" => Self::Transfer,
            "multiplexing" => Self::Multiplexing,
            "http3" => Self::Http3,
            "retry" => Self::Retry,
            "resumption" => Self::Resumption,
            "zerortt" => Self::ZeroRtt,
            "chacha20" => Self::ChaCha20,
            "keyupdate" => Self::KeyUpdate,
            _ => return None,
        })
    }

    /// The test case's name, as TESTCASE gives it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Handshake => "handshake",
            Self::Transfer => "transfer",
            Self::Multiplexing => "multiplexing",
            Self::Http3 => "http3",
            Self::Retry => "retry",
            Self::Resumption => "resumption",
            Self::ZeroRtt => "zerortt",
            Self::ChaCha20 => "chacha20",
            Self::KeyUpdate => "keyupdate",
        }
    }

    /// The ALPN protocol the client offers for this test case.
    pub fn alpn(self) -> &'static [u8] {
        match self {
            Self::Http3 => ALPN_H3,
            _ => ALPN_HQ,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_test_case_is_known() {
        for name in [
            "handshake",
            "transfer",
            "multiplexing",
            "http3",
            "retry",
            "resumption",
            "zerortt",
            "chacha20",
            "keyupdate",
        ] {
            let test_case = TestCase::from_name(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(test_case.name(), name);
        }
        assert_eq!(TestCase::from_name("v2"), None);
    }

    #[test]
    fn only_http3_uses_h3() {
        assert_eq!(TestCase::Http3.alpn(), ALPN_H3);
        assert_eq!(TestCase::Transfer.alpn(), ALPN_HQ);
    }
}
