//! The CPU profiler on a real program: libprofiler preloaded through the wrapped
//! command, google-pprof's report, and the findings on both.

use std::time::Duration;

use panther_execution_testing::host::{Outcome, run_wrapped};
use panther_execution_testing::{Compiled, only};
use panther_gperf::pprof::TextReport;
use panther_plugin_api::model::{CommandSpec, Finding};
use panther_plugin_gperf_cpu::GperfCpu;
use serde_json::Value;

/// How `command` ran under the CPU profiler in the directory of `busy`, stopped by
/// the host after `stop_after` if given, and what the profiler found.
fn profile(busy: &Compiled, command: CommandSpec, stop_after: Option<Duration>) -> Outcome {
    run_wrapped(&GperfCpu, &busy.service, command, &Value::Null, stop_after)
}

#[test]
fn names_the_busy_loop_as_the_busiest_function() {
    let busy = Compiled::workload("busy");
    let Outcome { run, findings } = profile(&busy, busy.command(&[]), None);
    assert_eq!(run.exit.code, Some(0));
    let finding = only(findings);
    assert!(
        finding.summary.starts_with("cpu profile: ")
            && finding.summary.contains("; top: busy_loop "),
        "{}",
        finding.summary
    );
    assert!(!finding.fails_test);
    let report = busy.service.artifact("cpu-report.txt");
    assert_eq!(finding.file.as_deref(), Some(report.as_path()));
    let parsed = TextReport::parse(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(parsed.entries[0].function, "busy_loop");
    assert!(parsed.entries[0].flat_percent > 80.0, "{parsed:?}");
    // 0.5 s of CPU at 100 samples a second.
    let samples = finding.metrics["samples"].as_u64().unwrap();
    assert!((30..=70).contains(&samples), "{samples} samples");
}

#[test]
fn profiles_a_program_named_on_the_path() {
    let busy = Compiled::workload("busy");
    let path = format!(
        "{}:{}",
        busy.service.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = CommandSpec::new("busy", ["0.2"]).with_env("PATH", path);
    command.cwd = Some(busy.service.path().to_path_buf());
    let Outcome { run, findings } = profile(&busy, command, None);
    assert_eq!(run.exit.code, Some(0));
    let finding = only(findings);
    assert!(
        finding.summary.contains("; top: busy_loop "),
        "{}",
        finding.summary
    );
}

#[test]
fn a_program_stopped_with_sigterm_leaves_an_empty_profile() {
    let busy = Compiled::workload("busy");
    let Outcome { run, findings } = profile(
        &busy,
        busy.command(&["30"]),
        Some(Duration::from_millis(700)),
    );
    assert_eq!(run.exit.signal, Some(15));
    let profile = busy.service.artifact("cpu.prof");
    assert_eq!(std::fs::metadata(&profile).unwrap().len(), 0);
    assert_eq!(
        only(findings),
        Finding::new(
            "the cpu profile is empty: gperftools writes the profile when the program exits normally, and the host stopped the service and signal 15 (SIGTERM) ended it",
            false
        )
        .with_file(profile)
    );
}
