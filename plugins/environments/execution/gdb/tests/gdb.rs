//! gdb on real programs: defect programs of `tests/fixtures/defects` run under the
//! wrapped command exactly as the host runs it, then the finding on gdb's log.

use std::time::Duration;

use panther_execution_testing::host::{Outcome, Run, run_program_under, run_wrapped};
use panther_execution_testing::{Compiled, defect_line, only};
use panther_plugin_api::model::{CommandSpec, Finding};
use panther_plugin_gdb::Gdb;
use serde_json::Value;

/// How `program` ran under gdb, stopped by the host after `stop_after` if given, and
/// the one finding.
fn gdb(program: &Compiled, stop_after: Option<Duration>) -> (Run, Finding) {
    let Outcome { run, findings } = run_program_under(&Gdb, program, stop_after);
    (run, only(findings))
}

/// How `command` ran under gdb in the directory of `program`, and the one finding.
fn gdb_running(program: &Compiled, command: CommandSpec) -> (Run, Finding) {
    let Outcome { run, findings } =
        run_wrapped(&Gdb, &program.service, command, &Value::Null, None);
    (run, only(findings))
}

fn log_of(program: &Compiled) -> String {
    std::fs::read_to_string(program.service.artifact("gdb.log")).unwrap()
}

#[test]
fn reports_the_crash_of_segfault_c_in_its_function() {
    let segfault = Compiled::defect("segfault");
    let (ran, finding) = gdb(&segfault, None);
    assert_eq!(
        ran.exit.code,
        Some(139),
        "128 + SIGSEGV, as a shell reports it"
    );
    let line = defect_line("segfault.c", "the crash");
    assert_eq!(
        finding.summary,
        format!("crashed with SIGSEGV in crash_here (segfault.c:{line})")
    );
    assert!(finding.fails_test);
    assert_eq!(finding.metrics["signal"], "SIGSEGV");
    assert_eq!(finding.file, Some(segfault.service.artifact("gdb.log")));
    let log = log_of(&segfault);
    assert!(log.contains("Program received signal SIGSEGV"), "{log}");
    assert!(log.contains("in main () at segfault.c:"), "{log}");
    assert_eq!(std::fs::read_to_string(&ran.stdout).unwrap(), "");
}

#[test]
fn a_clean_program_exits_with_its_own_code_and_output() {
    let clean = Compiled::defect("clean");
    let (ran, finding) = gdb(&clean, None);
    assert_eq!(ran.exit.code, Some(0));
    assert_eq!(finding.summary, "exited with code 0 under gdb");
    assert!(!finding.fails_test);
    assert_eq!(std::fs::read_to_string(&ran.stdout).unwrap(), "clean\n");
    assert_eq!(std::fs::read_to_string(&ran.stderr).unwrap(), "");
}

#[test]
fn passes_the_arguments_and_the_exit_code_through() {
    let clean = Compiled::defect("clean");
    let script = "echo \"$1\"; echo \"$2\" >&2; exit 3";
    let command = CommandSpec::new("/bin/sh", ["-c", script, "sh", "two words", "*"]);
    let (ran, finding) = gdb_running(&clean, command);
    assert_eq!(ran.exit.code, Some(3));
    assert_eq!(finding.summary, "exited with code 3 under gdb");
    assert!(!finding.fails_test);
    assert_eq!(std::fs::read_to_string(&ran.stdout).unwrap(), "two words\n");
    assert_eq!(std::fs::read_to_string(&ran.stderr).unwrap(), "*\n");
}

#[test]
fn a_service_stopped_by_the_host_is_not_a_crash() {
    let sleeper = Compiled::defect("sleeper");
    let (ran, finding) = gdb(&sleeper, Some(Duration::from_millis(1500)));
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
    let clean = Compiled::defect("clean");
    let this_test = std::env::current_exe().unwrap();
    let command = CommandSpec::new(this_test.to_str().unwrap(), ["--list"]);
    let (ran, finding) = gdb_running(&clean, command);
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
    let clean = Compiled::defect("clean");
    let missing = clean.service.path().join("no-such-program");
    let command = CommandSpec::new(missing.to_str().unwrap(), Vec::<String>::new());
    let (ran, finding) = gdb_running(&clean, command);
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
