//! The human summary: `summary.md` in the results directory (with a client x server
//! table for matrix runs) and a few lines on the terminal.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::results::{RunResults, TestResult, TestStatus};

fn mark(status: TestStatus) -> &'static str {
    match status {
        TestStatus::Passed => "✅",
        TestStatus::Failed => "❌",
        TestStatus::Unsupported => "➖",
        TestStatus::Error => "⚠️",
        TestStatus::Interrupted => "⏹",
    }
}

/// How many tests ended with each status, as "3 passed, 1 failed".
pub fn counts(results: &RunResults) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for test in &results.tests {
        *counts.entry(test.status.as_str()).or_default() += 1;
    }
    let order = ["passed", "failed", "unsupported", "error", "interrupted"];
    let parts: Vec<String> = order
        .iter()
        .filter_map(|s| counts.get(s).map(|n| format!("{n} {s}")))
        .collect();
    if parts.is_empty() {
        "no test ran".to_owned()
    } else {
        parts.join(", ")
    }
}

fn iteration_label(test: &TestResult) -> String {
    format!("{}/{}", test.iteration, test.iterations)
}

/// The markdown summary.
pub fn markdown(results: &RunResults) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "# {}: run {}\n", results.experiment, results.run_id);
    let _ = writeln!(
        text,
        "{} of {} planned test iteration(s): {}.\n",
        results.tests.len(),
        results.planned,
        counts(results)
    );
    let _ = writeln!(text, "| | test | iteration | reason | outputs |");
    let _ = writeln!(text, "|---|---|---|---|---|");
    for test in &results.tests {
        let _ = writeln!(
            text,
            "| {} {} | {} | {} | {} | [{}]({}) |",
            mark(test.status),
            test.status.as_str(),
            escape(&test.name),
            iteration_label(test),
            escape(&test.reason),
            test.directory.display(),
            test.directory.display()
        );
    }
    text.push_str(&matrix_tables(results));
    text
}

/// One client x server table per matrix and test case: rows are clients, columns
/// servers; a cell shows the worst status over iterations and links to the outputs.
fn matrix_tables(results: &RunResults) -> String {
    let mut grids: BTreeMap<(String, String), Vec<&TestResult>> = BTreeMap::new();
    for test in &results.tests {
        if let Some(cell) = &test.cell {
            let case = cell.test_case.clone().unwrap_or_default();
            grids
                .entry((cell.matrix.clone(), case))
                .or_default()
                .push(test);
        }
    }
    let mut text = String::new();
    for ((matrix, case), tests) in grids {
        let servers: BTreeSet<&str> = tests
            .iter()
            .filter_map(|t| t.cell.as_ref())
            .map(|c| c.server.as_str())
            .collect();
        let clients: BTreeSet<&str> = tests
            .iter()
            .filter_map(|t| t.cell.as_ref())
            .map(|c| c.client.as_str())
            .collect();
        let title = if case.is_empty() {
            matrix.clone()
        } else {
            format!("{matrix}: {case}")
        };
        let _ = writeln!(text, "\n## {}\n", escape(&title));
        let _ = write!(text, "| client \\ server |");
        for server in &servers {
            let _ = write!(text, " {server} |");
        }
        let _ = write!(text, "\n|---|");
        for _ in &servers {
            text.push_str("---|");
        }
        text.push('\n');
        for client in &clients {
            let _ = write!(text, "| **{client}** |");
            for server in &servers {
                let cell = tests
                    .iter()
                    .filter(|t| {
                        t.cell
                            .as_ref()
                            .is_some_and(|c| c.client == *client && c.server == *server)
                    })
                    .max_by_key(|t| severity(t.status));
                match cell {
                    Some(t) => {
                        let _ = write!(
                            text,
                            " [{} {}]({}) |",
                            mark(t.status),
                            t.status.as_str(),
                            t.directory.display()
                        );
                    }
                    None => text.push_str(" |"),
                }
            }
            text.push('\n');
        }
    }
    text
}

fn severity(status: TestStatus) -> u8 {
    match status {
        TestStatus::Passed => 0,
        TestStatus::Unsupported => 1,
        TestStatus::Interrupted => 2,
        TestStatus::Error => 3,
        TestStatus::Failed => 4,
    }
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The lines printed on the terminal at the end of a run.
pub fn terminal(results: &RunResults, run_directory: &std::path::Path) -> String {
    let mut text = String::new();
    for test in &results.tests {
        let iteration = if test.iterations > 1 {
            format!(" ({})", iteration_label(test))
        } else {
            String::new()
        };
        let _ = writeln!(
            text,
            "{:<11} {}{iteration}: {}",
            test.status.as_str().to_uppercase(),
            test.name,
            test.reason
        );
    }
    let _ = writeln!(text, "\n{}", counts(results));
    let _ = writeln!(text, "results: {}", run_directory.display());
    text
}
