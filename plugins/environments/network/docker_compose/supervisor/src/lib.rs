//! What a container is told to run for one service: its companions (a packet
//! capture), each once ready, then its preparation commands, then the service itself,
//! whose output and exit code land in files, as `panther-supervise SPEC` does inside
//! the container. The docker_compose environment writes the spec; the program reads it.
//!
//! `panther-supervise --await FILE...` is the other use: it ends once every file
//! exists (the exit codes of the services that decide a test), which ends a compose
//! run whose containers otherwise outlive their services.

use std::path::{Path, PathBuf};

use panther_plugin_api::model::{CommandSpec, Companion, LaunchedOutputs};
use serde::{Deserialize, Serialize};

/// The program's name, as it is shipped beside the environment's library.
pub const PROGRAM: &str = "panther-supervise";

/// The option that makes the program wait for files instead of running a service.
pub const AWAIT: &str = "--await";

/// One service's run inside its container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSpec {
    /// Where the companions' and the preparation's outputs go
    /// (`NAME.stdout.log`, `NAME.stderr.log`, `preparation.log`).
    pub directory: PathBuf,
    /// Started first, each once the one before is ready; stopped (TERM) after the
    /// service.
    pub companions: Vec<Companion>,
    /// Run in order before the service; the first that fails ends the run.
    pub prepare: Vec<CommandSpec>,
    /// The service.
    pub command: CommandSpec,
    /// Where the service's output and exit code go.
    pub outputs: LaunchedOutputs,
    /// How long a companion may take to be ready, in milliseconds.
    pub ready_within_ms: u64,
    /// Whether the container stays up, its companions running, once the service ended,
    /// until it is stopped: a container that ends stops the whole compose run.
    #[serde(default)]
    pub linger: bool,
}

/// Where the spec of the service with output directory `output_dir` is written.
pub fn spec_path(output_dir: &Path) -> PathBuf {
    output_dir.join("supervised.json")
}
