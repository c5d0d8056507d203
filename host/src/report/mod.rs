//! What a run leaves behind: `results.json`, `junit.xml`, `summary.md`, and the
//! terminal summary.

mod environments;
mod junit;
mod matrix;
mod results;
mod summary;

pub use junit::junit_xml;
pub use matrix::{Grid, matrix_tables, table_title};
pub use results::{
    FindingResult, RunResults, RunState, ServiceResult, TestResult, TestStatus, now_rfc3339,
    write_atomically,
};
pub use summary::{counts, markdown, terminal};
