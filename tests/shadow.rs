//! The shadow network environment end to end: the real host and plugins, and the Shadow
//! simulator built from its pinned sources (`scripts/build-stacks shadow`, which the
//! test command runs first), one simulated host per service. Round trips take the
//! configured latency in simulated time, QUIC stacks transfer files with their wire
//! checks reading Shadow's captures, a seed gives the same run twice, and what Shadow
//! cannot run is reported in its own words.

mod support;

use std::path::Path;

use support::{Sandbox, assert_fails_as_on_localhost, failing_server_test, service};

/// The Shadow build and the picoquic builds for Shadow these tests run.
const BUILDS: [&str; 3] = [
    "shadow@3.3.0",
    "picoquic_shadow@rfc9000",
    "picoquic_shadow@latest",
];

/// A sandbox with the workspace's plugins and the pinned builds.
fn sandbox() -> Sandbox {
    let sandbox = Sandbox::with_workspace_plugins().with_stack_builds();
    sandbox.require_stack_builds(&BUILDS);
    sandbox
}

/// The file of artifact `name` of a service's result, in the run directory `run`.
fn artifact(run: &Path, service: &serde_json::Value, name: &str) -> std::path::PathBuf {
    let artifacts = service["artifacts"].as_array().unwrap();
    let artifact = artifacts
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("no artifact '{name}' in {service:#}"));
    run.join(artifact["path"].as_str().unwrap())
}

/// Each packet of a pcap file as (seconds, microseconds, length on the wire), from
/// its record headers.
fn packets(pcap: &Path) -> Vec<(u32, u32, u32)> {
    let bytes = std::fs::read(pcap).unwrap_or_else(|e| panic!("{}: {e}", pcap.display()));
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!(
        word(0),
        0xa1b2_c3d4,
        "{}: not a little-endian pcap",
        pcap.display()
    );
    let mut packets = Vec::new();
    let mut at = 24;
    while at + 16 <= bytes.len() {
        let captured = word(at + 8) as usize;
        packets.push((word(at), word(at + 4), word(at + 12)));
        at += 16 + captured;
    }
    packets
}

#[test]
fn ping_pong_over_a_50_ms_link_takes_100_ms_of_simulated_time_per_round_trip() {
    let sandbox = sandbox();
    let text = r#"[experiment]
name = "shadow-ping"

[[tests]]
name = "ping_pong"
network = { type = "shadow", latency = "50ms" }
timeout = "30s"

[tests.services.server]
implementation = "ping_pong"
role = "server"
config = { min_delay_ms = 0 }

[tests.services.client]
implementation = "ping_pong"
role = "client"
target = "server"
config = { pings = 5, min_delay_ms = 0, timeout_ms = 1000 }
"#;
    let run = sandbox.run_experiment(text, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let test = run.test("ping_pong");
    assert_eq!(test["status"], "passed", "{test:#}");
    assert_eq!(test["network"], "shadow");
    let client = service(&test, "client");
    let metrics = &client["verdict"]["metrics"];
    assert_eq!(metrics["pongs_ok"], 5, "{client:#}");
    // 50 ms each way, and nothing else takes simulated time.
    assert_eq!(metrics["median_round_trip_ms"], 100, "{client:#}");
    let printed =
        std::fs::read_to_string(run.directory().join(client["stdout"].as_str().unwrap())).unwrap();
    assert_eq!(printed.matches("round trip 100 ms").count(), 5, "{printed}");
    // Each host's directory lands in its service's artifacts: Shadow's log of its
    // processes, and its capture, ten datagrams on the client's host.
    let host = artifact(run.directory(), client, "shadow-host");
    let logs: Vec<String> = std::fs::read_dir(&host)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        logs.iter().any(|name| name.ends_with(".shimlog")),
        "{logs:?}"
    );
    let capture = artifact(run.directory(), client, "link-capture");
    assert_eq!(packets(&capture).len(), 10);
    let iteration = run.directory().join(test["directory"].as_str().unwrap());
    let left = std::fs::read_dir(iteration.join("shadow.data/hosts")).unwrap();
    assert_eq!(left.count(), 0, "every host directory moved to its service");
}

#[test]
fn picoquic_for_shadow_transfers_resumes_and_sends_0rtt_with_its_wire_checks() {
    let sandbox = sandbox();
    let text = r#"[experiment]
name = "shadow-quic"

[[matrix]]
name = "latest"
servers = ["picoquic_shadow", "aioquic"]
clients = ["picoquic_shadow", "aioquic"]
testcases = ["transfer"]
network = { type = "shadow", latency = "10ms" }
timeout = "30s"

[matrix.config.picoquic_shadow]
version = "latest"

[[matrix]]
name = "rfc9000"
servers = ["picoquic_shadow"]
clients = ["aioquic"]
testcases = ["handshake"]
network = { type = "shadow", latency = "10ms" }
timeout = "30s"

[[matrix]]
name = "two connections"
servers = ["picoquic_shadow"]
clients = ["picoquic_shadow"]
testcases = ["resumption", "zerortt"]
network = { type = "shadow", latency = "10ms" }
timeout = "30s"

[matrix.config.picoquic_shadow]
version = "latest"
"#;
    let run = sandbox.run_experiment(text, &["--jobs", "2"]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let results = run.results();
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 7);
    for test in tests {
        let reason = test["reason"].as_str().unwrap();
        assert_eq!(test["status"], "passed", "{test:#}");
        assert!(
            reason.contains("identical to what the server served"),
            "{reason}"
        );
        let handshakes = if test["name"]
            .as_str()
            .unwrap()
            .starts_with("two connections")
        {
            // The client's first connection, run before it on its host as its
            // preparation, left the ticket the second resumes with.
            "on the wire: 2 handshakes"
        } else {
            "on the wire: 1 handshake(s)"
        };
        assert!(reason.contains(handshakes), "{reason}");
    }
    let transfer = run.test("latest: picoquic_shadow -> picoquic_shadow [transfer]");
    assert!(
        transfer["reason"]
            .as_str()
            .unwrap()
            .contains("3 file(s), 10485760 bytes"),
        "{transfer:#}"
    );
}

