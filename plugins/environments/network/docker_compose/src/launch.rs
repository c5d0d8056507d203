//! The launcher of a whole test: the compose file with one container per service, and
//! `compose up`.

use std::collections::BTreeMap;

use panther_network_shared::exit_wrapper::outputs;
use panther_network_shared::planned;
use panther_plugin_api::PluginError;
use panther_plugin_api::model::path_argument;
use panther_plugin_api::model::{
    CommandSpec, FileSpec, LaunchRequest, LaunchedOutputs, Launcher, PlannedService,
};
use panther_supervise::{AWAIT, PROGRAM, ServiceSpec, spec_path};

use crate::commands::Project;
use crate::compose_file::{
    Attachment, ComposeFile, Dependency, Ipam, Network, Pool, Service, literal,
};
use crate::config::Config;
use crate::{mounts, names, readiness};

/// The name of the test's bridge network in the compose file.
const NETWORK: &str = "panther";

/// The compose service that ends the run once the services deciding the test have
/// ended: every other container outlives its service, since the first container to
/// end stops them all.
const AWAITER: &str = "panther-await";

/// The launcher running every service of `request` in its own container.
pub fn launcher(config: &Config, request: &LaunchRequest) -> Result<Launcher, PluginError> {
    let names = names::SERVICES.of(request.services.iter().map(|s| s.name.as_str()))?;
    if let Some((service, _)) = names.iter().find(|(_, name)| name.as_str() == AWAITER) {
        return Err(PluginError::new(format!(
            "service `{service}` takes the compose name `{AWAITER}`, which the environment \
             keeps for itself: rename the service"
        )));
    }
    let mut services = BTreeMap::new();
    let mut launched = BTreeMap::new();
    let mut files = Vec::new();
    for service in &request.services {
        if let Some(target) = service.target.as_ref().filter(|t| !names.contains_key(*t)) {
            return Err(PluginError::new(format!(
                "service `{}` targets `{target}`, which is not in the test",
                service.name
            )));
        }
        let outputs = outputs(&service.output_dir);
        let (container, spec) = container(config, request, service, &outputs)?;
        services.insert(names[&service.name].clone(), container);
        files.push(spec);
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
    let decisive: Vec<&LaunchedOutputs> = request
        .services
        .iter()
        .filter(|service| service.decides)
        .map(|service| &launched[&service.name])
        .collect();
    if !decisive.is_empty() {
        services.insert(AWAITER.to_owned(), awaiter(config, request, &decisive)?);
    }
    let file = ComposeFile {
        services,
        networks: BTreeMap::from([(
            NETWORK.to_owned(),
            Network {
                ipam: Ipam {
                    config: vec![Pool {
                        subnet: config.subnet_of(&request.instance).to_string(),
                    }],
                },
            },
        )]),
    };
    let contents = file
        .to_yaml()
        .map_err(|error| PluginError::new(format!("cannot write the compose file: {error}")))?;
    let project = Project::new(config, &request.directory, &request.instance);
    files.push(FileSpec {
        path: project.file().to_path_buf(),
        contents,
    });
    Ok(Launcher {
        files,
        command: project.up()?,
        collect: Vec::new(),
        outputs: launched,
        unsupported_markers: Vec::new(),
    })
}

/// The container of one service, without its dependencies, and the spec its
/// supervisor reads: the container runs `panther-supervise SPEC`, which starts the
/// service's companions, runs its preparation, then runs it, with its output and exit
/// code in `outputs`.
fn container(
    config: &Config,
    request: &LaunchRequest,
    service: &PlannedService,
    outputs: &LaunchedOutputs,
) -> Result<(Service, FileSpec), PluginError> {
    let address = planned::ipv4_address(service, "the compose network can give it")?;
    let command = &service.command;
    let working_dir = command.cwd.as_ref().unwrap_or(&service.output_dir);
    let spec = ServiceSpec {
        directory: service.output_dir.clone(),
        companions: service.companions.clone(),
        prepare: service.prepare.clone(),
        command: command.clone(),
        outputs: outputs.clone(),
        ready_within_ms: request.timeout_ms,
        linger: true,
    };
    let spec_file = FileSpec {
        path: spec_path(&service.output_dir),
        contents: serde_json::to_string_pretty(&spec).map_err(|error| {
            PluginError::new(format!("cannot write the supervisor's spec: {error}"))
        })?,
    };
    let supervisor = CommandSpec::new(
        path_argument(&request.plugin_dir.join(PROGRAM))?,
        [path_argument(&spec_file.path)?],
    );
    let mut started: Vec<&CommandSpec> = vec![&supervisor, command];
    started.extend(&service.prepare);
    started.extend(
        service
            .companions
            .iter()
            .map(|companion| &companion.command),
    );
    Ok((
        Service {
            image: literal(&config.image),
            command: std::iter::once(&supervisor.program)
                .chain(&supervisor.args)
                .map(|word| literal(word))
                .collect(),
            environment: BTreeMap::new(),
            working_dir: literal(&path_argument(working_dir)?),
            init: true,
            privileged: config.privileged,
            networks: BTreeMap::from([(
                NETWORK.to_owned(),
                Attachment {
                    ipv4_address: address.to_string(),
                },
            )]),
            network_mode: None,
            volumes: mounts::mounts(&request.directory, &started, &config.volumes)?,
            depends_on: BTreeMap::new(),
            healthcheck: readiness::healthcheck(&service.ready, outputs, request.timeout_ms)?,
        },
        spec_file,
    ))
}

/// The container that ends once every file of `decisive` holds an exit code, without a
/// network of its own.
fn awaiter(
    config: &Config,
    request: &LaunchRequest,
    decisive: &[&LaunchedOutputs],
) -> Result<Service, PluginError> {
    let mut args = vec![AWAIT.to_owned()];
    for outputs in decisive {
        args.push(path_argument(&outputs.exit_code)?);
    }
    let awaiting = CommandSpec::new(path_argument(&request.plugin_dir.join(PROGRAM))?, args);
    Ok(Service {
        image: literal(&config.image),
        command: std::iter::once(&awaiting.program)
            .chain(&awaiting.args)
            .map(|word| literal(word))
            .collect(),
        environment: BTreeMap::new(),
        working_dir: literal(&path_argument(&request.directory)?),
        init: true,
        privileged: false,
        networks: BTreeMap::new(),
        network_mode: Some("none".to_owned()),
        volumes: mounts::mounts(&request.directory, &[&awaiting], &config.volumes)?,
        depends_on: BTreeMap::new(),
        healthcheck: None,
    })
}
