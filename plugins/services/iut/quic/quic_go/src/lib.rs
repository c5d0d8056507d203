//! The quic_go service manager: `quic-go-endpoint`, an interop endpoint over quic-go
//! 0.29 (Debian's Go sources) kept in this plugin's `endpoint/` folder, for both roles
//! and every interop test case. It follows the endpoint contract (ROLE, TESTCASE,
//! LISTEN, WWW, CERTS, REQUESTS, DOWNLOADS, SSLKEYLOGFILE, QLOGDIR), so it listens
//! where the test places it. `scripts/build-stacks quic_go` builds it into the host's
//! cache, where the plans find it; a run that needs it before it is built is refused
//! with that command. `endpoint/README.md` says what it does in each case.

mod config;
#[cfg(test)]
mod tests;

use panther_plugin_api::model::{
    CommandSpec, Description, Role, ServiceOutcome, ServicePlan, ServiceRequest, Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin, parse_config};
use panther_quic_interop::{Endpoint, judge, plan};
use panther_stacks::offered_versions;

use crate::config::{Config, program};

/// The quic_go service manager.
pub struct QuicGo;

impl ServiceManager for QuicGo {
    fn describe() -> Description {
        Description {
            name: "quic_go".to_owned(),
            description: "quic-go (Go) 0.29, through this plugin's interop endpoint, \
                          hq-interop and h3"
                .to_owned(),
            protocols: vec!["quic".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: config::schema(),
            versions: offered_versions(config::STACK),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Self)
    }

    fn plan(&self, request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
        let config: Config = parse_config(&request.config)?;
        let (program, requirement) = program(&config, request)?;
        let endpoint = Endpoint {
            command: CommandSpec::new(program.display().to_string(), Vec::<String>::new()),
            requires: vec![requirement],
        };
        plan(request, endpoint)
    }

    fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, PluginError> {
        Ok(judge(outcome))
    }
}

export_plugin!(service_manager: QuicGo);
