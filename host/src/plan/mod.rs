//! Planning a run: what every test iteration will start, where, in which order.

mod failure;
mod model;
mod planner;
mod ports;
mod preflight;
mod probes;

pub use model::{NotRun, NotRunStatus, RunPlan, ServiceLaunch, TestPlan, Wrapping};
pub use planner::{plan_run, slug};
pub use ports::PortAllocator;
pub use preflight::{check_programs, find_program};
pub use probes::skip_failed_probes;
