//! Reading panther-repeat's log and turning it into findings.

use std::path::{Path, PathBuf};

use panther_plugin_api::model::{ExitInfo, Finding};
use serde::Deserialize;

/// The log panther-repeat writes: how many runs were asked for and those done.
#[derive(Debug, Deserialize)]
pub struct Record {
    /// How many runs were asked for.
    pub times: u32,
    /// The runs done, in order.
    pub iterations: Vec<Iteration>,
}

/// How one run ended.
#[derive(Debug, Deserialize)]
pub struct Iteration {
    /// Its number, from 1.
    pub iteration: u32,
    /// Its exit code, when it exited.
    pub exit_code: Option<i32>,
    /// The signal that killed it, when one did.
    pub signal: Option<i32>,
}

impl Iteration {
    /// Whether the run exited with 0.
    fn passed(&self) -> bool {
        self.exit_code == Some(0)
    }

    /// How the run ended, as the rest of a sentence.
    fn outcome(&self) -> String {
        match (self.exit_code, self.signal) {
            (Some(code), _) => format!("exited with code {code}"),
            (None, Some(signal)) => format!("was killed by signal {signal}"),
            (None, None) => "ended without an exit status".to_owned(),
        }
    }
}

/// The findings on the log at `path`, for a service that ended as `exit` says.
pub fn findings(path: &Path, exit: &ExitInfo) -> Vec<Finding> {
    match read(path) {
        Ok(record) => judge(&record, path, exit),
        Err(summary) => vec![Finding {
            summary,
            file: path.exists().then(|| path.to_path_buf()),
            fails_test: true,
            ..Finding::default()
        }],
    }
}

/// The log, or why it cannot be had, in one line.
fn read(path: &Path) -> Result<Record, String> {
    let name = path
        .file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy();
    let text = std::fs::read_to_string(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => format!("panther-repeat wrote no log ({name} is missing)"),
        _ => format!("cannot read {name}: {error}"),
    })?;
    serde_json::from_str(&text).map_err(|error| format!("cannot read {name}: {error}"))
}

/// One finding per failed run, or one saying how many passed.
///
/// A run the host stopped (the last one, killed by a signal, when the host stopped
/// the service) is not a failure: servers run until their peers are done.
fn judge(record: &Record, path: &Path, exit: &ExitInfo) -> Vec<Finding> {
    let finding = |summary: String, fails_test: bool| Finding {
        summary,
        file: Some(PathBuf::from(path)),
        fails_test,
        ..Finding::default()
    };
    let times = record.times;
    let stopped = record
        .iterations
        .last()
        .filter(|last| exit.stopped_by_host && last.exit_code.is_none() && last.signal.is_some());
    let failures: Vec<Finding> = record
        .iterations
        .iter()
        .filter(|iteration| !iteration.passed())
        .filter(|iteration| stopped.is_none_or(|last| last.iteration != iteration.iteration))
        .map(|iteration| {
            let summary = format!(
                "iteration {} of {times} {}",
                iteration.iteration,
                iteration.outcome()
            );
            finding(summary, true)
        })
        .collect();
    if !failures.is_empty() {
        return failures;
    }
    let passed = record.iterations.iter().filter(|i| i.passed()).count();
    let all_passed = format!("{passed} of {times} iterations exited with code 0");
    let summary = if passed == record.times as usize {
        finding(all_passed, false)
    } else if let Some(last) = stopped {
        let summary = format!(
            "{all_passed}; the host stopped iteration {}",
            last.iteration
        );
        finding(summary, false)
    } else if exit.stopped_by_host {
        finding(
            format!("{all_passed} before the host stopped the service"),
            false,
        )
    } else {
        let summary =
            format!("only {passed} of {times} iterations ran (see the service's standard error)");
        finding(summary, true)
    };
    vec![summary]
}
