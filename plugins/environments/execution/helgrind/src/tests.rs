//! The plugin as the host uses it: wrapped commands and findings from constructed
//! requests and reports helgrind wrote.

use std::path::{Path, PathBuf};

use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{
    CommandSpec, ExitInfo, Finding, FindingsRequest, WrapLayer, WrapRequest,
};
use serde_json::{Value, json};

use crate::Helgrind;

/// Helgrind's report on `race.c`, as valgrind 3.19 wrote it, with the thread
/// announcements and library frames trimmed.
const RACE_REPORT: &str = r#"<?xml version="1.0"?>
<valgrindoutput>
<protocolversion>4</protocolversion>
<protocoltool>helgrind</protocoltool>
<pid>5030</pid>
<ppid>5026</ppid>
<tool>helgrind</tool>
<args>
  <argv>
    <exe>./race</exe>
  </argv>
</args>
<status>
  <state>RUNNING</state>
  <time>00:00:00:00.021 </time>
</status>
<announcethread>
  <hthreadid>3</hthreadid>
  <stack>
    <frame>
      <ip>0x496DB3F</ip>
      <obj>/usr/lib/x86_64-linux-gnu/libc.so.6</obj>
      <fn>clone</fn>
      <dir>./misc/../sysdeps/unix/sysv/linux/x86_64</dir>
      <file>clone.S</file>
      <line>76</line>
    </frame>
    <frame>
      <ip>0x1091CE</ip>
      <obj>/tmp/dbg/race</obj>
      <fn>main</fn>
      <dir>/work/main/tests/fixtures/defects</dir>
      <file>race.c</file>
      <line>27</line>
    </frame>
  </stack>
</announcethread>
<error>
  <unique>0x0</unique>
  <tid>2</tid>
  <kind>Race</kind>
  <xwhat>
    <text>Possible data race during read of size 4 at 0x10C02C by thread #3</text>
    <hthreadid>3</hthreadid>
  </xwhat>
  <stack>
    <frame>
      <ip>0x10916A</ip>
      <obj>/tmp/dbg/race</obj>
      <fn>increment</fn>
      <dir>/work/main/tests/fixtures/defects</dir>
      <file>race.c</file>
      <line>17</line>
    </frame>
    <frame>
      <ip>0x484C7D6</ip>
      <obj>/usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so</obj>
    </frame>
  </stack>
  <xauxwhat>
    <text>This conflicts with a previous write of size 4 by thread #2</text>
    <hthreadid>2</hthreadid>
  </xauxwhat>
  <stack>
    <frame>
      <ip>0x109173</ip>
      <obj>/tmp/dbg/race</obj>
      <fn>increment</fn>
      <dir>/work/main/tests/fixtures/defects</dir>
      <file>race.c</file>
      <line>17</line>
    </frame>
  </stack>
  <auxwhat>Address 0x10c02c is 0 bytes inside data symbol "counter"</auxwhat>
</error>
<error>
  <unique>0x1</unique>
  <tid>2</tid>
  <kind>Race</kind>
  <xwhat>
    <text>Possible data race during write of size 4 at 0x10C02C by thread #3</text>
    <hthreadid>3</hthreadid>
  </xwhat>
  <stack>
    <frame>
      <ip>0x109173</ip>
      <obj>/tmp/dbg/race</obj>
      <fn>increment</fn>
      <dir>/work/main/tests/fixtures/defects</dir>
      <file>race.c</file>
      <line>17</line>
    </frame>
  </stack>
  <auxwhat>Address 0x10c02c is 0 bytes inside data symbol "counter"</auxwhat>
</error>
<status>
  <state>FINISHED</state>
  <time>00:00:00:00.304 </time>
</status>
<errorcounts>
  <pair>
    <count>1</count>
    <unique>0x1</unique>
  </pair>
  <pair>
    <count>1</count>
    <unique>0x0</unique>
  </pair>
</errorcounts>
<suppcounts>
</suppcounts>
</valgrindoutput>
"#;

