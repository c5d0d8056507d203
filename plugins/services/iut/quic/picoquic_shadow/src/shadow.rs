//! What running under Shadow changes in a picoquicdemo plan. Shadow starts every
//! process itself, from an absolute program path, and follows it until it exits, so
//! programs must stay in the foreground: picoquicdemo does (it never detaches). A
//! simulated host's traffic never reaches the machine's `lo`, so there is no capture
//! to take there: the shadow network environment writes the simulated host's pcap to
//! the client's capture path, which the tshark decoding then reads as usual.

use std::path::{Path, PathBuf};

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

/// The plan without its capture companions and what only they needed (tcpdump); the
/// capture artifact and its decoding stay.
pub fn without_capture(mut plan: ServicePlan) -> ServicePlan {
    let programs: Vec<PathBuf> = plan
        .companions
        .drain(..)
        .map(|companion| PathBuf::from(companion.command.program))
        .collect();
    plan.requires
        .retain(|requirement| !programs.contains(&requirement.path));
    plan
}
