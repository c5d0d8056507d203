//! The plugin as the host uses it: wrapped commands and findings from constructed requests.

use std::path::{Path, PathBuf};

use panther_execution_testing::ServiceDir;
use panther_execution_testing::requests::{exited, stopped_by_host, wrap_request};
use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{ArtifactSpec, Finding, WrapLayer};
use serde_json::{Value, json};

use crate::GperfHeap;

/// The start of `heap.0001.heap` written at the exit of tests/fixtures/workloads/alloc.c
/// under libtcmalloc (Debian bookworm, google-perftools 2.10).
const PROFILE: &str = "\
heap profile:     65: 67112960 [    65: 67112960] @ heapprofile
    64: 67108864 [    64: 67108864] @ 0x55d4d1b271b4 0x55d4d1b27242 0x7f35e0c4524a 0x7f35e0c45305 0x55d4d1b270d1
";

/// `google-pprof --text --show_bytes alloc heap.0001.heap` on the same run.
const REPORT: &str = "\
Total: 67112960 B
67108864 100.0% 100.0% 67108864 100.0% allocate_chunks
    4096   0.0% 100.0%     4096   0.0% __GI__IO_file_doallocate
       0   0.0% 100.0%     4096   0.0% _IO_new_file_overflow
       0   0.0% 100.0% 67112960 100.0% __libc_start_call_main
       0   0.0% 100.0% 67112960 100.0% main
";

#[test]
fn preloads_tcmalloc_with_only_the_dump_at_exit() {
    let request = wrap_request(Value::Null);
    let wrapped = GperfHeap.wrap(&request).unwrap();
    assert_eq!(wrapped.command.program, "/usr/bin/env");
    assert_eq!(
        wrapped.command.args,
        [
            "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4",
            "HEAPPROFILE=/run/server/artifacts/heap",
            "HEAP_PROFILE_ALLOCATION_INTERVAL=0",
            "HEAP_PROFILE_DEALLOCATION_INTERVAL=0",
            "HEAP_PROFILE_INUSE_INTERVAL=0",
            "HEAP_PROFILE_TIME_INTERVAL=0",
            "/opt/server",
            "--port",
            "4443"
        ]
    );
    assert_eq!(wrapped.command.env, request.command.env);
    assert_eq!(wrapped.command.cwd, request.command.cwd);
    assert_eq!(
        wrapped.artifacts,
        [
            ArtifactSpec {
                name: "heap-profile".to_owned(),
                path: PathBuf::from("/run/server/artifacts/heap.0001.heap"),
            },
            ArtifactSpec {
                name: "heap-report".to_owned(),
                path: PathBuf::from("/run/server/artifacts/heap-report.txt"),
            }
        ]
    );
    let required: Vec<&Path> = wrapped.requires.iter().map(|r| r.path.as_path()).collect();
    assert_eq!(
        required,
        [
            Path::new("/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4"),
            Path::new("/usr/bin/google-pprof"),
            Path::new("/usr/bin/objdump")
        ]
    );
    assert_eq!(
        wrapped.requires[0].what,
        "tcmalloc with gperftools' heap profiler (config key `library`)"
    );
    assert_eq!(wrapped.analyses.len(), 1);
    assert_eq!(
        wrapped.analyses[0].command.args,
        [
            "--text",
            "--show_bytes",
            "/opt/server",
            "/run/server/artifacts/heap.0001.heap"
        ]
    );
    assert_eq!(
        wrapped.analyses[0].output,
        PathBuf::from("/run/server/artifacts/heap-report.txt")
    );
}

#[test]
fn takes_the_library_and_pprof_from_the_config() {
    let request = wrap_request(json!({
        "library": "/opt/gperftools/lib/libtcmalloc.so",
        "pprof": "/opt/gperftools/bin/pprof"
    }));
    let wrapped = GperfHeap.wrap(&request).unwrap();
    assert_eq!(
        wrapped.command.args[0],
        "LD_PRELOAD=/opt/gperftools/lib/libtcmalloc.so"
    );
    assert_eq!(
        wrapped.analyses[0].command.program,
        "/opt/gperftools/bin/pprof"
    );
}

