//! Forwards frames between network namespaces, emulating each link's delay, jitter,
//! loss, duplication, corruption and rate.
//!
//! `panther-link --config links.json` opens every port the file names, prints its
//! ready line, and forwards until SIGTERM or SIGINT, when it prints one JSON line of
//! per-port counters and exits 0. A bad config or a missing interface: one line on
//! standard error, exit 2; a port failing while running: exit 1.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread;

use clap::Parser;
use nix::sys::signal::{SigSet, Signal};
use panther_link::config::LinkConfig;
use panther_link::packet_socket::OpenError;
use panther_link::ready_line;
use panther_link::switch::Switch;

/// The exit code for a config or an interface that cannot be used.
const REFUSED: u8 = 2;

/// Joins the interfaces of a link namespace into one switch with impaired links.
#[derive(Debug, Parser)]
#[command(name = "panther-link", version, about)]
struct Args {
    /// The JSON file naming the ports and each link's impairments.
    #[arg(long)]
    config: PathBuf,
}

/// Why the program stops.
enum Stop {
    /// SIGTERM or SIGINT arrived.
    Signal,
    /// Something failed; the message says what.
    Failed(String),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = match LinkConfig::load(&args.config) {
        Ok(config) => config,
        Err(error) => return refuse(&error.to_string()),
    };
    // Blocked before any thread starts, so every thread inherits the mask and only the
    // waiting thread below takes the signals.
    let signals = stop_signals();
    if let Err(error) = signals.thread_block() {
        return fail(&format!("cannot block signals: {error}"));
    }
    let switch = match Switch::open(config) {
        Ok(switch) => Arc::new(switch),
        Err(error @ OpenError::NoSuchInterface(_)) => return refuse(&error.to_string()),
        Err(error) => return fail(&error.to_string()),
    };
    let (stops, stopped) = mpsc::channel();
    if let Err(error) = watch(signals, stops, &switch) {
        return fail(&format!("cannot start: {error}"));
    }
    println!("{}", ready_line(switch.port_count()));
    match stopped.recv() {
        Ok(Stop::Signal) => {
            println!("{}", switch.summary().to_line());
            ExitCode::SUCCESS
        }
        Ok(Stop::Failed(reason)) => fail(&reason),
        Err(_) => fail("stopped watching for signals"),
    }
}

/// SIGTERM and SIGINT.
fn stop_signals() -> SigSet {
    let mut signals = SigSet::empty();
    signals.add(Signal::SIGTERM);
    signals.add(Signal::SIGINT);
    signals
}

/// Starts the switch, and threads that report on `stops` the first stop signal and
/// any port that fails.
fn watch(signals: SigSet, stops: mpsc::Sender<Stop>, switch: &Arc<Switch>) -> std::io::Result<()> {
    let (failures, failed) = mpsc::channel();
    switch.start(&failures)?;
    let on_failure = stops.clone();
    thread::Builder::new()
        .name("failures".to_owned())
        .spawn(move || {
            if let Ok(failure) = failed.recv() {
                let _ = on_failure.send(Stop::Failed(failure.to_string()));
            }
        })?;
    thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || {
            let stop = match signals.wait() {
                Ok(_) => Stop::Signal,
                Err(error) => Stop::Failed(format!("cannot wait for signals: {error}")),
            };
            let _ = stops.send(stop);
        })?;
    Ok(())
}

/// Refuses to start: one line on standard error, exit 2.
fn refuse(reason: &str) -> ExitCode {
    eprintln!("panther-link: {reason}");
    ExitCode::from(REFUSED)
}

/// Fails while starting or running: one line on standard error, exit 1.
fn fail(reason: &str) -> ExitCode {
    eprintln!("panther-link: {reason}");
    ExitCode::FAILURE
}
