use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{ArtifactSpec, CommandSpec, Companion, FileSpec, Readiness, Requirement, Role};

/// Where a service is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAddress {
    /// A host name or IP address.
    pub host: String,
    /// The service's port.
    pub port: u16,
}

/// One service as a network environment sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkService {
    /// The service's name within the test.
    pub name: String,
    /// The part it plays.
    pub role: Role,
    /// A port the host reserved for it, free on this machine.
    pub port: u16,
    /// Where files about the service's link (a packet capture) should land to be kept
    /// with the results.
    #[serde(default)]
    pub artifacts_dir: PathBuf,
}

/// What the host asks a network environment: place these services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkRequest {
    /// A name unique to this test iteration on this machine, for namespaces, links and
    /// files; it starts with the run's id.
    pub instance: String,
    /// The test's services.
    pub services: Vec<NetworkService>,
    /// The environment's own `config` table.
    #[serde(default)]
    pub config: serde_json::Value,
    /// The test iteration's own directory, for the environment's files.
    #[serde(default)]
    pub directory: PathBuf,
    /// The directory holding the plugin's library, where a plugin ships the programs
    /// it needs beside itself.
    #[serde(default)]
    pub plugin_dir: PathBuf,
    /// The host's cache directory, where builds of programs are kept (the Shadow
    /// simulator's); empty when the host has none (since 1.3.0).
    #[serde(default)]
    pub cache_dir: PathBuf,
}

/// The name of the artifact holding a packet capture of a service's link, which the
/// host hands to the service's plan as [`super::ServiceRequest::link_capture`].
pub const LINK_CAPTURE_ARTIFACT: &str = "link-capture";

/// How one service is started inside the environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Launch {
    /// Where the service is reached.
    pub address: ServiceAddress,
    /// An argv put in front of the service's command, its preparation commands and
    /// its companions (`ip netns exec NAME`).
    #[serde(default)]
    pub prefix: Vec<String>,
    /// Files the environment produces about this service (a capture of its link),
    /// kept with the service's results.
    #[serde(default)]
    pub artifacts: Vec<ArtifactSpec>,
}

impl Launch {
    /// A service reached at `address`, started as it is.
    pub fn at(address: ServiceAddress) -> Self {
        Self {
            address,
            prefix: Vec::new(),
            artifacts: Vec::new(),
        }
    }
}

/// A check the host runs before a test: when the command fails, the test is skipped
/// with why (a Docker engine that does not answer, a simulator not installed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    /// What to run; success means what it checks is there.
    pub command: CommandSpec,
    /// What it checks, for the message (`a Docker engine`).
    pub what: String,
    /// How to get it (`start dockerd, or run on a machine with Docker`).
    pub how_to_get: String,
}

/// A network environment's answer: how to set up, launch into and tear down the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    /// Commands run in order before any service starts.
    #[serde(default)]
    pub setup: Vec<CommandSpec>,
    /// How each service is reached and launched, by service name.
    pub launches: BTreeMap<String, Launch>,
    /// Files to write before setup.
    #[serde(default)]
    pub files: Vec<FileSpec>,
    /// Commands run after the test on every path, even when setup failed half way.
    /// They should not fail when what they remove is already gone: the host also runs
    /// them to clean up after a run that was killed.
    #[serde(default)]
    pub teardown: Vec<CommandSpec>,
    /// Processes started after setup, each once ready, that run for the whole test and
    /// are stopped after its services (a link emulator, a capture per link).
    #[serde(default)]
    pub daemons: Vec<Companion>,
    /// What must be installed; checked before anything runs, and the run refused with
    /// how to get it when something is missing.
    #[serde(default)]
    pub requires: Vec<Requirement>,
    /// Why the environment needs root, when it does (it makes network namespaces):
    /// the run is refused before anything runs when the host is not root.
    #[serde(default)]
    pub needs_root_for: Option<String>,
    /// Checks run before the test; one that fails skips the test with why.
    #[serde(default)]
    pub skip_unless: Vec<Probe>,
}

