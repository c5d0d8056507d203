//! The endpoint's settings, read from the environment variables of the endpoint contract.
//!
//! Reading is in two steps: [`Assignment::from_env`] reads TESTCASE and ROLE, enough for
//! an endpoint to refuse a test case it cannot play in that role before anything else is
//! read; [`Assignment::settings`] then reads the role's own variables.
//! [`Settings::from_env`] does both.

use std::env;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use url::Url;

use crate::test_case::TestCase;

/// The role ROLE names, before its settings are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleKind {
    /// `server`.
    Server,
    /// `client`.
    Client,
}

impl fmt::Display for RoleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Server => "server",
            Self::Client => "client",
        })
    }
}

/// What TESTCASE and ROLE ask the endpoint to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The test case to run.
    pub test_case: TestCase,
    /// The role to play in it.
    pub role: RoleKind,
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

/// Where the secrets and events of every connection are written.
#[derive(Debug, Default)]
pub struct LogPaths {
    /// The TLS key log file (SSLKEYLOGFILE), if wanted.
    pub keylog: Option<PathBuf>,
    /// Directory for qlog files (QLOGDIR), if wanted.
    pub qlog_dir: Option<PathBuf>,
}

/// Everything the endpoint was asked to do.
#[derive(Debug)]
pub struct Settings {
    /// The test case to run.
    pub test_case: TestCase,
    /// The key log and qlog outputs.
    pub logs: LogPaths,
    /// Server or client, with its settings.
    pub role: Role,
}

/// Why the environment could not be turned into [`Settings`].
#[derive(Debug)]
pub enum SettingsError {
    /// TESTCASE names a test case the endpoints do not know.
    UnsupportedTestCase(String),
    /// A variable is missing or malformed.
    Invalid(anyhow::Error),
}

impl Assignment {
    /// Reads TESTCASE, then ROLE, from the environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        let name = var("TESTCASE").map_err(SettingsError::Invalid)?;
        let test_case =
            TestCase::from_name(&name).ok_or(SettingsError::UnsupportedTestCase(name))?;
        let role = role_kind(&var("ROLE").map_err(SettingsError::Invalid)?)
            .map_err(SettingsError::Invalid)?;
        Ok(Self { test_case, role })
    }

    /// Reads the variables of the role and the log outputs, completing the settings.
    pub fn settings(self) -> Result<Settings> {
        let role = match self.role {
            RoleKind::Server => Role::Server(ServerSettings {
                listen: var("LISTEN")?
                    .parse()
                    .context("LISTEN is not an ADDR:PORT socket address")?,
                www: var("WWW")?.into(),
                certs: var("CERTS")?.into(),
            }),
            RoleKind::Client => Role::Client(ClientSettings {
                requests: parse_requests(&var("REQUESTS")?)?,
                downloads: var("DOWNLOADS")?.into(),
                certs: var("CERTS")?.into(),
            }),
        };
        Ok(Settings {
            test_case: self.test_case,
            logs: LogPaths {
                keylog: path_var("SSLKEYLOGFILE"),
                qlog_dir: path_var("QLOGDIR"),
            },
            role,
        })
    }
}

impl Settings {
    /// Reads the settings from the environment variables of the endpoint contract.
    pub fn from_env() -> Result<Self, SettingsError> {
        Assignment::from_env()?
            .settings()
            .map_err(SettingsError::Invalid)
    }
}

/// The role a value of ROLE names.
fn role_kind(role: &str) -> Result<RoleKind> {
    match role {
        "server" => Ok(RoleKind::Server),
        "client" => Ok(RoleKind::Client),
        other => bail!("ROLE must be `server` or `client`, not `{other}`"),
    }
}

/// The value of the environment variable `name`, which must be set.
fn var(name: &str) -> Result<String> {
    env::var(name).map_err(|e| anyhow!("environment variable {name}: {e}"))
}

/// The path a variable names, if it is set and not empty.
fn path_var(name: &str) -> Option<PathBuf> {
    env::var_os(name)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

/// The URLs of REQUESTS, which must name one server.
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

/// Whether two URLs name the same host and port.
fn same_server(a: &Url, b: &Url) -> bool {
    a.host() == b.host() && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_must_share_one_server() {
        let ok = parse_requests("https://127.0.0.1:4433/a https://127.0.0.1:4433/b").unwrap();
        assert_eq!(ok.len(), 2);
        assert!(parse_requests("https://127.0.0.1:4433/a https://127.0.0.1:4434/b").is_err());
        assert!(parse_requests("  ").is_err());
    }

    #[test]
    fn roles_are_server_or_client() {
        assert_eq!(role_kind("server").unwrap(), RoleKind::Server);
        assert_eq!(role_kind("client").unwrap(), RoleKind::Client);
        let error = role_kind("peer").unwrap_err().to_string();
        assert_eq!(error, "ROLE must be `server` or `client`, not `peer`");
        assert_eq!(RoleKind::Client.to_string(), "client");
    }
}
