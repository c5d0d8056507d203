//! The plan of a `picoquicdemo` service: its command line in the endpoint
//! contract's plan for its role, skipped when the program is not built.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{CommandSpec, Role, ServicePlan, ServiceRequest};
use panther_quic_interop::{Endpoint, TestCase, client_plan, server_plan, unsupported_case};

use super::config::Config;
use super::flags;

/// The cases picoquicdemo plays in both roles: its interop endpoint
/// (private-octopus/picoquic-interop-runner, `run_endpoint.sh`) accepts handshake,
/// transfer (which the interop runner's multiplexing case is also run as), retry
/// (`-r`), resumption and zerortt (two runs sharing the ticket store), http3
/// (`-a h3`), chacha20 (`-C 20`) and keyupdate (`-u`), with the same program as
/// server for all of them.
const SUPPORTED: [TestCase; 9] = TestCase::ALL;

/// `command` as the contract's endpoint; the program is checked by `skip_without`.
fn endpoint(command: CommandSpec) -> Endpoint {
    Endpoint {
        command,
        requires: Vec::new(),
    }
}

/// The plan of `request` as `stack` (the plugin's name, for the reason given when
/// the test case is not one picoquicdemo plays).
pub fn plan(
    request: &ServiceRequest,
    config: &Config,
    stack: &str,
) -> Result<ServicePlan, PluginError> {
    let plan = match request.role {
        Role::Server => server_plan(request, endpoint(flags::server(request, config)?)),
        Role::Client => {
            let commands = flags::client(request, config)?;
            let mut plan = client_plan(request, endpoint(commands.last))?;
            if let Some(mut first) = commands.first {
                first.env = plan.command.env.clone();
                plan.prepare.push(first);
            }
            plan
        }
    };
    Ok(ServicePlan {
        skip_without: vec![config.requirement()],
        unsupported: unsupported_case(request, stack, &SUPPORTED),
        ..plan
    })
}
