//! The launcher of a whole test: `shadow.yaml` with one simulated host per service, and
//! `shadow shadow.yaml`.

use std::collections::BTreeMap;
use std::path::Path;

use panther_network_shared::exit_wrapper::{outputs, preparation_log, wrapped};
use panther_network_shared::planned;
use panther_plugin_api::PluginError;
use panther_plugin_api::model::path_argument;
use panther_plugin_api::model::{
    Collection, CommandSpec, FileSpec, LaunchRequest, LaunchedOutputs, Launcher, PlannedService,
};

use crate::config::Config;
use crate::gml::{self, NODE_ID};
use crate::quantities::Duration;
use crate::shadow_file::{
    FinalState, General, Graph, Host, HostOptions, Network, Process, Running, ShadowFile,
};
use crate::{host_files, names, refusals, schedule};

/// The simulation's file name in the test's directory.
const FILE_NAME: &str = "shadow.yaml";
/// Shadow's data directory's name in the test's directory.
const DATA_DIRECTORY: &str = "shadow.data";

/// The program that starts a command in its working directory: coreutils' `env
/// --chdir`, whose `chdir` Shadow emulates.
const ENV: &str = "/usr/bin/env";

/// Where Shadow's warnings about what it cannot do for a program start; its log
/// line, from there on, joins the reason of a test that does not pass.
const UNSUPPORTED_MARKERS: [&str; 4] = [
    "Detected unsupported syscall",
    "setsockopt called with unsupported",
    "getsockopt called with unsupported",
    "Unsupported socket protocol",
];

/// The launcher running every service of `request` on its own simulated host.
pub fn launcher(config: &Config, request: &LaunchRequest) -> Result<Launcher, PluginError> {
    for service in &request.services {
        refusals::refuse_companions(service)?;
        refusals::refuse_static(service)?;
    }
    let hostnames = names::HOSTNAMES.of(request.services.iter().map(|s| s.name.as_str()))?;
    let starts_ms = schedule::start_times_ms(&request.services)?;
    let data_directory = request.directory.join(DATA_DIRECTORY);
    let mut hosts = BTreeMap::new();
    let mut launched = BTreeMap::new();
    let mut collect = Vec::new();
    for (service, &start_ms) in request.services.iter().zip(&starts_ms) {
        let outputs = outputs(&service.output_dir);
        let hostname = &hostnames[&service.name];
        hosts.insert(
            hostname.clone(),
            host(config, service, &outputs, Duration::from_millis(start_ms))?,
        );
        launched.insert(service.name.clone(), outputs);
        collect.push(landing(
            &data_directory.join("hosts").join(hostname),
            service,
        )?);
    }
    let graph = gml::Graph {
        bandwidth: config.bandwidth,
        latency: config.latency,
        jitter: config.jitter,
        loss: config.loss,
    };
    let stop_ms = schedule::stop_time_ms(&starts_ms, request.timeout_ms);
    let file = ShadowFile {
        general: General {
            stop_time: Duration::from_millis(stop_ms).to_string(),
            data_directory: path_argument(&data_directory)?,
            seed: config.seed,
            model_unblocked_syscall_latency: config.model_unblocked_syscall_latency,
        },
        network: Network {
            graph: Graph {
                kind: "gml".to_owned(),
                inline: graph.to_string(),
            },
        },
        hosts,
    };
    let contents = file
        .to_yaml()
        .map_err(|error| PluginError::new(format!("cannot write {FILE_NAME}: {error}")))?;
    let path = request.directory.join(FILE_NAME);
    let (program, _) = config.program(&request.cache_dir)?;
    Ok(Launcher {
        command: CommandSpec::new(path_argument(&program)?, [path_argument(&path)?]),
        files: vec![FileSpec { path, contents }],
        collect,
        outputs: launched,
        unsupported_markers: UNSUPPORTED_MARKERS.map(str::to_owned).to_vec(),
    })
}

/// Moves the simulated host's directory, `host_dir`, into its service's artifacts
/// once the simulation is over.
fn landing(host_dir: &Path, service: &PlannedService) -> Result<Collection, PluginError> {
    let landed = host_files::landed(&service.artifacts_dir);
    Ok(Collection {
        command: CommandSpec::new(
            "/bin/mv",
            [path_argument(host_dir)?, path_argument(&landed)?],
        ),
        stdout: service.output_dir.join("shadow-host.collect.log"),
        stderr: service.output_dir.join("shadow-host.collect.log"),
    })
}

/// The simulated host of one service, running it under the wrapper from `start`.
fn host(
    config: &Config,
    service: &PlannedService,
    outputs: &LaunchedOutputs,
    start: Duration,
) -> Result<Host, PluginError> {
    let address = planned::ipv4_address(service, "a Shadow host can have")?;
    let prepare: Vec<CommandSpec> = service
        .prepare
        .iter()
        .map(|step| preparation_in_own_directory(step, &service.output_dir))
        .collect();
    let wrapper = wrapped(
        &prepare,
        &in_own_directory(&service.command, &service.output_dir),
        outputs,
        &preparation_log(&service.output_dir),
    )?;
    let expected_final_state = if service.decides {
        FinalState::Exited { exited: 0 }
    } else {
        FinalState::Running(Running::Running)
    };
    Ok(Host {
        network_node_id: NODE_ID,
        ip_addr: address.to_string(),
        processes: vec![Process {
            path: wrapper.program,
            args: wrapper.args,
            environment: wrapper.env,
            start_time: start.to_string(),
            expected_final_state,
        }],
        host_options: config.capture.then_some(HostOptions { pcap_enabled: true }),
    })
}

/// `command` made to start in its working directory, its output directory when it
/// names none, as the host starts a service: Shadow starts every process in its
/// host's directory. Its environment stays the process's.
fn in_own_directory(command: &CommandSpec, output_dir: &Path) -> CommandSpec {
    CommandSpec {
        env: command.env.clone(),
        ..started_by_env(command, output_dir, Vec::new())
    }
}

/// A preparation command made to start in its working directory, with its variables
/// given to `env` as `NAME=VALUE` words on top of the service's: it runs in its
/// service's process, whose environment is the service command's.
fn preparation_in_own_directory(step: &CommandSpec, output_dir: &Path) -> CommandSpec {
    let assignments = step
        .env
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    started_by_env(step, output_dir, assignments)
}

/// `env --chdir DIR [ASSIGNMENTS...] PROGRAM ARGS...` for `command`, with no
/// environment of its own.
fn started_by_env(
    command: &CommandSpec,
    output_dir: &Path,
    assignments: Vec<String>,
) -> CommandSpec {
    let cwd = command.cwd.as_deref().unwrap_or(output_dir);
    let mut args = vec!["--chdir".to_owned(), cwd.display().to_string()];
    args.extend(assignments);
    args.push(command.program.clone());
    args.extend(command.args.iter().cloned());
    CommandSpec {
        program: ENV.to_owned(),
        args,
        env: Default::default(),
        cwd: None,
    }
}
