//! The gdb execution environment: a crash leaves its backtrace.
//!
//! Runs the service's program under gdb in batch mode, with gdb's own output in
//! `{artifacts}/gdb.log` and the program's output where the service's goes. A crash
//! signal stops the program and the configured commands (`bt full`) write where it
//! was to the log; the findings report the crash, with the function and source line,
//! failing the test unless `fail_on_crash` is off. An exit, or an end by a signal that
//! is not a crash, is reported without failing.
//!
//! gdb runs the program in a process group of its own, so the host's stop (TERM to
//! the service's process group) reaches gdb alone, which kills the program: under gdb
//! a service stopped by the host does not run its own SIGTERM handling. Such a stop
//! is reported without failing.

mod command;
mod config;
mod log;

use std::io::ErrorKind;

use panther_plugin_api::model::{
    Description, ExecutionFindings, Finding, FindingsRequest, WrapLayer, WrapRequest,
    WrappedCommand,
};
use panther_plugin_api::{ExecutionEnvironment, PluginError, export_plugin};

use config::Config;
use log::Ending;

/// The component this library exports.
pub struct Gdb;

impl ExecutionEnvironment for Gdb {
    fn describe() -> Description {
        Description {
            name: "gdb".to_owned(),
            description: "runs a service under gdb, which records a backtrace when it crashes"
                .to_owned(),
            config_schema: config::schema(),
            layer: WrapLayer::Instrument,
            claims: vec!["instrumenter".to_owned(), "ptrace".to_owned()],
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Gdb)
    }

    fn wrap(&self, request: &WrapRequest) -> Result<WrappedCommand, PluginError> {
        command::wrap(&Config::parse(&request.config)?, request)
    }

    fn findings(&self, request: &FindingsRequest) -> Result<ExecutionFindings, PluginError> {
        let config = Config::parse(&request.config)?;
        Ok(ExecutionFindings {
            findings: vec![finding(&config, request)],
        })
    }
}

/// The one finding on the run: how the program ended under gdb.
fn finding(config: &Config, request: &FindingsRequest) -> Finding {
    let log = request.artifacts_dir.join(command::LOG_NAME);
    let text = match std::fs::read(&log) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(error) if error.kind() == ErrorKind::NotFound => {
            return Finding::new(
                format!(
                    "gdb wrote no log ({}); see {} for why",
                    log.display(),
                    request.stderr.display()
                ),
                true,
            )
            .with_file(&request.stderr);
        }
        Err(error) => {
            return Finding::new(format!("cannot read {}: {error}", log.display()), true)
                .with_file(log);
        }
    };
    let finding = match log::ending(&text) {
        Ending::Crashed { signal, place } => {
            let place = place.map_or_else(String::new, |place| format!(" in {place}"));
            Finding::new(
                format!("crashed with {signal}{place}"),
                config.fail_on_crash,
            )
            .with_metric("signal", signal)
        }
        Ending::Exited(code) => Finding::new(format!("exited with code {code} under gdb"), false)
            .with_metric("exit_code", code),
        Ending::Ended(signal) => Finding::new(
            format!("ended by {signal} under gdb, which is not a crash"),
            false,
        )
        .with_metric("signal", signal),
        Ending::NotStarted(why) => {
            Finding::new(format!("gdb could not start the program: {why}"), true)
        }
        Ending::Untold if request.exit.stopped_by_host => {
            Finding::new("stopped by the host under gdb, without a crash", false)
        }
        Ending::Untold => Finding::new(
            "gdb's log tells neither an exit nor a crash of the program",
            true,
        ),
    };
    finding.with_file(log)
}

export_plugin!(execution_environment: Gdb);

#[cfg(test)]
mod tests;
