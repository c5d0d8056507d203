//! Helgrind on real programs: defect programs of `tests/fixtures/defects` run under
//! the wrapped command exactly as the host runs it, then the findings on what valgrind
//! wrote.

use panther_execution_testing::host::{Outcome, run_program_under};
use panther_execution_testing::{Compiled, defect_line};
use panther_plugin_helgrind::Helgrind;

#[test]
fn finds_the_race_of_race_c_where_it_happens() {
    let race = Compiled::defect("race");
    let Outcome { run: ran, findings } = run_program_under(&Helgrind, &race, None);
    assert_eq!(
        ran.exit.code,
        Some(0),
        "helgrind keeps the program's exit status"
    );
    let line = defect_line("race.c", "the race");
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
    let clean = Compiled::defect("clean");
    let Outcome { run: ran, findings } = run_program_under(&Helgrind, &clean, None);
    assert_eq!(ran.exit.code, Some(0));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        findings[0].summary,
        format!("1 process checked ({}): no errors", clean.program.display())
    );
    assert!(!findings[0].fails_test);
}
