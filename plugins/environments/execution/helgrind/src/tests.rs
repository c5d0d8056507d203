//! The plugin as the host uses it: wrapped commands and findings from constructed
//! requests and reports helgrind wrote.

use std::path::Path;

use panther_execution_testing::ServiceDir;
use panther_execution_testing::requests::{bin_dir, exited, on_path, wrap_request};
use panther_execution_testing::valgrind_reports::{HELGRIND_LOCK_ORDER, HELGRIND_RACE};
use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{Finding, WrapLayer};
use serde_json::{Value, json};

use crate::Helgrind;

/// A service directory whose artifacts are `files`, and what helgrind finds there
/// for a service that exited with 0.
fn findings(files: &[(&str, &str)]) -> (ServiceDir, Vec<Finding>) {
    let service = ServiceDir::with_artifacts(files);
    let found = service.findings(&Helgrind, exited(0), Value::Null);
    (service, found)
}

#[test]
fn wraps_the_command_in_valgrind_with_the_defaults() {
    let bin = bin_dir(&[]);
    let request = on_path(wrap_request(Value::Null), bin.path());
    let wrapped = Helgrind.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "valgrind");
    assert_eq!(
        wrapped.command.args,
        [
            "--tool=helgrind",
            "--xml=yes",
            "--xml-file=/run/server/artifacts/helgrind.%p.xml",
            "--log-file=/run/server/artifacts/helgrind.%p.log",
            "--trace-children=no",
            "--child-silent-after-fork=yes",
            "--num-callers=30",
            "/opt/server",
            "--port",
            "4443"
        ]
    );
    assert_eq!(wrapped.command.env, request.command.env);
    assert_eq!(wrapped.command.cwd, request.command.cwd);
    assert_eq!(wrapped.artifacts[0].name, "helgrind reports");
    assert_eq!(wrapped.requires.len(), 1);
    assert_eq!(wrapped.requires[0].path, Path::new("/usr/bin/valgrind"));
}

#[test]
fn wraps_the_command_as_configured() {
    let bin = bin_dir(&[]);
    let config = json!({
        "program": "valgrind-3.22",
        "suppressions": ["/etc/a.supp", "/etc/b.supp"],
        "extra_args": ["--history-level=approx"]
    });
    let request = on_path(wrap_request(config), bin.path());
    let wrapped = Helgrind.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "valgrind-3.22");
    assert_eq!(
        wrapped.command.args[7..],
        [
            "--suppressions=/etc/a.supp",
            "--suppressions=/etc/b.supp",
            "--history-level=approx",
            "/opt/server",
            "--port",
            "4443"
        ]
    );
    assert_eq!(
        wrapped.requires[0].path,
        Path::new("/usr/bin/valgrind-3.22")
    );
    assert_eq!(wrapped.requires.len(), 3);
}

#[test]
fn refuses_a_bad_config() {
    let error = Helgrind
        .wrap(&wrap_request(json!({"leak_check": "full"})))
        .unwrap_err();
    assert_eq!(
        error.message(),
        "config key `leak_check`: unknown setting; the settings are extra_args, fail_on_errors, num_callers, program, suppressions, trace_children"
    );
    let error = Helgrind
        .wrap(&wrap_request(json!({"extra_args": ["--tool=drd"]})))
        .unwrap_err();
    assert!(
        error
            .message()
            .starts_with("config key `extra_args`: '--tool=drd' would change how valgrind reports"),
        "{error}"
    );
}

#[test]
fn reports_the_race_with_where_it_happened() {
    let (service, found) = findings(&[("helgrind.5030.xml", HELGRIND_RACE)]);
    let report = service.artifact("helgrind.5030.xml");
    assert_eq!(
        found,
        [
            Finding::new(
                "Race (2 errors), the first: Possible data race during read of size 4 at 0x10C02C by thread #3 (race.c:17 in increment)",
                true
            )
            .with_file(&report)
            .with_metric("errors", 2),
            Finding::new("1 process checked (./race): 2 errors (Race 2)", false)
                .with_file(&report)
                .with_metric("processes", 1)
                .with_metric("errors", 2)
                .with_metric("Race", 2),
        ]
    );
}

#[test]
fn reports_a_lock_order_violation_in_the_program() {
    let (_service, found) = findings(&[("helgrind.8120.xml", HELGRIND_LOCK_ORDER)]);
    assert_eq!(
        found[0].summary,
        "LockOrder (4 errors), the first: Thread #1: lock order \"0x10C040 before 0x10C080\" violated (order.c:5 in main)"
    );
    assert!(found[0].fails_test);
    assert_eq!(found[1].metrics["LockOrder"], 4);
    assert!(!found[1].metrics.contains_key("leaked_bytes"));
}

#[test]
fn describes_an_instrumenting_environment() {
    let description = Helgrind::describe();
    assert_eq!(description.name, "helgrind");
    assert_eq!(description.layer, WrapLayer::Instrument);
    assert_eq!(description.claims, ["instrumenter", "allocator", "preload"]);
    assert_eq!(
        description.config_schema["properties"]
            .as_object()
            .unwrap()
            .len(),
        6
    );
}
