//! The plugin as the host uses it: wrapped commands and findings from constructed requests.

use std::path::{Path, PathBuf};

use panther_execution_testing::ServiceDir;
use panther_execution_testing::requests::{exited, stopped_by_host, wrap_request};
use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{ArtifactSpec, Finding, WrapLayer};
use serde_json::{Value, json};

use crate::GperfCpu;
use crate::samples::tests::{profile_without_samples, real_profile};

/// `google-pprof --text busy cpu.prof` on the profile `real_profile` gives.
const REPORT: &str = "\
Total: 9 samples
       9 100.0% 100.0%        9 100.0% busy_loop
";

#[test]
fn preloads_the_profiler_into_the_program_alone() {
    let request = wrap_request(Value::Null);
    let wrapped = GperfCpu.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "/usr/bin/env");
    assert_eq!(
        wrapped.command.args,
        [
            "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libprofiler.so.0",
            "CPUPROFILE=/run/server/artifacts/cpu.prof",
            "CPUPROFILE_FREQUENCY=100",
            "/opt/server",
            "--port",
            "4443"
        ]
    );
    assert_eq!(wrapped.command.env, request.command.env);
    assert!(!wrapped.command.env.contains_key("LD_PRELOAD"));
    assert_eq!(wrapped.command.cwd, request.command.cwd);
    assert_eq!(
        wrapped.artifacts,
        [
            ArtifactSpec {
                name: "cpu-profile".to_owned(),
                path: PathBuf::from("/run/server/artifacts/cpu.prof"),
            },
            ArtifactSpec {
                name: "cpu-report".to_owned(),
                path: PathBuf::from("/run/server/artifacts/cpu-report.txt"),
            }
        ]
    );
    let required: Vec<&Path> = wrapped.requires.iter().map(|r| r.path.as_path()).collect();
    assert_eq!(
        required,
        [
            Path::new("/usr/lib/x86_64-linux-gnu/libprofiler.so.0"),
            Path::new("/usr/bin/google-pprof"),
            Path::new("/usr/bin/objdump")
        ]
    );
    assert_eq!(wrapped.analyses.len(), 1);
    let analysis = &wrapped.analyses[0];
    assert_eq!(analysis.command.program, "/usr/bin/google-pprof");
    assert_eq!(
        analysis.command.args,
        ["--text", "/opt/server", "/run/server/artifacts/cpu.prof"]
    );
    assert_eq!(analysis.command.cwd, request.command.cwd);
    assert_eq!(
        analysis.output,
        PathBuf::from("/run/server/artifacts/cpu-report.txt")
    );
}

#[test]
fn takes_the_library_frequency_and_pprof_from_the_config() {
    let request = wrap_request(json!({
        "library": "/opt/gperftools/lib/libprofiler.so",
        "frequency": 250,
        "pprof": "/opt/gperftools/bin/pprof"
    }));
    let wrapped = GperfCpu.wrap(&request).unwrap();
    assert_eq!(
        wrapped.command.args[..3],
        [
            "LD_PRELOAD=/opt/gperftools/lib/libprofiler.so",
            "CPUPROFILE=/run/server/artifacts/cpu.prof",
            "CPUPROFILE_FREQUENCY=250"
        ]
    );
    assert_eq!(
        wrapped.requires[0].path,
        PathBuf::from("/opt/gperftools/lib/libprofiler.so")
    );
    assert_eq!(
        wrapped.requires[1].path,
        PathBuf::from("/opt/gperftools/bin/pprof")
    );
    assert_eq!(
        wrapped.analyses[0].command.program,
        "/opt/gperftools/bin/pprof"
    );
}

#[test]
fn refuses_a_bad_config() {
    let error = GperfCpu
        .wrap(&wrap_request(json!({"frequency": 0})))
        .unwrap_err();
    assert_eq!(
        error.message(),
        "config key `frequency`: 0 is out of range; write a number of samples per second from 1 to 4000"
    );
}

#[test]
fn names_the_busiest_functions_of_the_report() {
    let service = ServiceDir::new();
    std::fs::write(service.artifact("cpu.prof"), real_profile()).unwrap();
    let report = service.artifact("cpu-report.txt");
    std::fs::write(&report, REPORT).unwrap();
    let finding = service.only_finding(&GperfCpu, exited(0), Value::Null);
    assert_eq!(
        finding,
        Finding {
            summary: "cpu profile: 9 samples; top: busy_loop 100.0%".to_owned(),
            file: Some(report),
            fails_test: false,
            metrics: [("samples".to_owned(), json!(9))].into(),
        }
    );
}

