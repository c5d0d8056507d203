//! The launcher of a whole test: `shadow.yaml` with one simulated host per service, and
//! `shadow shadow.yaml`.

use std::collections::BTreeMap;
use std::path::Path;

use panther_network_shared::exit_wrapper::{outputs, wrapped};
use panther_network_shared::planned::{self, OneCommand};
use panther_plugin_api::PluginError;
use panther_plugin_api::model::path_argument;
use panther_plugin_api::model::{
    CommandSpec, FileSpec, LaunchRequest, LaunchedOutputs, Launcher, PlannedService,
};

use crate::config::Config;
use crate::gml::{self, NODE_ID};
use crate::quantities::Duration;
use crate::shadow_file::{
    FinalState, General, Graph, Host, HostOptions, Network, Process, Running, ShadowFile,
};
use crate::{names, schedule};

/// The simulation's file name in the test's directory.
const FILE_NAME: &str = "shadow.yaml";
/// Shadow's data directory's name in the test's directory.
const DATA_DIRECTORY: &str = "shadow.data";

/// A simulated host runs its service's one command, and nothing else.
const ONE_COMMAND: OneCommand = OneCommand {
    environment: "shadow",
    because: "each simulated host runs its service's one command, in the host's directory",
};

/// The launcher running every service of `request` on its own simulated host.
pub fn launcher(config: &Config, request: &LaunchRequest) -> Result<Launcher, PluginError> {
    for service in &request.services {
        let cwd = own_directory(service);
        ONE_COMMAND.refuse_more(
            service,
            cwd.map(|cwd| format!("the working directory {}", cwd.display())),
        )?;
    }
    let hostnames = names::HOSTNAMES.of(request.services.iter().map(|s| s.name.as_str()))?;
    let starts_ms = schedule::start_times_ms(&request.services)?;
    let mut hosts = BTreeMap::new();
    let mut launched = BTreeMap::new();
    for (service, &start_ms) in request.services.iter().zip(&starts_ms) {
        let outputs = outputs(&service.output_dir);
        hosts.insert(
            hostnames[&service.name].clone(),
            host(config, service, &outputs, Duration::from_millis(start_ms))?,
        );
        launched.insert(service.name.clone(), outputs);
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
            data_directory: path_argument(&request.directory.join(DATA_DIRECTORY))?,
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
    Ok(Launcher {
        command: CommandSpec::new(config.program.clone(), [path_argument(&path)?]),
        files: vec![FileSpec { path, contents }],
        collect: Vec::new(),
        outputs: launched,
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
    let wrapper = wrapped(&service.command, outputs)?;
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

/// The working directory the service's command asks for, when it is not the default
/// (its output directory): Shadow 3.2 runs every process in its host's directory and
/// has no `chdir`.
fn own_directory(service: &PlannedService) -> Option<&Path> {
    service
        .command
        .cwd
        .as_deref()
        .filter(|cwd| *cwd != service.output_dir)
}
