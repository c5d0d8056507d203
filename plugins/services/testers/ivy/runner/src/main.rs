//! `panther-ivy`: the ivy tester's runner. Compiles an Ivy specification's test (minip's
//! with `ivyc target=test`, a QUIC test of PANTHER's models with ivyc then g++ against
//! picotls) into a cache keyed by every input (a second run with the same inputs does
//! not compile), runs the tester against the implementation under test, and writes
//! `verdict.json` beside the tester's event log (`ivy.log`).

mod cache;
mod cli;
mod compile;
mod event_log;
mod minip;
mod quic;
mod signals;
mod tester;
mod toolchain;
mod verdict;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Protocol};
use crate::compile::{Compiled, NotCompiled, Recipe};
use crate::event_log::EventLog;
use crate::signals::{Forwarder, Stopped};
use crate::tester::Launch;
use crate::verdict::{Kind, Verdict, signal_name};

/// The exit code when the test could not be compiled or started.
const NOT_RUN: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(error) = fs::create_dir_all(&cli.artifacts) {
        eprintln!(
            "panther-ivy: cannot make {}: {error}",
            cli.artifacts.display()
        );
        return ExitCode::from(NOT_RUN);
    }
    let fresh =
        |kind, message: String| Verdict::new(kind, message, &cli.test, cli.seed, cli.iterations);
    let (verdict, code) = match Forwarder::install() {
        Ok(forwarder) => run(&cli, &forwarder, &fresh),
        Err(error) => (
            fresh(
                Kind::Unknown,
                format!("cannot take over the stop signals: {error}"),
            ),
            NOT_RUN,
        ),
    };
    if let Err(error) = verdict.write(&cli.artifacts) {
        eprintln!(
            "panther-ivy: cannot write the verdict in {}: {error}",
            cli.artifacts.display()
        );
        return ExitCode::from(NOT_RUN);
    }
    let place = if verdict.location.is_empty() {
        String::new()
    } else {
        format!(" at {}", verdict.location)
    };
    eprintln!(
        "panther-ivy: {}: {}{place}: {}",
        cli.test,
        verdict.kind.as_str(),
        verdict.message
    );
    ExitCode::from(code)
}

/// Compiles and runs the test in the artifacts directory, which exists; the verdict
/// and the exit code.
fn run(cli: &Cli, forwarder: &Forwarder, fresh: &dyn Fn(Kind, String) -> Verdict) -> (Verdict, u8) {
    let Some(cache_dir) = cli.cache_dir.clone().or_else(cache::default_dir) else {
        let message =
            "no cache directory: give --cache-dir, or set PANTHER_CACHE_DIR or HOME".to_owned();
        return (fresh(Kind::Unknown, message), NOT_RUN);
    };
    let compiled =
        match recipe(cli).and_then(|recipe| compile::compiled(&recipe, &cache_dir, forwarder)) {
            Ok(compiled) => compiled,
            Err(not) => return (not_compiled(cli, not, fresh), NOT_RUN),
        };
    report_compiled(cli, &compiled);
    let event_log = cli.artifacts.join(tester::EVENT_LOG);
    let started = |mut verdict: Verdict| {
        verdict.cached = compiled.cached;
        verdict.compile_seconds = compiled.seconds;
        verdict
    };
    if cli.compile_only {
        let message = format!("compiled in {}", compiled.entry.dir.display());
        return (started(fresh(Kind::Compiled, message)), 0);
    }
    let launch = match launch(cli, &compiled, &event_log) {
        Ok(launch) => launch,
        Err(message) => return (started(fresh(Kind::Unknown, message)), NOT_RUN),
    };
    let _ = fs::remove_file(&event_log);
    let ran = match tester::run(
        &compiled.entry,
        &launch,
        &cli.artifacts,
        forwarder,
        cli.time_limit,
    ) {
        Ok(ran) => ran,
        Err(Stopped::Before(signal)) => {
            let message = format!(
                "stopped by {} before the tester started",
                signal_name(signal)
            );
            return (started(fresh(Kind::Unknown, message)), NOT_RUN);
        }
        Err(Stopped::Failed(error)) => {
            let message = format!(
                "cannot start the tester {}: {error}",
                compiled.entry.binary().display()
            );
            return (started(fresh(Kind::Unknown, message)), NOT_RUN);
        }
    };
    let reception = match cli.protocol {
        Protocol::Minip => minip::RECEPTION,
        Protocol::Quic => quic::RECEPTION,
    };
    let log = EventLog::parse(
        &String::from_utf8_lossy(&fs::read(&event_log).unwrap_or_default()),
        reception,
    );
    let (kind, location, source_line, message) =
        verdict::classify(&log, ran.ending, &compiled.entry.model_dir());
    let mut verdict = started(fresh(kind, message));
    verdict.location = location;
    verdict.source_line = source_line;
    verdict.seconds = ran.seconds;
    verdict.exit_code = ran.ending.code;
    verdict.signal = ran.ending.signal;
    verdict.events = log.events;
    let code = match (ran.ending.code, ran.ending.signal) {
        (Some(code), _) => u8::try_from(code).unwrap_or(NOT_RUN),
        (None, Some(signal)) => u8::try_from(128 + signal).unwrap_or(NOT_RUN),
        (None, None) => NOT_RUN,
    };
    (verdict, code)
}

