//! Memcheck on real programs: each defect program of `tests/fixtures/defects` run
//! under the wrapped command exactly as the host runs it, then the findings on what
//! valgrind wrote.

use std::path::PathBuf;
use std::time::Duration;

use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{CommandSpec, Finding, FindingsRequest, WrapRequest};
use panther_plugin_memcheck::Memcheck;
use panther_valgrind::testing::{Compiled, Run, line_of, run};
use serde_json::{Value, json};

/// Runs `command` under memcheck configured with `config`, in the directory of
/// `program`, stopped by the host after `stop_after` if given, and returns how it
/// ended and the findings.
fn check(
    program: &Compiled,
    command: CommandSpec,
    config: Value,
    stop_after: Option<Duration>,
) -> (Run, Vec<Finding>) {
    let artifacts_dir = program.artifacts_dir();
    let wrapped = Memcheck
        .wrap(&WrapRequest {
            service: "server".to_owned(),
            command,
            artifacts_dir: artifacts_dir.clone(),
            config: config.clone(),
            plugin_dir: PathBuf::new(),
        })
        .unwrap();
    let ran = run(&wrapped.command, program.directory.path(), stop_after);
    let findings = Memcheck
        .findings(&FindingsRequest {
            service: "server".to_owned(),
            artifacts_dir,
            exit: ran.exit.clone(),
            config,
            stdout: ran.stdout.clone(),
            stderr: ran.stderr.clone(),
        })
        .unwrap()
        .findings;
    eprintln!("{:.2} s: {findings:#?}", ran.elapsed.as_secs_f64());
    (ran, findings)
}

fn of(program: &Compiled) -> CommandSpec {
    CommandSpec::new(program.program.to_str().unwrap(), Vec::<String>::new())
}

#[test]
fn finds_the_leak_of_leak_c_where_it_was_allocated() {
    let leak = Compiled::new("leak");
    let (ran, findings) = check(&leak, of(&leak), Value::Null, None);
    assert_eq!(
        ran.exit.code,
        Some(0),
        "memcheck keeps the program's exit status"
    );
    let line = line_of("leak.c", "the lost block");
    let lost = &findings[0];
    assert_eq!(
        lost.summary,
        format!(
            "Leak_DefinitelyLost: 64 bytes in 1 blocks are definitely lost in loss record 1 of 1 (leak.c:{line} in make_leak)"
        )
    );
    assert!(lost.fails_test);
    let report = lost.file.as_ref().unwrap();
    assert!(report.starts_with(leak.artifacts_dir()), "{report:?}");
    let summary = findings.last().unwrap();
    assert_eq!(summary.metrics["errors"], 1);
    assert_eq!(summary.metrics["Leak_DefinitelyLost"], 1);
    assert_eq!(summary.metrics["leaked_bytes"], 64);
    assert_eq!(findings.len(), 2);
}

#[test]
fn finds_nothing_in_clean_c() {
    let clean = Compiled::new("clean");
    let (ran, findings) = check(&clean, of(&clean), Value::Null, None);
    assert_eq!(ran.exit.code, Some(0));
    assert_eq!(std::fs::read_to_string(&ran.stdout).unwrap(), "clean\n");
    let program = clean.program.display();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        findings[0].summary,
        format!("1 process checked ({program}): no errors")
    );
    assert!(!findings[0].fails_test);
    assert_eq!(findings[0].metrics["errors"], 0);
}

#[test]
fn a_service_stopped_by_the_host_still_has_its_leak_found() {
    let sleeper = Compiled::new("sleeper");
    let (ran, findings) = check(
        &sleeper,
        of(&sleeper),
        Value::Null,
        Some(Duration::from_millis(1500)),
    );
    assert!(ran.exit.stopped_by_host);
    assert_eq!(
        ran.exit.signal,
        Some(15),
        "valgrind ends as the program would, by SIGTERM"
    );
    assert!(
        ran.elapsed < Duration::from_millis(3000),
        "valgrind wrote its leak check within the grace period: {:?}",
        ran.elapsed
    );
    let line = line_of("sleeper.c", "the lost block");
    let summaries: Vec<&str> = findings.iter().map(|f| f.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            format!(
                "Leak_DefinitelyLost: 32 bytes in 1 blocks are definitely lost in loss record 1 of 1 (sleeper.c:{line} in make_leak)"
            )
            .as_str(),
            format!(
                "1 process checked ({}): 1 error (Leak_DefinitelyLost 1), 32 bytes leaked",
                sleeper.program.display()
            )
            .as_str()
        ]
    );
    assert!(findings[0].fails_test);
}

#[test]
fn a_program_valgrind_cannot_start_fails_with_where_to_look() {
    let clean = Compiled::new("clean");
    let missing = clean.directory.path().join("no-such-program");
    let (ran, findings) = check(
        &clean,
        CommandSpec::new(missing.to_str().unwrap(), Vec::<String>::new()),
        Value::Null,
        None,
    );
    assert_eq!(ran.exit.code, Some(127));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].fails_test);
    assert!(
        findings[0]
            .summary
            .starts_with("valgrind wrote no memcheck report"),
        "{}",
        findings[0].summary
    );
    assert_eq!(findings[0].file.as_ref(), Some(&ran.stderr));
    let said = std::fs::read_to_string(&ran.stderr).unwrap();
    assert!(said.contains("No such file or directory"), "{said}");
}

#[test]
fn follows_the_programs_a_script_runs_when_told_to() {
    let leak = Compiled::new("leak");
    let clean = Compiled::new("clean");
    let script = format!("{}; {}", leak.program.display(), clean.program.display());
    let (ran, findings) = check(
        &leak,
        CommandSpec::new("/bin/sh", ["-c", script.as_str()]),
        json!({"trace_children": true}),
        None,
    );
    assert_eq!(ran.exit.code, Some(0));
    let line = line_of("leak.c", "the lost block");
    assert!(
        findings[0]
            .summary
            .ends_with(&format!("(leak.c:{line} in make_leak)")),
        "{findings:?}"
    );
    let summary = findings.last().unwrap();
    assert_eq!(
        summary.summary,
        format!(
            "3 processes checked (/bin/sh, {}, {}): 1 error (Leak_DefinitelyLost 1), 64 bytes leaked",
            leak.program.display(),
            clean.program.display()
        )
    );
    assert_eq!(summary.file.as_ref(), Some(&leak.artifacts_dir()));
}
