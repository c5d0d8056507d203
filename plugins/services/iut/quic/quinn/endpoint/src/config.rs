//! The endpoint's settings, read from the environment variables of the endpoint contract.

use std::env;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use url::Url;

/// ALPN of HTTP/0.9 over QUIC, used by every test case but `http3`.
pub const ALPN_HQ: &[u8] = b"hq-interop";
/// ALPN of HTTP/3.
pub const ALPN_H3: &[u8] = b"h3";

/// A test case of the interop runner that this endpoint supports.
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
    /// The test case named `name`, or `None` if this endpoint does not support it.
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

    /// The ALPN protocol the client offers for this test case.
    pub fn alpn(self) -> &'static [u8] {
        match self {
            Self::Http3 => ALPN_H3,
            _ => ALPN_HQ,
        }
    }
}

/// Settings of the server role.
#[derive(Debug)]
pub struct ServerSettings {
    /// UDP address to bind.
    pub listen: SocketAddr,
    /// Directory whose files are served.
    pub www: PathBuf,
    /// Directory holding `cert.pem` and `priv.key`.
    pub certs: PathBuf,
}

/// Settings of the client role.
#[derive(Debug)]
pub struct ClientSettings {
    /// URLs to download, in order; they all name the same server.
    pub requests: Vec<Url>,
    /// Directory the downloaded files are written into.
    pub downloads: PathBuf,
    /// Directory holding `ca.pem`.
    pub certs: PathBuf,
}

/// The role this process plays, with its settings.
#[derive(Debug)]
pub enum Role {
    /// Serve files until killed.
    Server(ServerSettings),
    /// Download the requests, then exit.
    Client(ClientSettings),
}

/// Everything the endpoint was asked to do.
#[derive(Debug)]
pub struct Config {
    /// The test case to run.
    pub test_case: TestCase,
    /// Directory for qlog files, if qlog is wanted.
    pub qlog_dir: Option<PathBuf>,
    /// Server or client, with its settings.
    pub role: Role,
}

/// Why the environment could not be turned into a [`Config`].
#[derive(Debug)]
pub enum ConfigError {
    /// TESTCASE names a test case this endpoint does not support.
    UnsupportedTestCase(String),
    /// A variable is missing or malformed.
    Invalid(anyhow::Error),
}

impl Config {
    /// Reads the configuration from the environment variables of the endpoint contract.
    pub fn from_env() -> Result<Self, ConfigError> {
        let name = var("TESTCASE").map_err(ConfigError::Invalid)?;
        let test_case = TestCase::from_name(&name).ok_or(ConfigError::UnsupportedTestCase(name))?;
        Self::read(test_case).map_err(ConfigError::Invalid)
    }

    fn read(test_case: TestCase) -> Result<Self> {
        let role = match var("ROLE")?.as_str() {
            "server" => Role::Server(ServerSettings {
                listen: var("LISTEN")?
                    .parse()
                    .context("LISTEN is not an ADDR:PORT socket address")?,
                www: var("WWW")?.into(),
                certs: var("CERTS")?.into(),
            }),
            "client" => Role::Client(ClientSettings {
                requests: parse_requests(&var("REQUESTS")?)?,
                downloads: var("DOWNLOADS")?.into(),
                certs: var("CERTS")?.into(),
            }),
            other => bail!("ROLE must be `server` or `client`, not `{other}`"),
        };
        let qlog_dir = env::var_os("QLOGDIR")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from);
        Ok(Self {
            test_case,
            qlog_dir,
            role,
        })
    }
}

fn var(name: &str) -> Result<String> {
    env::var(name).map_err(|e| anyhow!("environment variable {name}: {e}"))
}

fn parse_requests(requests: &str) -> Result<Vec<Url>> {
    let urls = requests
        .split_whitespace()
        .map(|u| Url::parse(u).with_context(|| format!("REQUESTS: bad URL `{u}`")))
        .collect::<Result<Vec<_>>>()?;
    let Some(first) = urls.first() else {
        bail!("REQUESTS holds no URL");
    };
    if let Some(other) = urls.iter().find(|u| !same_server(u, first)) {
        bail!("REQUESTS: `{other}` names another server than `{first}`");
    }
    Ok(urls)
}

fn same_server(a: &Url, b: &Url) -> bool {
    a.host() == b.host() && a.port_or_known_default() == b.port_or_known_default()
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
            assert!(TestCase::from_name(name).is_some(), "{name}");
        }
        assert_eq!(TestCase::from_name("v2"), None);
    }

    #[test]
    fn only_http3_uses_h3() {
        assert_eq!(TestCase::Http3.alpn(), ALPN_H3);
        assert_eq!(TestCase::Transfer.alpn(), ALPN_HQ);
    }

    #[test]
    fn requests_must_share_one_server() {
        let ok = parse_requests("https://127.0.0.1:4433/a https://127.0.0.1:4433/b").unwrap();
        assert_eq!(ok.len(), 2);
        assert!(parse_requests("https://127.0.0.1:4433/a https://127.0.0.1:4434/b").is_err());
        assert!(parse_requests("  ").is_err());
    }
}
