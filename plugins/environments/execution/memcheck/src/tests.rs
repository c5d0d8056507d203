//! The plugin as the host uses it: wrapped commands and findings from constructed
//! requests and reports memcheck wrote.

use std::path::{Path, PathBuf};

use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, ExitInfo, Finding, FindingsRequest, Requirement, WrapLayer,
    WrapRequest,
};
use serde_json::{Value, json};

use crate::Memcheck;

/// Memcheck's report on `leak.c`, as valgrind 3.19 wrote it.
const LEAK_REPORT: &str = r#"<?xml version="1.0"?>

<valgrindoutput>

<protocolversion>4</protocolversion>
<protocoltool>memcheck</protocoltool>

<preamble>
  <line>Memcheck, a memory error detector</line>
  <line>Copyright (C) 2002-2022, and GNU GPL'd, by Julian Seward et al.</line>
  <line>Using Valgrind-3.19.0 and LibVEX; rerun with -h for copyright info</line>
  <line>Command: ./leak</line>
</preamble>

<pid>4669</pid>
<ppid>4665</ppid>
<tool>memcheck</tool>

<args>
  <vargv>
    <exe>/usr/bin/valgrind.bin</exe>
    <arg>--tool=memcheck</arg>
    <arg>--xml=yes</arg>
    <arg>--xml-file=a/memcheck.%p.xml</arg>
    <arg>--log-file=a/memcheck.%p.log</arg>
    <arg>--leak-check=full</arg>
    <arg>--num-callers=30</arg>
  </vargv>
  <argv>
    <exe>./leak</exe>
  </argv>
</args>

<status>
  <state>RUNNING</state>
  <time>00:00:00:00.032 </time>
</status>


<status>
  <state>FINISHED</state>
  <time>00:00:00:00.334 </time>
</status>

<error>
  <unique>0x0</unique>
  <tid>1</tid>
  <kind>Leak_DefinitelyLost</kind>
  <xwhat>
    <text>64 bytes in 1 blocks are definitely lost in loss record 1 of 1</text>
    <leakedbytes>64</leakedbytes>
    <leakedblocks>1</leakedblocks>
  </xwhat>
  <stack>
    <frame>
      <ip>0x48417B4</ip>
      <obj>/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so</obj>
      <fn>malloc</fn>
    </frame>
    <frame>
      <ip>0x10915A</ip>
      <obj>/tmp/dbg/leak</obj>
      <fn>make_leak</fn>
      <dir>/work/main/tests/fixtures/defects</dir>
      <file>leak.c</file>
      <line>13</line>
    </frame>
    <frame>
      <ip>0x109180</ip>
      <obj>/tmp/dbg/leak</obj>
      <fn>main</fn>
      <dir>/work/main/tests/fixtures/defects</dir>
      <file>leak.c</file>
      <line>19</line>
    </frame>
  </stack>
</error>

<errorcounts>
</errorcounts>

<suppcounts>
</suppcounts>

</valgrindoutput>

"#;

/// Memcheck's report on `sleeper.c` stopped by SIGTERM, trimmed: valgrind still
/// writes the leak check after the signal.
const STOPPED_REPORT: &str = r#"<?xml version="1.0"?>
<valgrindoutput>
<protocolversion>4</protocolversion>
<protocoltool>memcheck</protocoltool>
<pid>5279</pid>
<args>
  <argv>
    <exe>./sleeper</exe>
  </argv>
</args>
<status>
  <state>RUNNING</state>
  <time>00:00:00:00.020 </time>
</status>
<fatal_signal>
  <tid>1</tid>
  <signo>15</signo>
  <signame>SIGTERM</signame>
  <sicode>0</sicode>
  <stack>
    <frame>
      <ip>0x492FDD0</ip>
      <obj>/usr/lib/x86_64-linux-gnu/libc.so.6</obj>
      <fn>pause</fn>
      <dir>./posix/../sysdeps/unix/sysv/linux</dir>
      <file>pause.c</file>
      <line>29</line>
    </frame>
    <frame>
      <ip>0x109195</ip>
      <obj>/tmp/dbg/sleeper</obj>
      <fn>main</fn>
      <dir>/work/main/tests/fixtures/defects</dir>
      <file>sleeper.c</file>
      <line>22</line>
    </frame>
  </stack>
</fatal_signal>
<status>
  <state>FINISHED</state>
  <time>00:00:00:01.492 </time>
</status>
<error>
  <unique>0x0</unique>
  <tid>1</tid>
  <kind>Leak_DefinitelyLost</kind>
  <xwhat>
    <text>32 bytes in 1 blocks are definitely lost in loss record 1 of 1</text>
    <leakedbytes>32</leakedbytes>
    <leakedblocks>1</leakedblocks>
  </xwhat>
  <stack>
    <frame>
      <ip>0x48417B4</ip>
      <obj>/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so</obj>
      <fn>malloc</fn>
    </frame>
    <frame>
      <ip>0x10916A</ip>
      <obj>/tmp/dbg/sleeper</obj>
      <fn>make_leak</fn>
      <dir>/work/main/tests/fixtures/defects</dir>
      <file>sleeper.c</file>
      <line>14</line>
    </frame>
  </stack>
