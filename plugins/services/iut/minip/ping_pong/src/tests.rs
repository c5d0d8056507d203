//! The plugin as the host uses it: plans and verdicts from constructed requests.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use panther_plugin_api::ServiceManager;
use panther_plugin_api::model::{
    ArtifactSpec, ExitInfo, PeerInfo, Readiness, Role, ServiceAddress, ServiceOutcome,
    ServiceRequest, Transport, VerdictStatus,
};
use serde_json::{Value, json};

use crate::PingPong;

fn request(role: Role, config: Value, artifacts_dir: &Path) -> ServiceRequest {
    let (service, port) = match role {
        Role::Server => ("server", 4443),
        Role::Client => ("client", 5000),
    };
    ServiceRequest {
        test: "minip".to_owned(),
        service: service.to_owned(),
        role,
        protocol: "minip".to_owned(),
        protocol_version: None,
        test_case: None,
        network: "localhost".to_owned(),
        config,
        address: ServiceAddress {
            host: "10.0.0.1".to_owned(),
            port,
        },
        target: (role == Role::Client).then(|| "server".to_owned()),
        peers: BTreeMap::from([(
            "server".to_owned(),
            PeerInfo {
                role: Role::Server,
                implementation: "ping_pong".to_owned(),
                address: ServiceAddress {
                    host: "10.0.0.2".to_owned(),
                    port: 4443,
                },
                output_dir: artifacts_dir.join("server"),
            },
        )]),
        output_dir: artifacts_dir.join("out"),
        artifacts_dir: artifacts_dir.to_path_buf(),
        plugin_dir: PathBuf::from("/plugins"),
        cache_dir: PathBuf::from("/cache"),
        tls: None,
        link_capture: None,
    }
}

fn outcome(
    request: ServiceRequest,
    code: Option<i32>,
    signal: Option<i32>,
    by_host: bool,
) -> ServiceOutcome {
    ServiceOutcome {
        request,
        exit: ExitInfo {
            code,
            signal,
            stopped_by_host: by_host,
        },
        stdout: PathBuf::from("/dev/null"),
        stderr: PathBuf::from("/dev/null"),
        peer_exits: Default::default(),
    }
}

#[test]
fn describes_itself() {
    let description = PingPong::describe();
    assert_eq!(description.name, "ping_pong");
    assert_eq!(description.protocols, ["minip"]);
    assert_eq!(description.roles, [Role::Server, Role::Client]);
    assert_eq!(description.config_schema["type"], "object");
}

#[test]
fn plans_a_server_with_the_defaults() {
    let plan = PingPong
        .plan(&request(
            Role::Server,
            Value::Null,
            Path::new("/results/server"),
        ))
        .unwrap();
    assert_eq!(plan.command.program, "/plugins/ping-pong");
    assert_eq!(
        plan.command.args,
        [
            "server",
            "--listen",
            "10.0.0.1:4443",
            "--variant",
            "functional",
            "--min-delay-ms",
            "20",
            "--timeout-ms",
            "500",
            "--margin-ms",
            "50",
        ]
    );
    assert_eq!(plan.command.cwd, None);
    assert!(plan.command.env.is_empty());
    assert_eq!(
        plan.ready,
        Readiness::Port {
            port: 4443,
            transport: Transport::Udp
        }
    );
    assert!(!plan.decides);
    assert!(plan.artifacts.is_empty());
}

#[test]
fn plans_a_client_with_every_setting() {
    let config = json!({
        "variant": "random", "pings": 3, "min_delay_ms": 10, "timeout_ms": 300,
        "margin_ms": 30, "seed": 42, "binary": "/opt/ping-pong"
    });
    let plan = PingPong
        .plan(&request(Role::Client, config, Path::new("/results/client")))
        .unwrap();
    assert_eq!(plan.command.program, "/opt/ping-pong");
    assert_eq!(
        plan.command.args,
        [
            "client",
            "--connect",
            "10.0.0.2:4443",
            "--pings",
            "3",
            "--variant",
            "random",
            "--min-delay-ms",
            "10",
            "--timeout-ms",
            "300",
            "--margin-ms",
            "30",
            "--seed",
            "42",
            "--summary",
            "/results/client/summary.json",
        ]
    );
    assert_eq!(plan.command.cwd, None);
    assert_eq!(plan.ready, Readiness::Started);
    assert!(plan.decides);
    assert_eq!(
        plan.artifacts,
        [ArtifactSpec {
            name: "summary".to_owned(),
            path: PathBuf::from("/results/client/summary.json"),
        }]
    );
}

#[test]
fn brackets_an_ipv6_server() {
    let mut request = request(Role::Server, Value::Null, Path::new("/r"));
    request.address.host = "::1".to_owned();
    let plan = PingPong.plan(&request).unwrap();
    assert_eq!(plan.command.args[2], "[::1]:4443");
}

#[test]
fn a_client_without_a_target_is_refused() {
    let mut request = request(Role::Client, Value::Null, Path::new("/r"));
    request.target = None;
    let error = PingPong.plan(&request).unwrap_err();
    assert_eq!(
        error.message(),
        "the client needs `target`, the name of its server"
    );
    request.target = Some("nobody".to_owned());
    assert!(PingPong.plan(&request).is_err());
}

#[test]
fn a_bad_config_key_is_named() {
    let request = request(Role::Server, json!({"delay": 3}), Path::new("/r"));
    let error = PingPong.plan(&request).unwrap_err();
    assert!(error.message().contains("`delay`"), "{error}");
}

