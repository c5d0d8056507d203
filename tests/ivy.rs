//! The Ivy formal tester end to end: the real host, the ivy plugin and its runner,
//! the Ivy compiler from the project's venv, and our minip specification compiled into
//! testers that play against the real ping_pong endpoints.

mod support;

use support::{Sandbox, artifact_json, repo_root};

fn sandbox() -> Sandbox {
    assert!(
        repo_root().join(".venv/bin/ivyc").exists(),
        "the Ivy compiler is missing: run scripts/install-python-packages (scripts/test does)"
    );
    Sandbox::with_workspace_plugins()
}

/// One test: the Ivy tester playing the client against a ping_pong server of
/// `variant`, with the tester's extra settings `tester`.
fn server_test(name: &str, variant: &str, tester: &str) -> String {
    format!(
        r#"
[[tests]]
name = "{name}"
timeout = "60s"

[tests.services.server]
implementation = "ping_pong"
role = "server"
config = {{ variant = "{variant}" }}

[tests.services.tester]
implementation = "ivy"
role = "client"
target = "server"
config = {{ iterations = 100{tester} }}
"#
    )
}

fn experiment(tests: &[String]) -> String {
    format!("[experiment]\nname = \"ivy\"\n{}", tests.concat())
}

#[test]
fn the_server_test_passes_a_functional_server_and_finds_a_failing_one_non_compliant() {
    let sandbox = sandbox();
    let text = experiment(&[
        server_test("functional", "functional", ""),
        server_test("fail", "fail", ""),
    ]);
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(1), "{}", run.printed());

    let functional = run.test("functional");
    assert_eq!(functional["status"], "passed", "{functional:#}");
    let reason = functional["reason"].as_str().unwrap();
    assert!(reason.starts_with("tester: no violation found"), "{reason}");

    let fail = run.test("fail");
    assert_eq!(fail["status"], "failed", "{fail:#}");
    let reason = fail["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("tester: non-compliant: minip.ivy:"),
        "{reason}"
    );
    let verdict = artifact_json(run.directory(), &fail, "tester", "verdict.json");
    assert_eq!(verdict["kind"], "assumption_failed", "{verdict:#}");
    // The first test compiled the tester, the second took it from the cache.
    let first = artifact_json(run.directory(), &functional, "tester", "verdict.json");
    assert_eq!(first["cached"], false, "{first:#}");
    assert_eq!(verdict["cached"], true, "{verdict:#}");
    let log = run
        .directory()
        .join(fail["directory"].as_str().unwrap())
        .join("tester/artifacts/ivy.log");
    assert!(
        std::fs::metadata(&log).unwrap().len() > 0,
        "{}",
        log.display()
    );
}

/// The tester must answer within `timeout_ms - margin_ms`: generous timings keep a
/// machine busy with other tests from making it late.
#[test]
fn the_client_test_passes_a_functional_client() {
    let sandbox = sandbox();
    let text = r#"[experiment]
name = "ivy client"

[[tests]]
name = "client test"
timeout = "60s"

[tests.services.tester]
implementation = "ivy"
role = "server"
config = { timeout_ms = 2000, quiet_ms = 2500 }

[tests.services.client]
implementation = "ping_pong"
role = "client"
target = "tester"
config = { pings = 20, timeout_ms = 2000 }
"#;
    let run = sandbox.run_experiment(text, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let test = run.test("client test");
    assert_eq!(test["status"], "passed", "{test:#}");
    assert!(
        test["reason"]
            .as_str()
            .unwrap()
            .contains("tester: no violation found"),
        "{test:#}"
    );
}

#[test]
fn a_specification_that_does_not_compile_gives_a_compile_failure_with_the_message() {
    let sandbox = sandbox();
    let spec = sandbox.path().join("broken-spec");
    std::fs::create_dir(&spec).unwrap();
    let shipped = repo_root().join("plugins/services/testers/ivy/specs/minip");
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), spec.join(entry.file_name())).unwrap();
    }
    let minip = spec.join("minip.ivy");
    let text = std::fs::read_to_string(&minip).unwrap();
    std::fs::write(
        &minip,
        format!("{text}\naction broken(x:bool) = {{ x := \n"),
    )
    .unwrap();
    let tester = format!(", spec_dir = \"{}\"", spec.display());
    let run = sandbox.run_experiment(
        &experiment(&[server_test("broken", "functional", &tester)]),
        &[],
    );
    assert_eq!(run.code(), Some(1), "{}", run.printed());
    let test = run.test("broken");
    assert_eq!(test["status"], "error", "{test:#}");
    let reason = test["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("tester: the Ivy test did not compile: "),
        "{reason}"
    );
    assert!(reason.contains("minip.ivy"), "{reason}");
    assert_eq!(
        artifact_json(run.directory(), &test, "tester", "verdict.json")["kind"],
        "compile_failed"
    );
}
