//! The plugin as the host uses it: wrapped commands and findings from constructed
//! requests and logs gdb wrote.

use std::path::{Path, PathBuf};

use panther_execution_testing::ServiceDir;
use panther_execution_testing::requests::{bin_dir, exited, on_path, wrap_request};
use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{ArtifactSpec, ExitInfo, Finding, Requirement, WrapLayer};
use serde_json::{Value, json};

use crate::Gdb;
use crate::log::tests::SEGFAULT;

/// gdb 13's log of a program exiting with 3.
const EXIT_LOG: &str = "\
[Thread debugging using libthread_db enabled]
Using host libthread_db library \"/lib/x86_64-linux-gnu/libthread_db.so.1\".
[Inferior 1 (process 6113) exited with code 03]
No stack.
";

/// The log gdb leaves when the host's SIGTERM ends it while the program runs.
const STOPPED_LOG: &str = "\
[Thread debugging using libthread_db enabled]
Using host libthread_db library \"/lib/x86_64-linux-gnu/libthread_db.so.1\".
";

/// The findings on a run that left `log` (none when absent) and ended as `exit` says.
fn findings(log: Option<&str>, config: Value, exit: ExitInfo) -> (ServiceDir, Vec<Finding>) {
    let service = ServiceDir::new();
    if let Some(log) = log {
        std::fs::write(service.artifact("gdb.log"), log).unwrap();
    }
    let found = service.findings(&Gdb, exit, config);
    (service, found)
}

#[test]
fn wraps_the_command_in_gdb_with_the_defaults() {
    let bin = bin_dir(&[]);
    let request = on_path(wrap_request(Value::Null), bin.path());
    let wrapped = Gdb.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "gdb");
    assert_eq!(
        wrapped.command.args,
        [
            "-q",
            "-nx",
            "-batch",
            "-return-child-result",
            "-iex",
            "set logging file /run/server/artifacts/gdb.log",
            "-iex",
            "set logging overwrite off",
            "-iex",
            "set logging redirect on",
            "-iex",
            "set logging enabled on",
            "-iex",
            "set pagination off",
            "-iex",
            "set width 0",
            "-iex",
            "set confirm off",
            "-iex",
            "set debuginfod enabled off",
            "-ex",
            "handle all nostop noprint pass",
            "-ex",
            "handle SIGINT nostop noprint pass",
            "-ex",
            "handle SIGSEGV SIGBUS SIGFPE SIGILL SIGABRT SIGSYS stop print pass",
            "-ex",
            "run",
            "-ex",
            "bt full",
            "-ex",
            "set language c",
            "-ex",
            "quit $_isvoid($_exitcode) ? ($_isvoid($_exitsignal) ? 128 + $_siginfo.si_signo : 128 + $_exitsignal) : $_exitcode",
            "--args",
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
            name: "gdb log".to_owned(),
            path: PathBuf::from("/run/server/artifacts/gdb.log"),
        }]
    );
    assert_eq!(
        wrapped.requires,
        [Requirement {
            path: PathBuf::from("/usr/bin/gdb"),
            what: "gdb".to_owned(),
            how_to_get: "apt-get install gdb (scripts/install-system-packages does)".to_owned(),
        }]
    );
}

#[test]
fn wraps_the_command_as_configured() {
    let request = wrap_request(json!({
        "program": "/opt/gdb/bin/gdb",
        "commands": ["thread apply all bt", "info registers"]
    }));
    let wrapped = Gdb.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "/opt/gdb/bin/gdb");
    let args = &wrapped.command.args;
    let run = args.iter().position(|arg| arg == "run").unwrap();
    assert_eq!(
        args[run + 1..run + 8],
        [
            "-ex",
            "thread apply all bt",
            "-ex",
            "info registers",
            "-ex",
            "set language c",
            "-ex"
        ]
    );
    assert!(args[run + 8].starts_with("quit "));
    assert_eq!(wrapped.requires[0].path, Path::new("/opt/gdb/bin/gdb"));
}

