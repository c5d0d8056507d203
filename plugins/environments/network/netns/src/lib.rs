//! The netns network environment: each service in its own network namespace, with
//! emulated links.
//!
//! Every service of a test gets a namespace and an address of its own, and its `eth0`
//! is one end of a veth pair whose other end sits in the test's link namespace. There
//! the `panther-link` program switches frames between the links, impairing what each
//! service sends as the config says (delay, jitter, loss, duplication, corruption,
//! rate); or, with `emulator = "netem"`, a kernel bridge joins them and each service's
//! interface gets a netem qdisc. Each link can be captured with tcpdump.

mod config;
mod deployment;
mod names;
mod netem;
mod subnet;
mod values;

use panther_plugin_api::model::{Deployment, Description, NetworkRequest};
use panther_plugin_api::{NetworkEnvironment, PluginError, export_plugin};

use config::Config;

/// The component this library exports.
pub struct Netns;

impl NetworkEnvironment for Netns {
    fn describe() -> Description {
        Description {
            name: "netns".to_owned(),
            description: "each service in its own network namespace, joined through emulated \
                          links (delay, jitter, loss, duplication, corruption, rate)"
                .to_owned(),
            protocols: vec![],
            roles: vec![],
            config_schema: config::schema(),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Netns)
    }

    fn deploy(&self, request: &NetworkRequest) -> Result<Deployment, PluginError> {
        deployment::deploy(request, &Config::parse(&request.config)?)
    }
}

export_plugin!(network_environment: Netns);

#[cfg(test)]
mod tests;
