//! How an endpoint program reports to whoever runs it: the `listening on` line on
//! stdout, its log and its one-line errors on stderr, and its exit code (127 for a
//! test case it does not support).

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, Result};
use tracing_subscriber::EnvFilter;

use crate::settings::{RoleKind, SettingsError};

/// Exit code for a test case the endpoint does not support.
pub const UNSUPPORTED: u8 = 127;

/// An endpoint program, named as in its messages (`quinn-endpoint`).
#[derive(Clone, Copy, Debug)]
pub struct Program {
    name: &'static str,
}

impl Program {
    /// The program called `name`, also its crate's name with `_` for `-`.
    pub const fn new(name: &'static str) -> Self {
        Self { name }
    }

    /// Logs to stderr as RUST_LOG says, by default warnings and this program's own
    /// information.
    pub fn init_logging(self) {
        let default = format!("warn,{}=info", self.name.replace('-', "_"));
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter(
                EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default)),
            )
            .with_ansi(std::io::stderr().is_terminal())
            .with_target(false)
            .compact()
            .init();
    }

    /// Reports why the settings could not be read: exit code 127 for an unknown test
    /// case, failure for anything else.
    pub fn refuse(self, error: SettingsError) -> ExitCode {
        match error {
            SettingsError::UnsupportedTestCase(name) => self.unsupported(&name, None),
            SettingsError::Invalid(e) => self.fail(&e),
        }
    }

    /// Says on stderr that the test case `name` is not supported, in `limitation`'s role
    /// for its reason if it has one; exit code 127.
    pub fn unsupported(self, name: &str, limitation: Option<(RoleKind, &str)>) -> ExitCode {
        let why = limitation
            .map(|(role, why)| format!(" as {role}: {why}"))
            .unwrap_or_default();
        eprintln!("{}: unsupported test case `{name}`{why}", self.name);
        ExitCode::from(UNSUPPORTED)
    }

    /// Reports `error` on one line of stderr; the failure exit code.
    pub fn fail(self, error: &anyhow::Error) -> ExitCode {
        eprintln!("{}: error: {error:#}", self.name);
        ExitCode::FAILURE
    }

    /// The exit code of a run that ended with `outcome`, reporting an error.
    pub fn exit(self, outcome: Result<()>) -> ExitCode {
        match outcome {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => self.fail(&e),
        }
    }
}

/// Prints `listening on ADDR:PORT` on stdout, the line that tells the runner the server
/// is ready and where.
pub fn announce_listening(local: SocketAddr) -> Result<()> {
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on {local}")
        .and_then(|()| stdout.flush())
        .context("writing to stdout")
}
