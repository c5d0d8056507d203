//! Running a plan: test iterations in parallel up to `--jobs`, each from setup to
//! teardown, judged as it ends, with the results files rewritten after each one.
//! Ctrl-C or SIGTERM stops every running test cleanly and starts no new one.

mod launcher;
mod ledger;
mod process;
mod progress;
mod readiness;
mod services;
mod setup;
mod test_run;
mod tls;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

pub use ledger::{Cleaned, Ledger};
pub use process::shown;
pub use progress::Progress;
pub use readiness::describe_readiness;
pub use test_run::{Ending, Execution, describe_exit};

use crate::components::Components;
use crate::judge::{judge, not_run};
use crate::plan::{RunPlan, TestPlan};
use crate::report::{
    RunResults, RunState, TestResult, junit_xml, markdown, matrix_tables, now_rfc3339,
};

/// Results as they come in, and where to write them.
struct Collector {
    results: RunResults,
    slots: Vec<Option<TestResult>>,
    directory: PathBuf,
}

impl Collector {
    fn record(&mut self, index: usize, result: TestResult) {
        self.slots[index] = Some(result);
        self.results.tests = self.slots.iter().flatten().cloned().collect();
        self.results.matrices = matrix_tables(&self.results.tests);
        self.write();
    }

    /// Writes results.json, junit.xml and summary.md; a failure is logged, not fatal,
    /// so the run goes on.
    fn write(&self) {
        if let Err(error) = self.results.save(&self.directory) {
            tracing::error!("cannot write results.json: {error}");
        }
        match junit_xml(&self.results) {
            Ok(xml) => {
                let _ = crate::report::write_atomically(
                    &self.directory.join("junit.xml"),
                    xml.as_bytes(),
                );
            }
            Err(error) => tracing::error!("cannot make junit.xml: {error}"),
        }
        let summary = markdown(&self.results);
        let _ =
            crate::report::write_atomically(&self.directory.join("summary.md"), summary.as_bytes());
    }
}

/// The time left until `deadline`.
fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// Waits until the run is asked to stop (forever if it cannot be).
async fn until_cancelled(cancel: &mut watch::Receiver<bool>) {
    if cancel.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Adds a line to a test's host log; a failure to write it is only logged.
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

/// Stops the run on SIGINT or SIGTERM.
fn watch_signals(stop: watch::Sender<bool>) -> std::io::Result<()> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    tokio::spawn(async move {
        let name = tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        };
        eprintln!("panther-host: {name}: stopping the running tests and tearing down");
        let _ = stop.send(true);
    });
    Ok(())
}

/// Runs every test iteration of the plan, at most `jobs` at once.
pub async fn run_plan(
    plan: RunPlan,
    components: Arc<Components>,
    results: RunResults,
    jobs: usize,
    progress: Progress,
    ledger: Ledger,
) -> RunResults {
    let ledger = Arc::new(ledger);
    let (stop, cancel) = watch::channel(false);
    if let Err(error) = watch_signals(stop) {
        tracing::warn!("cannot watch for Ctrl-C: {error}");
    }
    let collector = Arc::new(Mutex::new(Collector {
        slots: plan.tests.iter().map(|_| None).collect(),
        results,
        directory: plan.directory.clone(),
    }));
    collector.lock().unwrap_or_else(|e| e.into_inner()).write();
    let progress = Arc::new(progress);
    let permits = Arc::new(Semaphore::new(jobs.max(1)));
    let run_directory = plan.directory.clone();
    let mut tasks = JoinSet::new();
    for (index, test) in plan.tests.into_iter().enumerate() {
        let permits = Arc::clone(&permits);
        let components = Arc::clone(&components);
        let collector = Arc::clone(&collector);
        let progress = Arc::clone(&progress);
        let run_directory = run_directory.clone();
        let ledger = Arc::clone(&ledger);
        let mut cancel = cancel.clone();
        tasks.spawn(async move {
            let Ok(_permit) = permits.acquire().await else {
                return;
            };
            if *cancel.borrow() {
                return;
            }
            progress.started(&test);
            let result = run_one(&test, &components, &run_directory, &ledger, &mut cancel).await;
            progress.finished(&result);
            tracing::info!(
                "{}: {}: {}",
                result.name,
                result.status.as_str(),
                result.reason
            );
            collector
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .record(index, result);
        });
    }
    while tasks.join_next().await.is_some() {}
    progress.done();
    let interrupted = *cancel.borrow();
    let mut collector = collector.lock().unwrap_or_else(|e| e.into_inner());
    collector.results.state = if interrupted {
        RunState::Interrupted
    } else {
        RunState::Finished
    };
    collector.results.finished = Some(now_rfc3339());
    collector.write();
    collector.results.clone()
}

async fn run_one(
    test: &TestPlan,
    components: &Components,
    run_directory: &Path,
    ledger: &Ledger,
    cancel: &mut watch::Receiver<bool>,
) -> TestResult {
    if let Some(why) = &test.not_run {
        // The summary links every test to its directory: this one holds why it did not run.
        let written = std::fs::create_dir_all(&test.directory)
            .and_then(|()| std::fs::write(test.directory.join("not-run.txt"), &why.reason));
        if let Err(error) = written {
            tracing::warn!("{}: cannot write not-run.txt: {error}", test.name);
        }
        return not_run(test, why, run_directory);
    }
    let execution = test_run::execute(test, ledger, cancel).await;
    judge(test, &execution, components, run_directory)
}
