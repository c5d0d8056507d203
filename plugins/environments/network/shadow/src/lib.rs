//! The shadow network environment: every service in the Shadow network simulator.
//!
//! Shadow 3 (<https://shadow.github.io>) runs real programs on simulated hosts over a
//! simulated network, in simulated time. `deploy` gives service `i` host `i + 2` of
//! the config's subnet (11.0.0.0/24 by default) and skips the test when `shadow
//! --version` does not run. `launch` writes `shadow.yaml` in the test's directory and
//! runs the whole test as `shadow shadow.yaml`:
//!
//! - one host per service, named after it, at its address, on a one-node network graph
//!   whose self-loop carries the config's latency, jitter and loss, each host with the
//!   config's bandwidth;
//! - each host runs its service's command under a fixed shell wrapper
//!   ([`panther_network_shared::exit_wrapper`]) that writes the service's standard
//!   output, standard error and exit code to `launched.stdout.log`,
//!   `launched.stderr.log` and `launched.exit_code` in the service's output directory,
//!   with the command's environment and nothing else. Shadow itself writes each
//!   process's output to `<name>.<pid>.stdout` in its host's directory, `<name>` being
//!   the file name of the program once its symbolic links are resolved: `/bin/sh` is
//!   `dash.1000.stdout` on Debian and `bash.1000.stdout` where `sh` is bash. The
//!   wrapper's own files have names known in advance, so no collection step has to
//!   find Shadow's;
//! - services start in order, each a second after the one it targets ([`schedule`]);
//!   the simulation stops the test's timeout after the last start. A service that
//!   decides the test is expected to have exited with 0 by then, the others to be
//!   still running; Shadow reports any other end in its log and its exit status. A
//!   service still running at the stop has no exit code file, and counts as stopped;
//! - Shadow's own files go to `shadow.data` in the test's directory: the simulator's
//!   log of each host and process under `shadow.data/hosts/<hostname>/`, and, with the
//!   config key `capture`, each host's packet capture there too (`eth0.pcap`).
//!
//! Every process runs in its host's directory, `shadow.data/hosts/<hostname>`: Shadow
//! 3.2 sets no other working directory and has no `chdir`. A service whose command
//! asks for a working directory of its own is refused, as is one whose plan also runs
//! preparation commands or companions (a packet capture).

mod config;
mod gml;
mod launch;
mod names;
mod quantities;
mod schedule;
mod shadow_file;

use panther_network_shared::launches;
use panther_plugin_api::model::{
    CommandSpec, Deployment, Description, LaunchRequest, Launcher, NetworkRequest, Probe,
};
use panther_plugin_api::{NetworkEnvironment, PluginError, export_plugin};

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
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Shadow)
    }

    fn deploy(&self, request: &NetworkRequest) -> Result<Deployment, PluginError> {
        let config = Config::parse(&request.config)?;
        names::HOSTNAMES.of(request.services.iter().map(|s| s.name.as_str()))?;
        let launches = launches::at_subnet_hosts(config.subnet, &request.services)?;
        Ok(Deployment {
            skip_unless: vec![Probe {
                command: CommandSpec::new(config.program.clone(), ["--version"]),
                what: "the Shadow simulator".to_owned(),
                how_to_get:
                    "install Shadow 3 (https://shadow.github.io/docs/guide/install_shadow.html) \
                             and put `shadow` on PATH, or set the `program` key"
                        .to_owned(),
            }],
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
