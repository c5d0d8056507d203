//! perf stat on a real program, run as the host runs the wrapped command, and the
//! findings on what it wrote.

mod host;

use std::path::Path;
use std::time::Duration;

use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{
    CommandSpec, ExitInfo, Finding, FindingsRequest, WrapRequest, WrappedCommand,
};
use panther_plugin_perf::Perf;
use serde_json::{Value, json};

/// Wraps `busy ARGS` with `config`, with the artifacts in `directory/artifacts`.
fn wrap_busy(args: &[&str], config: &Value, directory: &Path) -> WrappedCommand {
    let busy = host::workload("busy", directory);
    let mut command = CommandSpec::new(busy.to_str().unwrap(), args.iter().copied());
    command.cwd = Some(directory.to_path_buf());
    let artifacts_dir = directory.join("artifacts");
    std::fs::create_dir_all(&artifacts_dir).unwrap();
    Perf.wrap(&WrapRequest {
        service: "busy".to_owned(),
        command,
        artifacts_dir,
        config: config.clone(),
        plugin_dir: directory.to_path_buf(),
    })
    .unwrap()
}

fn findings(directory: &Path, exit: ExitInfo, config: &Value) -> Finding {
    let mut found = Perf
        .findings(&FindingsRequest {
            service: "busy".to_owned(),
            artifacts_dir: directory.join("artifacts"),
            exit,
            config: config.clone(),
            stdout: directory.join("stdout.log"),
            stderr: directory.join("stderr.log"),
        })
        .unwrap()
        .findings;
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

fn task_clock(finding: &Finding) -> f64 {
    finding.metrics["task-clock"].as_f64().unwrap()
}

#[test]
fn the_required_perf_is_there() {
    let directory = tempfile::tempdir().unwrap();
    let wrapped = wrap_busy(&[], &Value::Null, directory.path());
    let required = &wrapped.requires[0].path;
    assert!(required.is_file(), "{}", required.display());
}

#[test]
fn counts_half_a_second_of_cpu() {
    let directory = tempfile::tempdir().unwrap();
    let wrapped = wrap_busy(&[], &Value::Null, directory.path());
    let exit = host::run(&wrapped.command, directory.path());
    assert_eq!(exit.code, Some(0));
    let finding = findings(directory.path(), exit, &Value::Null);
    eprintln!("{}", finding.summary);
    assert!(!finding.fails_test);
    assert!(
        finding.summary.starts_with("perf stat: task-clock "),
        "{}",
        finding.summary
    );
    let clock = task_clock(&finding);
    assert!((400.0..1000.0).contains(&clock), "task-clock {clock} ms");
    for event in ["context-switches", "cpu-migrations", "page-faults"] {
        assert!(
            finding.metrics[event].is_u64(),
            "{event}: {:?}",
            finding.metrics
        );
    }
    assert_eq!(
        finding.file.as_deref(),
        Some(directory.path().join("artifacts/perf-stat.csv").as_path())
    );
}

#[test]
fn a_service_stopped_by_the_host_keeps_its_readings_with_an_interval() {
    let directory = tempfile::tempdir().unwrap();
    let config = json!({"events": ["task-clock"], "interval_ms": 200});
    let wrapped = wrap_busy(&["30"], &config, directory.path());
    let child = host::start(&wrapped.command, directory.path());
    let exit = host::stop_after(child, Duration::from_millis(1100));
    assert_eq!(exit.signal, Some(15));
    let finding = findings(directory.path(), exit, &config);
    eprintln!("{}", finding.summary);
    assert!(!finding.fails_test);
    assert!(
        finding.summary.starts_with("perf stat (")
            && finding
                .summary
                .contains(" intervals of 200 ms): task-clock "),
        "{}",
        finding.summary
    );
    // About 1.1 s in readings of 200 ms; one program uses at most one CPU at a time.
    let intervals = finding.metrics["intervals"].as_u64().unwrap();
    assert!((3..=6).contains(&intervals), "{intervals} intervals");
    let clock = task_clock(&finding);
    assert!(
        clock > 0.0 && clock <= intervals as f64 * 200.0 * 1.1,
        "task-clock {clock} ms over {intervals} intervals"
    );
}

#[test]
fn a_service_stopped_by_the_host_without_an_interval_has_no_counts() {
    let directory = tempfile::tempdir().unwrap();
    let wrapped = wrap_busy(&["30"], &Value::Null, directory.path());
    let child = host::start(&wrapped.command, directory.path());
    let exit = host::stop_after(child, Duration::from_millis(500));
    assert_eq!(exit.signal, Some(15));
    let csv = directory.path().join("artifacts/perf-stat.csv");
    assert_eq!(std::fs::metadata(&csv).unwrap().len(), 0);
    let finding = findings(directory.path(), exit, &Value::Null);
    assert_eq!(
        finding,
        Finding::new(
            "perf stat wrote no counts in perf-stat.csv: it writes them when the program ends, and the host stopped the service, and perf with it, with signal 15; set `interval_ms` to keep the counts up to the stop",
            false
        )
        .with_file(csv)
    );
}
