//! Runs a command several times in a row and records each exit.
//!
//! `panther-repeat --times N [--stop-on-failure] [--log FILE] -- PROGRAM [ARGS...]`
//! runs PROGRAM N times in sequence, each run inheriting the standard streams, and
//! rewrites FILE (JSON) after every run. It exits with 0 when every run exited with
//! 0, else with the first failing run's code (128 + the signal for a killed run,
//! or for the signal that stopped panther-repeat between runs), and with 127 when
//! PROGRAM cannot be started. SIGTERM and SIGINT are passed on to
//! the running program, whose run is recorded before panther-repeat stops.

mod record;
mod run;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use panther_forward_signals as signals;

use record::{Iteration, Record};

/// The exit code when the program cannot be started.
const NOT_STARTED: u8 = 127;

/// The command line.
#[derive(Debug, Parser)]
#[command(
    version,
    about = "Runs a command several times in a row and records each exit"
)]
struct Cli {
    /// How many times to run the program.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    times: u32,
    /// Stops after the first run that does not exit with 0.
    #[arg(long)]
    stop_on_failure: bool,
    /// The JSON file recording every run, rewritten after each.
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    /// The program to run, then its arguments.
    #[arg(last = true, required = true, value_name = "PROGRAM [ARGS]")]
    command: Vec<OsString>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(error) = signals::forward_stops() {
        eprintln!("panther-repeat: cannot pass signals on to the program: {error}");
    }
    let Some((program, args)) = cli.command.split_first() else {
        Cli::command()
            .error(ErrorKind::MissingRequiredArgument, "no PROGRAM after `--`")
            .exit()
    };
    let mut record = Record::new(cli.times);
    save(cli.log.as_deref(), &record);
    let mut first_failure = None;
    for number in 1..=cli.times {
        if signals::received().is_some() {
            break;
        }
        let ended = match run::run(program, args) {
            Ok(ended) => ended,
            Err(error) => {
                eprintln!(
                    "panther-repeat: cannot start `{}`: {error}",
                    program.to_string_lossy()
                );
                return ExitCode::from(first_failure.unwrap_or(NOT_STARTED));
            }
        };
        let iteration = Iteration::new(number, &ended);
        eprintln!(
            "panther-repeat: iteration {number}/{} {}",
            cli.times,
            iteration.outcome()
        );
        let failed = !iteration.passed();
        if failed {
            first_failure.get_or_insert(iteration.exit_status());
        }
        record.iterations.push(iteration);
        save(cli.log.as_deref(), &record);
        if failed && cli.stop_on_failure {
            break;
        }
    }
    let interrupted = signals::received().map(record::signal_status);
    ExitCode::from(first_failure.or(interrupted).unwrap_or(0))
}

/// Writes the record to the log, if there is one; a failure is reported, not fatal,
/// so that the program's runs are the same with or without a log.
fn save(log: Option<&Path>, record: &Record) {
    let Some(path) = log else {
        return;
    };
    if let Err(error) = record.save(path) {
        eprintln!("panther-repeat: cannot write {}: {error}", path.display());
    }
}
