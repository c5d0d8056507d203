//! The heap profiler on a real program: tcmalloc preloaded through the wrapped command,
//! google-pprof's report, and the findings on both.

use std::time::Duration;

use panther_execution_testing::host::{Outcome, run_wrapped};
use panther_execution_testing::{Compiled, only};
use panther_plugin_api::model::Finding;
use panther_plugin_gperf_heap::GperfHeap;
use serde_json::Value;

/// The bytes alloc.c allocates and keeps.
const KEPT: u64 = 64 * 1024 * 1024;

/// How `alloc ARGS` ran under the heap profiler, stopped by the host after
/// `stop_after` if given, and what the profiler found.
fn profile(alloc: &Compiled, args: &[&str], stop_after: Option<Duration>) -> Outcome {
    run_wrapped(
        &GperfHeap,
        &alloc.service,
        alloc.command(args),
        &Value::Null,
        stop_after,
    )
}

#[test]
fn finds_the_allocating_function_and_the_bytes_it_kept() {
    let alloc = Compiled::workload("alloc");
    let Outcome { run, findings } = profile(&alloc, &[], None);
    assert_eq!(run.exit.code, Some(0));
    let dumps: Vec<String> = std::fs::read_dir(alloc.service.artifacts_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".heap"))
        .collect();
    assert_eq!(dumps, ["heap.0001.heap"]);
    let finding = only(findings);
    assert!(
        finding
            .summary
            .starts_with("heap profile at exit: 64.0 MB in use")
            && finding.summary.contains("; top: allocate_chunks "),
        "{}",
        finding.summary
    );
    assert!(!finding.fails_test);
    let in_use = finding.metrics["inuse_bytes"].as_u64().unwrap();
    assert!(
        (KEPT..KEPT + 1024 * 1024).contains(&in_use),
        "{in_use} bytes in use"
    );
    assert_eq!(
        finding.file,
        Some(alloc.service.artifact("heap-report.txt"))
    );
}

#[test]
fn a_program_stopped_with_sigterm_writes_no_profile() {
    let alloc = Compiled::workload("alloc");
    let Outcome { run, findings } = profile(&alloc, &["30"], Some(Duration::from_millis(700)));
    assert_eq!(run.exit.signal, Some(15));
    let said = std::fs::read_to_string(&run.stdout).unwrap();
    assert_eq!(
        said, "allocated 64 MB\n",
        "it allocated before it was stopped"
    );
    assert!(!alloc.service.artifact("heap.0001.heap").exists());
    assert_eq!(
        only(findings),
        Finding::new(
            "no heap profile: gperftools writes the profile when the program exits normally, and the host stopped the service and signal 15 (SIGTERM) ended it",
            false
        )
    );
}
