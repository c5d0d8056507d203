//! Helgrind on real programs: defect programs of `tests/fixtures/defects` run under
//! the wrapped command exactly as the host runs it, then the findings on what valgrind
//! wrote.

use std::path::PathBuf;

use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{CommandSpec, Finding, FindingsRequest, WrapRequest};
use panther_plugin_helgrind::Helgrind;
use panther_valgrind::testing::{Compiled, Run, line_of, run};
use serde_json::Value;

/// Runs the compiled program under helgrind and returns how it ended and the findings.
fn check(program: &Compiled) -> (Run, Vec<Finding>) {
    let artifacts_dir = program.artifacts_dir();
    let command = CommandSpec::new(program.program.to_str().unwrap(), Vec::<String>::new());
    let wrapped = Helgrind
        .wrap(&WrapRequest {
            service: "server".to_owned(),
            command,
            artifacts_dir: artifacts_dir.clone(),
            config: Value::Null,
            plugin_dir: PathBuf::new(),
        })
        .unwrap();
    let ran = run(&wrapped.command, program.directory.path(), None);
    let findings = Helgrind
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
    eprintln!("{:.2} s: {findings:#?}", ran.elapsed.as_secs_f64());
    (ran, findings)
}

#[test]
fn finds_the_race_of_race_c_where_it_happens() {
    let race = Compiled::new("race");
    let (ran, findings) = check(&race);
    assert_eq!(
        ran.exit.code,
        Some(0),
        "helgrind keeps the program's exit status"
    );
    let line = line_of("race.c", "the race");
    let found = &findings[0];
    assert!(
        found.summary.starts_with("Race (")
            && found.summary.contains("Possible data race during ")
            && found
                .summary
                .ends_with(&format!(" (race.c:{line} in increment)")),
        "{}",
        found.summary
    );
    assert!(found.fails_test);
    let summary = findings.last().unwrap();
    assert!(
        summary.metrics["Race"].as_u64().unwrap() >= 1,
        "{summary:?}"
    );
    assert_eq!(summary.metrics["errors"], summary.metrics["Race"]);
    assert_eq!(findings.len(), 2, "{findings:?}");
}

#[test]
fn finds_nothing_in_clean_c() {
    let clean = Compiled::new("clean");
    let (ran, findings) = check(&clean);
    assert_eq!(ran.exit.code, Some(0));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        findings[0].summary,
        format!("1 process checked ({}): no errors", clean.program.display())
    );
    assert!(!findings[0].fails_test);
}
