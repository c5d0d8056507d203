//! `junit.xml`, for CI systems: one test case per test iteration.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::results::{RunResults, TestStatus};

/// The run as a JUnit XML report.
pub fn junit_xml(results: &RunResults) -> Result<String, quick_junit::SerializeError> {
    let mut suite = TestSuite::new(results.experiment.as_str());
    for test in &results.tests {
        let mut status = match test.status {
            TestStatus::Passed => TestCaseStatus::success(),
            TestStatus::Failed => TestCaseStatus::non_success(NonSuccessKind::Failure),
            TestStatus::Error | TestStatus::Interrupted => {
                TestCaseStatus::non_success(NonSuccessKind::Error)
            }
            TestStatus::Unsupported | TestStatus::Skipped => TestCaseStatus::skipped(),
        };
        if test.status != TestStatus::Passed {
            status.set_message(format!("{}: {}", test.status.as_str(), test.reason));
        }
        let name = if test.iterations > 1 {
            format!(
                "{} (iteration {}/{})",
                test.name, test.iteration, test.iterations
            )
        } else {
            test.name.clone()
        };
        let mut case = TestCase::new(name, status);
        case.set_classname(results.experiment.as_str());
        case.set_time(Duration::from_millis(test.duration_ms));
        case.set_system_out(format!("outputs: {}", test.directory.display()));
        suite.add_test_case(case);
    }
    let mut report = Report::new(results.experiment.as_str());
    report.add_test_suite(suite);
    report.to_string()
}