#[test]
fn requires_gdb_where_the_commands_path_finds_it() {
    let bin = bin_dir(&["gdb"]);
    let wrapped = Gdb
        .wrap(&on_path(wrap_request(Value::Null), bin.path()))
        .unwrap();
    assert_eq!(wrapped.command.program, "gdb");
    assert_eq!(wrapped.requires[0].path, bin.path().join("gdb"));
}

#[test]
fn refuses_a_bad_config() {
    let error = Gdb
        .wrap(&wrap_request(json!({"commands": [""]})))
        .unwrap_err();
    assert_eq!(
        error.message(),
        "config key `commands`: an empty command; write gdb commands such as \"bt full\" or \"info registers\""
    );
    let error = Gdb
        .wrap(&wrap_request(json!({"fail_on_crash": "yes"})))
        .unwrap_err();
    assert!(
        error
            .message()
            .starts_with("config key `fail_on_crash`: invalid type"),
        "{error}"
    );
}

#[test]
fn reports_a_crash_with_its_function_and_line() {
    let (service, found) = findings(Some(SEGFAULT), Value::Null, exited(139));
    assert_eq!(
        found,
        [
            Finding::new("crashed with SIGSEGV in crash_here (segfault.c:9)", true)
                .with_metric("signal", "SIGSEGV")
                .with_file(service.artifact("gdb.log"))
        ]
    );
    let (_, found) = findings(Some(SEGFAULT), json!({"fail_on_crash": false}), exited(139));
    assert!(!found[0].fails_test);
}

#[test]
fn reports_an_exit_without_failing() {
    let (service, found) = findings(Some(EXIT_LOG), Value::Null, exited(3));
    assert_eq!(
        found,
        [Finding::new("exited with code 3 under gdb", false)
            .with_metric("exit_code", 3)
            .with_file(service.artifact("gdb.log"))]
    );
}

#[test]
fn a_stop_by_the_host_is_not_a_crash() {
    let stopped = ExitInfo {
        code: Some(255),
        signal: None,
        stopped_by_host: true,
    };
    let (service, found) = findings(Some(STOPPED_LOG), Value::Null, stopped.clone());
    assert_eq!(
        found,
        [
            Finding::new("stopped by the host under gdb, without a crash", false)
                .with_file(service.artifact("gdb.log"))
        ]
    );
    let ended =
        "Program terminated with signal SIGTERM, Terminated.\nThe program no longer exists.\n";
    let (_, found) = findings(Some(ended), Value::Null, stopped);
    assert_eq!(
        found[0].summary,
        "ended by SIGTERM under gdb, which is not a crash"
    );
    assert!(!found[0].fails_test);
}

#[test]
fn a_log_that_tells_nothing_fails_unless_the_host_stopped_the_service() {
    let (service, found) = findings(Some(STOPPED_LOG), Value::Null, exited(255));
    assert_eq!(
        found,
        [Finding::new(
            "gdb's log tells neither an exit nor a crash of the program",
            true
        )
        .with_file(service.artifact("gdb.log"))]
    );
}

#[test]
fn no_program_or_no_log_fails_the_test() {
    let (service, found) = findings(
        Some(
            "./server: No such file or directory.\nNo executable file specified.\nUse the \"file\" or \"exec-file\" command.\n",
        ),
        Value::Null,
        exited(1),
    );
    assert_eq!(
        found,
        [Finding::new(
            "gdb could not start the program: ./server: No such file or directory.",
            true
        )
        .with_file(service.artifact("gdb.log"))]
    );
    let (service, found) = findings(None, Value::Null, exited(127));
    let stderr = service.stderr();
    assert_eq!(
        found,
        [Finding::new(
            format!(
                "gdb wrote no log ({}); see {} for why",
                service.artifact("gdb.log").display(),
                stderr.display()
            ),
            true
        )
        .with_file(stderr)]
    );
}

#[test]
fn describes_an_instrumenting_environment() {
    let description = Gdb::describe();
    assert_eq!(description.name, "gdb");
    assert_eq!(description.layer, WrapLayer::Instrument);
    assert_eq!(description.claims, ["instrumenter", "ptrace"]);
    assert_eq!(
        description.config_schema["additionalProperties"],
        json!(false)
    );
}
