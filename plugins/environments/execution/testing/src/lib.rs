//! What the execution environments' tests share: fixture programs built, wrapped commands run as the host runs them.
//!
//! - [`ServiceDir`]: a service's output directory as the host lays it out, and the
//!   wrap and findings requests on it;
//! - [`Compiled`]: a program of `tests/fixtures/defects` or `tests/fixtures/workloads`
//!   compiled into a service's directory;
//! - [`host`]: a wrapped command, its analyses and the findings, run as the host runs
//!   them;
//! - [`requests`]: requests on a service that is never run, how a service ended, and
//!   programs on a `PATH` of the test's own;
//! - [`config_schema`]: the checks every `config` schema passes;
//! - [`valgrind_reports`]: reports valgrind wrote, for the valgrind environments.

pub mod config_schema;
mod fixture;
pub mod host;
pub mod requests;
mod service_dir;
pub mod valgrind_reports;

pub use fixture::{Compiled, defect_line};
pub use service_dir::{ServiceDir, only};
