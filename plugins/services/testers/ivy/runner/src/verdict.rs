//! The runner's verdict (`verdict.json`): how the test ended, classified as PANTHER
//! does, with the broken rule's place and text.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use nix::sys::signal::Signal;
use serde::{Deserialize, Serialize};

use crate::event_log::{EventLog, Party};

/// The verdict's file name in the artifacts directory.
pub const VERDICT_FILE: &str = "verdict.json";

/// How a test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The test loop ran to its end without a broken rule.
    TestCompleted,
    /// The implementation under test broke a rule.
    AssumptionFailed,
    /// The tester broke one of its own rules: a fault of the specification.
    AssertionFailed,
    /// The test did not compile.
    CompileFailed,
    /// The test compiled and was not run (`--compile-only`).
    Compiled,
    /// The tester died of a signal nobody sent it.
    TesterCrashed,
    /// None of the above (stopped, could not start, ended without a word).
    Unknown,
}

impl Kind {
    /// The kind as `verdict.json` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TestCompleted => "test_completed",
            Self::AssumptionFailed => "assumption_failed",
            Self::AssertionFailed => "assertion_failed",
            Self::CompileFailed => "compile_failed",
            Self::Compiled => "compiled",
            Self::TesterCrashed => "tester_crashed",
            Self::Unknown => "unknown",
        }
    }
}

/// Everything `verdict.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// How the test ended.
    pub kind: Kind,
    /// The broken rule's place, `FILE:LINE`; empty when none.
    pub location: String,
    /// The broken rule's line of source, trimmed; empty when none.
    pub source_line: String,
    /// What happened, in one line.
    pub message: String,
    /// The compiler's output, when the test did not compile.
    pub compile_log: String,
    /// How long the tester ran.
    pub seconds: f64,
    /// How long compiling took; 0 when the tester came from the cache.
    pub compile_seconds: f64,
    /// Whether the tester came from the cache.
    pub cached: bool,
    /// The test's name.
    pub test: String,
    /// The tester's random seed.
    pub seed: u32,
    /// The iterations the test loop was given.
    pub iterations: u32,
    /// The tester's exit code, when it exited.
    pub exit_code: Option<i32>,
    /// The signal that ended the tester, when one did.
    pub signal: Option<i32>,
    /// How many times each action and event appears in the event log.
    pub events: BTreeMap<String, u64>,
}

impl Verdict {
    /// A verdict of `kind` saying `message` about `test`, with nothing measured.
    pub fn new(
        kind: Kind,
        message: impl Into<String>,
        test: &str,
        seed: u32,
        iterations: u32,
    ) -> Self {
        Self {
            kind,
            location: String::new(),
            source_line: String::new(),
            message: message.into(),
            compile_log: String::new(),
            seconds: 0.0,
            compile_seconds: 0.0,
            cached: false,
            test: test.to_owned(),
            seed,
            iterations,
            exit_code: None,
            signal: None,
            events: BTreeMap::new(),
        }
    }

    /// Writes the verdict to `dir/verdict.json` atomically.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(io::Error::other)?;
        let temporary = dir.join(format!(".{VERDICT_FILE}.tmp"));
        fs::write(&temporary, text + "\n")?;
        fs::rename(&temporary, dir.join(VERDICT_FILE))
    }
}

/// How the tester process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ending {
    /// Its exit code, when it exited.
    pub code: Option<i32>,
    /// The signal that ended it, when one did.
    pub signal: Option<i32>,
    /// The stop signal the runner passed on to it, if any.
    pub stopped_by: Option<i32>,
    /// The time limit, in seconds, at which the runner stopped it, if it did.
    pub out_of_time: Option<u32>,
}

