//! Running a test whose network environment starts every service with one command
//! (a compose file, a simulation): the host runs that command, collects what it left,
//! and reads each service's output and exit code from where the environment said.

use std::path::Path;
use std::time::{Duration, Instant};

use panther_plugin_api::model::{ExitInfo, LaunchedOutputs, Launcher};
use tokio::sync::watch;

use super::process::{self, run_to_end, shown};
use super::test_run::{Ending, describe_exit};
use super::until_cancelled;
use crate::plan::TestPlan;

/// How long each collection command may take.
const COLLECT_LIMIT: Duration = Duration::from_secs(60);
/// The most lines of what the environment could not do that a test's reason quotes.
const UNSUPPORTED_LINES: usize = 5;

/// What a launched test did.
pub struct Launched {
    /// How it ended.
    pub ending: Ending,
    /// Each service's exit, by the plan's order; `None` for one the launcher never ran.
    pub exits: Vec<Option<ExitInfo>>,
    /// How long the launcher ran.
    pub span: Duration,
    /// What the launcher's output says the environment could not do for the services'
    /// programs, each line from its marker on.
    pub unsupported: Vec<String>,
}

/// Runs the launcher until it ends, the deadline or an interruption, then collects
/// every service's output and exit.
pub async fn run_launcher(
    plan: &TestPlan,
    launcher: &Launcher,
    log: &Path,
    deadline: Instant,
    cancel: &mut watch::Receiver<bool>,
) -> Launched {
    let stdout = plan.directory.join("launcher.stdout.log");
    let stderr = plan.directory.join("launcher.stderr.log");
    let none = || plan.services.iter().map(|_| None).collect();
    let started = Instant::now();
    let mut process = match process::start(&launcher.command, &stdout, &stderr) {
        Ok(process) => process,
        Err(error) => {
            return Launched {
                ending: Ending::StartFailed {
                    service: "the launcher".to_owned(),
                    reason: error.to_string(),
                },
                exits: none(),
                span: Duration::ZERO,
                unsupported: Vec::new(),
            };
        }
    };
    let (timed_out, exit) = tokio::select! {
        exit = process.wait() => (false, exit),
        () = tokio::time::sleep_until(deadline.into()) => (true, process.stop().await),
        () = until_cancelled(cancel) => {
            process.stop().await;
            return Launched {
                ending: Ending::Interrupted,
                exits: none(),
                span: started.elapsed(),
                unsupported: Vec::new(),
            };
        }
    };
    let span = started.elapsed();
    for collection in &launcher.collect {
        if let Err(problem) = run_to_end(
            &collection.command,
            &collection.stdout,
            &collection.stderr,
            COLLECT_LIMIT,
        )
        .await
        {
            tracing::warn!("{}: collecting output failed: {problem}", plan.name);
            super::append_line(log, &format!("collection failed: {problem}"));
        }
    }
    let mut any_started = false;
    let exits: Vec<Option<ExitInfo>> = plan
        .services
        .iter()
        .map(|service| {
            let outputs = launcher.outputs.get(&service.name)?;
            // The wrapper opens the output files as it starts the service.
            any_started |= outputs.stdout.exists();
            copy_output(&outputs.stdout, &service.stdout);
            copy_output(&outputs.stderr, &service.stderr);
            Some(exit_of(outputs))
        })
        .collect();
    // A launcher stopped at the test's deadline was still running too: a simulation
    // can take longer in real time than the time it simulates.
    let launcher_still =
        timed_out.then(|| format!("the launcher (`{}`)", launcher.command.program));
    let still: Vec<String> = launcher_still
        .into_iter()
        .chain(
            plan.deciding()
                .into_iter()
                .filter(|&i| exits[i].as_ref().is_none_or(|e| e.code.is_none()))
                .map(|i| plan.services[i].name.clone()),
        )
        .collect();
    let ending = if !timed_out && !any_started && exit.code != Some(0) {
        Ending::StartFailed {
            service: "the launcher".to_owned(),
            reason: format!(
                "`{}` ended ({}) before any service started (logs: {})",
                shown(&launcher.command),
                describe_exit(&exit),
                stderr.display()
            ),
        }
    } else if timed_out || (any_started && !still.is_empty()) {
        // A launcher that ends on its own with a deciding service still running
        // stopped it at its own deadline: a simulation's stop time is the timeout.
        Ending::TimedOut(still)
    } else {
        Ending::Completed
    };
    Launched {
        ending,
        exits,
        span,
        unsupported: unsupported_lines(&[&stdout, &stderr], &launcher.unsupported_markers),
    }
}

/// The lines of `files` holding one of `markers`, each from its marker on, without
/// repeats and at most [`UNSUPPORTED_LINES`] of them.
fn unsupported_lines(files: &[&Path], markers: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    if markers.is_empty() {
        return lines;
    }
    for file in files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        for line in String::from_utf8_lossy(&bytes).lines() {
            let found = markers
                .iter()
                .filter_map(|marker| line.find(marker.as_str()))
                .min();
            if let Some(at) = found {
                let said = line[at..].trim_end().to_owned();
                if !lines.contains(&said) {
                    lines.push(said);
                }
                if lines.len() == UNSUPPORTED_LINES {
                    return lines;
                }
            }
        }
    }
    lines
}

/// A service's exit from the file its wrapper wrote; stopped when there is none.
fn exit_of(outputs: &LaunchedOutputs) -> ExitInfo {
    let code = std::fs::read_to_string(&outputs.exit_code)
        .ok()
        .and_then(|text| text.trim().parse::<i32>().ok());
    ExitInfo {
        code,
        signal: None,
        stopped_by_host: code.is_none(),
    }
}

/// Puts what the launcher left for a service where the service's own log goes.
fn copy_output(from: &Path, to: &Path) {
    if from == to || !from.exists() {
        return;
    }
    if let Err(error) = std::fs::copy(from, to) {
        tracing::warn!(
            "cannot copy {} to {}: {error}",
            from.display(),
            to.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_each_marked_line_from_its_marker_once_and_at_most_five() {
        let dir = tempfile::tempdir().unwrap();
        let stdout = dir.path().join("stdout.log");
        let stderr = dir.path().join("stderr.log");
        std::fs::write(
            &stdout,
            "00:00:01 [WARN] [client] Detected unsupported syscall ptrace (101)\n\
             nothing to see\n\
             00:00:02 [WARN] [client] Detected unsupported syscall ptrace (101)\n",
        )
        .unwrap();
        let many: String = (0..10)
            .map(|i| format!("x setsockopt called with unsupported level 0 and opt {i}  \n"))
            .collect();
        std::fs::write(&stderr, many).unwrap();
        let markers = [
            "Detected unsupported syscall".to_owned(),
            "setsockopt called with unsupported".to_owned(),
        ];
        let lines = unsupported_lines(&[&stdout, &stderr], &markers);
        assert_eq!(
            lines,
            [
                "Detected unsupported syscall ptrace (101)",
                "setsockopt called with unsupported level 0 and opt 0",
                "setsockopt called with unsupported level 0 and opt 1",
                "setsockopt called with unsupported level 0 and opt 2",
                "setsockopt called with unsupported level 0 and opt 3",
            ]
        );
        assert!(unsupported_lines(&[&stdout], &[]).is_empty());
        assert!(unsupported_lines(&[&dir.path().join("absent")], &markers).is_empty());
    }
}
