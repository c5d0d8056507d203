//! The CPU profiler on a real program: libprofiler preloaded through the wrapped
//! command, google-pprof's report, and the findings on both.

mod host;

use std::path::Path;
use std::time::Duration;

use panther_gperf::pprof::TextReport;
use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{CommandSpec, ExitInfo, Finding, FindingsRequest, WrapRequest};
use panther_plugin_gperf_cpu::GperfCpu;
use serde_json::Value;

/// Wraps `command` as the host would, with the artifacts in `directory/artifacts`.
fn wrap(command: CommandSpec, directory: &Path) -> panther_plugin_api::model::WrappedCommand {
    let artifacts_dir = directory.join("artifacts");
    std::fs::create_dir_all(&artifacts_dir).unwrap();
    GperfCpu
        .wrap(&WrapRequest {
            service: "busy".to_owned(),
            command,
            artifacts_dir,
            config: Value::Null,
            plugin_dir: directory.to_path_buf(),
        })
        .unwrap()
}

fn findings(directory: &Path, exit: ExitInfo) -> Finding {
    let mut found = GperfCpu
        .findings(&FindingsRequest {
            service: "busy".to_owned(),
            artifacts_dir: directory.join("artifacts"),
            exit,
            config: Value::Null,
            stdout: directory.join("stdout.log"),
            stderr: directory.join("stderr.log"),
        })
        .unwrap()
        .findings;
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

fn in_directory(program: &str, args: &[&str], directory: &Path) -> CommandSpec {
    let mut command = CommandSpec::new(program, args.iter().copied());
    command.cwd = Some(directory.to_path_buf());
    command
}

#[test]
fn names_the_busy_loop_as_the_busiest_function() {
    let directory = tempfile::tempdir().unwrap();
    let busy = host::workload("busy", directory.path());
    let wrapped = wrap(
        in_directory(busy.to_str().unwrap(), &[], directory.path()),
        directory.path(),
    );
    let exit = host::run(&wrapped.command, directory.path());
    assert_eq!(exit.code, Some(0));
    host::analyse(&wrapped.analyses);
    let finding = findings(directory.path(), exit);
    eprintln!("{}", finding.summary);
    assert!(
        finding.summary.starts_with("cpu profile: ")
            && finding.summary.contains("; top: busy_loop "),
        "{}",
        finding.summary
    );
    assert!(!finding.fails_test);
    let report = directory.path().join("artifacts/cpu-report.txt");
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
    let directory = tempfile::tempdir().unwrap();
    host::workload("busy", directory.path());
    let path = format!(
        "{}:{}",
        directory.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let command = in_directory("busy", &["0.2"], directory.path()).with_env("PATH", path);
    let wrapped = wrap(command, directory.path());
    let exit = host::run(&wrapped.command, directory.path());
    assert_eq!(exit.code, Some(0));
    host::analyse(&wrapped.analyses);
    let finding = findings(directory.path(), exit);
    assert!(
        finding.summary.contains("; top: busy_loop "),
        "{}",
        finding.summary
    );
}

#[test]
fn a_program_stopped_with_sigterm_leaves_an_empty_profile() {
    let directory = tempfile::tempdir().unwrap();
    let busy = host::workload("busy", directory.path());
    let wrapped = wrap(
        in_directory(busy.to_str().unwrap(), &["30"], directory.path()),
        directory.path(),
    );
    let child = host::start(&wrapped.command, directory.path());
    let exit = host::stop_after(child, Duration::from_millis(700));
    assert_eq!(exit.signal, Some(15));
    host::analyse(&wrapped.analyses);
    let profile = directory.path().join("artifacts/cpu.prof");
    assert_eq!(std::fs::metadata(&profile).unwrap().len(), 0);
    let finding = findings(directory.path(), exit);
    assert_eq!(
        finding,
        Finding::new(
            "the cpu profile is empty: gperftools writes the profile when the program exits normally, and the host stopped the service and signal 15 (SIGTERM) ended it",
            false
        )
        .with_file(profile)
    );
}
