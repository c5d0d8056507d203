//! What the google-perftools execution environments (`gperf_cpu`, `gperf_heap`) share.
//!
//! Both preload one of gperftools' libraries into the service's program through the
//! `env` program, so that the library and its variables reach that program alone and
//! not the tools wrapped around it later; both turn the profile into a text report
//! with `google-pprof --text` once the service stopped, and read that report for
//! their findings.
//!
//! gperftools writes a profile when the program exits normally: a program killed by
//! a signal (the host stops a service with SIGTERM) leaves an empty CPU profile and
//! no heap profile at all.

pub mod exit;
pub mod pprof;
pub mod preload;
pub mod profile;
pub mod program;
pub mod requirements;
pub mod settings;
