//! Execution environments end to end: the real host and plugins wrap real programs that
//! have the defect each tool looks for (a leak, a data race, a crash) or the cost it
//! measures, and the findings decide the test and land in results.json and summary.md.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, PoisonError};

use serde_json::Value;
use support::{Sandbox, fixtures, repo_root, stderr, stdout};

/// A sandbox with the workspace's plugins and the fixture that runs a named program.
fn sandbox() -> Sandbox {
    let sandbox = Sandbox::with_workspace_plugins();
    sandbox.add(&fixtures().program, "libfixture_program.so");
    sandbox
}

/// `tests/fixtures/{folder}/{name}.c`, compiled once per test binary into
/// target/fixtures/programs.
fn compiled(folder: &str, name: &str) -> PathBuf {
    static COMPILED: Mutex<BTreeMap<String, PathBuf>> = Mutex::new(BTreeMap::new());
    let mut compiled = COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
    compiled
        .entry(format!("{folder}/{name}"))
        .or_insert_with(|| {
            let root = repo_root();
            let source = root
                .join("tests/fixtures")
                .join(folder)
                .join(format!("{name}.c"));
            let programs = root.join("target/fixtures/programs");
            std::fs::create_dir_all(&programs).unwrap();
            let binary = programs.join(name);
            let output = Command::new("cc")
                .args(["-g", "-O0", "-pthread", "-o"])
                .arg(&binary)
                .arg(&source)
                .output()
                .expect("cc runs");
            assert!(output.status.success(), "{}", stderr(&output));
            binary
        })
        .clone()
}

/// One test whose client runs `program` under the execution environments `execution`.
fn experiment(name: &str, program: &Path, execution: &str) -> String {
    format!(
        r#"[experiment]
name = "{name}"

[[tests]]
name = "{name}"
timeout = "60s"

[tests.services.client]
implementation = "program"
role = "client"
execution = [{execution}]
config = {{ program = "{}" }}
"#,
        program.display()
    )
}

/// The findings of the client's execution environment `plugin`.
fn findings(test: &Value, plugin: &str) -> Vec<Value> {
    test["services"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["plugin"] == plugin)
        .cloned()
        .collect()
}

