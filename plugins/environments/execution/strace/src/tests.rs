//! The plugin as the host uses it: wrapped commands and findings from constructed requests.

use std::path::{Path, PathBuf};

use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, ExitInfo, Finding, FindingsRequest, WrapRequest,
};
use serde_json::{Value, json};

use crate::Strace;

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

fn findings_request(artifacts_dir: &Path) -> FindingsRequest {
    FindingsRequest {
        service: "server".to_owned(),
        artifacts_dir: artifacts_dir.to_path_buf(),
        exit: ExitInfo {
            code: Some(0),
            signal: None,
            stopped_by_host: false,
        },
        config: Value::Null,
        stdout: artifacts_dir.join("stdout.log"),
        stderr: artifacts_dir.join("stderr.log"),
    }
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
    let directory = tempfile::tempdir().unwrap();
    let log = directory.path().join("strace.log");
    std::fs::write(
        &log,
        "1 10:00:00.000001 execve(\"/opt/server\", [], []) = 0\n\
         1 10:00:00.000002 socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 3\n\
         1 10:00:00.000003 exit_group(0) = ?\n\
         1 10:00:00.000004 +++ exited with 0 +++\n",
    )
    .unwrap();
    let found = Strace
        .findings(&findings_request(directory.path()))
        .unwrap();
    assert_eq!(
        found.findings,
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
    let directory = tempfile::tempdir().unwrap();
    let found = Strace
        .findings(&findings_request(directory.path()))
        .unwrap();
    assert_eq!(
        found.findings,
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