</error>
<errorcounts>
</errorcounts>
<suppcounts>
</suppcounts>
</valgrindoutput>
"#;

/// What a SIGKILLed memcheck leaves: the report cut after the program started.
const KILLED_REPORT: &str = r#"<?xml version="1.0"?>

<valgrindoutput>

<protocolversion>4</protocolversion>
<protocoltool>memcheck</protocoltool>

<pid>5427</pid>
<ppid>5420</ppid>
<tool>memcheck</tool>

<args>
  <argv>
    <exe>./sleeper</exe>
  </argv>
</args>

<status>
  <state>RUNNING</state>
  <time>00:00:00:00.026 </time>
</status>

"#;

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

fn findings_request(directory: &Path, config: Value, exit: ExitInfo) -> FindingsRequest {
    FindingsRequest {
        service: "server".to_owned(),
        artifacts_dir: directory.join("artifacts"),
        exit,
        config,
        stdout: directory.join("stdout.log"),
        stderr: directory.join("stderr.log"),
    }
}

fn exited(code: i32) -> ExitInfo {
    ExitInfo {
        code: Some(code),
        signal: None,
        stopped_by_host: false,
    }
}

fn stopped(signal: i32) -> ExitInfo {
    ExitInfo {
        code: None,
        signal: Some(signal),
        stopped_by_host: true,
    }
}

/// A directory with `artifacts/` holding these files.
fn artifacts(files: &[(&str, &str)]) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    std::fs::create_dir(directory.path().join("artifacts")).unwrap();
    for (name, contents) in files {
        std::fs::write(directory.path().join("artifacts").join(name), contents).unwrap();
    }
    directory
}

fn findings(directory: &Path, config: Value, exit: ExitInfo) -> Vec<Finding> {
    Memcheck
        .findings(&findings_request(directory, config, exit))
        .unwrap()
        .findings
}

#[test]
fn wraps_the_command_in_valgrind_with_the_defaults() {
    let request = wrap_request(Value::Null);
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
    let directory = artifacts(&[
        ("memcheck.4669.xml", LEAK_REPORT),
        ("memcheck.4669.log", ""),
    ]);
    let report = directory.path().join("artifacts/memcheck.4669.xml");
    assert_eq!(
        findings(directory.path(), Value::Null, exited(0)),
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
    let directory = artifacts(&[("memcheck.4669.xml", LEAK_REPORT)]);
    let found = findings(
        directory.path(),
        json!({"fail_on_errors": false}),
        exited(0),
    );
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|finding| !finding.fails_test), "{found:?}");
}

#[test]
fn a_service_stopped_by_the_host_still_has_its_leaks_reported() {
    let directory = artifacts(&[("memcheck.5279.xml", STOPPED_REPORT)]);
    let found = findings(directory.path(), Value::Null, stopped(15));
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
    let directory = artifacts(&[("memcheck.5279.xml", STOPPED_REPORT)]);
    let found = findings(
        directory.path(),
        Value::Null,
        ExitInfo {
            code: None,
            signal: Some(15),
            stopped_by_host: false,
        },
    );
    let signal = found
        .iter()
        .find(|f| f.summary == "./sleeper died of SIGTERM (sleeper.c:22 in main)")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(!signal.fails_test);
    assert_eq!(signal.metrics["signal"], "SIGTERM");
}

#[test]
fn a_killed_report_is_read_and_said_incomplete() {
    let directory = artifacts(&[("memcheck.5427.xml", KILLED_REPORT)]);
    let report = directory.path().join("artifacts/memcheck.5427.xml");
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
        findings(directory.path(), Value::Null, stopped(9)),
        [incomplete.clone(), summary.clone()]
    );
    let not_by_the_host = findings(
        directory.path(),
        Value::Null,
        ExitInfo {
            code: None,
            signal: Some(9),
            stopped_by_host: false,
        },
    );
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
    let directory = artifacts(&[
        ("memcheck.4669.xml", LEAK_REPORT),
        ("memcheck.5279.xml", STOPPED_REPORT),
    ]);
    let found = findings(directory.path(), Value::Null, exited(0));
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
    assert_eq!(
        summary.file.as_deref(),
        Some(directory.path().join("artifacts").as_path())
    );
}

#[test]
fn no_report_fails_the_test_and_says_where_to_look() {
    let directory = artifacts(&[]);
    let stderr = directory.path().join("stderr.log");
    assert_eq!(
        findings(directory.path(), Value::Null, exited(127)),
        [Finding::new(
            format!(
                "valgrind wrote no memcheck report (memcheck.*.xml in {}); see {} for why",
                directory.path().join("artifacts").display(),
                stderr.display()
            ),
            true
        )
        .with_file(&stderr)]
    );
    let log = directory.path().join("artifacts/memcheck.77.log");
    std::fs::write(&log, "==77== FATAL: can't open suppressions file\n").unwrap();
    let found = findings(directory.path(), Value::Null, exited(1));
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
