//! The plugin as the host uses it: wrapped commands and findings from constructed requests.

use std::path::PathBuf;

use panther_execution_testing::ServiceDir;
use panther_execution_testing::requests::{exited, stopped_by_host, wrap_request};
use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{ArtifactSpec, Finding, WrapLayer};
use serde_json::{Value, json};

use crate::Perf;
use crate::stat::tests::TOTALS;

#[test]
fn wraps_the_command_in_perf_stat() {
    let request = wrap_request(Value::Null);
    let wrapped = Perf.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "perf");
    assert_eq!(
        wrapped.command.args,
        [
            "stat",
            "-x",
            ",",
            "-o",
            "/run/server/artifacts/perf-stat.csv",
            "-e",
            "task-clock",
            "-e",
            "context-switches",
            "-e",
            "cpu-migrations",
            "-e",
            "page-faults",
            "-e",
            "cycles",
            "-e",
            "instructions",
            "--",
            "/opt/server",
            "--port",
            "4443"
        ]
    );
    assert_eq!(wrapped.command.env, request.command.env);
    assert_eq!(wrapped.command.cwd, request.command.cwd);
    assert_eq!(
        wrapped.artifacts,
        [ArtifactSpec {
            name: "perf-stat".to_owned(),
            path: PathBuf::from("/run/server/artifacts/perf-stat.csv"),
        }]
    );
    assert_eq!(wrapped.requires.len(), 1);
    assert_eq!(wrapped.requires[0].what, "perf (config key `program`)");
    assert_eq!(wrapped.requires[0].how_to_get, "apt-get install linux-perf");
    assert!(wrapped.analyses.is_empty());
}

#[test]
fn takes_the_events_program_and_interval_from_the_config() {
    let request = wrap_request(json!({
        "events": ["task-clock", "cpu/event=0x3c,umask=0x00/"],
        "program": "/opt/perf/bin/perf",
        "interval_ms": 500
    }));
    let wrapped = Perf.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "/opt/perf/bin/perf");
    assert_eq!(
        wrapped.command.args,
        [
            "stat",
            "-x",
            ",",
            "-o",
            "/run/server/artifacts/perf-stat.csv",
            "-I",
            "500",
            "-e",
            "task-clock",
            "-e",
            "cpu/event=0x3c,umask=0x00/",
            "--",
            "/opt/server",
            "--port",
            "4443"
        ]
    );
    assert_eq!(
        wrapped.requires[0].path,
        PathBuf::from("/opt/perf/bin/perf")
    );
}

#[test]
fn refuses_a_bad_config() {
    let error = Perf.wrap(&wrap_request(json!({"events": []}))).unwrap_err();
    assert_eq!(
        error.message(),
        "config key `events`: the list is empty; name at least one event, e.g. [\"task-clock\"]"
    );
}

#[test]
fn reports_the_counts_with_their_figures() {
    let service = ServiceDir::new();
    let csv = service.artifact("perf-stat.csv");
    std::fs::write(&csv, TOTALS).unwrap();
    let finding = service.only_finding(&Perf, exited(0), Value::Null);
    assert_eq!(
        finding,
        Finding::new(
            "perf stat: task-clock 499.72 ms, 178 context-switches, 0 cpu-migrations, 62 page-faults (cycles, instructions not supported here)",
            false
        )
        .with_file(&csv)
        .with_metric("task-clock", 499.72)
        .with_metric("context-switches", 178)
        .with_metric("cpu-migrations", 0)
        .with_metric("page-faults", 62)
    );
}

#[test]
fn a_missing_file_fails_the_test() {
    let service = ServiceDir::new();
    let finding = service.only_finding(&Perf, exited(129), Value::Null);
    assert_eq!(
        finding,
        Finding::new(
            format!(
                "perf stat wrote no {}: perf did not start, or refused its arguments (see {})",
                service.artifact("perf-stat.csv").display(),
                service.stderr().display()
            ),
            true
        )
    );
}

#[test]
fn an_empty_file_of_a_stopped_service_says_why() {
    let service = ServiceDir::new();
    let csv = service.artifact("perf-stat.csv");
    std::fs::write(&csv, b"").unwrap();
    let finding = service.only_finding(&Perf, stopped_by_host(15), Value::Null);
    assert_eq!(
        finding,
        Finding::new(
            "perf stat wrote no counts in perf-stat.csv: it writes them when the program ends, and the host stopped the service, and perf with it, with signal 15; set `interval_ms` to keep the counts up to the stop",
            false
        )
        .with_file(&csv)
    );
    let finding = service.only_finding(&Perf, stopped_by_host(15), json!({"interval_ms": 1000}));
    assert_eq!(
        finding.summary,
        "perf stat wrote no counts in perf-stat.csv: the host stopped the service, and perf with it, with signal 15 before its first reading, 1000 ms in"
    );
    assert!(!finding.fails_test);
}

#[test]
fn a_file_without_counts_of_a_service_that_exited_fails_the_test() {
    let service = ServiceDir::new();
    std::fs::write(
        service.artifact("perf-stat.csv"),
        "# started on Sun Nov 29 23:10:52 2026\n\n",
    )
    .unwrap();
    let finding = service.only_finding(&Perf, exited(255), Value::Null);
    assert_eq!(
        finding.summary,
        format!(
            "perf stat wrote no counts in perf-stat.csv; see {}",
            service.stderr().display()
        )
    );
    assert!(finding.fails_test);
}

#[test]
fn describes_a_measuring_environment_claiming_nothing() {
    let description = Perf::describe();
    assert_eq!(description.name, "perf");
    assert_eq!(description.layer, WrapLayer::Measure);
    assert!(description.claims.is_empty());
    assert_eq!(
        description.config_schema["additionalProperties"],
        json!(false)
    );
}