#[test]
fn one_seed_gives_one_run_and_another_seed_another() {
    let sandbox = sandbox();
    let test = |seed: u32, iterations: u32| {
        format!(
            "[[tests]]\nname = \"seed {seed}\"\n\
             network = {{ type = \"shadow\", latency = \"20ms\", loss = \"10%\", seed = {seed} }}\n\
             timeout = \"30s\"\niterations = {iterations}\n\
             [tests.services.server]\nimplementation = \"ping_pong\"\nrole = \"server\"\n\
             config = {{ min_delay_ms = 0 }}\n\
             [tests.services.client]\nimplementation = \"ping_pong\"\nrole = \"client\"\n\
             target = \"server\"\nconfig = {{ pings = 30, min_delay_ms = 0, timeout_ms = 200 }}\n\n"
        )
    };
    let text = format!(
        "[experiment]\nname = \"shadow-seeds\"\n\n{}{}",
        test(7, 2),
        test(8, 1)
    );
    let run = sandbox.run_experiment(&text, &[]);
    let results = run.results();
    let tests = results["tests"].as_array().unwrap();
    let outcome = |name: &str, iteration: u64| {
        let test = tests
            .iter()
            .find(|t| t["name"] == name && t["iteration"] == iteration)
            .unwrap_or_else(|| panic!("{}", run.printed()));
        let client = service(test, "client");
        (
            packets(&artifact(run.directory(), client, "link-capture")),
            test["status"].clone(),
            client["verdict"].clone(),
        )
    };
    let first = outcome("seed 7", 1);
    let second = outcome("seed 7", 2);
    let other = outcome("seed 8", 1);
    // When each datagram left and which were lost, so the verdict and its figures:
    // ten percent loss ends a run of thirty pings early.
    assert_eq!(first.1, "failed", "{:#}", first.2);
    assert!(first.0.len() > 2, "{} packets", first.0.len());
    assert_eq!(first, second);
    assert_ne!(first.0, other.0);
}

#[test]
fn what_shadow_cannot_run_is_reported_in_its_own_words() {
    let sandbox = sandbox();
    let text = support::ping_pong_experiment(
        "shadow-unsupported",
        r#"{ type = "shadow" }"#,
        "{ pings = 3 }",
    )
    .replace(
        "target = \"server\"\n",
        "target = \"server\"\nexecution = [{ type = \"strace\" }]\n",
    );
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(1), "{}", run.printed());
    let test = run.test("ping_pong");
    assert_eq!(test["status"], "failed", "{test:#}");
    let reason = test["reason"].as_str().unwrap();
    let (_, said) = reason.split_once("; shadow says: ").expect(reason);
    assert!(
        said.split("; ").any(|line| {
            line.starts_with("Detected unsupported syscall ptrace (101) called from thread")
                && line.ends_with("on host client")
        }),
        "{reason}"
    );
}

#[test]
fn a_failing_server_fails_as_on_localhost_and_a_client_left_running_times_out() {
    let sandbox = sandbox();
    let text = format!(
        "[experiment]\nname = \"shadow-failures\"\n\n{}{}\
         [[tests]]\nname = \"slow\"\nnetwork = {{ type = \"shadow\", latency = \"1s\" }}\n\
         timeout = \"5s\"\n\
         [tests.services.server]\nimplementation = \"ping_pong\"\nrole = \"server\"\n\
         [tests.services.client]\nimplementation = \"ping_pong\"\nrole = \"client\"\n\
         target = \"server\"\nconfig = {{ pings = 10, timeout_ms = 3000 }}\n",
        failing_server_test("localhost"),
        failing_server_test("shadow"),
    );
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(1), "{}", run.printed());
    assert_fails_as_on_localhost(&run, "shadow");
    // Ten round trips of two simulated seconds do not fit in five: the simulation
    // stops at the timeout with the client still running.
    let slow = run.test("slow");
    assert_eq!(slow["status"], "failed", "{slow:#}");
    assert_eq!(
        slow["reason"].as_str().unwrap(),
        "timed out after 5 s; still running: client",
        "{slow:#}"
    );
}

#[test]
fn a_statically_linked_program_is_refused_before_anything_runs() {
    let sandbox = sandbox();
    let network = r#"{ type = "shadow" }"#;
    let text = support::ping_pong_experiment(
        "shadow-static",
        network,
        r#"{ pings = 3, binary = "/usr/sbin/ldconfig" }"#,
    );
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(2), "{}", run.printed());
    let said = support::stderr(&run.output);
    assert!(
        said.contains("runs `/usr/sbin/ldconfig`, a statically linked program, which the shadow environment cannot run"),
        "{said}"
    );
    assert!(run.directory.is_none(), "{}", run.printed());
}