/// Judges a client that ended with `code`/`signal` after writing `summary`, if any.
fn judge_client(
    summary: Option<Value>,
    code: Option<i32>,
    signal: Option<i32>,
) -> (VerdictStatus, String, BTreeMap<String, Value>) {
    let dir = tempfile::tempdir().unwrap();
    if let Some(summary) = summary {
        fs::write(dir.path().join("summary.json"), summary.to_string()).unwrap();
    }
    let outcome = outcome(
        request(Role::Client, Value::Null, dir.path()),
        code,
        signal,
        false,
    );
    let verdict = PingPong.judge(&outcome).unwrap();
    (verdict.status, verdict.reason, verdict.metrics)
}

fn summary(sent: u32, ok: u32, round_trips: &[u64], violation: Option<&str>) -> Value {
    json!({
        "pings_sent": sent, "pongs_ok": ok, "pings_wanted": 5,
        "round_trips_ms": round_trips, "violation": violation
    })
}

#[test]
fn a_client_with_every_pong_passes() {
    let (status, reason, metrics) = judge_client(
        Some(summary(5, 5, &[21, 20, 25, 21, 22], None)),
        Some(0),
        None,
    );
    assert_eq!(status, VerdictStatus::Pass);
    assert_eq!(
        reason,
        "5 of 5 pongs well-formed and in time (median round trip 21 ms)"
    );
    assert_eq!(metrics["pings_sent"], 5);
    assert_eq!(metrics["pongs_ok"], 5);
    assert_eq!(metrics["pings_wanted"], 5);
    assert_eq!(metrics["median_round_trip_ms"], 21);
}

#[test]
fn a_client_that_saw_a_violation_fails_with_it() {
    let violation = "pong 3 arrived 2 ms after its ping, before the minimum delay of 20 ms";
    let (status, reason, metrics) = judge_client(
        Some(summary(3, 2, &[20, 20], Some(violation))),
        Some(1),
        None,
    );
    assert_eq!(status, VerdictStatus::Fail);
    assert_eq!(reason, violation);
    assert_eq!(metrics["pongs_ok"], 2);
}

#[test]
fn a_client_short_of_pongs_fails() {
    let (status, reason, metrics) =
        judge_client(Some(summary(2, 2, &[20, 20], None)), Some(1), None);
    assert_eq!(status, VerdictStatus::Fail);
    assert_eq!(reason, "2 of 5 pongs before it stopped");
    assert_eq!(metrics["median_round_trip_ms"], 20);
}

#[test]
fn a_client_exiting_non_zero_fails_despite_its_summary() {
    let (status, reason, _) = judge_client(Some(summary(5, 5, &[20; 5], None)), Some(3), None);
    assert_eq!(status, VerdictStatus::Fail);
    assert_eq!(reason, "5 of 5 pongs, but the client exited with code 3");
}

#[test]
fn a_client_without_a_summary_fails() {
    let (status, reason, metrics) = judge_client(None, None, Some(11));
    assert_eq!(status, VerdictStatus::Fail);
    assert_eq!(reason, "no summary: the client exited with signal 11");
    assert!(metrics.is_empty());
    let (_, reason, _) = judge_client(None, Some(2), None);
    assert_eq!(reason, "no summary: the client exited with code 2");
}

#[test]
fn a_client_stopped_by_the_host_without_a_summary_fails() {
    let dir = tempfile::tempdir().unwrap();
    let outcome = outcome(
        request(Role::Client, Value::Null, dir.path()),
        None,
        Some(15),
        true,
    );
    let verdict = PingPong.judge(&outcome).unwrap();
    assert_eq!(verdict.status, VerdictStatus::Fail);
    assert_eq!(
        verdict.reason,
        "no summary: the client was stopped by the host (signal 15)"
    );
}

#[test]
fn an_unreadable_summary_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("summary.json"), "{not json").unwrap();
    let outcome = outcome(
        request(Role::Client, Value::Null, dir.path()),
        Some(0),
        None,
        false,
    );
    let verdict = PingPong.judge(&outcome).unwrap();
    assert_eq!(verdict.status, VerdictStatus::Error);
    assert!(
        verdict.reason.contains("is not valid"),
        "{}",
        verdict.reason
    );
}

fn judge_server(code: Option<i32>, signal: Option<i32>, by_host: bool) -> (VerdictStatus, String) {
    let outcome = outcome(
        request(Role::Server, Value::Null, Path::new("/r")),
        code,
        signal,
        by_host,
    );
    let verdict = PingPong.judge(&outcome).unwrap();
    (verdict.status, verdict.reason)
}

#[test]
fn a_server_stopped_by_the_host_passes() {
    for signal in [15, 9] {
        assert_eq!(
            judge_server(None, Some(signal), true),
            (VerdictStatus::Pass, "served until stopped".to_owned())
        );
    }
    assert_eq!(judge_server(Some(143), None, true).0, VerdictStatus::Pass);
}

#[test]
fn a_server_exiting_with_zero_passes() {
    assert_eq!(
        judge_server(Some(0), None, false),
        (VerdictStatus::Pass, "served until stopped".to_owned())
    );
}

#[test]
fn a_server_exiting_by_itself_fails() {
    assert_eq!(
        judge_server(Some(2), None, false),
        (
            VerdictStatus::Fail,
            "the server exited by itself with code 2".to_owned()
        )
    );
}

#[test]
fn a_crashed_server_fails() {
    assert_eq!(
        judge_server(None, Some(11), false),
        (
            VerdictStatus::Fail,
            "the server crashed (signal 11)".to_owned()
        )
    );
    assert_eq!(
        judge_server(None, Some(6), true).1,
        "the server crashed (signal 6)"
    );
    assert_eq!(
        judge_server(None, Some(15), false).1,
        "the server crashed (signal 15)"
    );
}