/// How to compile the test of the command line's protocol.
fn recipe(cli: &Cli) -> Result<Recipe, NotCompiled> {
    let toolchain = toolchain::describe(&cli.ivyc);
    match cli.protocol {
        Protocol::Minip => minip::recipe(&cli.spec_dir, &cli.test, &cli.ivyc, &toolchain),
        Protocol::Quic => quic::recipe(cli, &toolchain),
    }
    .map_err(NotCompiled::Setup)
}

/// How to start the compiled tester of the command line's protocol.
fn launch(cli: &Cli, compiled: &Compiled, event_log: &Path) -> Result<Launch, String> {
    match cli.protocol {
        Protocol::Minip => minip::launch(cli, event_log),
        Protocol::Quic => quic::launch(cli, &compiled.entry, &cli.artifacts, event_log),
    }
}

/// Says whether the test came from the cache, and keeps the compiler's output with
/// the artifacts.
fn report_compiled(cli: &Cli, compiled: &Compiled) {
    let entry = &compiled.entry.dir;
    if compiled.cached {
        println!("panther-ivy: {}: cached ({})", cli.test, entry.display());
    } else {
        println!(
            "panther-ivy: {}: compiled in {:.1} s ({})",
            cli.test,
            compiled.seconds,
            entry.display()
        );
    }
    copy_compile_log(&entry.join(cache::COMPILE_LOG), &cli.artifacts);
}

/// Copies a compiler log into the artifacts; a log that cannot be copied is only
/// missing from them.
fn copy_compile_log(from: &Path, artifacts: &Path) {
    let to: PathBuf = artifacts.join(cache::COMPILE_LOG);
    if let Err(error) = fs::copy(from, &to) {
        eprintln!("panther-ivy: cannot copy {}: {error}", from.display());
    }
}

/// The verdict on a test that did not compile.
fn not_compiled(cli: &Cli, not: NotCompiled, fresh: &dyn Fn(Kind, String) -> Verdict) -> Verdict {
    match not {
        NotCompiled::Failed(output) => {
            let first = compile::first_error(&output).unwrap_or("the compiler said nothing");
            let mut verdict = fresh(Kind::CompileFailed, first.to_owned());
            let _ = fs::write(cli.artifacts.join(cache::COMPILE_LOG), &output);
            eprint!("{output}");
            verdict.compile_log = output;
            verdict
        }
        NotCompiled::Stopped(signal) => fresh(
            Kind::Unknown,
            format!("stopped by {} while compiling", signal_name(signal)),
        ),
        NotCompiled::Setup(message) => fresh(Kind::Unknown, message),
    }
}
