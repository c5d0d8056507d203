//! The gperf_heap execution environment: google-perftools' heap profiler.
//!
//! Starts the service's program as `/usr/bin/env LD_PRELOAD=libtcmalloc.so.4
//! HEAPPROFILE={artifacts}/heap HEAP_PROFILE_*_INTERVAL=0... PROGRAM ARGS...`, so that
//! only the program is profiled and not the tools wrapped around it; once the service
//! stopped, `google-pprof --text --show_bytes PROGRAM heap.0001.heap` writes
//! `heap-report.txt` (in bytes, so that a small heap does not read 0.0 MB), and
//! the finding gives the bytes in use at exit and the functions that allocated them.
//!
//! gperftools numbers its dumps (`heap.0001.heap`, `heap.0002.heap`...) and writes
//! one whenever an interval is crossed (by default every 1 GB allocated and every
//! 100 MB more in use) and one at exit. Every interval is turned off here, so the one
//! dump is the one at exit and its name is known before the run: `heap.0001.heap`.
//! A program killed by a signal, the host's SIGTERM included, writes no heap profile
//! at all; so a server profiles only if it exits by itself on SIGTERM.

mod config;
mod header;

use std::path::Path;

use panther_gperf::exit::{
    EXIT_HANDLERS_SKIPPED, PRELOAD_IGNORED, WRITTEN_AT_EXIT, ending, killed,
};
use panther_gperf::pprof::{TOP_FUNCTIONS, TextReport, report_analysis};
use panther_gperf::preload::preloaded;
use panther_gperf::profile::ProfileFile;
use panther_gperf::requirements::requirements;
use panther_plugin_api::model::{
    ArtifactSpec, Description, ExecutionFindings, ExitInfo, Finding, FindingsRequest, WrapLayer,
    WrapRequest, WrappedCommand, path_argument,
};
use panther_plugin_api::{ExecutionEnvironment, PluginError, export_plugin};

use config::Config;
use header::{HeapTotals, size};

/// The prefix of the profiles gperftools writes in the artifacts directory.
const PROFILE_PREFIX: &str = "heap";
/// The one profile it writes, at exit, with every interval off.
const PROFILE_NAME: &str = "heap.0001.heap";
/// The text report google-pprof makes of it.
const REPORT_NAME: &str = "heap-report.txt";
/// The variables that would make gperftools write a profile before the exit, each
/// set to 0 (off).
const INTERVALS: [&str; 4] = [
    "HEAP_PROFILE_ALLOCATION_INTERVAL",
    "HEAP_PROFILE_DEALLOCATION_INTERVAL",
    "HEAP_PROFILE_INUSE_INTERVAL",
    "HEAP_PROFILE_TIME_INTERVAL",
];

/// The component this library exports.
pub struct GperfHeap;

impl ExecutionEnvironment for GperfHeap {
    fn describe() -> Description {
        Description {
            name: "gperf_heap".to_owned(),
            description: "profiles the heap of a service's program with google-perftools (tcmalloc preloaded) and reports what is in use at exit and who allocated it".to_owned(),
            config_schema: config::schema(),
            layer: WrapLayer::Instrument,
            claims: vec!["preload".to_owned(), "allocator".to_owned()],
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(GperfHeap)
    }

    fn wrap(&self, request: &WrapRequest) -> Result<WrappedCommand, PluginError> {
        let config = Config::parse(&request.config)?;
        let prefix = request.artifacts_dir.join(PROFILE_PREFIX);
        let profile = request.artifacts_dir.join(PROFILE_NAME);
        let report = request.artifacts_dir.join(REPORT_NAME);
        let mut variables = vec![("HEAPPROFILE", path_argument(&prefix)?)];
        variables.extend(INTERVALS.iter().map(|name| (*name, "0".to_owned())));
        let command = preloaded(&request.command, &config.library, &variables)?;
        Ok(WrappedCommand {
            artifacts: vec![
                ArtifactSpec {
                    name: "heap-profile".to_owned(),
                    path: profile.clone(),
                },
                ArtifactSpec {
                    name: "heap-report".to_owned(),
                    path: report.clone(),
                },
            ],
            requires: requirements(
                &config.library,
                "tcmalloc with gperftools' heap profiler",
                &config.pprof,
            ),
            analyses: vec![report_analysis(
                &config.pprof,
                &["--show_bytes"],
                &request.command,
                &profile,
                &report,
            )?],
            ..WrappedCommand::new(command)
        })
    }

    fn findings(&self, request: &FindingsRequest) -> Result<ExecutionFindings, PluginError> {
        let config = Config::parse(&request.config)?;
        let profile = request.artifacts_dir.join(PROFILE_NAME);
        let report = request.artifacts_dir.join(REPORT_NAME);
        let missing = config.fail_without_profile;
        let finding = match ProfileFile::read(&profile) {
            ProfileFile::Written(bytes) => reported(&profile, &bytes, &report),
            ProfileFile::Missing => {
                Finding::new(why_absent("no heap profile", &request.exit), missing)
            }
            ProfileFile::Empty => Finding::new(
                why_absent("the heap profile is empty", &request.exit),
                missing,
            )
            .with_file(profile),
            ProfileFile::Unreadable(error) => Finding::new(
                format!(
                    "cannot read the heap profile {}: {error}",
                    profile.display()
                ),
                missing,
            ),
        };
        Ok(ExecutionFindings {
            findings: vec![finding],
        })
    }
}

/// The finding on the profile written to `profile`, `bytes`: the bytes in use from its
/// header, the functions that allocated them from the report when google-pprof made
/// one.
fn reported(profile: &Path, bytes: &[u8], report: &Path) -> Finding {
    let totals = HeapTotals::parse(&String::from_utf8_lossy(bytes));
    let in_use = match totals {
        Some(totals) => format!(
            "{} in use in {} objects ({} allocated in all)",
            size(totals.inuse_bytes),
            totals.inuse_objects,
            size(totals.allocated_bytes)
        ),
        None => format!("{PROFILE_NAME} has no `heap profile:` header"),
    };
    let (top, file) = match TextReport::read(report) {
        Ok(parsed) => (format!("top: {}", parsed.top(TOP_FUNCTIONS)), report),
        Err(errors) => (
            format!("google-pprof made no report; see {}", errors.display()),
            profile,
        ),
    };
    let finding =
        Finding::new(format!("heap profile at exit: {in_use}; {top}"), false).with_file(file);
    match totals {
        Some(totals) => finding
            .with_metric("inuse_bytes", totals.inuse_bytes)
            .with_metric("inuse_objects", totals.inuse_objects)
            .with_metric("allocated_bytes", totals.allocated_bytes)
            .with_metric("allocated_objects", totals.allocated_objects),
        None => finding,
    }
}

/// Why there is no profile (`what` says how it is missing), from how the service
/// ended.
fn why_absent(what: &str, exit: &ExitInfo) -> String {
    if killed(exit) {
        format!("{what}: {WRITTEN_AT_EXIT}, and {}", ending(exit))
    } else {
        format!(
            "{what} although {}: {PRELOAD_IGNORED}, and {EXIT_HANDLERS_SKIPPED}",
            ending(exit)
        )
    }
}

export_plugin!(execution_environment: GperfHeap);

#[cfg(test)]
mod tests;
