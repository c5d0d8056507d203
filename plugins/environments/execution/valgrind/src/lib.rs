//! What the valgrind execution environments share: the command line and the XML report.
//!
//! The memcheck and helgrind environments run the service's program under
//! `valgrind --tool=TOOL --xml=yes`, one XML report per process in the artifacts
//! directory, and turn the reports into findings: one per kind of error, with where
//! the first one happened, and a summary with the figures.

mod command;
mod findings;
mod options;
mod report;
mod stack;

pub use command::wrap;
pub use findings::findings;
pub use options::{Options, schema};

/// A valgrind tool as an environment runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tool {
    /// Its name, for `--tool` and for the names of its files (`memcheck`).
    pub name: &'static str,
    /// Whether it reports leaks, whose bytes the findings add up.
    pub reports_leaks: bool,
}

/// What a valgrind environment takes for itself on a service: it runs the program on
/// valgrind's synthetic CPU, with valgrind's allocator and preloaded libraries.
pub const CLAIMS: [&str; 3] = ["instrumenter", "allocator", "preload"];
