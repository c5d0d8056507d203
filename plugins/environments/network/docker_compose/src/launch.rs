//! The launcher of a whole test: the compose file with one container per service, and
//! `compose up`.

use std::collections::BTreeMap;

use panther_network_shared::exit_wrapper::{outputs, wrapped};
use panther_network_shared::planned::{self, OneCommand};
use panther_plugin_api::PluginError;
use panther_plugin_api::model::path_argument;
use panther_plugin_api::model::{
    FileSpec, LaunchRequest, LaunchedOutputs, Launcher, PlannedService,
};

use crate::commands::Project;
use crate::compose_file::{
    Attachment, ComposeFile, Dependency, Ipam, Network, Pool, Service, literal,
};
use crate::config::Config;
use crate::{mounts, names, readiness};

/// The name of the test's bridge network in the compose file.
const NETWORK: &str = "panther";

/// A container runs its service's one command, and nothing else.
const ONE_COMMAND: OneCommand = OneCommand {
    environment: "docker_compose",
    because: "each container runs its service's one command",
};

/// The launcher running every service of `request` in its own container.
pub fn launcher(config: &Config, request: &LaunchRequest) -> Result<Launcher, PluginError> {
    for service in &request.services {
        ONE_COMMAND.refuse_more(service, None)?;
    }
    let names = names::SERVICES.of(request.services.iter().map(|s| s.name.as_str()))?;
    let mut services = BTreeMap::new();
    let mut launched = BTreeMap::new();
    for service in &request.services {
        if let Some(target) = service.target.as_ref().filter(|t| !names.contains_key(*t)) {
            return Err(PluginError::new(format!(
                "service `{}` targets `{target}`, which is not in the test",
                service.name
            )));
        }
        let outputs = outputs(&service.output_dir);
        let container = container(config, request, service, &outputs)?;
        services.insert(names[&service.name].clone(), container);
        launched.insert(service.name.clone(), outputs);
    }
    // A service waits for its target's healthcheck when the target's container has one.
    for service in &request.services {
        let Some(target) = &service.target else {
            continue;
        };
        let target = &names[target];
        let condition = readiness::condition(services[target].healthcheck.as_ref()).to_owned();
        if let Some(dependent) = services.get_mut(&names[&service.name]) {
            dependent
                .depends_on
                .insert(target.clone(), Dependency { condition });
        }
    }
    let file = ComposeFile {
        services,
        networks: BTreeMap::from([(
            NETWORK.to_owned(),
            Network {
                ipam: Ipam {
                    config: vec![Pool {
                        subnet: config.subnet.to_string(),
                    }],
                },
            },
        )]),
    };
    let contents = file
        .to_yaml()
        .map_err(|error| PluginError::new(format!("cannot write the compose file: {error}")))?;
    let project = Project::new(config, &request.directory, &request.instance);
    Ok(Launcher {
        files: vec![FileSpec {
            path: project.file().to_path_buf(),
            contents,
        }],
        command: project.up()?,
        collect: Vec::new(),
        outputs: launched,
    })
}

/// The container of one service, without its dependencies.
fn container(
    config: &Config,
    request: &LaunchRequest,
    service: &PlannedService,
    outputs: &LaunchedOutputs,
) -> Result<Service, PluginError> {
    let address = planned::ipv4_address(service, "the compose network can give it")?;
    let command = &service.command;
    let working_dir = command.cwd.as_ref().unwrap_or(&service.output_dir);
    let wrapper = wrapped(command, outputs)?;
    Ok(Service {
        image: literal(&config.image),
        command: std::iter::once(&wrapper.program)
            .chain(&wrapper.args)
            .map(|word| literal(word))
            .collect(),
        environment: command
            .env
            .iter()
            .map(|(key, value)| (literal(key), literal(value)))
            .collect(),
        working_dir: literal(&path_argument(working_dir)?),
        init: true,
        privileged: config.privileged,
        networks: BTreeMap::from([(
            NETWORK.to_owned(),
            Attachment {
                ipv4_address: address.to_string(),
            },
        )]),
        volumes: mounts::mounts(&request.directory, command, &config.volumes)?,
        depends_on: BTreeMap::new(),
        healthcheck: readiness::healthcheck(&service.ready, outputs, request.timeout_ms)?,
    })
}
