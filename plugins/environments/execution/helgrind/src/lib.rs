//! The helgrind execution environment: valgrind's data race detector.
//!
//! Runs the service's program under `valgrind --tool=helgrind --xml=yes`, one report
//! per process in `{artifacts}/helgrind.%p.xml`, and reports each kind of thread error
//! it found (data races, lock order violations, misuses of the pthread API) with
//! where the first one happened, failing the test unless `fail_on_errors` is off.

use panther_plugin_api::model::{
    Description, ExecutionFindings, FindingsRequest, WrapLayer, WrapRequest, WrappedCommand,
};
use panther_plugin_api::{ExecutionEnvironment, PluginError, export_plugin};
use panther_valgrind::{Options, Tool};

/// Helgrind as valgrind runs it.
const HELGRIND: Tool = Tool {
    name: "helgrind",
    reports_leaks: false,
};

/// The component this library exports.
pub struct Helgrind;

impl ExecutionEnvironment for Helgrind {
    fn describe() -> Description {
        Description {
            name: HELGRIND.name.to_owned(),
            description:
                "finds data races and lock misuse in a service's threads with valgrind's helgrind"
                    .to_owned(),
            config_schema: panther_valgrind::schema(serde_json::Map::new()),
            layer: WrapLayer::Instrument,
            claims: panther_valgrind::CLAIMS.map(str::to_owned).to_vec(),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Helgrind)
    }

    fn wrap(&self, request: &WrapRequest) -> Result<WrappedCommand, PluginError> {
        let (options, _) = Options::parse(&request.config, &[])?;
        panther_valgrind::wrap(HELGRIND, &options, Vec::new(), request)
    }

    fn findings(&self, request: &FindingsRequest) -> Result<ExecutionFindings, PluginError> {
        let (options, _) = Options::parse(&request.config, &[])?;
        Ok(ExecutionFindings {
            findings: panther_valgrind::findings(HELGRIND, request, options.fail_on_errors),
        })
    }
}

export_plugin!(execution_environment: Helgrind);

#[cfg(test)]
mod tests;
