//! Starting a test's services one by one, each once the one before is ready, and
//! waiting until the deciding ones end or the deadline.

use std::path::Path;
use std::time::Instant;

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
            let stdout = directory.join(format!("{}.stdout.log", companion.name));
            let stderr = directory.join(format!("{}.stderr.log", companion.name));
            match process::start(&companion.command, &stdout, &stderr) {
                Ok(process) => companions.push(process),
                Err(error) => return failed(format!("its {}: {error}", companion.name)),
            }
            let Some(started) = companions.last_mut() else {
                continue;
            };
            match wait_until_ready(
                started,
                &companion.ready,
                &stdout,
                &stderr,
                deadline,
                cancel,
            )
            .await
            {
                Ok(_) => {}
                Err(NotReady::Failed(reason)) => {
                    return failed(format!("its {}: {reason}", companion.name));
                }
                Err(NotReady::Interrupted) => return Ending::Interrupted,
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
