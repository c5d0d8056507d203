//! The client x server table of each matrix and test case (for a matrix that sweeps a
//! config key: its values x the implementations they ran against), as results.json and
//! summary.md show it: a cell holds the worst status over the test's iterations.

use std::collections::BTreeMap;

use super::results::{TestResult, TestStatus};
use crate::experiment::MatrixCell;

/// Status by row (client, or swept value), then by column (server, or the
/// implementation the swept one ran against).
pub type Grid = BTreeMap<String, BTreeMap<String, TestStatus>>;

/// How bad a status is, to keep the worst of several iterations.
fn severity(status: TestStatus) -> u8 {
    match status {
        TestStatus::Passed => 0,
        TestStatus::Unsupported => 1,
        TestStatus::Skipped => 2,
        TestStatus::Interrupted => 3,
        TestStatus::Error => 4,
        TestStatus::Failed => 5,
    }
}

/// The name of the table a matrix cell belongs to: `"MATRIX"` or `"MATRIX: CASE"`.
pub fn table_title(cell: &MatrixCell) -> String {
    match &cell.test_case {
        Some(case) => format!("{}: {case}", cell.matrix),
        None => cell.matrix.clone(),
    }
}

/// One grid per matrix and test case, keyed `"MATRIX"` or `"MATRIX: CASE"`.
pub fn matrix_tables(tests: &[TestResult]) -> BTreeMap<String, Grid> {
    let mut tables: BTreeMap<String, Grid> = BTreeMap::new();
    for test in tests {
        let Some(cell) = &test.cell else {
            continue;
        };
        let slot = tables
            .entry(table_title(cell))
            .or_default()
            .entry(cell.row().to_owned())
            .or_default()
            .entry(cell.column().to_owned())
            .or_insert(test.status);
        if severity(test.status) > severity(*slot) {
            *slot = test.status;
        }
    }
    tables
}
