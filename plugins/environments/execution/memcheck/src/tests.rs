//! The plugin as the host uses it: wrapped commands and findings from constructed
//! requests and reports memcheck wrote.

use std::path::{Path, PathBuf};

use panther_execution_testing::ServiceDir;
use panther_execution_testing::requests::{
    bin_dir, exited, killed, on_path, stopped_by_host, wrap_request,
};
use panther_execution_testing::valgrind_reports::{
    MEMCHECK_KILLED, MEMCHECK_LEAK, MEMCHECK_STOPPED,
};
use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{ArtifactSpec, ExitInfo, Finding, Requirement, WrapLayer};
use serde_json::{Value, json};

use crate::Memcheck;

/// What memcheck finds in `service`, configured with `config`, for a service that
/// ended as `exit` says.
fn findings(service: &ServiceDir, config: Value, exit: ExitInfo) -> Vec<Finding> {
    service.findings(&Memcheck, exit, config)
}

#[test]
fn wraps_the_command_in_valgrind_with_the_defaults() {
    let bin = bin_dir(&[]);
    let request = on_path(wrap_request(Value::Null), bin.path());
    let wrapped = Memcheck.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "valgrind");
    assert_eq!(
        wrapped.command.args,
        [
            "--tool=memcheck",
            "--xml=yes",
            "--xml-file=/run/server/artifacts/memcheck.%p.xml",
            "--log-file=/run/server/artifacts/memcheck.%p.log",
            "--trace-children=no",
            "--child-silent-after-fork=yes",
            "--num-callers=30",
            "--leak-check=full",
            "--show-leak-kinds=definite",
            "--errors-for-leak-kinds=definite",
            "/opt/server",
            "--port",
            "4443"
        ]
    );
    assert_eq!(wrapped.command.env, request.command.env);
    assert_eq!(wrapped.command.cwd, request.command.cwd);
    assert_eq!(
        wrapped.artifacts,
        [
            ArtifactSpec {
                name: "memcheck reports".to_owned(),
                path: PathBuf::from("/run/server/artifacts/memcheck.%p.xml"),
            },
            ArtifactSpec {
                name: "memcheck logs".to_owned(),
                path: PathBuf::from("/run/server/artifacts/memcheck.%p.log"),
            }
        ]
    );
    assert_eq!(
        wrapped.requires,
        [Requirement {
            path: PathBuf::from("/usr/bin/valgrind"),
            what: "valgrind".to_owned(),
            how_to_get: "apt-get install valgrind (scripts/install-system-packages does)"
                .to_owned(),
        }]
    );
    assert!(wrapped.analyses.is_empty());
}

#[test]
fn wraps_the_command_as_configured() {
    let request = wrap_request(json!({
        "program": "/opt/valgrind/bin/valgrind",
        "trace_children": true,
        "num_callers": 50,
        "suppressions": ["/etc/panther/openssl.supp"],
        "extra_args": ["--track-origins=yes"],
        "leak_check": "no"
    }));
    let wrapped = Memcheck.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "/opt/valgrind/bin/valgrind");
    assert_eq!(
        wrapped.command.args,
        [
            "--tool=memcheck",
            "--xml=yes",
            "--xml-file=/run/server/artifacts/memcheck.%p.xml",
            "--log-file=/run/server/artifacts/memcheck.%p.log",
            "--trace-children=yes",
            "--child-silent-after-fork=yes",
            "--num-callers=50",
            "--leak-check=no",
            "--suppressions=/etc/panther/openssl.supp",
            "--track-origins=yes",
            "/opt/server",
            "--port",
            "4443"
        ]
    );
    let required: Vec<&Path> = wrapped.requires.iter().map(|r| r.path.as_path()).collect();
    assert_eq!(
        required,
        [
            Path::new("/opt/valgrind/bin/valgrind"),
            Path::new("/etc/panther/openssl.supp")
        ]
    );
    assert_eq!(wrapped.requires[1].what, "a valgrind suppressions file");
}

#[test]
fn refuses_a_bad_config() {
    let error = Memcheck
        .wrap(&wrap_request(json!({"leak_check": "partial"})))
        .unwrap_err();
    assert_eq!(
        error.message(),
        "config key `leak_check`: 'partial' is not a leak check; write \"full\" or \"no\""
    );
    let error = Memcheck
        .wrap(&wrap_request(json!({"extra_args": ["--log-fd=2"]})))
        .unwrap_err();
    assert!(
        error
            .message()
            .starts_with("config key `extra_args`: '--log-fd=2' would change how valgrind reports"),
        "{error}"
    );
}

#[test]
fn reports_a_leak_with_where_it_was_allocated() {
    let service = ServiceDir::with_artifacts(&[
        ("memcheck.4669.xml", MEMCHECK_LEAK),
        ("memcheck.4669.log", ""),
    ]);
    let report = service.artifact("memcheck.4669.xml");
    assert_eq!(
        findings(&service, Value::Null, exited(0)),
        [
            Finding::new(
                "Leak_DefinitelyLost: 64 bytes in 1 blocks are definitely lost in loss record 1 of 1 (leak.c:13 in make_leak)",
                true
            )
            .with_file(&report)
            .with_metric("errors", 1)
            .with_metric("leaked_bytes", 64),
            Finding::new(
                "1 process checked (./leak): 1 error (Leak_DefinitelyLost 1), 64 bytes leaked",
                false
            )
            .with_file(&report)
            .with_metric("processes", 1)
            .with_metric("errors", 1)
            .with_metric("Leak_DefinitelyLost", 1)
            .with_metric("leaked_bytes", 64),
        ]
    );
}

