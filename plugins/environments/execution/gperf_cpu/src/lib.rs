//! The gperf_cpu execution environment: google-perftools' CPU profiler.
//!
//! Starts the service's program as `/usr/bin/env LD_PRELOAD=libprofiler.so.0
//! CPUPROFILE={artifacts}/cpu.prof CPUPROFILE_FREQUENCY=N PROGRAM ARGS...`, so that
//! only the program is profiled and not the tools wrapped around it; once the service
//! stopped, `google-pprof --text PROGRAM cpu.prof` writes `cpu-report.txt`, and the
//! finding names the functions that took the most samples.
//!
//! gperftools writes the profile when the program exits normally. A program killed
//! by a signal, the host's SIGTERM included, leaves the file it opened at start empty;
//! `CPUPROFILESIGNAL` does not help, as it only turns profiling on and off. So a
//! server profiles only if it exits by itself on SIGTERM. A child process the
//! program starts writes its own profile, `cpu.prof_PID`.

mod config;
mod samples;

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
use samples::Samples;

/// The profile gperftools writes in the artifacts directory.
const PROFILE_NAME: &str = "cpu.prof";
/// The text report google-pprof makes of it.
const REPORT_NAME: &str = "cpu-report.txt";

/// The component this library exports.
pub struct GperfCpu;

impl ExecutionEnvironment for GperfCpu {
    fn describe() -> Description {
        Description {
            name: "gperf_cpu".to_owned(),
            description: "profiles the CPU time of a service's program with google-perftools (libprofiler preloaded) and reports its busiest functions".to_owned(),
            config_schema: config::schema(),
            layer: WrapLayer::Instrument,
            claims: vec!["preload".to_owned()],
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(GperfCpu)
    }

    fn wrap(&self, request: &WrapRequest) -> Result<WrappedCommand, PluginError> {
        let config = Config::parse(&request.config)?;
        let profile = request.artifacts_dir.join(PROFILE_NAME);
        let report = request.artifacts_dir.join(REPORT_NAME);
        let command = preloaded(
            &request.command,
            &config.library,
            &[
                ("CPUPROFILE", path_argument(&profile)?),
                ("CPUPROFILE_FREQUENCY", config.frequency.to_string()),
            ],
        )?;
        Ok(WrappedCommand {
            artifacts: vec![
                ArtifactSpec {
                    name: "cpu-profile".to_owned(),
                    path: profile.clone(),
                },
                ArtifactSpec {
                    name: "cpu-report".to_owned(),
                    path: report.clone(),
                },
            ],
            requires: requirements(&config.library, "gperftools' CPU profiler", &config.pprof),
            analyses: vec![report_analysis(
                &config.pprof,
                &[],
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
            ProfileFile::Written(bytes) => {
                written(&profile, &bytes, &report, &request.exit, missing)
            }
            ProfileFile::Empty => {
                Finding::new(why_empty(&request.exit), missing).with_file(profile)
            }
            ProfileFile::Missing => Finding::new(
                format!(
                    "no cpu profile: the profiler never started in the program ({PRELOAD_IGNORED}); {}",
                    ending(&request.exit)
                ),
                missing,
            ),
            ProfileFile::Unreadable(error) => Finding::new(
                format!("cannot read the cpu profile {}: {error}", profile.display()),
                missing,
            ),
        };
        Ok(ExecutionFindings {
            findings: vec![finding],
        })
    }
}

/// The finding on the profile written to `profile`, `bytes`: its samples, and the
/// busiest functions from the report when google-pprof made one.
fn written(profile: &Path, bytes: &[u8], report: &Path, exit: &ExitInfo, missing: bool) -> Finding {
    let Some(samples) = Samples::read(bytes) else {
        let why = if killed(exit) {
            format!("{WRITTEN_AT_EXIT}, and {}", ending(exit))
        } else {
            format!(
                "{} bytes that are not a whole gperftools profile",
                bytes.len()
            )
        };
        return Finding::new(format!("the cpu profile is incomplete: {why}"), missing)
            .with_file(profile);
    };
    let finding = if samples.count == 0 {
        Finding::new(
            format!(
                "cpu profile: 0 samples; the program used less CPU time than one sample takes ({} ms)",
                samples.period_us / 1000
            ),
            false,
        )
        .with_file(profile)
    } else {
        match TextReport::read(report) {
            Ok(parsed) => Finding::new(
                format!(
                    "cpu profile: {} samples; top: {}",
                    samples.count,
                    parsed.top(TOP_FUNCTIONS)
                ),
                false,
            )
            .with_file(report),
            Err(errors) => Finding::new(
                format!(
                    "cpu profile: {} samples; google-pprof made no report, see {}",
                    samples.count,
                    errors.display()
                ),
                false,
            )
            .with_file(profile),
        }
    };
    finding.with_metric("samples", samples.count)
}

/// Why the profile is empty, from how the service ended.
fn why_empty(exit: &ExitInfo) -> String {
    if killed(exit) {
        format!(
            "the cpu profile is empty: {WRITTEN_AT_EXIT}, and {}",
            ending(exit)
        )
    } else {
        format!(
            "the cpu profile is empty although {}: {EXIT_HANDLERS_SKIPPED}",
            ending(exit)
        )
    }
}

export_plugin!(execution_environment: GperfCpu);

#[cfg(test)]
mod tests;
