//! What running under Shadow changes in a picoquicdemo plan. Shadow starts every
//! process itself, from an absolute program path, and follows it until it exits, so
//! programs must stay in the foreground: picoquicdemo does (it never detaches). A
//! simulated host's traffic never reaches the machine's interfaces: the client's wire
//! checks decode the capture Shadow writes of its host (the request's
//! `link_capture`), as the QUIC kit does for any environment that captures links.
//! The cases that run picoquicdemo twice on the client's host (resumption, zerortt)
//! run the first as a preparation, which the shadow environment runs on the host
//! before the service.

use std::path::Path;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{ServicePlan, ServiceRequest};

/// The network environment whose simulated network and clock this plugin needs.
const SHADOW: &str = "shadow";

/// Refuses a request made for any network environment but Shadow.
pub fn require_shadow(request: &ServiceRequest) -> Result<(), PluginError> {
    if request.network == SHADOW {
        Ok(())
    } else {
        Err(PluginError::new(format!(
            "picoquic_shadow runs only under the Shadow simulator: the test's network is '{}', it needs '{SHADOW}' (use the picoquic plugin elsewhere)",
            request.network
        )))
    }
}

/// Refuses a plan whose program path is relative, which Shadow cannot start.
pub fn require_absolute(plan: &ServicePlan) -> Result<(), PluginError> {
    let program = &plan.command.program;
    if Path::new(program).is_absolute() {
        Ok(())
    } else {
        Err(PluginError::new(format!(
            "config key `binary`: Shadow needs an absolute program path, not '{program}'"
        )))
    }
}