/// What the event log and the tester's ending say, as (kind, location, source line,
/// message); the rule's text is read from the sources in `model_dir`. A broken rule
/// wins over completion: a rule of the final check (QUIC's `_finalize`) is reported
/// broken, and then the test completes.
pub fn classify(
    log: &EventLog,
    ending: Ending,
    model_dir: &Path,
) -> (Kind, String, String, String) {
    if let Some(broken) = &log.broken {
        let location = format!("{}:{}", broken.file, broken.line);
        let text = fs::read_to_string(model_dir.join(&broken.file)).unwrap_or_default();
        let source = line_of(&text, broken.line).unwrap_or_default();
        // The Ivy tester reports every broken rule as an assumption: an `assert` is
        // the tester's own, and so is a `require` it had to keep while generating, or
        // one broken while it carried out an action of its own (but the final check,
        // `_finalize`, which the loop calls at its end, judges the implementation).
        let context = context_of(&text, broken.line);
        let kind = if broken.by == Party::Tester
            || source.starts_with("assert ")
            || context.generating
            || (broken.in_generated_action && !context.final_check)
        {
            Kind::AssertionFailed
        } else {
            Kind::AssumptionFailed
        };
        return (kind, location, source, broken.marker.clone());
    }
    let nothing = || (String::new(), String::new());
    let (kind, message) = if log.completed {
        (Kind::TestCompleted, "test_completed".to_owned())
    } else if let Some(limit) = ending.out_of_time {
        (Kind::Unknown, format!("no verdict within {limit} s"))
    } else if let (Some(signal), Some(stop)) = (ending.signal, ending.stopped_by) {
        let message = format!(
            "stopped by {} before the test completed (the runner got {})",
            signal_name(signal),
            signal_name(stop)
        );
        (Kind::Unknown, message)
    } else if let Some(signal) = ending.signal {
        (
            Kind::TesterCrashed,
            format!("the tester was killed by {}", signal_name(signal)),
        )
    } else {
        let code = ending
            .code
            .map_or_else(|| "no code".to_owned(), |c| c.to_string());
        let message = format!(
            "the tester exited with code {code} without completing or breaking a rule (see its standard error)"
        );
        (Kind::Unknown, message)
    };
    let (location, source) = nothing();
    (kind, location, source, message)
}

/// Line `number` (from 1) of `text`, trimmed.
fn line_of(text: &str, number: u32) -> Option<String> {
    let index = usize::try_from(number).ok()?.checked_sub(1)?;
    text.lines().nth(index).map(|line| line.trim().to_owned())
}

/// Where a rule is in its specification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Context {
    /// In the `if _generating {` branch of its action: a rule on what the tester
    /// itself generates, which the tester breaks when its generator (which solves only
    /// an action's first preconditions) produced an event that a rule deeper in the
    /// action refuses.
    generating: bool,
    /// In the final check, `_finalize`.
    final_check: bool,
}

/// The context of line `number` of the Ivy source `text`, read from the braces
/// around the line, up to the head of the action it is in.
fn context_of(text: &str, number: u32) -> Context {
    let lines: Vec<&str> = text.lines().collect();
    let above = usize::try_from(number)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .map_or(0, |n| n.min(lines.len()));
    let mut depth = 0usize;
    // Inside an `else` branch: the `if` whose branch closes before it decides.
    let mut in_else = false;
    let mut context = Context::default();
    for line in lines[..above].iter().rev() {
        let code = line.split('#').next().unwrap_or_default();
        for (at, c) in code.char_indices().rev() {
            let head = code[..at].trim();
            match c {
                '}' => depth += 1,
                '{' if depth > 0 => {
                    depth -= 1;
                    if depth == 0 && in_else {
                        in_else = false;
                        if generating_condition(head) == Some(true) {
                            context.generating = false;
                            return context;
                        }
                    }
                }
                '{' => {
                    if head.ends_with("else") {
                        in_else = true;
                    } else if let Some(generating) = generating_condition(head) {
                        context.generating |= generating;
                        if !generating {
                            return context;
                        }
                    } else if !head.starts_with("if ") && !head.starts_with("while ") {
                        context.final_check = head.contains("_finalize");
                        return context;
                    }
                }
                _ => {}
            }
        }
    }
    context
}

/// For `if _generating` (the text before its `{`): true; for `if ~_generating`:
/// false; for any other text: nothing.
fn generating_condition(head: &str) -> Option<bool> {
    let condition = head
        .trim_start_matches('}')
        .trim()
        .strip_prefix("if ")?
        .trim();
    let condition = condition
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    match condition {
        "_generating" => Some(true),
        "~_generating" => Some(false),
        _ => None,
    }
}

