//! PANTHER's QUIC Ivy server tests end to end: the real host, the ivy plugin and its
//! runner, PANTHER's QUIC models and the ms-ivy wheel's picotls installed by the
//! project, against the project's quinn endpoint. Its own test binary, so that its
//! compilation (a minute of g++) never runs beside the timing-sensitive minip tests.

mod support;

use support::{Sandbox, artifact_json, repo_root};

fn sandbox() -> Sandbox {
    assert!(
        repo_root().join(".venv/share/panther-ivy/picotls").exists(),
        "PANTHER's QUIC Ivy models or picotls are missing: run scripts/install-python-packages (scripts/test does)"
    );
    Sandbox::with_workspace_plugins()
}

#[test]
fn panthers_quic_stream_server_test_passes_against_quinn() {
    let sandbox = sandbox();
    let text = r#"[experiment]
name = "ivy quic"

[[tests]]
name = "quinn under the QUIC stream test"
timeout = "300s"
test_case = "handshake"

[tests.services.server]
implementation = "quinn"
role = "server"

[tests.services.tester]
implementation = "ivy"
role = "client"
protocol = "quic"
target = "server"
config = { request_path = "/handshake-1.bin" }
"#;
    let run = sandbox.run_experiment(text, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let test = run.test("quinn under the QUIC stream test");
    assert_eq!(test["status"], "passed", "{test:#}");
    let verdict = artifact_json(run.directory(), &test, "tester", "verdict.json");
    assert_eq!(verdict["kind"], "test_completed", "{verdict:#}");
    assert_eq!(verdict["test"], "quic_server_test_stream", "{verdict:#}");
}

#[test]
fn a_quic_client_test_is_refused_before_anything_runs_with_why() {
    let sandbox = sandbox();
    let text = r#"[experiment]
name = "ivy quic client"

[[tests]]
name = "quinn client"
test_case = "handshake"

[tests.services.tester]
implementation = "ivy"
role = "server"
protocol = "quic"

[tests.services.client]
implementation = "quinn"
role = "client"
target = "tester"
"#;
    let file = sandbox.experiment(text);
    let output = sandbox.run(&["run", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let error = support::stderr(&output);
    assert!(error.contains("picotls"), "{error}");
    assert_eq!(error.lines().count(), 1, "{error}");
}