#[test]
fn counts_the_samples_when_pprof_made_no_report() {
    let service = ServiceDir::new();
    let profile = service.artifact("cpu.prof");
    std::fs::write(&profile, real_profile()).unwrap();
    let finding = service.only_finding(&GperfCpu, exited(0), Value::Null);
    assert_eq!(
        finding.summary,
        format!(
            "cpu profile: 9 samples; google-pprof made no report, see {}",
            service.artifact("cpu-report.err").display()
        )
    );
    assert_eq!(finding.file, Some(profile));
    assert_eq!(finding.metrics["samples"], json!(9));
    assert!(!finding.fails_test);
}

#[test]
fn says_when_the_program_took_no_sample() {
    let service = ServiceDir::new();
    std::fs::write(service.artifact("cpu.prof"), profile_without_samples()).unwrap();
    std::fs::write(service.artifact("cpu-report.txt"), b"").unwrap();
    let finding = service.only_finding(&GperfCpu, exited(0), Value::Null);
    assert_eq!(
        finding.summary,
        "cpu profile: 0 samples; the program used less CPU time than one sample takes (10 ms)"
    );
    assert_eq!(finding.metrics["samples"], json!(0));
    assert!(!finding.fails_test);
}

#[test]
fn says_when_the_profile_is_incomplete() {
    let service = ServiceDir::new();
    let cut = &real_profile()[..100];
    std::fs::write(service.artifact("cpu.prof"), cut).unwrap();
    let finding = service.only_finding(&GperfCpu, stopped_by_host(15), Value::Null);
    assert_eq!(
        finding.summary,
        "the cpu profile is incomplete: gperftools writes the profile when the program exits normally, and the host stopped the service and signal 15 (SIGTERM) ended it"
    );
    let finding = service.only_finding(&GperfCpu, exited(0), json!({"fail_without_profile": true}));
    assert_eq!(
        finding.summary,
        "the cpu profile is incomplete: 100 bytes that are not a whole gperftools profile"
    );
    assert!(finding.fails_test);
}

#[test]
fn an_empty_profile_says_the_service_was_killed() {
    let service = ServiceDir::new();
    let profile = service.artifact("cpu.prof");
    std::fs::write(&profile, b"").unwrap();
    let finding = service.only_finding(&GperfCpu, stopped_by_host(15), Value::Null);
    assert_eq!(
        finding,
        Finding::new(
            "the cpu profile is empty: gperftools writes the profile when the program exits normally, and the host stopped the service and signal 15 (SIGTERM) ended it",
            false
        )
        .with_file(&profile)
    );
    let finding = service.only_finding(&GperfCpu, exited(0), Value::Null);
    assert_eq!(
        finding.summary,
        "the cpu profile is empty although the service exited with code 0: a program ending with `_exit` or an `exec` skips the exit handlers where gperftools writes it"
    );
}

#[test]
fn a_missing_profile_says_the_profiler_never_started() {
    let service = ServiceDir::new();
    let finding = service.only_finding(&GperfCpu, exited(0), Value::Null);
    assert_eq!(
        finding,
        Finding::new(
            "no cpu profile: the profiler never started in the program (a statically linked or setuid program ignores LD_PRELOAD); the service exited with code 0",
            false
        )
    );
}

#[test]
fn fails_without_a_profile_only_when_asked() {
    let service = ServiceDir::new();
    let asked = json!({"fail_without_profile": true});
    assert!(
        service
            .only_finding(&GperfCpu, exited(0), asked.clone())
            .fails_test
    );
    std::fs::write(service.artifact("cpu.prof"), b"").unwrap();
    assert!(
        service
            .only_finding(&GperfCpu, stopped_by_host(15), asked.clone())
            .fails_test
    );
    assert!(
        !service
            .only_finding(&GperfCpu, stopped_by_host(15), Value::Null)
            .fails_test
    );
    std::fs::write(service.artifact("cpu.prof"), real_profile()).unwrap();
    assert!(!service.only_finding(&GperfCpu, exited(0), asked).fails_test);
}

#[test]
fn describes_an_instrumenting_environment_claiming_the_preload() {
    let description = GperfCpu::describe();
    assert_eq!(description.name, "gperf_cpu");
    assert_eq!(description.layer, WrapLayer::Instrument);
    assert_eq!(description.claims, ["preload"]);
    assert!(description.protocols.is_empty() && description.roles.is_empty());
    assert_eq!(
        description.config_schema["additionalProperties"],
        json!(false)
    );
}
