//! The plugin as the host uses it: wrapped commands and findings from constructed requests.

use std::path::{Path, PathBuf};

use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, ExitInfo, Finding, FindingsRequest, WrapLayer, WrapRequest,
};
use serde_json::{Value, json};

use crate::Perf;

/// `perf stat -x , -o perf-stat.csv` with the default events on
/// tests/fixtures/workloads/busy.c (Debian bookworm, linux-perf 6.1, a virtual machine
/// without hardware counters).
const CSV: &str = "\
# started on Sun Nov 29 23:17:18 2026

499.72,msec,task-clock,499719097,100.00,0.460,CPUs utilized
178,,context-switches,499719097,100.00,356.200,/sec
0,,cpu-migrations,499719097,100.00,0.000,/sec
62,,page-faults,499719097,100.00,124.070,/sec
<not supported>,,cycles,0,100.00,,
<not supported>,,instructions,0,100.00,,
";

fn wrap_request(config: Value) -> WrapRequest {
    let mut command =
        CommandSpec::new("/opt/server", ["--port", "4443"]).with_env("ROLE", "server");
    command.cwd = Some(PathBuf::from("/run/server"));
    WrapRequest {
        service: "server".to_owned(),
        command,
        artifacts_dir: PathBuf::from("/run/server/artifacts"),
        config,
        plugin_dir: PathBuf::from("/plugins"),
    }
}

fn only_finding(artifacts_dir: &Path, exit: ExitInfo, config: Value) -> Finding {
    let mut found = Perf
        .findings(&FindingsRequest {
            service: "server".to_owned(),
            artifacts_dir: artifacts_dir.to_path_buf(),
            exit,
            config,
            stdout: PathBuf::from("/run/server/stdout.log"),
            stderr: PathBuf::from("/run/server/stderr.log"),
        })
        .unwrap()
        .findings;
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

fn exited(code: i32) -> ExitInfo {
    ExitInfo {
        code: Some(code),
        signal: None,
        stopped_by_host: false,
    }
}

fn terminated_by_host() -> ExitInfo {
    ExitInfo {
        code: None,
        signal: Some(15),
        stopped_by_host: true,
    }
}

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
    let directory = tempfile::tempdir().unwrap();
    let csv = directory.path().join("perf-stat.csv");
    std::fs::write(&csv, CSV).unwrap();
    let finding = only_finding(directory.path(), exited(0), Value::Null);
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
    let directory = tempfile::tempdir().unwrap();
    let finding = only_finding(directory.path(), exited(129), Value::Null);
    assert_eq!(
        finding,
        Finding::new(
            format!(
                "perf stat wrote no {}: perf did not start, or refused its arguments (see /run/server/stderr.log)",
                directory.path().join("perf-stat.csv").display()
            ),
            true
        )
    );
}

#[test]
fn an_empty_file_of_a_stopped_service_says_why() {
    let directory = tempfile::tempdir().unwrap();
    let csv = directory.path().join("perf-stat.csv");
    std::fs::write(&csv, b"").unwrap();
    let finding = only_finding(directory.path(), terminated_by_host(), Value::Null);
    assert_eq!(
        finding,
        Finding::new(
            "perf stat wrote no counts in perf-stat.csv: it writes them when the program ends, and the host stopped the service, and perf with it, with signal 15; set `interval_ms` to keep the counts up to the stop",
            false
        )
        .with_file(&csv)
    );
    let finding = only_finding(
        directory.path(),
        terminated_by_host(),
        json!({"interval_ms": 1000}),
    );
    assert_eq!(
        finding.summary,
        "perf stat wrote no counts in perf-stat.csv: the host stopped the service, and perf with it, with signal 15 before its first reading, 1000 ms in"
    );
    assert!(!finding.fails_test);
}

#[test]
fn a_file_without_counts_of_a_service_that_exited_fails_the_test() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(
        directory.path().join("perf-stat.csv"),
        "# started on Sun Nov 29 23:10:52 2026\n\n",
    )
    .unwrap();
    let finding = only_finding(directory.path(), exited(255), Value::Null);
    assert_eq!(
        finding.summary,
        "perf stat wrote no counts in perf-stat.csv; see /run/server/stderr.log"
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
