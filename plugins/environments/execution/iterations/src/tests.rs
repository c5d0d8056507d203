//! The plugin as the host uses it: wrapped commands and findings from constructed requests.

use std::path::{Path, PathBuf};

use panther_execution_testing::ServiceDir;
use panther_execution_testing::requests::wrap_request;
use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{ArtifactSpec, ExitInfo, Finding};
use serde_json::{Value, json};

use crate::Iterations;

/// The findings on a log holding `log` (none when absent), for a service that
/// ended with `code`, or stopped by the host when `code` is absent.
fn findings(log: Option<&str>, code: Option<i32>) -> (Vec<Finding>, PathBuf) {
    let service = ServiceDir::new();
    let path = service.artifact("iterations.json");
    if let Some(log) = log {
        std::fs::write(&path, log).unwrap();
    }
    let exit = ExitInfo {
        code: code.or(Some(143)),
        signal: None,
        stopped_by_host: code.is_none(),
    };
    (service.findings(&Iterations, exit, Value::Null), path)
}

fn finding(summary: &str, file: &Path, fails_test: bool) -> Finding {
    Finding {
        summary: summary.to_owned(),
        file: Some(file.to_path_buf()),
        fails_test,
        ..Finding::default()
    }
}

#[test]
fn wraps_the_command_in_panther_repeat() {
    let request = wrap_request(Value::Null);
    let wrapped = Iterations.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "/plugins/panther-repeat");
    assert_eq!(
        wrapped.command.args,
        [
            "--times",
            "3",
            "--log",
            "/run/server/artifacts/iterations.json",
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
            name: "iterations".to_owned(),
            path: PathBuf::from("/run/server/artifacts/iterations.json"),
        }]
    );
}

#[test]
fn passes_the_times_and_stop_on_failure() {
    let wrapped = Iterations
        .wrap(&wrap_request(json!({"times": 5, "stop_on_failure": true})))
        .unwrap();
    assert_eq!(
        wrapped.command.args,
        [
            "--times",
            "5",
            "--stop-on-failure",
            "--log",
            "/run/server/artifacts/iterations.json",
            "--",
            "/opt/server",
            "--port",
            "4443"
        ]
    );
}

#[test]
fn refuses_a_bad_config() {
    let error = Iterations
        .wrap(&wrap_request(json!({"times": 0})))
        .unwrap_err();
    assert!(error.message().contains("`times`"), "{error}");
}

#[test]
fn every_passed_run_makes_one_passing_finding() {
    let log = r#"{"times": 3, "iterations": [
        {"iteration": 1, "exit_code": 0, "signal": null, "duration_ms": 5},
        {"iteration": 2, "exit_code": 0, "signal": null, "duration_ms": 4},
        {"iteration": 3, "exit_code": 0, "signal": null, "duration_ms": 6}]}"#;
    let (found, path) = findings(Some(log), Some(0));
    assert_eq!(
        found,
        [finding(
            "3 of 3 iterations exited with code 0",
            &path,
            false
        )]
    );
}

#[test]
fn each_failed_run_makes_a_failing_finding() {
    let log = r#"{"times": 3, "iterations": [
        {"iteration": 1, "exit_code": 0, "signal": null, "duration_ms": 5},
        {"iteration": 2, "exit_code": 1, "signal": null, "duration_ms": 4},
        {"iteration": 3, "exit_code": null, "signal": 9, "duration_ms": 6}]}"#;
    let (found, path) = findings(Some(log), Some(1));
    assert_eq!(
        found,
        [
            finding("iteration 2 of 3 exited with code 1", &path, true),
            finding("iteration 3 of 3 was killed by signal 9", &path, true),
        ]
    );
}

#[test]
fn a_run_stopped_by_the_host_does_not_fail() {
    let log = r#"{"times": 3, "iterations": [
        {"iteration": 1, "exit_code": 0, "signal": null, "duration_ms": 5},
        {"iteration": 2, "exit_code": null, "signal": 15, "duration_ms": 4}]}"#;
    let (found, path) = findings(Some(log), None);
    assert_eq!(
        found,
        [finding(
            "1 of 3 iterations exited with code 0; the host stopped iteration 2",
            &path,
            false
        )]
    );
}

#[test]
fn runs_missing_by_themselves_fail() {
    let log = r#"{"times": 3, "iterations": [
        {"iteration": 1, "exit_code": 0, "signal": null, "duration_ms": 5}]}"#;
    let (found, path) = findings(Some(log), Some(127));
    assert_eq!(
        found,
        [finding(
            "only 1 of 3 iterations ran (see the service's standard error)",
            &path,
            true
        )]
    );
}

#[test]
fn a_missing_log_fails() {
    let (found, _) = findings(None, Some(0));
    assert_eq!(
        found,
        [Finding {
            summary: "panther-repeat wrote no log (iterations.json is missing)".to_owned(),
            file: None,
            fails_test: true,
            ..Finding::default()
        }]
    );
}

#[test]
fn an_unreadable_log_fails() {
    let (found, path) = findings(Some("{\"times\": 3"), Some(0));
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .summary
            .starts_with("cannot read iterations.json: "),
        "{}",
        found[0].summary
    );
    assert_eq!(found[0].file.as_deref(), Some(path.as_path()));
    assert!(found[0].fails_test);
}

#[test]
fn describes_an_environment() {
    let description = Iterations::describe();
    assert_eq!(description.name, "iterations");
    assert!(description.protocols.is_empty() && description.roles.is_empty());
    assert_eq!(
        description.config_schema["additionalProperties"],
        json!(false)
    );
}
