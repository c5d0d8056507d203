//! perf stat on a real program, run as the host runs the wrapped command, and the
//! findings on what it wrote.

use std::time::Duration;

use panther_execution_testing::host::{Outcome, run_wrapped};
use panther_execution_testing::requests::wrap_request;
use panther_execution_testing::{Compiled, only};
use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::Finding;
use panther_plugin_perf::Perf;
use serde_json::{Value, json};

/// How `busy ARGS` ran under perf configured with `config`, stopped by the host after
/// `stop_after` if given, and what perf found.
fn stat(busy: &Compiled, args: &[&str], config: &Value, stop_after: Option<Duration>) -> Outcome {
    run_wrapped(&Perf, &busy.service, busy.command(args), config, stop_after)
}

fn task_clock(finding: &Finding) -> f64 {
    finding.metrics["task-clock"].as_f64().unwrap()
}

#[test]
fn the_required_perf_is_there() {
    let wrapped = Perf.wrap(&wrap_request(Value::Null)).unwrap();
    let required = &wrapped.requires[0].path;
    assert!(required.is_file(), "{}", required.display());
}

#[test]
fn counts_half_a_second_of_cpu() {
    let busy = Compiled::workload("busy");
    let Outcome { run, findings } = stat(&busy, &[], &Value::Null, None);
    assert_eq!(run.exit.code, Some(0));
    let finding = only(findings);
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
    assert_eq!(finding.file, Some(busy.service.artifact("perf-stat.csv")));
}

#[test]
fn a_service_stopped_by_the_host_keeps_its_readings_with_an_interval() {
    let busy = Compiled::workload("busy");
    let config = json!({"events": ["task-clock"], "interval_ms": 200});
    let Outcome { run, findings } =
        stat(&busy, &["30"], &config, Some(Duration::from_millis(1100)));
    assert_eq!(run.exit.signal, Some(15));
    let finding = only(findings);
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
    let busy = Compiled::workload("busy");
    let Outcome { run, findings } = stat(
        &busy,
        &["30"],
        &Value::Null,
        Some(Duration::from_millis(500)),
    );
    assert_eq!(run.exit.signal, Some(15));
    let csv = busy.service.artifact("perf-stat.csv");
    assert_eq!(std::fs::metadata(&csv).unwrap().len(), 0);
    assert_eq!(
        only(findings),
        Finding::new(
            "perf stat wrote no counts in perf-stat.csv: it writes them when the program ends, and the host stopped the service, and perf with it, with signal 15; set `interval_ms` to keep the counts up to the stop",
            false
        )
        .with_file(csv)
    );
}
