//! The picoquic_shadow service manager: picoquic's `picoquicdemo` run inside the
//! Shadow network simulator, which simulates the network and the clock. Its command
//! lines, versions (the `version` key) and pinned builds are the picoquic plugin's,
//! made by the one `picoquicdemo` module that both crates compile (see its
//! `picoquicdemo` module); what Shadow changes is in its `shadow` module.
//!
//! The flags were read from private-octopus/picoquic (`picoquic/config.c`,
//! `picoquicfirst/picoquicdemo.c`, `picoquic/democlient.c`, `picoquic/tls_api.c`,
//! `picoquic/picoquic.h`) and from picoquic's interop endpoint,
//! private-octopus/picoquic-interop-runner `run_endpoint.sh`; the `picoquicdemo` module says
//! what each file gave.

#[path = "../../picoquic/src/picoquicdemo/mod.rs"]
mod picoquicdemo;
mod shadow;
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
/// builds' in stacks.toml: picoquic patched for Shadow.
const NAME: &str = "picoquic_shadow";

/// The picoquic_shadow service manager.
pub struct PicoquicShadow;

impl ServiceManager for PicoquicShadow {
    fn describe() -> Description {
        Description {
            name: NAME.to_owned(),
            description:
                "picoquic (C), its picoquicdemo as client or server under the Shadow simulator"
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
        shadow::require_shadow(request)?;
        let config: Config = parse_config(&request.config)?;
        let plan = picoquicdemo::plan(request, &config, NAME)?;
        shadow::require_absolute(&plan)?;
        Ok(plan)
    }

    fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, PluginError> {
        Ok(judge(outcome))
    }
}

export_plugin!(service_manager: PicoquicShadow);
