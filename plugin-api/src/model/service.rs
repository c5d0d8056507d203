use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{CommandSpec, Role, ServiceAddress};

/// What the host asks a service manager to plan: one service of one test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRequest {
    /// The test's name.
    pub test: String,
    /// The service's name within the test (`server`, `client`...).
    pub service: String,
    /// The part it plays.
    pub role: Role,
    /// The protocol spoken (`quic`, `minip`).
    pub protocol: String,
    /// The protocol version asked for, when the experiment names one.
    #[serde(default)]
    pub protocol_version: Option<String>,
    /// The test case (`handshake`, `transfer`...), when the test names one.
    #[serde(default)]
    pub test_case: Option<String>,
    /// The network environment plugin the test runs in (`localhost`, `shadow`...).
    #[serde(default)]
    pub network: String,
    /// The service's own `config` table, already checked against the plugin's schema.
    #[serde(default)]
    pub config: serde_json::Value,
    /// Where this service listens or is reached.
    pub address: ServiceAddress,
    /// The name of the service this one targets, if any.
    #[serde(default)]
    pub target: Option<String>,
    /// Every other service of the test, by name.
    #[serde(default)]
    pub peers: BTreeMap<String, PeerInfo>,
    /// A directory of the service's own, for its working files.
    pub output_dir: PathBuf,
    /// Where the files it produces should land to be kept with the results.
    pub artifacts_dir: PathBuf,
    /// The directory holding the plugin's library, where a plugin ships the programs
    /// it needs beside itself.
    #[serde(default)]
    pub plugin_dir: PathBuf,
    /// The host's cache directory (`--cache-dir`, else `$PANTHER_CACHE_DIR`, else
    /// `~/.cache/panther-host`), where builds of implementations are kept; empty when
    /// the host has none (since 1.3.0).
    #[serde(default)]
    pub cache_dir: PathBuf,
    /// Where the host writes this service's TLS files when its plan asks for them.
    #[serde(default)]
    pub tls: Option<TlsFiles>,
    /// The capture of this service's link that its network environment writes (the
    /// environment's `link-capture` artifact), when it writes one: a plan can decode
    /// it instead of capturing the traffic itself (since 1.3.0).
    #[serde(default)]
    pub link_capture: Option<PathBuf>,
}

/// TLS material the host makes per run: one certificate authority for the run, and
/// for each service a certificate signed by it whose names cover the service's
/// address and `localhost`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsFiles {
    /// The directory holding the three files.
    pub directory: PathBuf,
    /// The run's certificate authority (`ca.pem`), to verify peers against.
    pub ca: PathBuf,
    /// The service's certificate, PEM (`cert.pem`).
    pub certificate: PathBuf,
    /// The certificate's private key, PEM PKCS#8 (`priv.key`).
    pub key: PathBuf,
}

/// A file of random bytes the host writes before the service starts (files to serve).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RandomFile {
    /// Where to write it.
    pub path: PathBuf,
    /// How many bytes.
    pub size: u64,
}

/// Something a service needs that the host checks before anything runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// A file that must exist (a program, an interpreter, an installed package).
    pub path: PathBuf,
    /// What it is, for the message (`the ngtcp2 server`).
    pub what: String,
    /// How to get it (`apt-get install ngtcp2-server`).
    pub how_to_get: String,
}

/// Another service of the same test, as this one sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerInfo {
    /// The part it plays.
    pub role: Role,
    /// The name of its implementation.
    pub implementation: String,
    /// Where it is reached.
    pub address: ServiceAddress,
    /// Its output directory (a client finds there what its server served).
    #[serde(default)]
    pub output_dir: PathBuf,
}

/// The transport a port is opened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// A UDP socket bound to the port.
    Udp,
    /// A TCP socket listening on the port.
    Tcp,
}

/// How the host knows a started service is ready for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Readiness {
    /// Ready as soon as it is started.
    Started,
    /// Ready after a fixed delay.
    Delay {
        /// Milliseconds to wait after the start.
        ms: u64,
    },
    /// Ready once a socket is bound to the port.
    Port {
        /// The port.
        port: u16,
        /// The transport of the socket.
        transport: Transport,
    },
    /// Ready once its standard output or error contains the text.
    LogLine {
        /// The text to look for.
        contains: String,
    },
}

/// A file or directory a service produces, kept with the results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactSpec {
    /// A short name (`qlog`, `keylog`, `trace`).
    pub name: String,
    /// Where it is written.
    pub path: PathBuf,
}