fn summaries(findings: &[Value]) -> String {
    findings
        .iter()
        .map(|f| f["summary"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn memcheck_finds_the_leak_and_fails_the_test_and_passes_a_clean_program() {
    let sandbox = sandbox();
    let leak = compiled("defects", "leak");
    let run = sandbox.run_experiment(&experiment("leak", &leak, r#"{ type = "memcheck" }"#), &[]);
    assert_eq!(run.code(), Some(1), "{}", run.printed());
    let test = run.test("leak");
    assert_eq!(test["status"], "failed", "{test:#}");
    let found = findings(&test, "memcheck");
    let text = summaries(&found);
    assert!(text.contains("leak.c:"), "{text}");
    assert!(found.iter().any(|f| f["fails_test"] == true), "{found:#?}");
    assert!(
        test["reason"].as_str().unwrap().contains("memcheck"),
        "{test:#}"
    );
    let summary = std::fs::read_to_string(run.directory().join("summary.md")).unwrap();
    assert!(summary.contains("## Findings"), "{summary}");

    let sandbox = self::sandbox();
    let clean = compiled("defects", "clean");
    let run = sandbox.run_experiment(
        &experiment("clean", &clean, r#"{ type = "memcheck" }"#),
        &[],
    );
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let test = run.test("clean");
    let found = findings(&test, "memcheck");
    assert!(!found.is_empty(), "memcheck reported nothing: {test:#}");
    assert!(found.iter().all(|f| f["fails_test"] == false), "{found:#?}");
}

#[test]
fn helgrind_finds_the_data_race() {
    let sandbox = sandbox();
    let race = compiled("defects", "race");
    let run = sandbox.run_experiment(&experiment("race", &race, r#"{ type = "helgrind" }"#), &[]);
    assert_eq!(run.code(), Some(1), "{}", run.printed());
    let test = run.test("race");
    assert_eq!(test["status"], "failed", "{test:#}");
    let text = summaries(&findings(&test, "helgrind"));
    assert!(text.contains("race.c:"), "{text}");
}

#[test]
fn gdb_leaves_the_backtrace_of_a_crash_in_the_artifacts() {
    let sandbox = sandbox();
    let segfault = compiled("defects", "segfault");
    let run = sandbox.run_experiment(&experiment("crash", &segfault, r#"{ type = "gdb" }"#), &[]);
    assert_eq!(run.code(), Some(1), "{}", run.printed());
    let test = run.test("crash");
    assert_eq!(test["status"], "failed", "{test:#}");
    let found = findings(&test, "gdb");
    let text = summaries(&found);
    assert!(text.contains("SIGSEGV"), "{text}");
    assert!(text.contains("segfault.c:"), "{text}");
    let reason = test["reason"].as_str().unwrap();
    assert!(
        reason.contains("gdb: crashed with SIGSEGV in crash_here (")
            && reason.contains("segfault.c:"),
        "{reason}"
    );
    let log = found
        .iter()
        .find_map(|f| f["file"].as_str())
        .expect("the backtrace's file");
    let backtrace = std::fs::read_to_string(run.directory().join(log)).unwrap();
    assert!(backtrace.contains("segfault.c"), "{backtrace}");
}

#[test]
fn the_profilers_and_perf_put_their_figures_in_the_results() {
    let sandbox = sandbox();
    let busy = compiled("workloads", "busy");
    let text = experiment(
        "profiled",
        &busy,
        r#"{ type = "perf" }, { type = "gperf_cpu" }"#,
    );
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let test = run.test("profiled");
    assert_eq!(test["status"], "passed", "{test:#}");
    let perf = findings(&test, "perf");
    let task_clock = perf[0]["metrics"]["task-clock"].as_f64().unwrap();
    assert!(task_clock > 300.0, "task-clock {task_clock} ms");
    let cpu = summaries(&findings(&test, "gperf_cpu"));
    assert!(cpu.contains("busy_loop"), "{cpu}");
    // perf measures the whole: it wraps the profiler's preload, although listed first.
    let plan = std::fs::read_to_string(run.directory().join("plan.json")).unwrap();
    let plan: Value = serde_json::from_str(&plan).unwrap();
    let command = &plan["tests"][0]["services"][0]["command"];
    assert_eq!(command["program"], "perf", "{command:#}");
    let args: Vec<&str> = command["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let env = args.iter().position(|a| *a == "/usr/bin/env").unwrap();
    assert_eq!(
        args[env + 1].split('=').next(),
        Some("LD_PRELOAD"),
        "{args:?}"
    );
}

#[test]
fn two_environments_that_claim_the_same_thing_are_refused_at_the_later_one() {
    let sandbox = sandbox();
    let clean = compiled("defects", "clean");
    let file = sandbox.experiment(&experiment(
        "both",
        &clean,
        r#"{ type = "memcheck" }, { type = "helgrind" }"#,
    ));
    let output = sandbox.run(&["run", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let error = stderr(&output);
    assert!(
        error.contains(
            "tests[0].services.client.execution[1].type: 'helgrind' cannot wrap a service together with 'memcheck'"
        ),
        "{error}"
    );
}

#[test]
fn a_missing_tool_is_refused_before_the_run_with_what_to_install() {
    let sandbox = sandbox();
    let clean = compiled("defects", "clean");
    let file = sandbox.experiment(&experiment(
        "missing",
        &clean,
        r#"{ type = "memcheck", program = "/nonexistent/valgrind" }"#,
    ));
    let output = sandbox.run(&["run", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let error = stderr(&output);
    assert!(error.contains("/nonexistent/valgrind"), "{error}");
    assert!(error.contains("apt-get install valgrind"), "{error}");
    assert_eq!(error.lines().count(), 1, "{error}");
}

#[test]
fn the_analysis_tools_config_runs_as_the_readme_says() {
    let sandbox = Sandbox::with_workspace_plugins();
    let text = std::fs::read_to_string(repo_root().join("configs/analysis-tools.toml")).unwrap();
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let analysed = run.test("under the analysis tools");
    assert_eq!(analysed["status"], "passed", "{analysed:#}");
    let plugins: Vec<&str> = analysed["services"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["findings"].as_array().unwrap())
        .map(|f| f["plugin"].as_str().unwrap())
        .collect();
    assert_eq!(plugins.len(), 3, "{analysed:#}");
    for plugin in ["memcheck", "perf", "strace"] {
        assert!(plugins.contains(&plugin), "{plugins:?}");
    }
}
