//! Judging a test iteration: each service by its service manager, each execution
//! environment's findings, and the test from those.

use std::collections::BTreeMap;
use std::path::Path;

use panther_plugin_api::model::{
    ArtifactSpec, ExitInfo, Finding, FindingsRequest, ServiceOutcome, Verdict, VerdictStatus,
};

use crate::components::Components;
use crate::plan::{NotRun, NotRunStatus, ServiceLaunch, TestPlan};
use crate::report::{FindingResult, ServiceResult, TestResult, TestStatus};
use crate::run::{Ending, Execution};

fn milliseconds(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn relative(path: &Path, run_directory: &Path) -> std::path::PathBuf {
    path.strip_prefix(run_directory)
        .unwrap_or(path)
        .to_path_buf()
}

/// The verdict on one service, by its service manager; an error when it cannot judge.
fn service_verdict(
    launch: &ServiceLaunch,
    exit: Option<&ExitInfo>,
    peer_exits: BTreeMap<String, ExitInfo>,
    components: &Components,
) -> Verdict {
    let Some(exit) = exit else {
        return Verdict::new(VerdictStatus::Error, "never started");
    };
    let Some(manager) = components.service(&launch.implementation) else {
        return Verdict::new(VerdictStatus::Error, "its service manager is not loaded");
    };
    let outcome = ServiceOutcome {
        request: launch.request.clone(),
        exit: exit.clone(),
        stdout: launch.stdout.clone(),
        stderr: launch.stderr.clone(),
        peer_exits,
    };
    manager.handle.judge(&outcome).unwrap_or_else(|error| {
        Verdict::new(
            VerdictStatus::Error,
            format!("{} could not judge it: {error}", launch.implementation),
        )
    })
}

/// What each execution environment found on a service; the files they name are
/// made relative to the run directory, as every path in the results is.
fn findings(
    launch: &ServiceLaunch,
    exit: &ExitInfo,
    components: &Components,
    run_directory: &Path,
) -> Vec<FindingResult> {
    let mut all = Vec::new();
    for wrapping in &launch.wrappings {
        let Some(environment) = components.execution(&wrapping.plugin) else {
            continue;
        };
        let request = FindingsRequest {
            service: launch.name.clone(),
            artifacts_dir: launch.request.artifacts_dir.clone(),
            exit: exit.clone(),
            config: wrapping.config.clone(),
            stdout: launch.stdout.clone(),
            stderr: launch.stderr.clone(),
        };
        match environment.handle.findings(&request) {
            Ok(found) => all.extend(found.findings.into_iter().map(|mut finding| {
                finding.file = finding.file.map(|f| relative(&f, run_directory));
                FindingResult {
                    plugin: wrapping.plugin.clone(),
                    finding,
                }
            })),
            Err(error) => all.push(FindingResult {
                plugin: wrapping.plugin.clone(),
                finding: Finding::new(format!("could not read its findings: {error}"), true),
            }),
        }
    }
    all
}

/// How the services of a test other than `name` ended, by name.
fn peer_exits(plan: &TestPlan, execution: &Execution, name: &str) -> BTreeMap<String, ExitInfo> {
    plan.services
        .iter()
        .zip(&execution.exits)
        .filter(|(launch, _)| launch.name != name)
        .filter_map(|(launch, exit)| Some((launch.name.clone(), exit.clone()?)))
        .collect()
}

/// Judges one executed test iteration.
pub fn judge(
    plan: &TestPlan,
    execution: &Execution,
    components: &Components,
    run_directory: &Path,
) -> TestResult {
    let services: Vec<ServiceResult> = plan
        .services
        .iter()
        .zip(&execution.exits)
        .zip(&execution.runtimes)
        .map(|((launch, exit), runtime)| {
            let artifacts = launch
                .artifacts()
                .map(|a| ArtifactSpec {
                    name: a.name.clone(),
                    path: relative(&a.path, run_directory),
                })
                .collect();
            ServiceResult {
                name: launch.name.clone(),
                implementation: launch.implementation.clone(),
                role: launch.role,
                verdict: service_verdict(
                    launch,
                    exit.as_ref(),
                    peer_exits(plan, execution, &launch.name),
                    components,
                ),
                exit: exit.clone(),
                runtime_ms: runtime.map(milliseconds),
                stdout: relative(&launch.stdout, run_directory),
                stderr: relative(&launch.stderr, run_directory),
                artifacts,
                findings: exit
                    .as_ref()
                    .map(|e| findings(launch, e, components, run_directory))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let (status, reason) = test_verdict(plan, execution, &services);
    TestResult {
        name: plan.name.clone(),
        iteration: plan.iteration,
        iterations: plan.iterations,
        status,
        reason,
        network: plan.network.clone(),
        duration_ms: milliseconds(execution.duration),
        services_ms: milliseconds(execution.services_span),
        directory: relative(&plan.directory, run_directory),
        cell: plan.cell.clone(),
        services,
    }
}

/// The record of a test iteration that was not run: the service that cannot run is
/// unsupported or skipped with the reason, the others skipped because of it.
pub fn not_run(plan: &TestPlan, why: &NotRun, run_directory: &Path) -> TestResult {
    let (status, verdict) = match why.status {
        NotRunStatus::Unsupported => (TestStatus::Unsupported, VerdictStatus::Unsupported),
        NotRunStatus::Skipped => (TestStatus::Skipped, VerdictStatus::Skipped),
    };
    let services = plan
        .services
        .iter()
        .map(|launch| {
            let verdict = match &why.service {
                Some(service) if service == &launch.name => {
                    Verdict::new(verdict, why.reason.clone())
                }
                Some(service) => Verdict::new(
                    VerdictStatus::Skipped,
                    format!("not run, because of {service}"),
                ),
                None => Verdict::new(VerdictStatus::Skipped, why.reason.clone()),
            };
            ServiceResult {
                name: launch.name.clone(),
                implementation: launch.implementation.clone(),
                role: launch.role,
                verdict,
                exit: None,
                runtime_ms: None,
                stdout: relative(&launch.stdout, run_directory),
                stderr: relative(&launch.stderr, run_directory),
                artifacts: Vec::new(),
                findings: Vec::new(),
            }
        })
        .collect();
    TestResult {
        name: plan.name.clone(),
        iteration: plan.iteration,
        iterations: plan.iterations,
        status,
        reason: why.reason.clone(),
        network: plan.network.clone(),
        duration_ms: 0,
        services_ms: 0,
        directory: relative(&plan.directory, run_directory),
        cell: plan.cell.clone(),
        services,
    }
}

/// The test's status and reason from how it ended and its services' verdicts; when it
/// did not pass, what the network environment said it could not do joins the reason.
fn test_verdict(
    plan: &TestPlan,
    execution: &Execution,
    services: &[ServiceResult],
) -> (TestStatus, String) {
    let (status, reason) = verdict_of_ending(plan, execution, services);
    if execution.unsupported.is_empty()
        || matches!(status, TestStatus::Passed | TestStatus::Interrupted)
    {
        return (status, reason);
    }
    let said = execution.unsupported.join("; ");
    (status, format!("{reason}; {} says: {said}", plan.network))
}

/// The test's status and reason from how it ended and its services' verdicts.
fn verdict_of_ending(
    plan: &TestPlan,
    execution: &Execution,
    services: &[ServiceResult],
) -> (TestStatus, String) {
    let with_teardown = |reason: String| {
        if execution.teardown_problems.is_empty() {
            reason
        } else {
            format!(
                "{reason}; teardown: {}",
                execution.teardown_problems.join("; ")
            )
        }
    };
    match &execution.ending {
        Ending::Interrupted => {
            return (
                TestStatus::Interrupted,
                "the run was interrupted".to_owned(),
            );
        }
        Ending::SetupFailed(reason) => return (TestStatus::Error, with_teardown(reason.clone())),
        Ending::StartFailed { service, reason } => {
            if let Some(unsupported) = services
                .iter()
                .find(|s| &s.name == service && s.verdict.status == VerdictStatus::Unsupported)
            {
                return (
                    TestStatus::Unsupported,
                    with_teardown(format!("{service}: {}", unsupported.verdict.reason)),
                );
            }
            let log = plan
                .services
                .iter()
                .find(|s| &s.name == service)
                .map(|s| format!(" (logs: {})", s.stderr.display()))
                .unwrap_or_default();
            return (
                TestStatus::Failed,
                with_teardown(format!("{service} {reason}{log}")),
            );
        }
        Ending::TimedOut(still) => {
            return (
                TestStatus::Failed,
                with_teardown(format!(
                    "timed out after {} s; still running: {}",
                    plan.timeout.as_secs_f64(),
                    still.join(", ")
                )),
            );
        }
        Ending::Completed => {}
    }
    let failing_finding = services.iter().find_map(|s| {
        s.findings
            .iter()
            .find(|f| f.finding.fails_test)
            .map(|f| format!("{}: {}: {}", s.name, f.plugin, f.finding.summary))
    });
    // The deciding services (clients, testers) speak first: a tester's verdict is the
    // test's reason.
    let deciding = plan.deciding();
    let first = |status: VerdictStatus| {
        let others = (0..services.len()).filter(|i| deciding.binary_search(i).is_err());
        deciding
            .iter()
            .copied()
            .chain(others)
            .filter_map(|i| services.get(i))
            .find(|s| s.verdict.status == status)
            .map(|s| format!("{}: {}", s.name, s.verdict.reason))
    };
    let (status, reason) = if let Some(reason) = first(VerdictStatus::Fail) {
        // A tool's finding often says why (a crash's backtrace): keep it beside.
        match failing_finding {
            Some(finding) => (TestStatus::Failed, format!("{reason}; {finding}")),
            None => (TestStatus::Failed, reason),
        }
    } else if let Some(reason) = failing_finding {
        (TestStatus::Failed, reason)
    } else if let Some(reason) = first(VerdictStatus::Error) {
        (TestStatus::Error, reason)
    } else if let Some(reason) = first(VerdictStatus::Unsupported) {
        (TestStatus::Unsupported, reason)
    } else {
        let deciding: Vec<String> = plan
            .services
            .iter()
            .zip(services)
            .filter(|(launch, _)| launch.plan.decides)
            .map(|(_, s)| format!("{}: {}", s.name, s.verdict.reason))
            .collect();
        let reason = if deciding.is_empty() {
            "every service passed".to_owned()
        } else {
            deciding.join("; ")
        };
        (TestStatus::Passed, reason)
    };
    if !execution.teardown_problems.is_empty() && status == TestStatus::Passed {
        return (TestStatus::Error, with_teardown(reason));
    }
    (status, with_teardown(reason))
}
