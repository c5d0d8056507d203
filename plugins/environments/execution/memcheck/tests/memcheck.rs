//! Memcheck on real programs: each defect program of `tests/fixtures/defects` run
//! under the wrapped command exactly as the host runs it, then the findings on what
//! valgrind wrote.

use std::time::Duration;

use panther_execution_testing::host::{Outcome, run_program_under, run_wrapped};
use panther_execution_testing::{Compiled, defect_line};
use panther_plugin_api::model::CommandSpec;
use panther_plugin_memcheck::Memcheck;
use serde_json::{Value, json};

#[test]
fn finds_the_leak_of_leak_c_where_it_was_allocated() {
    let leak = Compiled::defect("leak");
    let Outcome { run: ran, findings } = run_program_under(&Memcheck, &leak, None);
    assert_eq!(
        ran.exit.code,
        Some(0),
        "memcheck keeps the program's exit status"
    );
    let line = defect_line("leak.c", "the lost block");
    let lost = &findings[0];
    assert_eq!(
        lost.summary,
        format!(
            "Leak_DefinitelyLost: 64 bytes in 1 blocks are definitely lost in loss record 1 of 1 (leak.c:{line} in make_leak)"
        )
    );
    assert!(lost.fails_test);
    let report = lost.file.as_ref().unwrap();
    assert!(
        report.starts_with(leak.service.artifacts_dir()),
        "{report:?}"
    );
    let summary = findings.last().unwrap();
    assert_eq!(summary.metrics["errors"], 1);
    assert_eq!(summary.metrics["Leak_DefinitelyLost"], 1);
    assert_eq!(summary.metrics["leaked_bytes"], 64);
    assert_eq!(findings.len(), 2);
}

#[test]
fn finds_nothing_in_clean_c() {
    let clean = Compiled::defect("clean");
    let Outcome { run: ran, findings } = run_program_under(&Memcheck, &clean, None);
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
    let sleeper = Compiled::defect("sleeper");
    let Outcome { run: ran, findings } =
        run_program_under(&Memcheck, &sleeper, Some(Duration::from_millis(1500)));
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
    let line = defect_line("sleeper.c", "the lost block");
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
    let clean = Compiled::defect("clean");
    let missing = clean.service.path().join("no-such-program");
    let Outcome { run: ran, findings } = run_wrapped(
        &Memcheck,
        &clean.service,
        CommandSpec::new(missing.to_str().unwrap(), Vec::<String>::new()),
        &Value::Null,
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
    let leak = Compiled::defect("leak");
    let clean = Compiled::defect("clean");
    let script = format!("{}; {}", leak.program.display(), clean.program.display());
    let Outcome { run: ran, findings } = run_wrapped(
        &Memcheck,
        &leak.service,
        CommandSpec::new("/bin/sh", ["-c", script.as_str()]),
        &json!({"trace_children": true}),
        None,
    );
    assert_eq!(ran.exit.code, Some(0));
    let line = defect_line("leak.c", "the lost block");
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
    assert_eq!(summary.file.as_ref(), Some(&leak.service.artifacts_dir()));
}
