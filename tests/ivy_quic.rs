//! PANTHER's QUIC Ivy tests end to end: the real host, the ivy plugin and its runner,
//! PANTHER's QUIC models (installed by the project) and the pinned picotls (built by
//! `scripts/build-stacks`), against the project's QUIC stacks: the tester playing the
//! server of quinn's and picoquic's clients, the client of picoquic's server and of a
//! deliberately broken aioquic server. Its own test binary, so that its compiling (half
//! a minute of g++ per test) never runs beside the timing-sensitive minip tests.

mod support;

use std::sync::Mutex;

use support::{Sandbox, artifact_json, repo_root};

/// Held by each test while it runs: two tests compiling the same Ivy test at once
/// would both compile it.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A sandbox with the workspace's plugins, the pinned stacks and the user's cache of
/// compiled Ivy tests (the same tests compile once for every test here and the suite).
fn sandbox() -> Sandbox {
    assert!(
        repo_root().join(".venv/share/panther-ivy/quic").exists(),
        "PANTHER's QUIC Ivy models are missing: run scripts/install-python-packages (scripts/test does)"
    );
    let sandbox = Sandbox::with_workspace_plugins()
        .with_stack_builds()
        .with_ivy_cache();
    // picotls has no plugin: a missing build is refused by the tester's plan, with the
    // command that builds it.
    sandbox.require_stack_builds(&["picoquic@rfc9000"]);
    sandbox
}

#[test]
fn the_client_stream_test_completes_against_quinn_s_and_picoquic_s_clients() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let sandbox = sandbox();
    let test = |client: &str, config: &str| {
        format!(
            r#"
[[tests]]
name = "{client} client"
timeout = "300s"
test_case = "handshake"

[tests.services.tester]
implementation = "ivy"
role = "server"
protocol = "quic"
config = {{ test = "quic_client_test_stream" }}

[tests.services.client]
implementation = "{client}"
role = "client"
target = "tester"
config = {{ {config} }}
"#
        )
    };
    // quinn's own initial connection ids are 20 bytes; the models hold 16 at most.
    let text = format!(
        "[experiment]\nname = \"ivy quic client tests\"\n{}{}",
        test("quinn", "initial_dcid_length = 8"),
        test("picoquic", "")
    );
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    for client in ["quinn", "picoquic"] {
        let test = run.test(&format!("{client} client"));
        assert_eq!(test["status"], "passed", "{test:#}");
        let verdict = artifact_json(run.directory(), &test, "tester", "verdict.json");
        assert_eq!(verdict["kind"], "test_completed", "{verdict:#}");
        assert_eq!(verdict["test"], "quic_client_test_stream", "{verdict:#}");
        let events = &verdict["events"];
        assert!(
            events["frame.stream.handle"].as_u64().unwrap_or(0) > 0,
            "the client asked and the tester answered: {verdict:#}"
        );
    }
}

#[test]
fn the_server_stream_test_completes_against_picoquic_s_server() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let sandbox = sandbox();
    let text = r#"[experiment]
name = "ivy quic server test"

[[tests]]
name = "picoquic server"
timeout = "300s"
test_case = "handshake"

[tests.services.server]
implementation = "picoquic"
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
    let test = run.test("picoquic server");
    assert_eq!(test["status"], "passed", "{test:#}");
    let verdict = artifact_json(run.directory(), &test, "tester", "verdict.json");
    assert_eq!(verdict["kind"], "test_completed", "{verdict:#}");
    assert_eq!(verdict["test"], "quic_server_test_stream", "{verdict:#}");
}

/// An aioquic server that advertises `ack_delay_exponent` 21, which RFC 9000 (section
/// 18.2) calls invalid: the project's aioquic endpoint with that one value changed.
const BROKEN_AIOQUIC: &str = r#"
import runpy, sys
from aioquic.quic import connection

endpoint = sys.argv.pop(1)
original = connection.QuicConnection.__init__

def broken(self, *args, **kwargs):
    original(self, *args, **kwargs)
    self._local_ack_delay_exponent = 21

connection.QuicConnection.__init__ = broken
sys.argv[0] = endpoint
runpy.run_path(endpoint, run_name="__main__")
"#;

#[test]
fn a_server_with_an_invalid_transport_parameter_is_non_compliant_at_the_rule_it_breaks() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let sandbox = sandbox();
    let script = sandbox.path().join("broken_aioquic.py");
    std::fs::write(&script, BROKEN_AIOQUIC).unwrap();
    let python = sandbox.plugins().join("aioquic/venv/bin/python");
    let wrapper = sandbox.path().join("broken-aioquic");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec {} {} \"$@\"\n",
            python.display(),
            script.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let endpoint = sandbox.plugins().join("aioquic/endpoint.py");
    let text = format!(
        r#"[experiment]
name = "ivy quic broken server"

[[tests]]
name = "broken aioquic server"
timeout = "300s"
test_case = "handshake"

[tests.services.server]
implementation = "aioquic"
role = "server"
config = {{ script = "{script}", python = "{python}" }}

[tests.services.tester]
implementation = "ivy"
role = "client"
protocol = "quic"
target = "server"
config = {{ request_path = "/handshake-1.bin" }}
"#,
        script = endpoint.display(),
        python = wrapper.display()
    );
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(1), "{}", run.printed());
    let test = run.test("broken aioquic server");
    assert_eq!(test["status"], "failed", "{test:#}");
    let verdict = artifact_json(run.directory(), &test, "tester", "verdict.json");
    assert_eq!(verdict["kind"], "assumption_failed", "{verdict:#}");
    assert_eq!(verdict["location"], "quic_packet.ivy:1593", "{verdict:#}");
    assert!(
        verdict["source_line"]
            .as_str()
            .unwrap()
            .contains("ack_delay_exponent"),
        "{verdict:#}"
    );
    let reason = test["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("tester: non-compliant: quic_packet.ivy:1593"),
        "{reason}"
    );
}

#[test]
fn an_unknown_quic_test_is_refused_with_the_tests_there_are() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let sandbox = sandbox();
    let text = r#"[experiment]
name = "ivy quic unknown"

[[tests]]
name = "a test the models lack"
test_case = "handshake"

[tests.services.server]
implementation = "quinn"
role = "server"

[tests.services.tester]
implementation = "ivy"
role = "client"
protocol = "quic"
target = "server"
config = { test = "quic_server_test_nothing" }
"#;
    let file = sandbox.experiment(text);
    let output = sandbox.run(&["run", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let error = support::stderr(&output);
    let lines: Vec<&str> = error.lines().collect();
    assert_eq!(lines.len(), 2, "{error}");
    assert!(
        lines[1].ends_with("1 problem(s); nothing was run"),
        "{error}"
    );
    let refused = lines[0];
    assert!(
        refused.contains("experiment.toml:17:19: tests[0].services.tester.config.test: ")
            && refused.contains("no test 'quic_server_test_nothing'"),
        "{refused}"
    );
    assert!(
        refused.contains("quic_server_test_stream, ") && refused.contains("quic_server_test_max"),
        "{refused}"
    );
    assert!(
        !refused.contains("quic_server_test_0rtt, ")
            && refused.contains("that do not compile from the installed models"),
        "the tests that do not compile are counted, not listed: {refused}"
    );
    assert!(!sandbox.path().join("results").exists());
}
