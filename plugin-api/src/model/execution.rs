use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{ArtifactSpec, CommandSpec, ExitInfo};

/// What the host asks an execution environment: wrap this service's command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WrapRequest {
    /// The service's name within the test.
    pub service: String,
    /// The command as planned so far (possibly already wrapped by another environment).
    pub command: CommandSpec,
    /// Where the tool's files should land.
    pub artifacts_dir: PathBuf,
    /// The environment's own `config` table.
    #[serde(default)]
    pub config: serde_json::Value,
    /// The directory holding the plugin's library, where a plugin ships the programs
    /// it needs beside itself.
    #[serde(default)]
    pub plugin_dir: PathBuf,
}

/// An execution environment's answer: the wrapped command and what it will produce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WrappedCommand {
    /// The command to run instead.
    pub command: CommandSpec,
    /// The files the tool writes.
    #[serde(default)]
    pub artifacts: Vec<ArtifactSpec>,
}

/// What the host hands back to an execution environment after the service ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingsRequest {
    /// The service's name within the test.
    pub service: String,
    /// Where the tool's files landed.
    pub artifacts_dir: PathBuf,
    /// How the wrapped process ended.
    pub exit: ExitInfo,
    /// The environment's own `config` table.
    #[serde(default)]
    pub config: serde_json::Value,
}

/// One thing a tool found (a leak, a race, a crash backtrace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// One line saying what was found.
    pub summary: String,
    /// The file that shows it, if any.
    #[serde(default)]
    pub file: Option<PathBuf>,
    /// Whether this finding fails the test.
    #[serde(default)]
    pub fails_test: bool,
}

/// An execution environment's findings on one service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionFindings {
    /// What the tool found.
    #[serde(default)]
    pub findings: Vec<Finding>,
}
