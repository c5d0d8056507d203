//! `quiche-endpoint`: a QUIC interop client and server built on quiche, configured by
//! the environment variables of PANTHER's endpoint contract (ROLE, TESTCASE, ...).

mod body;
mod cid;
mod client;
mod closing;
mod download;
mod http09;
mod http3;
mod logs;
mod retry;
mod server;
mod tls;
mod transport;
mod udp;

use std::process::ExitCode;

use anyhow::Result;
use panther_interop_endpoint::program::Program;
use panther_interop_endpoint::settings::{Assignment, Role, RoleKind, Settings};
use panther_interop_endpoint::test_case::TestCase;

/// This program, as its messages name it.
const PROGRAM: Program = Program::new("quiche-endpoint");

/// Reads the contract's variables, then plays the role; 127 for an unsupported case,
/// known to the client's limits before the role's own variables are read.
fn main() -> ExitCode {
    let assignment = match Assignment::from_env() {
        Ok(assignment) => assignment,
        Err(e) => return PROGRAM.refuse(e),
    };
    let test_case = assignment.test_case;
    if let (RoleKind::Client, Some(why)) = (assignment.role, client_limitation(test_case)) {
        return PROGRAM.unsupported(test_case.name(), Some((RoleKind::Client, why)));
    }
    let settings = match assignment.settings() {
        Ok(settings) => settings,
        Err(e) => return PROGRAM.fail(&e),
    };
    PROGRAM.init_logging();
    PROGRAM.exit(run(&settings))
}

/// Why the client cannot play `test_case`, if it cannot.
fn client_limitation(test_case: TestCase) -> Option<&'static str> {
    match test_case {
        // quiche answers a peer's key update but has no API to start one.
        TestCase::KeyUpdate => Some("quiche cannot initiate a key update"),
        _ => None,
    }
}

/// Plays the configured role on a single-threaded runtime: one socket, one event loop.
fn run(settings: &Settings) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match &settings.role {
            Role::Server(role) => server::run(settings.test_case, &settings.logs, role).await,
            Role::Client(role) => client::run(settings.test_case, &settings.logs, role).await,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keyupdate_is_beyond_the_client() {
        assert!(client_limitation(TestCase::KeyUpdate).is_some());
        assert!(client_limitation(TestCase::ChaCha20).is_none());
        assert!(client_limitation(TestCase::ZeroRtt).is_none());
    }
}
