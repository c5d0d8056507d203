//! The docker_compose network environment: one container per service on a bridge network.
//!
//! `deploy` gives service `i` host `i + 2` of the config's subnet (by default a /24
//! each test draws from 10.128.0.0/9 by its name, so that tests running at once have
//! networks of their own), skips the test when no Docker engine or compose answers, and tears the
//! project down afterwards. `launch` writes `docker-compose.yml` in the test's
//! directory and runs the whole test as `docker-compose up --abort-on-container-exit`:
//!
//! - each container runs the configured image (by default the one
//!   `scripts/start-docker` builds from `image/Dockerfile`) with `panther-supervise`
//!   (built from `supervisor/`, shipped beside this library) as its command: it starts
//!   the service's companions (a packet capture, inside the container's network), runs
//!   its preparation, then the service, and writes the service's standard output,
//!   standard error and exit code to `launched.stdout.log`, `launched.stderr.log` and
//!   `launched.exit_code` in its output directory. Writing them there, rather than
//!   collecting them with `compose logs` afterwards, keeps the two streams apart with
//!   Compose v1 too (whose `logs` merges them) and whatever the engine's log driver;
//! - the test's directory is mounted read-write and what the commands need from the
//!   host read-only, at the same paths ([`mounts`]);
//! - a service starts after the one it targets, once that one is ready as its plan
//!   says, through a healthcheck ([`readiness`]);
//! - every service's container outlives the service (its exit code written), since
//!   the first container to end stops the others; a `panther-await` container ends
//!   once the services that decide the test have all ended, which ends the run. One
//!   still running then has no exit code file, and counts as stopped.

mod commands;
mod compose_file;
mod config;
mod launch;
mod mounts;
mod names;
mod readiness;

use panther_network_shared::launches;
use panther_plugin_api::model::{Deployment, Description, LaunchRequest, Launcher, NetworkRequest};
use panther_plugin_api::{NetworkEnvironment, PluginError, export_plugin};

use commands::Project;
use config::Config;

/// The component this library exports.
pub struct DockerCompose;

impl NetworkEnvironment for DockerCompose {
    fn describe() -> Description {
        Description {
            name: "docker_compose".to_owned(),
            description: "one container per service on a Docker bridge network, run with \
                          docker compose"
                .to_owned(),
            protocols: vec![],
            roles: vec![],
            config_schema: config::schema(),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(DockerCompose)
    }

    fn deploy(&self, request: &NetworkRequest) -> Result<Deployment, PluginError> {
        let config = Config::parse(&request.config)?;
        let subnet = config.subnet_of(&request.instance);
        let launches = launches::at_subnet_hosts(subnet, &request.services)?;
        let project = Project::new(&config, &request.directory, &request.instance);
        Ok(Deployment {
            teardown: vec![project.down()?],
            skip_unless: commands::probes(&config),
            ..Deployment::new(launches)
        })
    }

    fn launch(&self, request: &LaunchRequest) -> Result<Option<Launcher>, PluginError> {
        let config = Config::parse(&request.config)?;
        launch::launcher(&config, request).map(Some)
    }
}

export_plugin!(network_environment: DockerCompose);

#[cfg(test)]
mod tests;
