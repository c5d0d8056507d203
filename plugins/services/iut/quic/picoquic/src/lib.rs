//! The picoquic service manager: `picoquicdemo`, picoquic's demo program, one program
//! for both roles, driven with its own flags for the QUIC interop test cases, in the
//! version the config's `version` key names (PANTHER's rfc9000, draft29,
//! draft27-vuln1 and draft27-vuln2, and a current one, latest), each built from its
//! pinned sources by `scripts/build-stacks picoquic`.
//!
//! The `picoquicdemo` module says where the flags were read.

mod picoquicdemo;
#[cfg(test)]
mod tests;

use panther_plugin_api::model::{
    Description, Role, ServiceOutcome, ServicePlan, ServiceRequest, Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin, parse_config};
use panther_quic_interop::judge;
use panther_stacks::offered_versions;

use picoquicdemo::Config;

/// The plugin's name, as experiments and the unsupported reasons say it, and its
/// builds' in stacks.toml.
const NAME: &str = "picoquic";

/// The picoquic service manager.
pub struct Picoquic;

impl ServiceManager for Picoquic {
    fn describe() -> Description {
        Description {
            name: NAME.to_owned(),
            description: "picoquic (C), its picoquicdemo as client or server, hq-interop and h3, \
                          in PANTHER's versions"
                .to_owned(),
            protocols: vec!["quic".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: picoquicdemo::schema(NAME),
            versions: offered_versions(NAME),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Self)
    }

    fn plan(&self, request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
        let config: Config = parse_config(&request.config)?;
        picoquicdemo::plan(request, &config, NAME)
    }

    fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, PluginError> {
        Ok(judge(outcome))
    }
}

export_plugin!(service_manager: Picoquic);
