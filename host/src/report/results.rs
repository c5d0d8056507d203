//! `results.json`: what a run found, rewritten atomically after every test so that a
//! killed run keeps what finished.

use std::io::Write;
use std::path::{Path, PathBuf};

use panther_plugin_api::model::{ArtifactSpec, ExitInfo, Finding, Role, Verdict};
use serde::Serialize;

use crate::experiment::MatrixCell;

/// The state of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// Tests are still running.
    Running,
    /// Every test ran.
    Finished,
    /// Ctrl-C or SIGTERM stopped it; the tests listed are those that ended.
    Interrupted,
}

/// A test's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    /// Every service did what it should.
    Passed,
    /// A service did not, or the test timed out.
    Failed,
    /// A service does not support the test case.
    Unsupported,
    /// It was not run: something a service needs is not installed.
    Skipped,
    /// The test could not be judged (setup failed, a plugin erred).
    Error,
    /// The run was interrupted while this test ran.
    Interrupted,
}

impl TestStatus {
    /// The status as users read it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Unsupported => "unsupported",
            Self::Skipped => "skipped",
            Self::Error => "error",
            Self::Interrupted => "interrupted",
        }
    }
}

/// An execution environment's finding, with who found it.
#[derive(Debug, Clone, Serialize)]
pub struct FindingResult {
    /// The execution environment plugin.
    pub plugin: String,
    /// What it found.
    #[serde(flatten)]
    pub finding: Finding,
}

/// One service's part of a test result.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceResult {
    /// Its name within the test.
    pub name: String,
    /// Its service manager plugin.
    pub implementation: String,
    /// The part it played.
    pub role: Role,
    /// Its service manager's verdict.
    pub verdict: Verdict,
    /// How its process ended; absent when it never started.
    pub exit: Option<ExitInfo>,
    /// How long its process ran.
    pub runtime_ms: Option<u64>,
    /// Its standard output, relative to the run directory.
    pub stdout: PathBuf,
    /// Its standard error, relative to the run directory.
    pub stderr: PathBuf,
    /// The files it produced, relative to the run directory.
    pub artifacts: Vec<ArtifactSpec>,
    /// What execution environments found.
    pub findings: Vec<FindingResult>,
}

/// One test iteration's result.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    /// The test's name.
    pub name: String,
    /// Which iteration, from 1.
    pub iteration: u32,
    /// How many iterations the test has.
    pub iterations: u32,
    /// The outcome.
    pub status: TestStatus,
    /// Why, in one line.
    pub reason: String,
    /// The network environment it ran in.
    pub network: String,
    /// How long it took, setup to teardown.
    pub duration_ms: u64,
    /// How long its services ran, first start to last end; the rest of `duration_ms`
    /// is the host's own work (setup, readiness checks, stopping, teardown).
    pub services_ms: u64,
    /// Its directory, relative to the run directory.
    pub directory: PathBuf,
    /// Where it came from in a matrix.
    pub cell: Option<MatrixCell>,
    /// Its services.
    pub services: Vec<ServiceResult>,
}

/// The whole `results.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunResults {
    /// The experiment's name.
    pub experiment: String,
    /// The run's id, also its directory's name.
    pub run_id: String,
    /// The host's version.
    pub host_version: String,
    /// When the run started (RFC 3339).
    pub started: String,
    /// When it ended, once it has.
    pub finished: Option<String>,
    /// Where it stands.
    pub state: RunState,
    /// How many test iterations were planned.
    pub planned: usize,
    /// The test iterations that ended, in plan order.
    pub tests: Vec<TestResult>,
    /// For matrix runs, the client x server table of each matrix and test case.
    pub matrices: std::collections::BTreeMap<String, super::Grid>,
}

/// The current time as RFC 3339, to the second.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Writes `contents` to `path` atomically: a temporary file in the same directory,
/// then a rename, so a reader sees the old file or the new one.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let directory = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(directory)?;
    file.write_all(contents)?;
    file.flush()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

impl RunResults {
    /// Writes `results.json` into the run directory.
    pub fn save(&self, run_directory: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        write_atomically(&run_directory.join("results.json"), &json)
    }
}
