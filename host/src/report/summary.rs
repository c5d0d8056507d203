//! The human summary: `summary.md` in the results directory (with the network
//! environments side by side when there are several, and a client x server table for
//! matrix runs) and a few lines on the terminal.

use std::collections::{BTreeMap, BTreeSet};

use super::environments::environments_table;
use super::matrix::table_title;
use std::fmt::Write;

use super::results::{RunResults, TestResult, TestStatus};

fn mark(status: TestStatus) -> &'static str {
    match status {
        TestStatus::Passed => "✅",
        TestStatus::Failed => "❌",
        TestStatus::Unsupported => "➖",
        TestStatus::Skipped => "⏭",
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
    let order = [
        "passed",
        "failed",
        "unsupported",
        "skipped",
        "error",
        "interrupted",
    ];
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
    text.push_str(&environments_table(results));
    text.push_str(&findings(results));
    text.push_str(&matrix_tables(results));
    text
}

/// What the execution environments found, test by test, with links to the files that
/// show it.
fn findings(results: &RunResults) -> String {
    let mut rows = String::new();
    for test in &results.tests {
        for service in &test.services {
            for found in &service.findings {
                let file = found
                    .finding
                    .file
                    .as_ref()
                    .map(|f| {
                        let shown = f.strip_prefix(&test.directory).unwrap_or(f).display();
                        format!("[{shown}]({})", f.display())
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    rows,
                    "| {} | {} {} | {} | {} | {} | {file} |",
                    if found.finding.fails_test {
                        "❌"
                    } else {
                        "ℹ️"
                    },
                    escape(&test.name),
                    iteration_label(test),
                    service.name,
                    found.plugin,
                    escape(&found.finding.summary),
                );
            }
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    format!(
        "\n## Findings\n\n| | test | service | by | finding | file |\n|---|---|---|---|---|---|\n{rows}"
    )
}

/// One client x server table per matrix and test case: rows are clients, columns
/// servers (for a swept matrix: rows are the values, columns the implementations they
/// ran against); a cell shows the worst status over iterations and links to its
/// outputs.
fn matrix_tables(results: &RunResults) -> String {
    let mut text = String::new();
    for (title, grid) in &results.matrices {
        let servers: BTreeSet<&String> = grid.values().flat_map(|row| row.keys()).collect();
        let cells = || {
            results
                .tests
                .iter()
                .filter_map(|t| t.cell.as_ref().map(|c| (t, c)))
                .filter(|(_, c)| table_title(c) == *title)
        };
        let axes = cells()
            .next()
            .map_or_else(|| "client \\ server".to_owned(), |(_, c)| c.axes());
        let _ = writeln!(text, "\n## {}\n", escape(title));
        let _ = write!(text, "| {} |", escape(&axes));
        for server in &servers {
            let _ = write!(text, " {server} |");
        }
        let _ = write!(text, "\n|---|");
        for _ in &servers {
            text.push_str("---|");
        }
        text.push('\n');
        for (client, row) in grid {
            let _ = write!(text, "| **{client}** |");
            for server in &servers {
                let Some(status) = row.get(*server) else {
                    text.push_str(" |");
                    continue;
                };
                let outputs = cells()
                    .find(|(t, c)| {
                        t.status == *status && c.row() == client && c.column() == server.as_str()
                    })
                    .map(|(t, _)| t.directory.display().to_string())
                    .unwrap_or_default();
                let _ = write!(
                    text,
                    " [{} {}]({outputs}) |",
                    mark(*status),
                    status.as_str()
                );
            }
            text.push('\n');
        }
    }
    text
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
