//! The picoquic service manager: `picoquicdemo`, picoquic's demo program, one program
//! for both roles, driven with its own flags for the QUIC interop test cases.
//!
//! The program is not packaged: the user builds it and points `binary` at it; tests
//! are skipped while it is missing.
//!
//! The flags were read from private-octopus/picoquic (`picoquic/config.c`,
//! `picoquicfirst/picoquicdemo.c`, `picoquic/democlient.c`, `picoquic/tls_api.c`,
//! `picoquic/picoquic.h`) and from picoquic's interop endpoint,
//! private-octopus/picoquic-interop-runner `run_endpoint.sh`; the `picoquicdemo` module says
//! what each file gave.

mod picoquicdemo;
#[cfg(test)]
mod tests;

use panther_plugin_api::model::{
    Description, Role, ServiceOutcome, ServicePlan, ServiceRequest, Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin, parse_config};
use panther_quic_interop::judge;

use picoquicdemo::Config;

/// The plugin's name, as experiments and the unsupported reasons say it.
const NAME: &str = "picoquic";

/// The picoquic service manager.
pub struct Picoquic;

impl ServiceManager for Picoquic {
    fn describe() -> Description {
        Description {
            name: NAME.to_owned(),
            description: "picoquic (C), its picoquicdemo as client or server, hq-interop and h3"
                .to_owned(),
            protocols: vec!["quic".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: picoquicdemo::schema(),
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
