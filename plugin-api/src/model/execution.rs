use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Analysis, ArtifactSpec, CommandSpec, ExitInfo, Requirement};

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
    /// What must be installed (the tool, a library it preloads); checked before
    /// anything runs, and the run refused with how to get it when something is missing.
    #[serde(default)]
    pub requires: Vec<Requirement>,
    /// Commands run after the service stopped and before its findings are read, each
    /// with its standard output written to a file (a profiler's text report).
    #[serde(default)]
    pub analyses: Vec<Analysis>,
}

impl WrappedCommand {
    /// A wrapping that runs `command` and declares nothing else. Build answers from it
    /// with `WrappedCommand { artifacts, ..WrappedCommand::new(c) }` so that fields
    /// added in later 1.x releases keep their defaults.
    pub fn new(command: CommandSpec) -> Self {
        Self {
            command,
            artifacts: Vec::new(),
            requires: Vec::new(),
            analyses: Vec::new(),
        }
    }
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
    /// The file holding the service's standard output (a tool may write there too).
    #[serde(default)]
    pub stdout: PathBuf,
    /// The file holding the service's standard error.
    #[serde(default)]
    pub stderr: PathBuf,
}

/// One thing a tool found (a leak, a race, a crash backtrace, a counter).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// One line saying what was found.
    pub summary: String,
    /// The file that shows it, if any.
    #[serde(default)]
    pub file: Option<PathBuf>,
    /// Whether this finding fails the test.
    #[serde(default)]
    pub fails_test: bool,
    /// Figures measured (`errors`, `task-clock`...), kept in results.json.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metrics: BTreeMap<String, serde_json::Value>,
}

impl Finding {
    /// A finding with this summary, failing the test or not, with no file or figures.
    pub fn new(summary: impl Into<String>, fails_test: bool) -> Self {
        Self {
            summary: summary.into(),
            file: None,
            fails_test,
            metrics: BTreeMap::new(),
        }
    }

    /// The same finding, shown by `file`.
    pub fn with_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// The same finding with one more figure.
    pub fn with_metric(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.metrics.insert(name.into(), value.into());
        self
    }
}

/// An execution environment's findings on one service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecutionFindings {
    /// What the tool found.
    #[serde(default)]
    pub findings: Vec<Finding>,
}

/// Where an execution environment goes when several wrap one service: the host
/// orders them by layer, innermost first, and keeps the experiment's order within a
/// layer.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum WrapLayer {
    /// Runs the program itself, instrumented or with something preloaded (valgrind,
    /// gdb, a profiler): right around the program.
    Instrument,
    /// Runs the program several times (iterations).
    Repeat,
    /// Watches the processes below it from outside (strace).
    #[default]
    Observe,
    /// Measures everything below it as a whole (perf stat).
    Measure,
}

impl WrapLayer {
    /// The layer as users read it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Instrument => "instrument",
            Self::Repeat => "repeat",
            Self::Observe => "observe",
            Self::Measure => "measure",
        }
    }
}
