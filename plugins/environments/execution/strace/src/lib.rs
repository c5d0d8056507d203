//! The strace execution environment: traces a service's system calls.
//!
//! Wraps the service's command in `strace -f -tt -o {artifacts}/strace.log`, then
//! reports how many calls the log records.

mod config;
mod trace;

use std::io::ErrorKind;

use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, Description, ExecutionFindings, Finding, FindingsRequest,
    WrapRequest, WrappedCommand, path_argument,
};
use panther_plugin_api::{ExecutionEnvironment, PluginError, export_plugin};

use config::Config;

/// The name of the log strace writes in the artifacts directory.
const LOG_NAME: &str = "strace.log";

/// The component this library exports.
pub struct Strace;

impl ExecutionEnvironment for Strace {
    fn describe() -> Description {
        Description {
            name: "strace".to_owned(),
            description: "traces a service's system calls, and those of its children, with strace"
                .to_owned(),
            protocols: vec![],
            roles: vec![],
            config_schema: config::schema(),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Strace)
    }

    fn wrap(&self, request: &WrapRequest) -> Result<WrappedCommand, PluginError> {
        let config = Config::parse(&request.config)?;
        let log = request.artifacts_dir.join(LOG_NAME);
        let mut args = vec![
            "-f".to_owned(),
            "-tt".to_owned(),
            "-o".to_owned(),
            path_argument(&log)?,
        ];
        if let Some(expression) = config.expression {
            args.extend(["-e".to_owned(), expression]);
        }
        args.push("--".to_owned());
        args.push(request.command.program.clone());
        args.extend(request.command.args.iter().cloned());
        Ok(WrappedCommand {
            command: CommandSpec {
                program: config.program,
                args,
                env: request.command.env.clone(),
                cwd: request.command.cwd.clone(),
            },
            artifacts: vec![ArtifactSpec {
                name: "strace".to_owned(),
                path: log,
            }],
            requires: Vec::new(),
            analyses: Vec::new(),
        })
    }

    fn findings(&self, request: &FindingsRequest) -> Result<ExecutionFindings, PluginError> {
        let log = request.artifacts_dir.join(LOG_NAME);
        let finding = match std::fs::read(&log) {
            Ok(bytes) => {
                let calls = trace::count_calls(&String::from_utf8_lossy(&bytes));
                let noun = if calls == 1 { "call" } else { "calls" };
                Finding {
                    summary: format!("strace recorded {calls} system {noun} in {LOG_NAME}"),
                    file: Some(log),
                    fails_test: false,
                    ..Finding::default()
                }
            }
            Err(error) if error.kind() == ErrorKind::NotFound => Finding {
                summary: "strace wrote no trace (is strace installed?)".to_owned(),
                file: None,
                fails_test: true,
                ..Finding::default()
            },
            Err(error) => Finding {
                summary: format!("cannot read {LOG_NAME}: {error}"),
                file: Some(log),
                fails_test: true,
                ..Finding::default()
            },
        };
        Ok(ExecutionFindings {
            findings: vec![finding],
        })
    }
}

export_plugin!(execution_environment: Strace);

#[cfg(test)]
mod tests;