/// A service manager's answer: how to run the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServicePlan {
    /// Commands to run, in order, before the service starts.
    #[serde(default)]
    pub prepare: Vec<CommandSpec>,
    /// The service itself.
    pub command: CommandSpec,
    /// How to know it is ready.
    #[serde(default = "started")]
    pub ready: Readiness,
    /// Whether the test ends when this service ends (clients and testers do; servers
    /// are stopped once the deciding services are done).
    #[serde(default)]
    pub decides: bool,
    /// The files it produces.
    #[serde(default)]
    pub artifacts: Vec<ArtifactSpec>,
    /// Whether the host writes the TLS files named in the request before it starts.
    #[serde(default)]
    pub tls: bool,
    /// Files of random bytes the host writes before it starts.
    #[serde(default)]
    pub random_files: Vec<RandomFile>,
    /// Directories the host makes before it starts (for programs that do not make
    /// their own output directories).
    #[serde(default)]
    pub directories: Vec<PathBuf>,
    /// What must be installed; checked before anything runs, and the run refused
    /// when something is missing.
    #[serde(default)]
    pub requires: Vec<Requirement>,
    /// What the service needs that a user may not have built (a stack no package
    /// provides): when something is missing, the test is skipped, with why, instead of
    /// the run being refused.
    #[serde(default)]
    pub skip_without: Vec<Requirement>,
    /// Why the service cannot play this test at all (a test case its program lacks):
    /// the test is then recorded as unsupported without running.
    #[serde(default)]
    pub unsupported: Option<String>,
    /// Processes started before the service and its preparation, each once ready, and
    /// stopped after the test's services (a packet capture).
    #[serde(default)]
    pub companions: Vec<Companion>,
    /// Commands run after the test's services stopped and before judging, each with its
    /// standard output written to a file the judge reads (decoding a capture).
    #[serde(default)]
    pub analyses: Vec<Analysis>,
}

/// A process that runs beside a service for the length of the test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Companion {
    /// A short name; its output goes to `NAME.stdout.log` and `NAME.stderr.log` in the
    /// service's output directory.
    pub name: String,
    /// What to run.
    pub command: CommandSpec,
    /// How to know it is ready, before the service starts.
    pub ready: Readiness,
}

/// A command whose standard output the judge reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    /// What to run.
    pub command: CommandSpec,
    /// Where its standard output goes (its standard error goes beside, with `.err`).
    pub output: PathBuf,
}

fn started() -> Readiness {
    Readiness::Started
}

impl ServicePlan {
    /// A plan that runs `command`, ready once started, deciding nothing, with nothing
    /// else. Build plans from it with `ServicePlan { ready: ..., ..ServicePlan::new(c) }`
    /// so that fields added in later 1.x releases keep their defaults.
    pub fn new(command: CommandSpec) -> Self {
        Self {
            prepare: Vec::new(),
            command,
            ready: Readiness::Started,
            decides: false,
            artifacts: Vec::new(),
            tls: false,
            random_files: Vec::new(),
            directories: Vec::new(),
            requires: Vec::new(),
            skip_without: Vec::new(),
            unsupported: None,
            companions: Vec::new(),
            analyses: Vec::new(),
        }
    }
}

/// How a service's process ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitInfo {
    /// Its exit code, when it exited.
    #[serde(default)]
    pub code: Option<i32>,
    /// The signal that ended it, when one did.
    #[serde(default)]
    pub signal: Option<i32>,
    /// Whether the host stopped it (test timeout, or its peers were done).
    #[serde(default)]
    pub stopped_by_host: bool,
}

/// What the host hands back to a service manager to judge a finished service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceOutcome {
    /// The request the plan was made for.
    pub request: ServiceRequest,
    /// How its process ended.
    pub exit: ExitInfo,
    /// The file holding its standard output.
    pub stdout: PathBuf,
    /// The file holding its standard error.
    pub stderr: PathBuf,
    /// How the test's other services ended, by name (a tester tells an implementation
    /// that crashed from one that broke a rule); absent for one never started.
    #[serde(default)]
    pub peer_exits: BTreeMap<String, ExitInfo>,
}

/// A judgement of one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictStatus {
    /// It did what it should.
    Pass,
    /// It did not.
    Fail,
    /// It does not support what was asked (interop exit code 127).
    Unsupported,
    /// Nothing could be judged (it could not run, its output is missing).
    Error,
    /// It was not run: something it needs is not installed.
    Skipped,
}

/// A service manager's judgement of a finished service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The judgement.
    pub status: VerdictStatus,
    /// Why, in one line a user can act on.
    pub reason: String,
    /// Figures measured on the way (pongs counted, bytes compared...).
    #[serde(default)]
    pub metrics: BTreeMap<String, serde_json::Value>,
}

impl Verdict {
    /// A verdict with the given status and reason and no figures.
    pub fn new(status: VerdictStatus, reason: impl Into<String>) -> Self {
        Self {
            status,
            reason: reason.into(),
            metrics: BTreeMap::new(),
        }
    }
}
