//! The ivy tester: formal testing against an Ivy specification, as PANTHER does.
//!
//! An Ivy test (`ivyc target=test`) plays one side of the protocol: it generates
//! randomized traffic that obeys the specification and checks every packet the
//! implementation under test sends against the specification's rules. Playing the
//! client, it tests a server (minip's `minip_server_test`); playing the server, it
//! tests a client (`minip_client_test`). The plugin plans one `panther-ivy` command
//! (shipped beside the library) that compiles the test into a cache and runs it; the
//! runner's `verdict.json` is the test's verdict: no violation found, non-compliant
//! with the broken rule's file, line and text, or why nothing could be judged.
//!
//! The minip specification ships in `ivy/specs/minip` beside the library. For QUIC,
//! the tester runs PANTHER's tests, compiled from PANTHER's models (installed in the
//! project's venv) against the picotls PANTHER pins (built into the host's cache):
//! its server tests playing the client, its client tests playing the server.

mod config;
mod judge;
mod plan;
mod protocol;
mod quic_tests;
mod requirements;

use panther_plugin_api::model::{
    Description, Role, ServiceOutcome, ServicePlan, ServiceRequest, Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin};

/// The component this library exports.
pub struct Ivy;

impl ServiceManager for Ivy {
    fn describe() -> Description {
        Description {
            name: "ivy".to_owned(),
            description:
                "formal testing against an Ivy specification (Ivy testers for minip, and PANTHER's QUIC server and client tests)"
                    .to_owned(),
            protocols: vec!["minip".to_owned(), "quic".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: config::schema(),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Ivy)
    }

    fn plan(&self, request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
        plan::plan(request)
    }

    fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, PluginError> {
        Ok(judge::judge(outcome))
    }
}

export_plugin!(service_manager: Ivy);

#[cfg(test)]
mod tests;
