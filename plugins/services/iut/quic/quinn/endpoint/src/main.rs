//! `quinn-endpoint`: a QUIC interop client and server built on quinn, configured by the
//! environment variables of PANTHER's endpoint contract (ROLE, TESTCASE, ...).

mod client;
mod http09;
mod http3;
mod initial_cid;
mod qlog;
mod server;
mod tls;
mod transport;

use std::process::ExitCode;

use anyhow::Result;
use panther_interop_endpoint::program::Program;
use panther_interop_endpoint::settings::{Role, Settings};

/// This program, as its messages name it.
const PROGRAM: Program = Program::new("quinn-endpoint");

/// Reads the contract's variables, then plays the role; 127 for an unsupported case.
fn main() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => return PROGRAM.refuse(e),
    };
    PROGRAM.init_logging();
    PROGRAM.exit(run(&settings))
}

/// Plays the configured role on a multi-threaded runtime.
fn run(settings: &Settings) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let qlog_dir = settings.logs.qlog_dir.as_deref();
    runtime.block_on(async {
        match &settings.role {
            Role::Server(role) => server::run(settings.test_case, qlog_dir, role).await,
            Role::Client(role) => client::run(settings.test_case, qlog_dir, role).await,
        }
    })
}
