//! gdb on real programs: defect programs of `tests/fixtures/defects` run under the
//! wrapped command exactly as the host runs it, then the finding on gdb's log.

mod support;

use std::path::PathBuf;
use std::time::Duration;

use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{CommandSpec, Finding, FindingsRequest, WrapRequest};
use panther_plugin_gdb::Gdb;
use serde_json::Value;
use support::{Compiled, Run, line_of, run};

/// Runs `command` under gdb, stopped by the host after `stop_after` if given, and
/// returns how it ended and the one finding.
fn check(program: &Compiled, command: CommandSpec, stop_after: Option<Duration>) -> (Run, Finding) {
    let artifacts_dir = program.artifacts_dir();
    let wrapped = Gdb
        .wrap(&WrapRequest {
            service: "server".to_owned(),
            command,
            artifacts_dir: artifacts_dir.clone(),
            config: Value::Null,
            plugin_dir: PathBuf::new(),
        })
        .unwrap();
    let ran = run(&wrapped.command, program.directory.path(), stop_after);
    let mut findings = Gdb
        .findings(&FindingsRequest {
            service: "server".to_owned(),
            artifacts_dir,
            exit: ran.exit.clone(),
            config: Value::Null,
            stdout: ran.stdout.clone(),
            stderr: ran.stderr.clone(),
        })
        .unwrap()
        .findings;
    eprintln!(
        "{:.2} s, {:?}: {findings:#?}",
        ran.elapsed.as_secs_f64(),
        ran.exit
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    (ran, findings.remove(0))
}

fn of(program: &Compiled) -> CommandSpec {
    CommandSpec::new(program.program.to_str().unwrap(), Vec::<String>::new())
}

fn log_of(program: &Compiled) -> String {
    std::fs::read_to_string(program.artifacts_dir().join("gdb.log")).unwrap()
}

#[test]
fn reports_the_crash_of_segfault_c_in_its_function() {
    let segfault = Compiled::new("segfault");
    let (ran, finding) = check(&segfault, of(&segfault), None);
    assert_eq!(
        ran.exit.code,
        Some(139),
        "128 + SIGSEGV, as a shell reports it"
    );
    let line = line_of("segfault.c", "the crash");
    assert_eq!(
        finding.summary,
        format!("crashed with SIGSEGV in crash_here (segfault.c:{line})")
    );
    assert!(finding.fails_test);
    assert_eq!(finding.metrics["signal"], "SIGSEGV");
    assert_eq!(finding.file, Some(segfault.artifacts_dir().join("gdb.log")));
    let log = log_of(&segfault);
    assert!(log.contains("Program received signal SIGSEGV"), "{log}");
    assert!(log.contains("in main () at segfault.c:"), "{log}");
    assert_eq!(std::fs::read_to_string(&ran.stdout).unwrap(), "");
}

#[test]
fn a_clean_program_exits_with_its_own_code_and_output() {
    let clean = Compiled::new("clean");
    let (ran, finding) = check(&clean, of(&clean), None);
    assert_eq!(ran.exit.code, Some(0));
    assert_eq!(finding.summary, "exited with code 0 under gdb");
    assert!(!finding.fails_test);
    assert_eq!(std::fs::read_to_string(&ran.stdout).unwrap(), "clean\n");
    assert_eq!(std::fs::read_to_string(&ran.stderr).unwrap(), "");
}

#[test]
fn passes_the_arguments_and_the_exit_code_through() {
    let clean = Compiled::new("clean");
    let script = "echo \"$1\"; echo \"$2\" >&2; exit 3";
    let command = CommandSpec::new("/bin/sh", ["-c", script, "sh", "two words", "*"]);
    let (ran, finding) = check(&clean, command, None);
    assert_eq!(ran.exit.code, Some(3));
    assert_eq!(finding.summary, "exited with code 3 under gdb");
    assert!(!finding.fails_test);
    assert_eq!(std::fs::read_to_string(&ran.stdout).unwrap(), "two words\n");
    assert_eq!(std::fs::read_to_string(&ran.stderr).unwrap(), "*\n");
}

#[test]
fn a_service_stopped_by_the_host_is_not_a_crash() {
    let sleeper = Compiled::new("sleeper");
    let (ran, finding) = check(&sleeper, of(&sleeper), Some(Duration::from_millis(1500)));
    assert!(ran.exit.stopped_by_host);
    assert!(
        ran.elapsed < Duration::from_millis(3000),
        "gdb ended within the grace period: {:?}",
        ran.elapsed
    );
    assert_eq!(
        finding.summary,
        "stopped by the host under gdb, without a crash"
    );
    assert!(!finding.fails_test);
    let program = sleeper.program.to_str().unwrap();
    assert!(
        !running(program),
        "{program} is still running after gdb was stopped"
    );
}

/// Whether a live process runs `program`.
fn running(program: &str) -> bool {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|entry| std::fs::read(entry.path().join("cmdline")).ok())
        .any(|cmdline| cmdline.split(|byte| *byte == 0).next() == Some(program.as_bytes()))
}

#[test]
fn a_rust_program_exits_with_its_own_code_too() {
    let clean = Compiled::new("clean");
    let this_test = std::env::current_exe().unwrap();
    let command = CommandSpec::new(this_test.to_str().unwrap(), ["--list"]);
    let (ran, finding) = check(&clean, command, None);
    assert_eq!(ran.exit.code, Some(0), "{}", log_of(&clean));
    assert_eq!(finding.summary, "exited with code 0 under gdb");
    let listed = std::fs::read_to_string(&ran.stdout).unwrap();
    assert!(
        listed.contains("a_rust_program_exits_with_its_own_code_too: test"),
        "{listed}"
    );
}

#[test]
fn a_program_gdb_cannot_start_fails_and_leaves_the_service_output_alone() {
    let clean = Compiled::new("clean");
    let missing = clean.directory.path().join("no-such-program");
    let command = CommandSpec::new(missing.to_str().unwrap(), Vec::<String>::new());
    let (ran, finding) = check(&clean, command, None);
    assert_ne!(ran.exit.code, Some(0));
    assert_eq!(
        finding.summary,
        format!(
            "gdb could not start the program: {}: No such file or directory.",
            missing.display()
        )
    );
    assert!(finding.fails_test);
    assert_eq!(std::fs::read_to_string(&ran.stderr).unwrap(), "");
}
