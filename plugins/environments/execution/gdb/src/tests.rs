//! The plugin as the host uses it: wrapped commands and findings from constructed
//! requests and logs gdb wrote.

use std::path::{Path, PathBuf};

use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, ExitInfo, Finding, FindingsRequest, Requirement, WrapLayer,
    WrapRequest,
};
use serde_json::{Value, json};

use crate::Gdb;

/// gdb 13's log of `segfault.c`.
const SEGFAULT_LOG: &str = "\
[Thread debugging using libthread_db enabled]
Using host libthread_db library \"/lib/x86_64-linux-gnu/libthread_db.so.1\".

Program received signal SIGSEGV, Segmentation fault.
0x0000555555555135 in crash_here (target=0x0) at segfault.c:9
9\t    *target = 42; /* the crash */
#0  0x0000555555555135 in crash_here (target=0x0) at segfault.c:9
No locals.
#1  0x000055555555514c in main () at segfault.c:14
No locals.
";

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

/// The findings on a run that left `log` (none when absent) and ended as `exit` says.
fn findings(log: Option<&str>, config: Value, exit: ExitInfo) -> (tempfile::TempDir, Vec<Finding>) {
    let directory = tempfile::tempdir().unwrap();
    let artifacts_dir = directory.path().join("artifacts");
    std::fs::create_dir(&artifacts_dir).unwrap();
    if let Some(log) = log {
        std::fs::write(artifacts_dir.join("gdb.log"), log).unwrap();
    }
    let found = Gdb
        .findings(&FindingsRequest {
            service: "server".to_owned(),
            artifacts_dir,
            exit,
            config,
            stdout: directory.path().join("stdout.log"),
            stderr: directory.path().join("stderr.log"),
        })
        .unwrap()
        .findings;
    (directory, found)
}

fn exited(code: i32) -> ExitInfo {
    ExitInfo {
        code: Some(code),
        signal: None,
        stopped_by_host: false,
    }
}

fn log_of(directory: &Path) -> PathBuf {
    directory.join("artifacts/gdb.log")
}

#[test]
fn wraps_the_command_in_gdb_with_the_defaults() {
    let request = wrap_request(Value::Null);
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
    let (directory, found) = findings(Some(SEGFAULT_LOG), Value::Null, exited(139));
    assert_eq!(
        found,
        [
            Finding::new("crashed with SIGSEGV in crash_here (segfault.c:9)", true)
                .with_metric("signal", "SIGSEGV")
                .with_file(log_of(directory.path()))
        ]
    );
    let (_, found) = findings(
        Some(SEGFAULT_LOG),
        json!({"fail_on_crash": false}),
        exited(139),
    );
    assert!(!found[0].fails_test);
}

#[test]
fn reports_an_exit_without_failing() {
    let (directory, found) = findings(Some(EXIT_LOG), Value::Null, exited(3));
    assert_eq!(
        found,
        [Finding::new("exited with code 3 under gdb", false)
            .with_metric("exit_code", 3)
            .with_file(log_of(directory.path()))]
    );
}

#[test]
fn a_stop_by_the_host_is_not_a_crash() {
    let stopped = ExitInfo {
        code: Some(255),
        signal: None,
        stopped_by_host: true,
    };
    let (directory, found) = findings(Some(STOPPED_LOG), Value::Null, stopped.clone());
    assert_eq!(
        found,
        [
            Finding::new("stopped by the host under gdb, without a crash", false)
                .with_file(log_of(directory.path()))
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
    let (directory, found) = findings(Some(STOPPED_LOG), Value::Null, exited(255));
    assert_eq!(
        found,
        [Finding::new(
            "gdb's log tells neither an exit nor a crash of the program",
            true
        )
        .with_file(log_of(directory.path()))]
    );
}

#[test]
fn no_program_or_no_log_fails_the_test() {
    let (directory, found) = findings(
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
        .with_file(log_of(directory.path()))]
    );
    let (directory, found) = findings(None, Value::Null, exited(127));
    let stderr = directory.path().join("stderr.log");
    assert_eq!(
        found,
        [Finding::new(
            format!(
                "gdb wrote no log ({}); see {} for why",
                log_of(directory.path()).display(),
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
