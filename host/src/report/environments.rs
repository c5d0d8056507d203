//! The network environments side by side, when a run's tests ran in more than one: how
//! many tests each ran and passed, and the median time a test took there, split into
//! the time its services ran and the host's own time around them (writing files,
//! setting the network up, readiness checks, stopping, teardown).

use std::fmt::Write;

use super::results::{RunResults, TestResult, TestStatus};

/// One environment's row.
struct Row<'a> {
    network: &'a str,
    ran: Vec<&'a TestResult>,
}

/// The markdown section, empty when the tests that ran did so in one environment.
pub fn environments_table(results: &RunResults) -> String {
    let mut rows: Vec<Row> = Vec::new();
    let ran = results.tests.iter().filter(|test| {
        !matches!(
            test.status,
            TestStatus::Skipped | TestStatus::Unsupported | TestStatus::Interrupted
        )
    });
    for test in ran {
        match rows.iter_mut().find(|row| row.network == test.network) {
            Some(row) => row.ran.push(test),
            None => rows.push(Row {
                network: &test.network,
                ran: vec![test],
            }),
        }
    }
    if rows.len() < 2 {
        return String::new();
    }
    let mut text = String::from(
        "\n## Network environments\n\n| network | tests run | passed | median test time | \
         median services time | median host time |\n|---|---|---|---|---|---|\n",
    );
    for row in &rows {
        let passed = row
            .ran
            .iter()
            .filter(|t| t.status == TestStatus::Passed)
            .count();
        let times = |of: fn(&TestResult) -> u64| median(row.ran.iter().map(|t| of(t)).collect());
        let _ = writeln!(
            text,
            "| {} | {} | {passed} | {} ms | {} ms | {} ms |",
            row.network,
            row.ran.len(),
            times(|t| t.duration_ms),
            times(|t| t.services_ms),
            times(|t| t.duration_ms.saturating_sub(t.services_ms)),
        );
    }
    text
}

/// The median of `values`, the mean of the two middle ones for an even count.
fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    let middle = values.len() / 2;
    match values.len() {
        0 => 0,
        n if n % 2 == 1 => values[middle],
        _ => (values[middle - 1] + values[middle]) / 2,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::report::RunState;

    fn test(network: &str, status: TestStatus, duration_ms: u64, services_ms: u64) -> TestResult {
        TestResult {
            name: format!("{network} test"),
            iteration: 1,
            iterations: 1,
            status,
            reason: String::new(),
            network: network.to_owned(),
            duration_ms,
            services_ms,
            directory: PathBuf::from("tests/1"),
            cell: None,
            services: Vec::new(),
        }
    }

    fn results(tests: Vec<TestResult>) -> RunResults {
        RunResults {
            experiment: "environments".to_owned(),
            run_id: "environments-1".to_owned(),
            host_version: "0".to_owned(),
            started: String::new(),
            finished: None,
            state: RunState::Finished,
            planned: tests.len(),
            tests,
            matrices: Default::default(),
        }
    }

    #[test]
    fn one_row_per_environment_with_the_median_times_of_the_tests_that_ran() {
        let table = environments_table(&results(vec![
            test("localhost", TestStatus::Passed, 300, 200),
            test("netns", TestStatus::Passed, 900, 500),
            test("localhost", TestStatus::Failed, 500, 250),
            test("localhost", TestStatus::Passed, 400, 210),
            test("shadow", TestStatus::Skipped, 0, 0),
        ]));
        assert_eq!(
            table,
            "\n## Network environments\n\n| network | tests run | passed | median test time | \
             median services time | median host time |\n|---|---|---|---|---|---|\n\
             | localhost | 3 | 2 | 400 ms | 210 ms | 190 ms |\n\
             | netns | 1 | 1 | 900 ms | 500 ms | 400 ms |\n"
        );
    }

    #[test]
    fn a_run_in_one_environment_has_no_table() {
        let table = environments_table(&results(vec![
            test("localhost", TestStatus::Passed, 300, 200),
            test("shadow", TestStatus::Skipped, 0, 0),
        ]));
        assert_eq!(table, "");
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(vec![4, 1, 3, 2]), 2);
        assert_eq!(median(vec![5]), 5);
        assert_eq!(median(Vec::new()), 0);
    }
}
