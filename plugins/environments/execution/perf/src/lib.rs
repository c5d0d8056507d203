//! The perf execution environment: perf stat counters.
//!
//! Wraps the service's command in `perf stat -x , -o {artifacts}/perf-stat.csv -e
//! EVENT... -- PROGRAM ARGS...` (one `-e` per event, so that an event holding commas
//! stays whole), then reports the counts, and which events the machine could not
//! count.
//!
//! perf writes its totals when the program ends. When the host stops a service it
//! signals the whole process group, perf included, which then ends with its file
//! empty; `interval_ms` makes perf write a reading every so often, so that the counts
//! up to the last reading survive the stop.

mod config;
mod program;
mod report;
mod stat;

use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, Description, ExecutionFindings, ExitInfo, Finding, FindingsRequest,
    Requirement, WrapLayer, WrapRequest, WrappedCommand, path_argument,
};
use panther_plugin_api::{ExecutionEnvironment, PluginError, export_plugin};

use config::Config;
use program::program_path;
use stat::Stat;

/// The file perf stat writes in the artifacts directory.
const CSV_NAME: &str = "perf-stat.csv";

/// The component this library exports.
pub struct Perf;

impl ExecutionEnvironment for Perf {
    fn describe() -> Description {
        Description {
            name: "perf".to_owned(),
            description: "counts what a service costs (task clock, context switches, page faults, cycles...) with perf stat".to_owned(),
            config_schema: config::schema(),
            layer: WrapLayer::Measure,
            claims: Vec::new(),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Perf)
    }

    fn wrap(&self, request: &WrapRequest) -> Result<WrappedCommand, PluginError> {
        let config = Config::parse(&request.config)?;
        let csv = request.artifacts_dir.join(CSV_NAME);
        let mut args = vec![
            "stat".to_owned(),
            "-x".to_owned(),
            ",".to_owned(),
            "-o".to_owned(),
            path_argument(&csv)?,
        ];
        if config.interval_ms > 0 {
            args.extend(["-I".to_owned(), config.interval_ms.to_string()]);
        }
        for event in &config.events {
            args.extend(["-e".to_owned(), event.clone()]);
        }
        args.push("--".to_owned());
        args.push(request.command.program.clone());
        args.extend(request.command.args.iter().cloned());
        let requirement = Requirement {
            path: program_path(&config.program, &request.command),
            what: "perf (config key `program`)".to_owned(),
            how_to_get: "apt-get install linux-perf".to_owned(),
        };
        Ok(WrappedCommand {
            artifacts: vec![ArtifactSpec {
                name: "perf-stat".to_owned(),
                path: csv,
            }],
            requires: vec![requirement],
            ..WrappedCommand::new(CommandSpec {
                program: config.program,
                args,
                env: request.command.env.clone(),
                cwd: request.command.cwd.clone(),
            })
        })
    }

    fn findings(&self, request: &FindingsRequest) -> Result<ExecutionFindings, PluginError> {
        let config = Config::parse(&request.config)?;
        let csv = request.artifacts_dir.join(CSV_NAME);
        let finding = match std::fs::read(&csv) {
            Ok(bytes) => {
                let stat = Stat::parse(&String::from_utf8_lossy(&bytes), config.interval_ms > 0);
                if stat.counters.is_empty() {
                    no_counts(&config, request)
                } else {
                    report::metrics(&stat).into_iter().fold(
                        Finding::new(report::summary(&stat, config.interval_ms), false)
                            .with_file(&csv),
                        |finding, (name, value)| finding.with_metric(name, value),
                    )
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Finding::new(
                format!(
                    "perf stat wrote no {}: perf did not start, or refused its arguments (see {})",
                    csv.display(),
                    request.stderr.display()
                ),
                true,
            ),
            Err(error) => Finding::new(format!("cannot read {}: {error}", csv.display()), true),
        };
        Ok(ExecutionFindings {
            findings: vec![finding],
        })
    }
}

/// The finding on a file without counts: expected of a service the host stopped,
/// since perf ends with it, and a failure otherwise.
fn no_counts(config: &Config, request: &FindingsRequest) -> Finding {
    let csv = request.artifacts_dir.join(CSV_NAME);
    match stopped_by(&request.exit) {
        Some(how) if config.interval_ms > 0 => Finding::new(
            format!(
                "perf stat wrote no counts in {CSV_NAME}: {how} before its first reading, {} ms in",
                config.interval_ms
            ),
            false,
        ),
        Some(how) => Finding::new(
            format!(
                "perf stat wrote no counts in {CSV_NAME}: it writes them when the program ends, and {how}; set `interval_ms` to keep the counts up to the stop"
            ),
            false,
        ),
        None => Finding::new(
            format!(
                "perf stat wrote no counts in {CSV_NAME}; see {}",
                request.stderr.display()
            ),
            true,
        ),
    }
    .with_file(csv)
}

/// How a signal ended perf and the service together, if one did.
fn stopped_by(exit: &ExitInfo) -> Option<String> {
    let signal = exit.signal?;
    Some(if exit.stopped_by_host {
        format!("the host stopped the service, and perf with it, with signal {signal}")
    } else {
        format!("signal {signal} ended perf")
    })
}

export_plugin!(execution_environment: Perf);

#[cfg(test)]
mod tests;
