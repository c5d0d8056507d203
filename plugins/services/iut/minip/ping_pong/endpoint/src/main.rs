//! The minip ping_pong client and server, with PANTHER's five variants.
//!
//! Exit codes: 0 when the client got every pong well-formed and in time, 1 when it
//! stopped on a broken rule, 2 on a usage or setup error. The server runs until
//! killed.

#![deny(unsafe_code)]

mod cli;
mod client;
mod clock;
mod net;
mod proto;
mod schedule;
mod server;
mod summary;

use std::process::ExitCode;

use clap::Parser;
use fastrand::Rng;

use crate::cli::{Cli, Common, Role};
use crate::summary::Summary;

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(summary) if summary.passed() => ExitCode::SUCCESS,
        Ok(summary) => {
            let violation = summary.violation.as_deref();
            eprintln!("{}", violation.unwrap_or("the client stopped early"));
            ExitCode::from(1)
        }
        Err(error) => {
            eprintln!("ping-pong: {error}");
            ExitCode::from(2)
        }
    }
}

/// Plays the role the command line asks for; the client's summary, or a setup error.
fn run(cli: Cli) -> Result<Summary, String> {
    match cli.role {
        Role::Server { listen, common } => {
            let address = net::resolve(&listen)?;
            let timings = common.timings()?;
            match server::serve(address, common.variant, timings, rng(&common))? {}
        }
        Role::Client {
            connect,
            pings,
            summary: summary_path,
            common,
        } => {
            let address = net::resolve(&connect)?;
            let timings = common.timings()?;
            let summary = client::run(address, pings, common.variant, timings, rng(&common))?;
            if let Some(path) = summary_path {
                summary.write(&path)?;
            }
            println!("{}", summary.to_json());
            Ok(summary)
        }
    }
}

/// The generator of the random delays: seeded as asked, or from the time.
fn rng(common: &Common) -> Rng {
    let seed = common.seed.unwrap_or_else(|| {
        let nanos = clock::since_epoch().as_nanos();
        u64::try_from(nanos & u128::from(u64::MAX)).unwrap_or_default()
    });
    Rng::with_seed(seed)
}
