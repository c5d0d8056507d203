//! `quinn-endpoint`: a QUIC interop client and server built on quinn, configured by the
//! environment variables of PANTHER's endpoint contract (ROLE, TESTCASE, ...).

mod client;
mod config;
mod http09;
mod http3;
mod paths;
mod qlog;
mod server;
mod tls;
mod transport;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use tracing_subscriber::EnvFilter;

use crate::config::{Config, ConfigError, Role};

/// Exit code for a test case this endpoint does not support.
const UNSUPPORTED: u8 = 127;

fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(ConfigError::UnsupportedTestCase(name)) => {
            eprintln!("quinn-endpoint: unsupported test case `{name}`");
            return ExitCode::from(UNSUPPORTED);
        }
        Err(ConfigError::Invalid(e)) => return fail(&e),
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("warn,quinn_endpoint=info")),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .compact()
        .init();
    match run(&config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn run(config: &Config) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let qlog_dir = config.qlog_dir.as_deref();
    runtime.block_on(async {
        match &config.role {
            Role::Server(settings) => server::run(config.test_case, qlog_dir, settings).await,
            Role::Client(settings) => client::run(config.test_case, qlog_dir, settings).await,
        }
    })
}

fn fail(error: &anyhow::Error) -> ExitCode {
    eprintln!("quinn-endpoint: error: {error:#}");
    ExitCode::FAILURE
}
