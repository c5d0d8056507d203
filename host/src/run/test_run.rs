//! One test iteration from setup to teardown: what happened to each process, without
//! judging it.

use std::path::Path;
use std::time::{Duration, Instant};

use panther_plugin_api::model::{Analysis, ExitInfo};
use tokio::sync::watch;
use tokio::time::sleep;

use super::append_line;
use super::launcher::run_launcher;
use super::ledger::{Ledger, PendingTeardown};
use super::process::{Process, run_to_end};
use super::services::start_and_wait;
use super::setup::{SetupError, set_up_network, write_files};
use crate::plan::TestPlan;

/// How long teardown commands may take, each.
const TEARDOWN_LIMIT: Duration = Duration::from_secs(30);

/// How long companions (captures) and daemons keep running after the services stopped,
/// to record what was still on its way.
const COMPANION_DRAIN: Duration = Duration::from_millis(300);

/// How long an analysis (decoding a capture, a profiler's report) may take.
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
    /// What the network environment said it could not do for the services' programs
    /// (Shadow's unsupported system calls).
    pub unsupported: Vec<String>,
}

/// What the services of one iteration did, however they were started.
struct Ran {
    ending: Ending,
    exits: Vec<Option<ExitInfo>>,
    runtimes: Vec<Option<Duration>>,
    services_span: Duration,
    /// The services' companions, still running.
    companions: Vec<Process>,
    unsupported: Vec<String>,
}

/// Runs one test iteration; teardown runs on every path, and while the network is up
/// the ledger holds how to tear it down should the host be killed.
pub async fn execute(
    plan: &TestPlan,
    ledger: &Ledger,
    cancel: &mut watch::Receiver<bool>,
) -> Execution {
    let started = Instant::now();
    let deadline = started + plan.timeout;
    let log = plan.directory.join("host-commands.log");
    let recorded = !plan.deployment.teardown.is_empty();
    if recorded {
        let record = PendingTeardown {
            pid: std::process::id(),
            test: plan.name.clone(),
            instance: plan.instance.clone(),
            teardown: plan.deployment.teardown.clone(),
        };
        if let Err(error) = ledger.open(&record) {
            tracing::warn!("{}: cannot record its teardown: {error}", plan.name);
        }
    }
    let mut daemons = Vec::new();
    let ran = match ready_network(plan, &log, deadline, &mut daemons, cancel).await {
        Err(ending) => Ran {
            ending,
            exits: plan.services.iter().map(|_| None).collect(),
            runtimes: plan.services.iter().map(|_| None).collect(),
            services_span: Duration::ZERO,
            companions: Vec::new(),
            unsupported: Vec::new(),
        },
        Ok(()) => run_services(plan, &log, deadline, cancel).await,
    };
    let mut companions = ran.companions;
    if !companions.is_empty() || !daemons.is_empty() {
        // A capture still has the last packets in its socket buffer: let it drain.
        sleep(COMPANION_DRAIN).await;
    }
    for process in companions.iter_mut().rev().chain(daemons.iter_mut().rev()) {
        process.stop().await;
    }
    if ran.ending != Ending::Interrupted {
        analyse(plan, &log).await;
    }
    tracing::debug!("{}: ended ({:?}); tearing down", plan.name, ran.ending);
    let mut teardown_problems = Vec::new();
    for command in &plan.deployment.teardown {
        if let Err(problem) = run_to_end(command, &log, &log, TEARDOWN_LIMIT).await {
            teardown_problems.push(problem);
        }
    }
    if recorded {
        ledger.close(&plan.instance);
    }
    Execution {
        ending: ran.ending,
        exits: ran.exits,
        duration: started.elapsed(),
        runtimes: ran.runtimes,
        services_span: ran.services_span,
        teardown_problems,
        unsupported: ran.unsupported,
    }
}

/// Writes the files and sets up the network with its daemons.
async fn ready_network(
    plan: &TestPlan,
    log: &Path,
    deadline: Instant,
    daemons: &mut Vec<Process>,
    cancel: &mut watch::Receiver<bool>,
) -> Result<(), Ending> {
    write_files(plan).map_err(Ending::SetupFailed)?;
    set_up_network(plan, log, deadline, daemons, cancel)
        .await
        .map_err(|error| match error {
            SetupError::Failed(reason) => Ending::SetupFailed(reason),
            SetupError::Interrupted => Ending::Interrupted,
        })
}

/// Runs the services: by the network's launcher when it has one, else one by one,
/// stopping whatever is still running at the end.
async fn run_services(
    plan: &TestPlan,
    log: &Path,
    deadline: Instant,
    cancel: &mut watch::Receiver<bool>,
) -> Ran {
    if let Some(launcher) = &plan.launcher {
        let launched = run_launcher(plan, launcher, log, deadline, cancel).await;
        return Ran {
            ending: launched.ending,
            exits: launched.exits,
            runtimes: plan.services.iter().map(|_| None).collect(),
            services_span: launched.span,
            companions: Vec::new(),
            unsupported: launched.unsupported,
        };
    }
    let mut processes: Vec<Option<Process>> = plan.services.iter().map(|_| None).collect();
    let mut companions = Vec::new();
    let ending = start_and_wait(plan, log, deadline, &mut processes, &mut companions, cancel).await;
    let mut exits = Vec::with_capacity(processes.len());
    for process in processes.iter_mut().rev() {
        exits.push(match process {
            Some(p) => Some(p.stop().await),
            None => None,
        });
    }
    exits.reverse();
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
    Ran {
        ending,
        exits,
        runtimes,
        services_span,
        companions,
        unsupported: Vec::new(),
    }
}

/// Runs every service's analyses and those of its execution environments; a failure
/// is logged, and the judge or the environment says what it could not check.
async fn analyse(plan: &TestPlan, log: &Path) {
    for service in &plan.services {
        for analysis in service.analyses() {
            if let Err(problem) = run_analysis(analysis).await {
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

async fn run_analysis(analysis: &Analysis) -> Result<(), String> {
    let _ = std::fs::remove_file(&analysis.output);
    let errors = analysis.output.with_extension("err");
    run_to_end(&analysis.command, &analysis.output, &errors, ANALYSIS_LIMIT).await
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
