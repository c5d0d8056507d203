//! One test iteration from setup to teardown: what happened to each process, without
//! judging it.

use std::path::Path;
use std::time::{Duration, Instant};

use panther_plugin_api::model::{ExitInfo, Readiness};
use tokio::sync::watch;
use tokio::time::sleep;

use super::process::{self, Process, run_to_end};
use super::readiness::{ReadinessCheck, next_poll};
use super::tls::Authority;
use crate::plan::TestPlan;

/// How long teardown commands may take, each.
const TEARDOWN_LIMIT: Duration = Duration::from_secs(30);

/// How long companions (captures) keep running after the services stopped, to
/// record what was still on its way.
const COMPANION_DRAIN: Duration = Duration::from_millis(300);

/// How long an analysis (decoding a capture) may take.
const ANALYSIS_LIMIT: Duration = Duration::from_secs(60);

/// How a test iteration ended, before judging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The deciding services ended by themselves.
    Completed,
    /// The timeout came first; these deciding services were still running.
    TimedOut(Vec<String>),
    /// The run was interrupted (Ctrl-C or SIGTERM).
    Interrupted,
    /// The network could not be set up.
    SetupFailed(String),
    /// A service could not be started or never became ready.
    StartFailed {
        /// The service.
        service: String,
        /// What went wrong.
        reason: String,
    },
}

/// What happened in one test iteration.
#[derive(Debug)]
pub struct Execution {
    /// How it ended.
    pub ending: Ending,
    /// Each service's exit, by the plan's order; `None` for one never started.
    pub exits: Vec<Option<ExitInfo>>,
    /// From the first setup command to the end of teardown.
    pub duration: Duration,
    /// How long each service's process ran, by the plan's order.
    pub runtimes: Vec<Option<Duration>>,
    /// From the first service's start to the last one's end: the time the services
    /// ran, as opposed to the host's own work around them.
    pub services_span: Duration,
    /// Teardown commands that failed.
    pub teardown_problems: Vec<String>,
}

/// Whether the run was asked to stop.
fn cancelled(cancel: &watch::Receiver<bool>) -> bool {
    *cancel.borrow()
}

async fn until_cancelled(cancel: &mut watch::Receiver<bool>) {
    if cancel.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Runs one test iteration; teardown runs on every path.
pub async fn execute(plan: &TestPlan, cancel: &mut watch::Receiver<bool>) -> Execution {
    let started = Instant::now();
    let deadline = started + plan.timeout;
    let log = plan.directory.join("host-commands.log");
    let mut processes: Vec<Option<Process>> = plan.services.iter().map(|_| None).collect();
    let mut companions = Vec::new();
    let ending = match prepare(plan, &log, deadline).await {
        Err(reason) => Ending::SetupFailed(reason),
        Ok(()) => {
            start_and_wait(
                plan,
                &log,
                deadline,
                &mut processes,
                &mut companions,
                cancel,
            )
            .await
        }
    };
    let mut exits = Vec::with_capacity(processes.len());
    for process in processes.iter_mut().rev() {
        exits.push(match process {
            Some(p) => Some(p.stop().await),
            None => None,
        });
    }
    exits.reverse();
    if !companions.is_empty() {
        // A capture still has the last packets in its socket buffer: let it drain.
        sleep(COMPANION_DRAIN).await;
    }
    for companion in companions.iter_mut().rev() {
        companion.stop().await;
    }
    if ending != Ending::Interrupted {
        analyse(plan, &log).await;
    }
    let lifetimes: Vec<_> = processes.iter().flatten().map(Process::lifetime).collect();
    let runtimes = processes
        .iter()
        .map(|p| {
            p.as_ref()
                .and_then(|p| p.lifetime().1.map(|end| end - p.lifetime().0))
        })
        .collect();
    let services_span = match (
        lifetimes.iter().map(|(start, _)| *start).min(),
        lifetimes.iter().filter_map(|(_, end)| *end).max(),
    ) {
        (Some(first), Some(last)) => last.saturating_duration_since(first),
        _ => Duration::ZERO,
    };
    tracing::debug!("{}: ended ({ending:?}); tearing down", plan.name);
    let mut teardown_problems = Vec::new();
    for command in &plan.deployment.teardown {
        if let Err(problem) = run_to_end(command, &log, &log, TEARDOWN_LIMIT).await {
            teardown_problems.push(problem);
        }
    }
    Execution {
        ending,
        exits,
        duration: started.elapsed(),
        runtimes,
        services_span,
        teardown_problems,
    }
}

/// Writes `size` random bytes to `path`, making its directory.
fn write_random(path: &Path, size: u64) -> Result<(), String> {
    use std::io::Write;
    let failed = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(failed)?);
    let mut rng = fastrand::Rng::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut left = size;
    while left > 0 {
        let n = usize::try_from(left.min(chunk.len() as u64)).unwrap_or(chunk.len());
        rng.fill(&mut chunk[..n]);
        file.write_all(&chunk[..n]).map_err(failed)?;
        left -= n as u64;
    }
    file.flush().map_err(failed)
}

fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// Runs every service's analyses; a failure is logged, and the judge says what it
/// could not check.
async fn analyse(plan: &TestPlan, log: &Path) {
    for service in &plan.services {
        for analysis in &service.plan.analyses {
            let _ = std::fs::remove_file(&analysis.output);
            let errors = analysis.output.with_extension("err");
            if let Err(problem) =
                run_to_end(&analysis.command, &analysis.output, &errors, ANALYSIS_LIMIT).await
            {
                tracing::warn!(
                    "{}: {}: analysis failed: {problem}",
                    plan.name,
                    service.name
                );
                append_line(log, &format!("analysis failed: {problem}"));
            }
        }
    }
}

/// Adds a line to the test's host log; a failure to write it is only logged.
fn append_line(log: &Path, line: &str) {
    use std::io::Write;
    let written = std::fs::File::options()
        .create(true)
        .append(true)
        .open(log)
        .and_then(|mut file| writeln!(file, "{line}"));
    if let Err(error) = written {
        tracing::warn!("cannot write {}: {error}", log.display());
    }
}

/// Makes the directories, writes the network's files, runs its setup commands.
async fn prepare(plan: &TestPlan, log: &Path, deadline: Instant) -> Result<(), String> {
    let make = |dir: &Path| {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
    };
    make(&plan.directory)?;
    for service in &plan.services {
        make(&service.request.output_dir)?;
        make(&service.request.artifacts_dir)?;
    }
    for service in &plan.services {
        if service.plan.tls
            && let Some(files) = &service.request.tls
        {
            Authority::of_run()?.write(&service.request.address.host, files)?;
        }
        for directory in &service.plan.directories {
            make(directory)?;
        }
        for file in &service.plan.random_files {
            write_random(&file.path, file.size)?;
        }
    }
    for file in &plan.deployment.files {
        if let Some(parent) = file.path.parent() {
            make(parent)?;
        }
        std::fs::write(&file.path, &file.contents)
            .map_err(|e| format!("cannot write {}: {e}", file.path.display()))?;
    }
    for command in &plan.deployment.setup {
        run_to_end(command, log, log, remaining(deadline))
            .await
            .map_err(|e| format!("network setup failed: {e}"))?;
    }
    Ok(())
}

/// Why a started process did not become ready.
enum NotReady {
    /// It ended, or the deadline came first.
    Failed(String),
    /// The run was interrupted.
    Interrupted,
}

/// Waits until a started process is ready, as `ready` says; returns what was waited
/// for.
async fn wait_until_ready(
    process: &mut Process,
    ready: &Readiness,
    stdout: &Path,
    stderr: &Path,
    deadline: Instant,
    cancel: &mut watch::Receiver<bool>,
) -> Result<String, NotReady> {
    let started = Instant::now();
    let mut check = ReadinessCheck::new(ready.clone());
    let mut attempt = 0;
    while !check.is_ready(process.pid(), stdout, stderr) {
        if let Some(exit) = process.try_exit() {
            return Err(NotReady::Failed(format!(
                "exited ({}) before it was ready (waiting until {})",
                describe_exit(&exit),
                check.describe()
            )));
        }
        if Instant::now() >= deadline {
            return Err(NotReady::Failed(format!(
                "not ready after {} s (waiting until {})",
                started.elapsed().as_secs_f64().round(),
                check.describe()
            )));
        }
        if cancelled(cancel) {
            return Err(NotReady::Interrupted);
        }
        sleep(next_poll(attempt)).await;
        attempt += 1;
    }
    if let Readiness::Delay { ms } = ready {
        tokio::select! {
            () = sleep(Duration::from_millis(*ms).min(remaining(deadline))) => {}
            () = until_cancelled(cancel) => return Err(NotReady::Interrupted),
        }
    }
    Ok(check.describe())
}

async fn start_and_wait(
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
        for companion in &service.plan.companions {
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
        for command in &service.plan.prepare {
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
    let deciding: Vec<usize> = {
        let marked: Vec<usize> = (0..plan.services.len())
            .filter(|&i| plan.services[i].plan.decides)
            .collect();
        if marked.is_empty() {
            (0..plan.services.len()).collect()
        } else {
            marked
        }
    };
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

/// "exit code 1", "signal 11", for messages.
pub fn describe_exit(exit: &ExitInfo) -> String {
    match (exit.code, exit.signal) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(signal)) => {
            let name = nix::sys::signal::Signal::try_from(signal)
                .map(|s| s.as_str())
                .unwrap_or("unknown");
            format!("signal {signal}, {name}")
        }
        (None, None) => "no exit status".to_owned(),
    }
}