#[test]
fn refuses_a_bad_config() {
    let error = GperfHeap
        .wrap(&wrap_request(
            json!({"library": "/opt/my libs/libtcmalloc.so"}),
        ))
        .unwrap_err();
    assert_eq!(
        error.message(),
        "config key `library`: '/opt/my libs/libtcmalloc.so' holds a colon or a space, which LD_PRELOAD reads as a separator; use a path without them"
    );
}

#[test]
fn reports_the_bytes_in_use_and_who_allocated_them() {
    let service = ServiceDir::new();
    std::fs::write(service.artifact("heap.0001.heap"), PROFILE).unwrap();
    let report = service.artifact("heap-report.txt");
    std::fs::write(&report, REPORT).unwrap();
    let finding = service.only_finding(&GperfHeap, exited(0), Value::Null);
    assert_eq!(
        finding,
        Finding::new(
            "heap profile at exit: 64.0 MB in use in 65 objects (64.0 MB allocated in all); top: allocate_chunks 100.0%",
            false
        )
        .with_file(report)
        .with_metric("inuse_bytes", 67_112_960)
        .with_metric("inuse_objects", 65)
        .with_metric("allocated_bytes", 67_112_960)
        .with_metric("allocated_objects", 65)
    );
}

#[test]
fn reports_the_bytes_in_use_without_a_report() {
    let service = ServiceDir::new();
    let profile = service.artifact("heap.0001.heap");
    std::fs::write(&profile, PROFILE).unwrap();
    let finding = service.only_finding(&GperfHeap, exited(0), Value::Null);
    assert_eq!(
        finding.summary,
        format!(
            "heap profile at exit: 64.0 MB in use in 65 objects (64.0 MB allocated in all); google-pprof made no report; see {}",
            service.artifact("heap-report.err").display()
        )
    );
    assert_eq!(finding.file, Some(profile));
    assert_eq!(finding.metrics["inuse_bytes"], json!(67_112_960));
}

#[test]
fn a_missing_profile_says_why() {
    let service = ServiceDir::new();
    let finding = service.only_finding(&GperfHeap, stopped_by_host(15), Value::Null);
    assert_eq!(
        finding,
        Finding::new(
            "no heap profile: gperftools writes the profile when the program exits normally, and the host stopped the service and signal 15 (SIGTERM) ended it",
            false
        )
    );
    let finding = service.only_finding(&GperfHeap, exited(0), Value::Null);
    assert_eq!(
        finding.summary,
        "no heap profile although the service exited with code 0: a statically linked or setuid program ignores LD_PRELOAD, and a program ending with `_exit` or an `exec` skips the exit handlers where gperftools writes it"
    );
}

#[test]
fn fails_without_a_profile_only_when_asked() {
    let service = ServiceDir::new();
    let asked = json!({"fail_without_profile": true});
    assert!(
        service
            .only_finding(&GperfHeap, stopped_by_host(15), asked.clone())
            .fails_test
    );
    assert!(
        !service
            .only_finding(&GperfHeap, stopped_by_host(15), Value::Null)
            .fails_test
    );
    std::fs::write(service.artifact("heap.0001.heap"), b"").unwrap();
    assert!(
        service
            .only_finding(&GperfHeap, exited(0), asked.clone())
            .fails_test
    );
    std::fs::write(service.artifact("heap.0001.heap"), PROFILE).unwrap();
    assert!(
        !service
            .only_finding(&GperfHeap, exited(0), asked)
            .fails_test
    );
}

#[test]
fn describes_an_instrumenting_environment_claiming_the_preload_and_allocator() {
    let description = GperfHeap::describe();
    assert_eq!(description.name, "gperf_heap");
    assert_eq!(description.layer, WrapLayer::Instrument);
    assert_eq!(description.claims, ["preload", "allocator"]);
    assert_eq!(
        description.config_schema["additionalProperties"],
        json!(false)
    );
}