#[test]
fn reports_errors_without_failing_when_told_not_to() {
    let service = ServiceDir::with_artifacts(&[("memcheck.4669.xml", MEMCHECK_LEAK)]);
    let found = findings(&service, json!({"fail_on_errors": false}), exited(0));
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|finding| !finding.fails_test), "{found:?}");
}

#[test]
fn a_service_stopped_by_the_host_still_has_its_leaks_reported() {
    let service = ServiceDir::with_artifacts(&[("memcheck.5279.xml", MEMCHECK_STOPPED)]);
    let found = findings(&service, Value::Null, stopped_by_host(15));
    let summaries: Vec<&str> = found.iter().map(|f| f.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Leak_DefinitelyLost: 32 bytes in 1 blocks are definitely lost in loss record 1 of 1 (sleeper.c:14 in make_leak)",
            "1 process checked (./sleeper): 1 error (Leak_DefinitelyLost 1), 32 bytes leaked"
        ]
    );
    assert!(found[0].fails_test);
}

#[test]
fn a_signal_the_host_did_not_send_is_reported() {
    let service = ServiceDir::with_artifacts(&[("memcheck.5279.xml", MEMCHECK_STOPPED)]);
    let found = findings(&service, Value::Null, killed(15));
    let signal = found
        .iter()
        .find(|f| f.summary == "./sleeper died of SIGTERM (sleeper.c:22 in main)")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(!signal.fails_test);
    assert_eq!(signal.metrics["signal"], "SIGTERM");
}

#[test]
fn a_killed_report_is_read_and_said_incomplete() {
    let service = ServiceDir::with_artifacts(&[("memcheck.5427.xml", MEMCHECK_KILLED)]);
    let report = service.artifact("memcheck.5427.xml");
    let incomplete = Finding::new(
        "the memcheck report of process 5427 is incomplete: it ends before valgrind finished writing it (valgrind was killed); the errors it holds are counted",
        false,
    )
    .with_file(&report);
    let summary = Finding::new("1 process checked (./sleeper): no errors", false)
        .with_file(&report)
        .with_metric("processes", 1)
        .with_metric("errors", 0)
        .with_metric("leaked_bytes", 0);
    assert_eq!(
        findings(&service, Value::Null, stopped_by_host(9)),
        [incomplete.clone(), summary.clone()]
    );
    let not_by_the_host = findings(&service, Value::Null, killed(9));
    assert_eq!(
        not_by_the_host,
        [
            Finding {
                fails_test: true,
                ..incomplete
            },
            summary
        ]
    );
}

#[test]
fn adds_up_the_reports_of_several_processes() {
    let service = ServiceDir::with_artifacts(&[
        ("memcheck.4669.xml", MEMCHECK_LEAK),
        ("memcheck.5279.xml", MEMCHECK_STOPPED),
    ]);
    let found = findings(&service, Value::Null, exited(0));
    assert_eq!(
        found[0].summary,
        "Leak_DefinitelyLost (2 errors), the first: 64 bytes in 1 blocks are definitely lost in loss record 1 of 1 (leak.c:13 in make_leak)"
    );
    assert_eq!(found[0].metrics["leaked_bytes"], 96);
    let summary = found.last().unwrap();
    assert_eq!(
        summary.summary,
        "2 processes checked (./leak, ./sleeper): 2 errors (Leak_DefinitelyLost 2), 96 bytes leaked"
    );
    assert_eq!(summary.file, Some(service.artifacts_dir()));
}

#[test]
fn no_report_fails_the_test_and_says_where_to_look() {
    let service = ServiceDir::new();
    let stderr = service.stderr();
    assert_eq!(
        findings(&service, Value::Null, exited(127)),
        [Finding::new(
            format!(
                "valgrind wrote no memcheck report (memcheck.*.xml in {}); see {} for why",
                service.artifacts_dir().display(),
                stderr.display()
            ),
            true
        )
        .with_file(&stderr)]
    );
    let log = service.artifact("memcheck.77.log");
    std::fs::write(&log, "==77== FATAL: can't open suppressions file\n").unwrap();
    let found = findings(&service, Value::Null, exited(1));
    assert_eq!(found.len(), 1);
    assert!(found[0].fails_test);
    assert_eq!(found[0].file.as_deref(), Some(log.as_path()));
}

#[test]
fn describes_an_instrumenting_environment() {
    let description = Memcheck::describe();
    assert_eq!(description.name, "memcheck");
    assert_eq!(description.layer, WrapLayer::Instrument);
    assert_eq!(description.claims, ["instrumenter", "allocator", "preload"]);
    assert!(description.protocols.is_empty() && description.roles.is_empty());
    assert_eq!(
        description.config_schema["additionalProperties"],
        json!(false)
    );
}