/// Helgrind's report on a program taking two locks in both orders, trimmed to the
/// error's first two stacks.
const LOCK_ORDER_REPORT: &str = r#"<?xml version="1.0"?>
<valgrindoutput>
<protocolversion>4</protocolversion>
<protocoltool>helgrind</protocoltool>
<pid>8120</pid>
<args>
  <argv>
    <exe>./order</exe>
  </argv>
</args>
<error>
  <unique>0x0</unique>
  <tid>1</tid>
  <kind>LockOrder</kind>
  <xwhat>
    <text>Thread #1: lock order "0x10C040 before 0x10C080" violated</text>
    <hthreadid>1</hthreadid>
  </xwhat>
  <stack>
    <frame>
      <ip>0x484976E</ip>
      <obj>/usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so</obj>
    </frame>
    <frame>
      <ip>0x1091A6</ip>
      <obj>/tmp/dbg/order</obj>
      <fn>main</fn>
      <dir>/tmp/dbg</dir>
      <file>order.c</file>
      <line>5</line>
    </frame>
  </stack>
  <auxwhat>Required order was established by acquisition of lock at 0x10C040</auxwhat>
  <stack>
    <frame>
      <ip>0x484976E</ip>
      <obj>/usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so</obj>
    </frame>
    <frame>
      <ip>0x10915B</ip>
      <obj>/tmp/dbg/order</obj>
      <fn>main</fn>
      <dir>/tmp/dbg</dir>
      <file>order.c</file>
      <line>4</line>
    </frame>
  </stack>
</error>
<status>
  <state>FINISHED</state>
  <time>00:00:00:00.290 </time>
</status>
<errorcounts>
  <pair>
    <count>4</count>
    <unique>0x0</unique>
  </pair>
</errorcounts>
<suppcounts>
</suppcounts>
</valgrindoutput>
"#;

fn wrap_request(config: Value) -> WrapRequest {
    let mut command =
        CommandSpec::new("/opt/server", ["--threads", "4"]).with_env("ROLE", "server");
    command.cwd = Some(PathBuf::from("/run/server"));
    WrapRequest {
        service: "server".to_owned(),
        command,
        artifacts_dir: PathBuf::from("/run/server/artifacts"),
        config,
        plugin_dir: PathBuf::from("/plugins"),
    }
}

fn findings(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<Finding>) {
    let directory = tempfile::tempdir().unwrap();
    let artifacts_dir = directory.path().join("artifacts");
    std::fs::create_dir(&artifacts_dir).unwrap();
    for (name, contents) in files {
        std::fs::write(artifacts_dir.join(name), contents).unwrap();
    }
    let found = Helgrind
        .findings(&FindingsRequest {
            service: "server".to_owned(),
            artifacts_dir,
            exit: ExitInfo {
                code: Some(0),
                signal: None,
                stopped_by_host: false,
            },
            config: Value::Null,
            stdout: directory.path().join("stdout.log"),
            stderr: directory.path().join("stderr.log"),
        })
        .unwrap()
        .findings;
    (directory, found)
}

#[test]
fn wraps_the_command_in_valgrind_with_the_defaults() {
    let request = wrap_request(Value::Null);
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
            "--threads",
            "4"
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
    let request = wrap_request(json!({
        "program": "valgrind-3.22",
        "suppressions": ["/etc/a.supp", "/etc/b.supp"],
        "extra_args": ["--history-level=approx"]
    }));
    let wrapped = Helgrind.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "valgrind-3.22");
    assert_eq!(
        wrapped.command.args[7..],
        [
            "--suppressions=/etc/a.supp",
            "--suppressions=/etc/b.supp",
            "--history-level=approx",
            "/opt/server",
            "--threads",
            "4"
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
    let (directory, found) = findings(&[("helgrind.5030.xml", RACE_REPORT)]);
    let report = directory.path().join("artifacts/helgrind.5030.xml");
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
    let (_directory, found) = findings(&[("helgrind.8120.xml", LOCK_ORDER_REPORT)]);
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
