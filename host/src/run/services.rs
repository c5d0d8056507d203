//! Starting a test's services one by one, each once the one before is ready, and
//! waiting until the deciding ones end or the deadline.

use std::path::{Path, PathBuf};
use std::time::Instant;

use panther_plugin_api::model::Companion;
use tokio::sync::watch;

use super::process::{self, Process, run_to_end};
use super::readiness::{NotReady, wait_until_ready};
use super::test_run::Ending;
use super::{remaining, until_cancelled};
use crate::plan::TestPlan;

/// Starts every service in order (its companions, then its preparation, then itself)
/// and waits for the deciding services; what was started is left in `processes` and
/// `companions` for the caller to stop.
pub async fn start_and_wait(
    plan: &TestPlan,
    log: &Path,
    deadline: Instant,
    processes: &mut [Option<Process>],
    companions: &mut Vec<Process>,
    cancel: &mut watch::Receiver<bool>,
) -> Ending {
    for (index, service) in plan.services.iter().enumerate() {
        let failed = |reason: String| Ending::StartFailed {
            service: service.name.clone(),
            reason,
        };
        for companion in &service.companions {
            let directory = &service.request.output_dir;
            match start_companion(companion, directory, deadline, companions, cancel).await {
                Ok(()) => {}
                Err(CompanionFailure::Start(error)) => {
                    return failed(format!("its {}: {error}", companion.name));
                }
                Err(CompanionFailure::NotReady { reason, .. }) => {
                    return failed(format!("its {}: {reason}", companion.name));
                }
                Err(CompanionFailure::Interrupted) => return Ending::Interrupted,
            }
        }
        for command in &service.prepare {
            if let Err(problem) = run_to_end(command, log, log, remaining(deadline)).await {
                return failed(format!("preparation failed: {problem}"));
            }
        }
        tracing::debug!(
            "{}: starting {}: {}",
            plan.name,
            service.name,
            process::shown(&service.command)
        );
        let process = match process::start(&service.command, &service.stdout, &service.stderr) {
            Ok(process) => processes[index].insert(process),
            Err(error) => return failed(error.to_string()),
        };
        let (stdout, stderr) = (&service.stdout, &service.stderr);
        match wait_until_ready(process, service.ready(), stdout, stderr, deadline, cancel).await {
            Ok(check) => tracing::debug!("{}: {} is ready ({check})", plan.name, service.name),
            Err(NotReady::Failed(reason)) => return failed(reason),
            Err(NotReady::Interrupted) => return Ending::Interrupted,
        }
    }
    let deciding = plan.deciding();
    let mut timed_out = false;
    for &index in &deciding {
        let Some(process) = processes[index].as_mut() else {
            continue;
        };
        tokio::select! {
            _ = process.wait() => {}
            () = tokio::time::sleep_until(deadline.into()) => {
                timed_out = true;
                break;
            }
            () = until_cancelled(cancel) => return Ending::Interrupted,
        }
    }
    if timed_out {
        let still = deciding
            .iter()
            .filter(|&&i| {
                processes[i]
                    .as_mut()
                    .is_some_and(|p| p.try_exit().is_none())
            })
            .map(|&i| plan.services[i].name.clone())
            .collect();
        return Ending::TimedOut(still);
    }
    Ending::Completed
}

/// Why a companion (a service's, or a network's daemon) is not running and ready.
pub enum CompanionFailure {
    /// It could not be started.
    Start(std::io::Error),
    /// It ended, or the deadline came, before it was ready.
    NotReady {
        /// What happened, in words.
        reason: String,
        /// Its standard error log.
        stderr: PathBuf,
    },
    /// The run was interrupted.
    Interrupted,
}

/// Starts a companion with its output in `directory` (`NAME.stdout.log` and
/// `NAME.stderr.log`), adds it to `started` for the caller to stop, and waits until it
/// is ready.
pub async fn start_companion(
    companion: &Companion,
    directory: &Path,
    deadline: Instant,
    started: &mut Vec<Process>,
    cancel: &mut watch::Receiver<bool>,
) -> Result<(), CompanionFailure> {
    let stdout = directory.join(format!("{}.stdout.log", companion.name));
    let stderr = directory.join(format!("{}.stderr.log", companion.name));
    let process =
        process::start(&companion.command, &stdout, &stderr).map_err(CompanionFailure::Start)?;
    let index = started.len();
    started.push(process);
    match wait_until_ready(
        &mut started[index],
        &companion.ready,
        &stdout,
        &stderr,
        deadline,
        cancel,
    )
    .await
    {
        Ok(_) => Ok(()),
        Err(NotReady::Failed(reason)) => Err(CompanionFailure::NotReady { reason, stderr }),
        Err(NotReady::Interrupted) => Err(CompanionFailure::Interrupted),
    }
}
