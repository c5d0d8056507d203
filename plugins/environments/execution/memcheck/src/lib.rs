//! The memcheck execution environment: valgrind's memory error and leak detector.
//!
//! Runs the service's program under `valgrind --tool=memcheck --xml=yes`, one report
//! per process in `{artifacts}/memcheck.%p.xml`, and reports each kind of error it
//! found (invalid accesses, uses of uninitialised values, leaks...) with where the
//! first one happened, failing the test unless `fail_on_errors` is off.

mod config;

use panther_plugin_api::model::{
    Description, ExecutionFindings, FindingsRequest, WrapLayer, WrapRequest, WrappedCommand,
};
use panther_plugin_api::{ExecutionEnvironment, PluginError, export_plugin};
use panther_valgrind::Tool;

use config::Config;

/// Memcheck as valgrind runs it.
const MEMCHECK: Tool = Tool {
    name: "memcheck",
    reports_leaks: true,
};

/// The component this library exports.
pub struct Memcheck;

impl ExecutionEnvironment for Memcheck {
    fn describe() -> Description {
        Description {
            name: MEMCHECK.name.to_owned(),
            description: "checks a service's memory accesses and leaks with valgrind's memcheck"
                .to_owned(),
            config_schema: config::schema(),
            layer: WrapLayer::Instrument,
            claims: panther_valgrind::CLAIMS.map(str::to_owned).to_vec(),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Memcheck)
    }

    fn wrap(&self, request: &WrapRequest) -> Result<WrappedCommand, PluginError> {
        let config = Config::parse(&request.config)?;
        panther_valgrind::wrap(MEMCHECK, &config.options, config.tool_args(), request)
    }

    fn findings(&self, request: &FindingsRequest) -> Result<ExecutionFindings, PluginError> {
        let config = Config::parse(&request.config)?;
        Ok(ExecutionFindings {
            findings: panther_valgrind::findings(MEMCHECK, request, config.options.fail_on_errors),
        })
    }
}

export_plugin!(execution_environment: Memcheck);

#[cfg(test)]
mod tests;
