//! The iterations execution environment: runs a service several times.
//!
//! Wraps the service's command in `panther-repeat` (built beside this library),
//! which runs it the configured number of times and logs each exit to
//! `{artifacts}/iterations.json`; the findings report every failed run.

mod config;
mod log;

use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, Description, ExecutionFindings, FindingsRequest, WrapRequest,
    WrappedCommand, path_argument,
};
use panther_plugin_api::{ExecutionEnvironment, PluginError, export_plugin};

use config::Config;

/// The name of the log panther-repeat writes in the artifacts directory.
const LOG_NAME: &str = "iterations.json";
/// The program that runs the service again and again, shipped beside the library.
const REPEAT: &str = "panther-repeat";

/// The component this library exports.
pub struct Iterations;

impl ExecutionEnvironment for Iterations {
    fn describe() -> Description {
        Description {
            name: "iterations".to_owned(),
            description: "runs a service several times in a row and reports every failed run"
                .to_owned(),
            protocols: vec![],
            roles: vec![],
            config_schema: config::schema(),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Iterations)
    }

    fn wrap(&self, request: &WrapRequest) -> Result<WrappedCommand, PluginError> {
        let config = Config::parse(&request.config)?;
        let log = request.artifacts_dir.join(LOG_NAME);
        let mut args = vec!["--times".to_owned(), config.times.to_string()];
        if config.stop_on_failure {
            args.push("--stop-on-failure".to_owned());
        }
        args.extend(["--log".to_owned(), path_argument(&log)?, "--".to_owned()]);
        args.push(request.command.program.clone());
        args.extend(request.command.args.iter().cloned());
        Ok(WrappedCommand {
            command: CommandSpec {
                program: path_argument(&request.plugin_dir.join(REPEAT))?,
                args,
                env: request.command.env.clone(),
                cwd: request.command.cwd.clone(),
            },
            artifacts: vec![ArtifactSpec {
                name: "iterations".to_owned(),
                path: log,
            }],
            requires: Vec::new(),
            analyses: Vec::new(),
        })
    }

    fn findings(&self, request: &FindingsRequest) -> Result<ExecutionFindings, PluginError> {
        let log = request.artifacts_dir.join(LOG_NAME);
        Ok(ExecutionFindings {
            findings: log::findings(&log, &request.exit),
        })
    }
}

export_plugin!(execution_environment: Iterations);

#[cfg(test)]
mod tests;
