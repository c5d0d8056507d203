//! Judging a finished tester from the runner's `verdict.json`, and from how the
//! implementations under test ended: the tester's verdict is the test's.

use std::collections::BTreeMap;
use std::fs;
use std::io;

use panther_plugin_api::model::{ExitInfo, ServiceOutcome, Verdict, VerdictStatus};
use serde::Deserialize;
use serde_json::Value;

use crate::plan::VERDICT_FILE;

/// The signal the host stops a service with.
const SIGTERM: i32 = 15;
/// The signal the host kills a service with when it does not stop.
const SIGKILL: i32 = 9;

/// What the judge reads of `verdict.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Report {
    kind: String,
    location: String,
    source_line: String,
    message: String,
    compile_log: String,
    seconds: f64,
    compile_seconds: f64,
    cached: bool,
    seed: u64,
    iterations: u64,
    events: BTreeMap<String, u64>,
}

impl Report {
    /// The figures kept with the verdict.
    fn metrics(&self) -> BTreeMap<String, Value> {
        BTreeMap::from([
            ("seconds".to_owned(), Value::from(self.seconds)),
            (
                "compile_seconds".to_owned(),
                Value::from(self.compile_seconds),
            ),
            ("cached".to_owned(), Value::from(self.cached)),
            ("seed".to_owned(), Value::from(self.seed)),
            ("iterations".to_owned(), Value::from(self.iterations)),
            (
                "events".to_owned(),
                Value::from_iter(
                    self.events
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::from(*v))),
                ),
            ),
        ])
    }

    /// The verdict its kind calls for.
    fn verdict(&self) -> Verdict {
        match self.kind.as_str() {
            "test_completed" => Verdict::new(
                VerdictStatus::Pass,
                format!(
                    "no violation found (test_completed, {} iterations, seed {})",
                    self.iterations, self.seed
                ),
            ),
            "assumption_failed" => Verdict::new(
                VerdictStatus::Fail,
                format!("non-compliant: {}: {}", self.location, self.rule()),
            ),
            "assertion_failed" => Verdict::new(
                VerdictStatus::Error,
                format!(
                    "the tester could not keep its own rule, the implementation is not at fault: {}: {}",
                    self.location,
                    self.rule()
                ),
            ),
            "compile_failed" => Verdict::new(
                VerdictStatus::Error,
                format!(
                    "the Ivy test did not compile: {}",
                    first_line(&self.message).unwrap_or("see compile.log")
                ),
            ),
            "tester_crashed" => Verdict::new(
                VerdictStatus::Error,
                format!("the tester crashed: {}", self.message),
            ),
            _ => Verdict::new(VerdictStatus::Error, format!("unknown: {}", self.message)),
        }
    }

    /// The broken rule, quoted from its source when the runner could read it.
    fn rule(&self) -> String {
        if self.source_line.is_empty() {
            self.message.clone()
        } else {
            format!("\"{}\"", self.source_line)
        }
    }
}

/// The verdict on the tester, which is the test's.
pub fn judge(outcome: &ServiceOutcome) -> Verdict {
    let path = outcome.request.artifacts_dir.join(VERDICT_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let reason = format!(
                "no verdict: the runner {} without writing {} (see its standard error)",
                ended(&outcome.exit),
                path.display()
            );
            return Verdict::new(VerdictStatus::Error, reason);
        }
        Err(error) => {
            let reason = format!("cannot read the verdict {}: {error}", path.display());
            return Verdict::new(VerdictStatus::Error, reason);
        }
    };
    let report: Report = match serde_json::from_str(&text) {
        Ok(report) => report,
        Err(error) => {
            let reason = format!("the verdict {} is not valid: {error}", path.display());
            return Verdict::new(VerdictStatus::Error, reason);
        }
    };
    let mut verdict = match crashed_peer(outcome) {
        Some((peer, signal)) if report.kind != "compile_failed" => Verdict::new(
            VerdictStatus::Fail,
            format!(
                "IUT crash: {peer} ended by {} while the tester ran",
                signal_name(signal)
            ),
        ),
        _ => report.verdict(),
    };
    verdict.metrics = report.metrics();
    if !report.compile_log.is_empty() {
        verdict.metrics.insert(
            "compile_log_lines".to_owned(),
            Value::from(report.compile_log.lines().count()),
        );
    }
    verdict
}

/// The first other service of the test that died of a signal the host did not send,
/// with that signal.
fn crashed_peer(outcome: &ServiceOutcome) -> Option<(&str, i32)> {
    outcome
        .peer_exits
        .iter()
        .find_map(|(name, exit)| crash_signal(exit).map(|signal| (name.as_str(), signal)))
}

/// The signal that ended a process, unless the host sent it to stop it.
fn crash_signal(exit: &ExitInfo) -> Option<i32> {
    exit.signal
        .filter(|signal| !(exit.stopped_by_host && [SIGTERM, SIGKILL].contains(signal)))
}

/// How a process ended, to end a sentence: "exited with code 2".
fn ended(exit: &ExitInfo) -> String {
    match (exit.code, exit.signal) {
        (_, Some(signal)) if exit.stopped_by_host => {
            format!("was stopped by the host ({})", signal_name(signal))
        }
        (_, Some(signal)) => format!("ended by {}", signal_name(signal)),
        (Some(code), None) => format!("exited with code {code}"),
        (None, None) => "ended without an exit status".to_owned(),
    }
}

/// `signal 11 (SIGSEGV)`, for the signals a crash or a stop sends.
fn signal_name(signal: i32) -> String {
    let name = match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => return format!("signal {signal}"),
    };
    format!("signal {signal} ({name})")
}

/// The first non-empty line of `text`.
fn first_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|line| !line.is_empty())
}