impl Deployment {
    /// A deployment that launches each service as `launches` says and does nothing
    /// else. Build deployments from it with `Deployment { setup, ..Deployment::new(l) }`
    /// so that fields added in later 1.x releases keep their defaults.
    pub fn new(launches: BTreeMap<String, Launch>) -> Self {
        Self {
            setup: Vec::new(),
            launches,
            files: Vec::new(),
            teardown: Vec::new(),
            daemons: Vec::new(),
            requires: Vec::new(),
            needs_root_for: None,
            skip_unless: Vec::new(),
        }
    }
}

/// One service of a test, planned and wrapped, as an environment that launches the
/// whole test at once sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedService {
    /// The service's name within the test.
    pub name: String,
    /// The part it plays.
    pub role: Role,
    /// Where it is reached.
    pub address: ServiceAddress,
    /// Its command, wrapped by its execution environments, without any launch prefix.
    pub command: CommandSpec,
    /// Commands its plan runs before it starts.
    #[serde(default)]
    pub prepare: Vec<CommandSpec>,
    /// Processes its plan runs beside it.
    #[serde(default)]
    pub companions: Vec<Companion>,
    /// How the host would know it is ready.
    pub ready: Readiness,
    /// Whether the test ends when it ends.
    #[serde(default)]
    pub decides: bool,
    /// The service it reaches, started before it.
    #[serde(default)]
    pub target: Option<String>,
    /// Its output directory.
    pub output_dir: PathBuf,
    /// Where the files it produces land.
    pub artifacts_dir: PathBuf,
}

/// What the host asks a network environment once every service is planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaunchRequest {
    /// The same instance name as the deployment's.
    pub instance: String,
    /// The environment's own `config` table.
    #[serde(default)]
    pub config: serde_json::Value,
    /// The test iteration's own directory.
    pub directory: PathBuf,
    /// How long the test may run, in milliseconds.
    pub timeout_ms: u64,
    /// The services, in the order the host would start them.
    pub services: Vec<PlannedService>,
    /// The directory holding the plugin's library.
    #[serde(default)]
    pub plugin_dir: PathBuf,
    /// The host's cache directory, where builds of programs are kept (the Shadow
    /// simulator's); empty when the host has none (since 1.3.0).
    #[serde(default)]
    pub cache_dir: PathBuf,
}

/// Where one service's output lands when a launcher runs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchedOutputs {
    /// The file holding its standard output once the launcher and the collection
    /// commands are done.
    pub stdout: PathBuf,
    /// The file holding its standard error.
    pub stderr: PathBuf,
    /// A file the service's own wrapper writes its exit code into, as decimal text;
    /// absent when it was still running when the launcher stopped it.
    pub exit_code: PathBuf,
}

/// A command collecting output after the launcher ended, with its output in files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    /// What to run.
    pub command: CommandSpec,
    /// Where its standard output goes.
    pub stdout: PathBuf,
    /// Where its standard error goes.
    pub stderr: PathBuf,
}

/// One command that runs every service of a test (`docker compose up`, `shadow
/// shadow.yaml`), in place of the host starting them one by one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Launcher {
    /// Files to write before the deployment's setup (the compose file, the simulation
    /// config).
    #[serde(default)]
    pub files: Vec<FileSpec>,
    /// The command; it runs until the test is done or its timeout, when the host
    /// stops it.
    pub command: CommandSpec,
    /// Commands run after it ended, before the outputs are read.
    #[serde(default)]
    pub collect: Vec<Collection>,
    /// Where each service's output lands, by service name.
    pub outputs: BTreeMap<String, LaunchedOutputs>,
    /// Text marking a line of the command's output as something the environment could
    /// not do for a service's program (Shadow's `Detected unsupported syscall`): when
    /// the test does not pass, each such line, from its marker on, joins the test's
    /// reason (since 1.3.0).
    #[serde(default)]
    pub unsupported_markers: Vec<String>,
}
