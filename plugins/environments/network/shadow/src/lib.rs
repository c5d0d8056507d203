//! The shadow network environment: every service in the Shadow network simulator.
//!
//! Shadow 3 (<https://shadow.github.io>) runs real programs on simulated hosts over a
//! simulated network, in simulated time. `deploy` gives service `i` host `i + 2` of
//! the config's subnet (11.0.0.0/24 by default) and requires the Shadow program: the
//! build pinned in `plugins/stacks/stacks.toml` (`scripts/build-stacks shadow`), or
//! the one the `program` key names. `launch` writes `shadow.yaml` in the test's
//! directory and runs the whole test as `shadow shadow.yaml`:
//!
//! - one host per service, named after it, at its address, on a one-node network graph
//!   whose self-loop carries the config's latency and loss (and jitter, for a Shadow of
//!   one's own: the pinned one does not apply it, so it is refused), each host with the
//!   config's bandwidth; the config's seed drives every random choice, so one seed
//!   gives one run;
//! - each host runs its service's command under a fixed shell wrapper
//!   ([`panther_network_shared::exit_wrapper`]) that writes the service's standard
//!   output, standard error and exit code to `launched.stdout.log`,
//!   `launched.stderr.log` and `launched.exit_code` in the service's output directory,
//!   with the command's environment and nothing else, started by `env --chdir` in its
//!   working directory (Shadow starts every process in its host's directory); the
//!   service's preparation commands run before it, one after the other, in the same
//!   process tree, their output in `launched.prepare.log`;
//! - services start in order, each a second after the one it targets ([`schedule`]);
//!   the simulation stops the test's timeout after the last start. A service that
//!   decides the test is expected to have exited with 0 by then, the others to be
//!   still running; Shadow reports any other end in its log and its exit status. A
//!   service still running at the stop has no exit code file, and counts as stopped;
//! - Shadow's own files go to `shadow.data` in the test's directory; once the
//!   simulation ends, each host's directory (Shadow's log of each of its processes,
//!   and with `capture` on, the default, its packet capture) moves into its service's
//!   artifacts ([`host_files`]), where a QUIC client's wire checks decode the capture;
//! - Shadow's warnings about what it cannot do for a program (an unsupported system
//!   call or socket option) join the reason of a test that does not pass.
//!
//! A service whose plan runs companions beside it is refused (Shadow captures each host
//! itself), and so is a statically linked program (Shadow needs the dynamic loader to
//! run a program).

mod config;
mod gml;
mod host_files;
mod launch;
mod names;
mod quantities;
mod refusals;
mod schedule;
mod shadow_file;

use panther_network_shared::launches;
use panther_plugin_api::model::{Deployment, Description, LaunchRequest, Launcher, NetworkRequest};
use panther_plugin_api::{NetworkEnvironment, PluginError, export_plugin};
use panther_stacks::offered_versions;

use config::Config;

/// The component this library exports.
pub struct Shadow;

impl NetworkEnvironment for Shadow {
    fn describe() -> Description {
        Description {
            name: "shadow".to_owned(),
            description: "every service on its own host in the Shadow network simulator, in \
                          simulated time"
                .to_owned(),
            protocols: vec![],
            roles: vec![],
            config_schema: config::schema(),
            versions: offered_versions(config::STACK),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Shadow)
    }

    fn deploy(&self, request: &NetworkRequest) -> Result<Deployment, PluginError> {
        let config = Config::parse(&request.config)?;
        names::HOSTNAMES.of(request.services.iter().map(|s| s.name.as_str()))?;
        let mut launches = launches::at_subnet_hosts(config.subnet, &request.services)?;
        for service in &request.services {
            if let Some(launch) = launches.get_mut(&service.name) {
                launch.artifacts = host_files::artifacts(&service.artifacts_dir, config.capture);
            }
        }
        let (_, shadow) = config.program(&request.cache_dir)?;
        Ok(Deployment {
            requires: vec![shadow],
            ..Deployment::new(launches)
        })
    }

    fn launch(&self, request: &LaunchRequest) -> Result<Option<Launcher>, PluginError> {
        let config = Config::parse(&request.config)?;
        launch::launcher(&config, request).map(Some)
    }
}

export_plugin!(network_environment: Shadow);

#[cfg(test)]
mod tests;
