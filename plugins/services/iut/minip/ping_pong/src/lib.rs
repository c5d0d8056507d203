//! The ping_pong service manager: PANTHER's minip protocol.
//!
//! Runs the `ping-pong` endpoint (built beside this library) as a server or a
//! client in one of PANTHER's five variants. The client decides the test: it
//! writes a JSON summary of its exchange, which `judge` reads.

mod config;
mod plan;
mod verdict;

use panther_plugin_api::model::{
    Description, Role, ServiceOutcome, ServicePlan, ServiceRequest, Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin};

/// The component this library exports.
pub struct PingPong;

impl ServiceManager for PingPong {
    fn describe() -> Description {
        Description {
            name: "ping_pong".to_owned(),
            description:
                "PANTHER's minip ping_pong over UDP: a server and a client, in five variants"
                    .to_owned(),
            protocols: vec!["minip".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: config::schema(),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(PingPong)
    }

    fn plan(&self, request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
        plan::plan(request)
    }

    fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, PluginError> {
        Ok(match outcome.request.role {
            Role::Server => verdict::judge_server(&outcome.exit),
            Role::Client => verdict::judge_client(outcome),
        })
    }
}

export_plugin!(service_manager: PingPong);

#[cfg(test)]
mod tests;
