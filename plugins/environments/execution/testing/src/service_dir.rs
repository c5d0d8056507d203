//! A service's output directory as the host lays it out, and the requests on it.

use std::path::{Path, PathBuf};

use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{CommandSpec, ExitInfo, Finding, FindingsRequest, WrapRequest};
use serde_json::Value;
use tempfile::TempDir;

use crate::requests::SERVICE;

/// A temporary directory laid out as the host lays out a service's output directory:
/// the tools' files in `artifacts/`, the service's output in `stdout.log` and
/// `stderr.log`.
pub struct ServiceDir {
    directory: TempDir,
}

impl ServiceDir {
    /// An empty service directory, with its `artifacts/` made.
    pub fn new() -> Self {
        let directory = tempfile::tempdir().expect("a temporary directory");
        std::fs::create_dir(directory.path().join("artifacts")).expect("artifacts directory");
        Self { directory }
    }

    /// A service directory whose `artifacts/` holds these files, by name.
    pub fn with_artifacts(files: &[(&str, &str)]) -> Self {
        let service = Self::new();
        for (name, contents) in files {
            std::fs::write(service.artifact(name), contents).expect("an artifact written");
        }
        service
    }

    /// The directory, removed when this is dropped.
    pub fn path(&self) -> &Path {
        self.directory.path()
    }

    /// Where the tools' files go.
    pub fn artifacts_dir(&self) -> PathBuf {
        self.path().join("artifacts")
    }

    /// The file `name` of the artifacts directory.
    pub fn artifact(&self, name: &str) -> PathBuf {
        self.artifacts_dir().join(name)
    }

    /// The file holding the service's standard output.
    pub fn stdout(&self) -> PathBuf {
        self.path().join("stdout.log")
    }

    /// The file holding the service's standard error.
    pub fn stderr(&self) -> PathBuf {
        self.path().join("stderr.log")
    }

    /// The request to wrap `command` with `config`, its tools' files going to this
    /// directory's artifacts. The plugin directory is empty: the environments run
    /// this way ship no program beside themselves.
    pub fn wrap_request(&self, command: CommandSpec, config: Value) -> WrapRequest {
        WrapRequest {
            service: SERVICE.to_owned(),
            command,
            artifacts_dir: self.artifacts_dir(),
            config,
            plugin_dir: PathBuf::new(),
        }
    }

    /// The request for the findings on this directory, for a service that ended as
    /// `exit` says, with `config`.
    pub fn findings_request(&self, exit: ExitInfo, config: Value) -> FindingsRequest {
        FindingsRequest {
            service: SERVICE.to_owned(),
            artifacts_dir: self.artifacts_dir(),
            exit,
            config,
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }

    /// What `environment` configured with `config` finds in this directory, for a
    /// service that ended as `exit` says.
    pub fn findings<E: ExecutionEnvironment>(
        &self,
        environment: &E,
        exit: ExitInfo,
        config: Value,
    ) -> Vec<Finding> {
        environment
            .findings(&self.findings_request(exit, config))
            .expect("the findings")
            .findings
    }

    /// The one finding of `environment` configured with `config` in this directory,
    /// for a service that ended as `exit` says; there must be exactly one.
    pub fn only_finding<E: ExecutionEnvironment>(
        &self,
        environment: &E,
        exit: ExitInfo,
        config: Value,
    ) -> Finding {
        only(self.findings(environment, exit, config))
    }
}

impl Default for ServiceDir {
    fn default() -> Self {
        Self::new()
    }
}

/// The one finding of `findings`, which must hold exactly one.
pub fn only(mut findings: Vec<Finding>) -> Finding {
    assert_eq!(findings.len(), 1, "{findings:?}");
    findings.remove(0)
}
