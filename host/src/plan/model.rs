//! A run's plan: plain data that says every command, environment, file and order the
//! run will use. It can be printed and tested without running anything.

use std::path::PathBuf;
use std::time::Duration;

use panther_plugin_api::model::{
    Analysis, ArtifactSpec, CommandSpec, Companion, Deployment, FileSpec, Launcher, Readiness,
    Role, ServicePlan, ServiceRequest, WrappedCommand,
};
use serde::Serialize;

use crate::experiment::MatrixCell;

/// Everything a run will do.
#[derive(Debug, Clone, Serialize)]
pub struct RunPlan {
    /// The experiment's name.
    pub experiment: String,
    /// The run's own directory.
    pub directory: PathBuf,
    /// Every test iteration, in the order they start (with `--jobs 1`).
    pub tests: Vec<TestPlan>,
}

/// One iteration of one test.
#[derive(Debug, Clone, Serialize)]
pub struct TestPlan {
    /// The test's name.
    pub name: String,
    /// Which iteration this is, from 1.
    pub iteration: u32,
    /// How many iterations the test has.
    pub iterations: u32,
    /// A name unique to this test iteration in this run (for namespaces and links).
    pub instance: String,
    /// Where its outputs go.
    pub directory: PathBuf,
    /// How long it may run.
    #[serde(serialize_with = "milliseconds")]
    pub timeout: Duration,
    /// The network environment plugin.
    pub network: String,
    /// What the network environment planned.
    pub deployment: Deployment,
    /// The one command that runs every service, when the network environment launches
    /// the test as a whole (a compose file, a simulation); the host then starts no
    /// service itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launcher: Option<Launcher>,
    /// The services, in the order they start.
    pub services: Vec<ServiceLaunch>,
    /// The matrix cell this test came from.
    pub cell: Option<MatrixCell>,
    /// Why the test will not run, when it will not: it is then recorded without
    /// starting anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_run: Option<NotRun>,
}

impl TestPlan {
    /// The indexes of the services whose end ends the test, in start order: those whose
    /// plan decides, or every service when none does.
    pub fn deciding(&self) -> Vec<usize> {
        let marked: Vec<usize> = (0..self.services.len())
            .filter(|&i| self.services[i].plan.decides)
            .collect();
        if marked.is_empty() {
            (0..self.services.len()).collect()
        } else {
            marked
        }
    }

    /// Every file written before the test starts: the network environment's, then its
    /// launcher's.
    pub fn files(&self) -> impl Iterator<Item = &FileSpec> {
        let launcher_files = self.launcher.iter().flat_map(|l| &l.files);
        self.deployment.files.iter().chain(launcher_files)
    }
}

/// Why a planned test is recorded without running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotRun {
    /// Whether it is unsupported or skipped.
    pub status: NotRunStatus,
    /// The service that cannot run; none when it is the network environment.
    pub service: Option<String>,
    /// Why, as the test's reason: the service, and for a skip what is missing and
    /// where it was looked for.
    pub reason: String,
}

/// The two reasons a test is not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotRunStatus {
    /// A service cannot play this test (a test case its program lacks).
    Unsupported,
    /// Something a service needs is not installed (a stack the user has not built).
    Skipped,
}

impl NotRunStatus {
    /// The status as users read it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unsupported => "unsupported",
            Self::Skipped => "skipped",
        }
    }
}

/// An execution environment's wrapping of one service.
#[derive(Debug, Clone, Serialize)]
pub struct Wrapping {
    /// The execution environment plugin.
    pub plugin: String,
    /// Its settings.
    pub config: serde_json::Value,
    /// What it made of the command.
    pub wrapped: WrappedCommand,
}

/// One service of a test iteration, ready to start.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceLaunch {
    /// Its name within the test.
    pub name: String,
    /// Its service manager plugin.
    pub implementation: String,
    /// The part it plays.
    pub role: Role,
    /// What was asked of the service manager.
    pub request: ServiceRequest,
    /// What the service manager answered.
    pub plan: ServicePlan,
    /// The execution environments' wrappings, innermost first.
    pub wrappings: Vec<Wrapping>,
    /// The command wrapped by the execution environments, before the network's prefix.
    pub wrapped: CommandSpec,
    /// The command the host starts: the network's prefix around the wrapped command.
    pub command: CommandSpec,
    /// The plan's preparation commands, with the network's prefix.
    pub prepare: Vec<CommandSpec>,
    /// The plan's companions, with the network's prefix.
    pub companions: Vec<Companion>,
    /// Files the network environment produces about this service (a capture of its
    /// link).
    pub network_artifacts: Vec<ArtifactSpec>,
    /// Where its standard output goes.
    pub stdout: PathBuf,
    /// Where its standard error goes.
    pub stderr: PathBuf,
}

impl ServiceLaunch {
    /// How to know it is ready.
    pub fn ready(&self) -> &Readiness {
        &self.plan.ready
    }

    /// Every file it produces: its plan's, its execution environments', its network's.
    pub fn artifacts(&self) -> impl Iterator<Item = &ArtifactSpec> {
        self.plan
            .artifacts
            .iter()
            .chain(self.wrappings.iter().flat_map(|w| &w.wrapped.artifacts))
            .chain(&self.network_artifacts)
    }

    /// Every command run on its output after the test: its plan's, then its execution
    /// environments'.
    pub fn analyses(&self) -> impl Iterator<Item = &Analysis> {
        self.plan
            .analyses
            .iter()
            .chain(self.wrappings.iter().flat_map(|w| &w.wrapped.analyses))
    }
}

fn milliseconds<S: serde::Serializer>(duration: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u128(duration.as_millis())
}
