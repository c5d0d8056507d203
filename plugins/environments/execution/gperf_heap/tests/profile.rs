//! The heap profiler on a real program: tcmalloc preloaded through the wrapped command,
//! google-pprof's report, and the findings on both.

mod host;

use std::path::Path;
use std::time::Duration;

use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{
    CommandSpec, ExitInfo, Finding, FindingsRequest, WrapRequest, WrappedCommand,
};
use panther_plugin_gperf_heap::GperfHeap;
use serde_json::Value;

/// The bytes alloc.c allocates and keeps.
const KEPT: u64 = 64 * 1024 * 1024;

/// Wraps `alloc ARGS` as the host would, with the artifacts in `directory/artifacts`.
fn wrap_alloc(args: &[&str], directory: &Path) -> WrappedCommand {
    let alloc = host::workload("alloc", directory);
    let mut command = CommandSpec::new(alloc.to_str().unwrap(), args.iter().copied());
    command.cwd = Some(directory.to_path_buf());
    let artifacts_dir = directory.join("artifacts");
    std::fs::create_dir_all(&artifacts_dir).unwrap();
    GperfHeap
        .wrap(&WrapRequest {
            service: "alloc".to_owned(),
            command,
            artifacts_dir,
            config: Value::Null,
            plugin_dir: directory.to_path_buf(),
        })
        .unwrap()
}

fn findings(directory: &Path, exit: ExitInfo) -> Finding {
    let mut found = GperfHeap
        .findings(&FindingsRequest {
            service: "alloc".to_owned(),
            artifacts_dir: directory.join("artifacts"),
            exit,
            config: Value::Null,
            stdout: directory.join("stdout.log"),
            stderr: directory.join("stderr.log"),
        })
        .unwrap()
        .findings;
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

#[test]
fn finds_the_allocating_function_and_the_bytes_it_kept() {
    let directory = tempfile::tempdir().unwrap();
    let wrapped = wrap_alloc(&[], directory.path());
    let exit = host::run(&wrapped.command, directory.path());
    assert_eq!(exit.code, Some(0));
    host::analyse(&wrapped.analyses);
    let dumps: Vec<String> = std::fs::read_dir(directory.path().join("artifacts"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".heap"))
        .collect();
    assert_eq!(dumps, ["heap.0001.heap"]);
    let finding = findings(directory.path(), exit);
    eprintln!("{}", finding.summary);
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
        finding.file.as_deref(),
        Some(directory.path().join("artifacts/heap-report.txt").as_path())
    );
}

#[test]
fn a_program_stopped_with_sigterm_writes_no_profile() {
    let directory = tempfile::tempdir().unwrap();
    let wrapped = wrap_alloc(&["30"], directory.path());
    let child = host::start(&wrapped.command, directory.path());
    let exit = host::stop_after(child, Duration::from_millis(700));
    assert_eq!(exit.signal, Some(15));
    let said = std::fs::read_to_string(directory.path().join("stdout.log")).unwrap();
    assert_eq!(
        said, "allocated 64 MB\n",
        "it allocated before it was stopped"
    );
    host::analyse(&wrapped.analyses);
    assert!(!directory.path().join("artifacts/heap.0001.heap").exists());
    let finding = findings(directory.path(), exit);
    assert_eq!(
        finding,
        Finding::new(
            "no heap profile: gperftools writes the profile when the program exits normally, and the host stopped the service and signal 15 (SIGTERM) ended it",
            false
        )
    );
}
