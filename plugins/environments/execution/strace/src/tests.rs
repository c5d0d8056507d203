//! The plugin as the host uses it: wrapped commands and findings from constructed requests.

use std::path::PathBuf;

use panther_execution_testing::ServiceDir;
use panther_execution_testing::requests::{exited, wrap_request};
use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{ArtifactSpec, Finding};
use serde_json::{Value, json};

use crate::Strace;

/// What strace finds in `service` after a run that exited with 0.
fn findings(service: &ServiceDir) -> Vec<Finding> {
    service.findings(&Strace, exited(0), Value::Null)
}

#[test]
fn wraps_the_command_in_strace() {
    let request = wrap_request(Value::Null);
    let wrapped = Strace.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "strace");
    assert_eq!(
        wrapped.command.args,
        [
            "-f",
            "-tt",
            "-o",
            "/run/server/artifacts/strace.log",
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
            name: "strace".to_owned(),
            path: PathBuf::from("/run/server/artifacts/strace.log"),
        }]
    );
}

#[test]
fn passes_the_expression_and_the_program() {
    let request =
        wrap_request(json!({"expression": "trace=network", "program": "/usr/bin/strace"}));
    let wrapped = Strace.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "/usr/bin/strace");
    assert_eq!(
        wrapped.command.args,
        [
            "-f",
            "-tt",
            "-o",
            "/run/server/artifacts/strace.log",
            "-e",
            "trace=network",
            "--",
            "/opt/server",
            "--port",
            "4443"
        ]
    );
    assert_eq!(wrapped.command.env, request.command.env);
    assert_eq!(wrapped.command.cwd, request.command.cwd);
}

#[test]
fn refuses_a_bad_config() {
    let error = Strace
        .wrap(&wrap_request(json!({"expr": "x"})))
        .unwrap_err();
    assert!(error.message().contains("`expr`"), "{error}");
}

#[test]
fn counts_the_calls_of_the_log() {
    let service = ServiceDir::new();
    let log = service.artifact("strace.log");
    std::fs::write(
        &log,
        "1 10:00:00.000001 execve(\"/opt/server\", [], []) = 0\n\
         1 10:00:00.000002 socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 3\n\
         1 10:00:00.000003 exit_group(0) = ?\n\
         1 10:00:00.000004 +++ exited with 0 +++\n",
    )
    .unwrap();
    assert_eq!(
        findings(&service),
        [Finding {
            summary: "strace recorded 3 system calls in strace.log".to_owned(),
            file: Some(log),
            fails_test: false,
            ..Finding::default()
        }]
    );
}

#[test]
fn a_missing_log_fails_the_test() {
    assert_eq!(
        findings(&ServiceDir::new()),
        [Finding {
            summary: "strace wrote no trace (is strace installed?)".to_owned(),
            file: None,
            fails_test: true,
            ..Finding::default()
        }]
    );
}

#[test]
fn describes_an_environment() {
    let description = Strace::describe();
    assert_eq!(description.name, "strace");
    assert!(description.protocols.is_empty() && description.roles.is_empty());
    assert_eq!(
        description.config_schema["additionalProperties"],
        json!(false)
    );
}