/// `signal 11 (SIGSEGV)`.
pub fn signal_name(signal: i32) -> String {
    match Signal::try_from(signal) {
        Ok(named) => format!("signal {signal} ({})", named.as_str()),
        Err(_) => format!("signal {signal}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event_log::Broken;

    fn ending(code: Option<i32>, signal: Option<i32>, stopped_by: Option<i32>) -> Ending {
        Ending {
            code,
            signal,
            stopped_by,
            out_of_time: None,
        }
    }

    fn model() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("minip.ivy"),
            "#lang ivy1.7\n\n    require awaiting;  # a pong answers a ping\n    assert now <= deadline;  # the tester is in time\n",
        )
        .unwrap();
        dir
    }

    fn broken(by: Party, line: u32) -> EventLog {
        broken_in("minip.ivy", line, by, false)
    }

    /// A log whose rule at `file`:`line` broke, by `by`, in an action the tester
    /// generated or not.
    fn broken_in(file: &str, line: u32, by: Party, in_generated_action: bool) -> EventLog {
        EventLog {
            broken: Some(Broken {
                by,
                marker: format!("assumption_failed(\"{file}: line {line}\")"),
                file: file.to_owned(),
                line,
                in_generated_action,
            }),
            ..EventLog::default()
        }
    }

    #[test]
    fn a_broken_rule_is_quoted_from_the_compiled_sources() {
        let model = model();
        let (kind, location, source, message) = classify(
            &broken(Party::Implementation, 3),
            ending(Some(1), None, None),
            model.path(),
        );
        assert_eq!(kind, Kind::AssumptionFailed);
        assert_eq!(location, "minip.ivy:3");
        assert_eq!(source, "require awaiting;  # a pong answers a ping");
        assert_eq!(message, "assumption_failed(\"minip.ivy: line 3\")");
        let (kind, ..) = classify(
            &broken(Party::Tester, 3),
            ending(Some(1), None, None),
            model.path(),
        );
        assert_eq!(kind, Kind::AssertionFailed);
        let (kind, _, source, _) = classify(
            &broken(Party::Implementation, 4),
            ending(Some(1), None, None),
            model.path(),
        );
        assert_eq!(
            kind,
            Kind::AssertionFailed,
            "an assert is the tester's own rule"
        );
        assert_eq!(source, "assert now <= deadline;  # the tester is in time");
        let (_, _, source, _) = classify(
            &broken(Party::Implementation, 99),
            ending(Some(1), None, None),
            model.path(),
        );
        assert_eq!(source, "", "a line past the end");
    }

    /// Rules on both sides of `_generating`, as PANTHER's QUIC models write them.
    const SIDES: &str = "object frame = { ...
    around handle {
        require e = initial;
        if _generating {
            require ~(e = retry);
            if queued {
                require need_sent;
            }
        }
    }
}
before frame.connection_close.handle(f:frame.connection_close) {
    if _generating {
        require scid = the_cid; # tricks {
    } else {
        require is_no_error;
    }
    if ~_generating {
        require seen;
    }
}
";

    #[test]
    fn a_rule_in_the_generating_branch_is_the_tester_s() {
        let side = |line| context_of(SIDES, line).generating;
        assert!(!side(3), "before the branch");
        assert!(side(5));
        assert!(side(7), "nested in the branch");
        assert!(side(14));
        assert!(!side(16), "the else branch is the implementation's");
        assert!(!side(19));
        assert!(!side(0) && !side(99));
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("quic_frame.ivy"), SIDES).unwrap();
        let log = |line| broken_in("quic_frame.ivy", line, Party::Implementation, false);
        let kind = |line| classify(&log(line), ending(Some(1), None, None), dir.path()).0;
        assert_eq!(kind(7), Kind::AssertionFailed);
        assert_eq!(kind(16), Kind::AssumptionFailed);
    }

    #[test]
    fn the_final_check_judges_the_implementation_whatever_the_tester_did_last() {
        let text = "export action _finalize = {\n    require is_no_error;\n}\naround handle {\n    require ok;\n}\n";
        assert!(context_of(text, 2).final_check);
        assert!(!context_of(text, 5).final_check);
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("t.ivy"), text).unwrap();
        let log = |line| broken_in("t.ivy", line, Party::Implementation, true);
        let kind = |line| classify(&log(line), ending(Some(1), None, None), dir.path()).0;
        assert_eq!(kind(2), Kind::AssumptionFailed);
        assert_eq!(kind(5), Kind::AssertionFailed);
    }

    #[test]
    fn a_broken_rule_wins_over_completion() {
        let mut log = broken(Party::Implementation, 3);
        log.completed = true;
        let (kind, ..) = classify(&log, ending(Some(0), None, None), Path::new("/none"));
        assert_eq!(kind, Kind::AssumptionFailed);
    }

    #[test]
    fn a_completed_test() {
        let log = EventLog {
            completed: true,
            ..EventLog::default()
        };
        let (kind, location, _, message) =
            classify(&log, ending(Some(0), None, None), Path::new("/none"));
        assert_eq!(
            (kind, location.as_str(), message.as_str()),
            (Kind::TestCompleted, "", "test_completed")
        );
    }

    #[test]
    fn a_signal_is_a_crash_unless_the_runner_was_stopped() {
        let log = EventLog::default();
        let (kind, _, _, message) =
            classify(&log, ending(None, Some(11), None), Path::new("/none"));
        assert_eq!(kind, Kind::TesterCrashed);
        assert_eq!(message, "the tester was killed by signal 11 (SIGSEGV)");
        let (kind, _, _, message) =
            classify(&log, ending(None, Some(15), Some(15)), Path::new("/none"));
        assert_eq!(kind, Kind::Unknown);
        assert_eq!(
            message,
            "stopped by signal 15 (SIGTERM) before the test completed (the runner got signal 15 (SIGTERM))"
        );
    }

    #[test]
    fn a_tester_stopped_at_its_time_limit_gave_no_verdict_unless_it_had_one() {
        let out_of_time = Ending {
            out_of_time: Some(120),
            ..ending(None, Some(15), None)
        };
        let (kind, _, _, message) = classify(&EventLog::default(), out_of_time, Path::new("/none"));
        assert_eq!(
            (kind, message.as_str()),
            (Kind::Unknown, "no verdict within 120 s")
        );
        let completed = EventLog {
            completed: true,
            ..EventLog::default()
        };
        let (kind, ..) = classify(&completed, out_of_time, Path::new("/none"));
        assert_eq!(kind, Kind::TestCompleted);
        let (kind, ..) = classify(
            &broken(Party::Implementation, 3),
            out_of_time,
            Path::new("/none"),
        );
        assert_eq!(kind, Kind::AssumptionFailed);
    }

    #[test]
    fn an_exit_without_a_word_is_unknown() {
        let (kind, _, _, message) = classify(
            &EventLog::default(),
            ending(Some(2), None, None),
            Path::new("/none"),
        );
        assert_eq!(kind, Kind::Unknown);
        assert!(
            message.starts_with("the tester exited with code 2 "),
            "{message}"
        );
    }

    #[test]
    fn the_verdict_is_written_whole_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut verdict = Verdict::new(
            Kind::TestCompleted,
            "test_completed",
            "minip_server_test",
            1,
            200,
        );
        verdict.events.insert("sent".to_owned(), 3);
        verdict.write(dir.path()).unwrap();
        let text = fs::read_to_string(dir.path().join(VERDICT_FILE)).unwrap();
        let read: Verdict = serde_json::from_str(&text).unwrap();
        assert_eq!(read, verdict);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["kind"], "test_completed");
        assert_eq!(value["signal"], serde_json::Value::Null);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn every_kind_is_written_as_its_name() {
        for kind in [
            Kind::TestCompleted,
            Kind::AssumptionFailed,
            Kind::AssertionFailed,
            Kind::CompileFailed,
            Kind::TesterCrashed,
            Kind::Unknown,
        ] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }

    #[test]
    fn names_signals() {
        assert_eq!(signal_name(9), "signal 9 (SIGKILL)");
        assert_eq!(signal_name(200), "signal 200");
    }
}
