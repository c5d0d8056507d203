//! The interop runner's test cases, and the files each one transfers.

use std::fmt;

/// A QUIC interop test case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestCase {
    /// One connection, one small file.
    Handshake,
    /// One connection, several files of some MB.
    Transfer,
    /// One connection, many small files on concurrent streams.
    Multiplexing,
    /// Like transfer, over HTTP/3.
    Http3,
    /// The server sends a Retry; the client follows it.
    Retry,
    /// A second connection resumes the first one's TLS session.
    Resumption,
    /// The client offers only ChaCha20-Poly1305.
    Chacha20,
    /// The client updates the keys during the transfer.
    Keyupdate,
    /// A second connection sends its requests as 0-RTT data.
    Zerortt,
}

/// A file the server serves and the client downloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFile {
    /// Its name, the path of its URL.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;

impl TestCase {
    /// Every test case, in the interop runner's order.
    pub const ALL: [TestCase; 9] = [
        Self::Handshake,
        Self::Transfer,
        Self::Multiplexing,
        Self::Http3,
        Self::Retry,
        Self::Resumption,
        Self::Chacha20,
        Self::Keyupdate,
        Self::Zerortt,
    ];

    /// The test case's name, as TESTCASE carries it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Handshake => "handshake",
            Self::Transfer => "transfer",
            Self::Multiplexing => "multiplexing",
            Self::Http3 => "http3",
            Self::Retry => "retry",
            Self::Resumption => "resumption",
            Self::Chacha20 => "chacha20",
            Self::Keyupdate => "keyupdate",
            Self::Zerortt => "zerortt",
        }
    }

    /// The test case called `name`, if there is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|case| case.name() == name)
    }

    /// Whether its wire check must decrypt more than the Initial packets (a
    /// certificate in the Handshake packets, 0-RTT data, a key phase), and so needs
    /// the client's key log.
    pub fn wire_needs_keys(self) -> bool {
        matches!(self, Self::Resumption | Self::Zerortt | Self::Keyupdate)
    }

    /// The files it transfers; the names say the test case, so a run directory reads
    /// plainly.
    pub fn files(self) -> Vec<TestFile> {
        let sized = |sizes: &[u64]| -> Vec<TestFile> {
            sizes
                .iter()
                .enumerate()
                .map(|(i, &size)| TestFile {
                    name: format!("{}-{}.bin", self.name(), i + 1),
                    size,
                })
                .collect()
        };
        match self {
            Self::Handshake | Self::Retry | Self::Chacha20 => sized(&[KIB]),
            Self::Transfer | Self::Http3 => sized(&[2 * MIB, 3 * MIB, 5 * MIB]),
            Self::Multiplexing => sized(&[2 * KIB; 50]),
            Self::Resumption => sized(&[KIB, 2 * KIB]),
            Self::Zerortt => sized(&[KIB, KIB, KIB, KIB]),
            Self::Keyupdate => sized(&[3 * MIB]),
        }
    }
}

impl fmt::Display for TestCase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_every_case_transfers_something() {
        for case in TestCase::ALL {
            assert_eq!(TestCase::parse(case.name()), Some(case));
            assert!(!case.files().is_empty(), "{case}");
        }
        assert_eq!(TestCase::parse("versionnegotiation"), None);
    }

    #[test]
    fn transfer_moves_several_megabytes_in_named_files() {
        let files = TestCase::Transfer.files();
        assert_eq!(files[0].name, "transfer-1.bin");
        assert_eq!(files.iter().map(|f| f.size).sum::<u64>(), 10 * MIB);
    }
}
