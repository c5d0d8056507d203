use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use panther_execution_testing::requests::{exited, killed, stopped_by_host};
use panther_plugin_api::ServiceManager;
use panther_plugin_api::model::{
    ArtifactSpec, ExitInfo, PeerInfo, Readiness, Role, ServiceAddress, ServiceOutcome,
    ServiceRequest, TlsFiles, Transport, VerdictStatus,
};
use serde_json::{Value, json};

use crate::Ivy;

/// A request for the tester in `role`, beside a ping_pong peer of the other role.
fn request(role: Role, config: Value, artifacts_dir: &Path) -> ServiceRequest {
    let (peer_name, peer_role) = match role {
        Role::Client => ("server", Role::Server),
        Role::Server => ("client", Role::Client),
    };
    let peer = PeerInfo {
        role: peer_role,
        implementation: "ping_pong".to_owned(),
        address: ServiceAddress {
            host: "10.0.0.2".to_owned(),
            port: 4443,
        },
        output_dir: PathBuf::from("/results/peer"),
    };
    ServiceRequest {
        test: "minip".to_owned(),
        service: "tester".to_owned(),
        role,
        protocol: "minip".to_owned(),
        protocol_version: None,
        test_case: None,
        network: "localhost".to_owned(),
        config,
        address: ServiceAddress {
            host: "10.0.0.1".to_owned(),
            port: 5555,
        },
        target: (role == Role::Client).then(|| peer_name.to_owned()),
        peers: BTreeMap::from([(peer_name.to_owned(), peer)]),
        output_dir: PathBuf::from("/results/tester"),
        artifacts_dir: artifacts_dir.to_path_buf(),
        plugin_dir: PathBuf::from("/plugins"),
        cache_dir: PathBuf::from("/cache"),
        tls: None,
        link_capture: None,
    }
}

#[test]
fn describes_itself() {
    let description = Ivy::describe();
    assert_eq!(description.name, "ivy");
    assert_eq!(description.protocols, ["minip", "quic"]);
    assert_eq!(description.roles, [Role::Server, Role::Client]);
    assert_eq!(description.config_schema["type"], "object");
}

#[test]
fn playing_the_client_it_runs_the_server_test_against_its_target() {
    let plan = Ivy
        .plan(&request(
            Role::Client,
            Value::Null,
            Path::new("/results/tester/a"),
        ))
        .unwrap();
    assert_eq!(plan.command.program, "/plugins/panther-ivy");
    assert_eq!(
        plan.command.args,
        [
            "--protocol",
            "minip",
            "--spec-dir",
            "/plugins/ivy/specs/minip",
            "--test",
            "minip_server_test",
            "--ivyc",
            "/plugins/ivy/venv/bin/ivyc",
            "--artifacts",
            "/results/tester/a",
            "--seed",
            "1",
            "--iterations",
            "200",
            "--time-limit",
            "120",
            "--iut",
            "10.0.0.2:4443",
            "--tester-port",
            "5555",
            "--param",
            "min_delay_ms=20",
            "--param",
            "timeout_ms=500",
            "--param",
            "margin_ms=50",
        ]
    );
    assert!(plan.command.env.is_empty());
    assert_eq!(plan.command.cwd, None);
    assert_eq!(plan.ready, Readiness::Started);
    assert!(plan.decides);
    assert_eq!(
        plan.artifacts,
        [
            ArtifactSpec {
                name: "verdict".to_owned(),
                path: PathBuf::from("/results/tester/a/verdict.json"),
            },
            ArtifactSpec {
                name: "event_log".to_owned(),
                path: PathBuf::from("/results/tester/a/ivy.log"),
            },
            ArtifactSpec {
                name: "compile_log".to_owned(),
                path: PathBuf::from("/results/tester/a/compile.log"),
            },
        ]
    );
    assert_eq!(plan.directories, [PathBuf::from("/results/tester/a")]);
    assert!(plan.unsupported.is_none());
}

#[test]
fn playing_the_server_it_runs_the_client_test_once_it_listens() {
    let plan = Ivy
        .plan(&request(Role::Server, Value::Null, Path::new("/a")))
        .unwrap();
    let args = plan.command.args.join(" ");
    assert!(args.contains("--test minip_client_test "), "{args}");
    assert!(
        !args.contains("--iut"),
        "the client under test is not known in advance: {args}"
    );
    assert!(args.contains("--tester-port 5555 "), "{args}");
    assert!(
        args.ends_with("--param margin_ms=50 --param quiet_ms=1000"),
        "{args}"
    );
    assert_eq!(
        plan.ready,
        Readiness::Port {
            port: 5555,
            transport: Transport::Udp
        }
    );
    assert!(
        plan.decides,
        "the exchange ends when the client has gone quiet"
    );
}

#[test]
fn plans_with_every_setting() {
    let config = json!({
        "test": "my_test", "seed": 7, "iterations": 50, "spec_dir": "/specs/mine",
        "ivyc": "/opt/ivy/bin/ivyc", "cache_dir": "/cache", "time_limit_s": 30,
        "min_delay_ms": 10, "timeout_ms": 300, "margin_ms": 30, "quiet_ms": 700,
        "params": {"max_pings": 4, "mode": "fast"}
    });
    let plan = Ivy
        .plan(&request(Role::Server, config, Path::new("/a")))
        .unwrap();
    assert_eq!(
        plan.command.args,
        [
            "--protocol",
            "minip",
            "--spec-dir",
            "/specs/mine",
            "--test",
            "my_test",
            "--ivyc",
            "/opt/ivy/bin/ivyc",
            "--artifacts",
            "/a",
            "--seed",
            "7",
            "--iterations",
            "50",
            "--time-limit",
            "30",
            "--cache-dir",
            "/cache",
            "--tester-port",
            "5555",
            "--param",
            "min_delay_ms=10",
            "--param",
            "timeout_ms=300",
            "--param",
            "margin_ms=30",
            "--param",
            "quiet_ms=700",
            "--param",
            "max_pings=4",
            "--param",
            "mode=fast",
        ]
    );
    let test = plan
        .requires
        .iter()
        .find(|r| r.path == Path::new("/specs/mine/my_test.ivy"))
        .unwrap();
    assert_eq!(
        test.how_to_get,
        "write it, or correct config keys `spec_dir` and `test`"
    );
}

#[test]
fn requires_the_runner_the_compiler_the_test_and_the_cxx_toolchain() {
    let plan = Ivy
        .plan(&request(Role::Client, Value::Null, Path::new("/a")))
        .unwrap();
    let paths: Vec<_> = plan.requires.iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            PathBuf::from("/plugins/panther-ivy"),
            PathBuf::from("/plugins/ivy/venv/bin/ivyc"),
            PathBuf::from("/plugins/ivy/specs/minip/minip_server_test.ivy"),
            PathBuf::from("/usr/bin/g++"),
            PathBuf::from("/usr/include/z3++.h"),
            PathBuf::from(format!(
                "/usr/lib/{}-linux-gnu/libz3.so",
                std::env::consts::ARCH
            )),
        ]
    );
    assert!(
        plan.requires[1]
            .how_to_get
            .contains("scripts/install-python-packages")
    );
    assert_eq!(plan.requires[3].how_to_get, "apt-get install g++ libz3-dev");
    assert!(plan.skip_without.is_empty());
}

#[test]
fn refuses_a_minip_test_over_ipv6() {
    let mut request = request(Role::Client, Value::Null, Path::new("/a"));
    request.peers.get_mut("server").unwrap().address.host = "fd00::2".to_owned();
    assert_eq!(
        Ivy.plan(&request).unwrap_err().message(),
        "the ivy tester's minip tests speak IPv4 only, and the server under test is at fd00::2: run them on a network with IPv4 addresses"
    );
    let mut request = self::request(Role::Server, Value::Null, Path::new("/a"));
    request.address.host = "::1".to_owned();
    assert_eq!(
        Ivy.plan(&request).unwrap_err().message(),
        "the ivy tester's minip tests speak IPv4 only, and the tester is at ::1: run them on a network with IPv4 addresses"
    );
}

/// A request for the tester playing the client of a QUIC server.
fn quic_request(config: Value) -> ServiceRequest {
    let mut request = request(Role::Client, config, Path::new("/results/tester/a"));
    request.protocol = "quic".to_owned();
    request.peers.get_mut("server").unwrap().implementation = "quinn".to_owned();
    request
}

/// Where the pinned picotls build is in the request's cache directory.
fn pinned_picotls() -> String {
    panther_stacks::StackBuild::of("picotls", None)
        .unwrap()
        .dir_in(Path::new("/cache"))
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn playing_the_client_of_a_quic_server_it_runs_panther_s_server_test() {
    let plan = Ivy.plan(&quic_request(Value::Null)).unwrap();
    let picotls = pinned_picotls();
    assert_eq!(plan.command.program, "/plugins/panther-ivy");
    assert_eq!(
        plan.command.args,
        [
            "--protocol",
            "quic",
            "--spec-dir",
            "/plugins/ivy/venv/share/panther-ivy/quic",
            "--include-dir",
            "/plugins/ivy/venv/share/panther-ivy/include",
            "--picotls-dir",
            &picotls,
            "--test",
            "quic_server_test_stream",
            "--ivyc",
            "/plugins/ivy/venv/bin/ivyc",
            "--artifacts",
            "/results/tester/a",
            "--seed",
            "1",
            "--iterations",
            "300",
            "--time-limit",
            "120",
            "--iut",
            "10.0.0.2:4443",
            "--tester-host",
            "10.0.0.1",
            "--tester-port",
            "5555",
            "--alpn",
            "hq-interop",
            "--initial-version",
            "1",
            "--request-path",
            "/index.html",
            "--idle-ms",
            "3000",
            "--param",
            "the_cid=2",
            "--param",
            "server_cid=501",
        ]
    );
    assert!(plan.command.env.is_empty());
    assert_eq!(plan.ready, Readiness::Started);
    assert!(plan.decides);
    let artifacts: Vec<_> = plan
        .artifacts
        .iter()
        .map(|a| (a.name.as_str(), a.path.display().to_string()))
        .collect();
    assert_eq!(
        artifacts,
        [
            ("verdict", "/results/tester/a/verdict.json".to_owned()),
            ("event_log", "/results/tester/a/ivy.log".to_owned()),
            ("compile_log", "/results/tester/a/compile.log".to_owned()),
            ("key_log", "/results/tester/a/keys.log".to_owned()),
        ]
    );
    let arch = std::env::consts::ARCH;
    let required: Vec<_> = plan
        .requires
        .iter()
        .map(|r| r.path.display().to_string())
        .collect();
    assert_eq!(
        required,
        [
            "/plugins/panther-ivy".to_owned(),
            "/plugins/ivy/venv/bin/ivyc".to_owned(),
            "/plugins/ivy/venv/share/panther-ivy/quic/quic_tests/server_tests/quic_server_test_stream.ivy".to_owned(),
            "/plugins/ivy/venv/share/panther-ivy/include/tls_picotls.ivy".to_owned(),
            format!("{picotls}/include/picotls.h"),
            format!("{picotls}/lib/libpicotls-core.a"),
            "/usr/bin/g++".to_owned(),
            "/usr/include/z3++.h".to_owned(),
            format!("/usr/lib/{arch}-linux-gnu/libz3.so"),
            "/usr/include/openssl/ssl.h".to_owned(),
            format!("/usr/lib/{arch}-linux-gnu/libssl.so"),
        ]
    );
    for installed in &plan.requires[2..4] {
        assert!(
            installed
                .how_to_get
                .starts_with("run scripts/install-python-packages"),
            "{installed:?}"
        );
    }
    for built in &plan.requires[4..6] {
        assert_eq!(
            built.how_to_get,
            "run `scripts/build-stacks picotls@047c5fe2` in the panther-host repository"
        );
    }
    assert_eq!(plan.requires[9].how_to_get, "apt-get install libssl-dev");
}

#[test]
fn plans_a_quic_test_with_every_setting() {
    let config = json!({
        "test": "quic_server_test_max", "seed": 7, "iterations": 80,
        "spec_dir": "/panther/quic", "include_dir": "/panther/include",
        "picotls_dir": "/opt/picotls", "ivyc": "/opt/ivy/bin/ivyc", "cache_dir": "/cache",
        "time_limit_s": 60, "alpn": "h3", "initial_version": 1, "client_cid": 11,
        "server_cid": 12, "request_path": "/handshake-1.bin",
        "params": {"max_stream_data": 5000}
    });
    let plan = Ivy.plan(&quic_request(config)).unwrap();
    assert_eq!(
        plan.command.args.join(" "),
        "--protocol quic --spec-dir /panther/quic --include-dir /panther/include \
         --picotls-dir /opt/picotls --test quic_server_test_max --ivyc /opt/ivy/bin/ivyc \
         --artifacts /results/tester/a --seed 7 --iterations 80 --time-limit 60 \
         --cache-dir /cache --iut 10.0.0.2:4443 --tester-host 10.0.0.1 --tester-port 5555 \
         --alpn h3 --initial-version 1 --request-path /handshake-1.bin --idle-ms 3000 \
         --param the_cid=11 --param server_cid=12 \
         --param max_stream_data=5000"
    );
    let how: Vec<_> = plan.requires[2..6]
        .iter()
        .map(|r| r.how_to_get.as_str())
        .collect();
    assert_eq!(
        how,
        [
            "correct config keys `spec_dir` and `test` (a test of quic_tests/server_tests or quic_tests/client_tests)",
            "correct config key `include_dir`",
            "correct config key `picotls_dir`",
            "correct config key `picotls_dir`",
        ]
    );
    assert_eq!(
        plan.requires[2].path,
        Path::new("/panther/quic/quic_tests/server_tests/quic_server_test_max.ivy")
    );
}

#[test]
fn playing_the_server_of_a_quic_client_it_runs_panther_s_client_test_with_the_host_s_certificate() {
    let mut request = quic_request(json!({"idle_ms": 1500}));
    request.role = Role::Server;
    request.target = None;
    let no_tls = Ivy.plan(&request).unwrap_err();
    assert!(
        no_tls.message().contains("needs the host's TLS files"),
        "{no_tls:?}"
    );
    request.tls = Some(TlsFiles {
        directory: PathBuf::from("/results/tester/tls"),
        ca: PathBuf::from("/results/tester/tls/ca.pem"),
        certificate: PathBuf::from("/results/tester/tls/cert.pem"),
        key: PathBuf::from("/results/tester/tls/priv.key"),
    });
    let plan = Ivy.plan(&request).unwrap();
    let args = plan.command.args.join(" ");
    assert!(args.contains("--test quic_client_test_stream "), "{args}");
    assert!(
        args.contains(
            "--certificate /results/tester/tls/cert.pem --key /results/tester/tls/priv.key \
             --tester-host 10.0.0.1 --tester-port 5555"
        ),
        "{args}"
    );
    assert!(args.contains("--idle-ms 1500"), "{args}");
    assert!(!args.contains("--iut"), "{args}");
    assert!(plan.tls);
    assert_eq!(
        plan.ready,
        Readiness::Port {
            port: 5555,
            transport: Transport::Udp
        }
    );
    assert_eq!(
        plan.requires[2].path,
        Path::new(
            "/plugins/ivy/venv/share/panther-ivy/quic/quic_tests/client_tests/quic_client_test_stream.ivy"
        )
    );
}

#[test]
fn refuses_a_quic_test_over_ipv6() {
    let mut request = quic_request(Value::Null);
    request.peers.get_mut("server").unwrap().address.host = "fd00::2".to_owned();
    let message = Ivy.plan(&request).unwrap_err().message().to_owned();
    assert_eq!(
        message,
        "PANTHER's QUIC Ivy tests speak IPv4 only, and the server under test is at fd00::2: run them on a network with IPv4 addresses"
    );
    let mut request = quic_request(Value::Null);
    request.address.host = "::1".to_owned();
    let message = Ivy.plan(&request).unwrap_err().message().to_owned();
    assert!(message.contains("the tester is at ::1"), "{message}");
}

#[test]
fn a_quic_config_error_is_named() {
    let message = |config: Value| {
        Ivy.plan(&quic_request(config))
            .unwrap_err()
            .message()
            .to_owned()
    };
    assert_eq!(
        message(json!({"quiet_ms": 900})),
        "config key `quiet_ms`: a setting of minip tests, and this test's protocol is quic; remove it"
    );
    assert!(message(json!({"server_cid": 1000})).starts_with("config key `server_cid`: "));
    assert!(message(json!({"alpn": "h 3"})).starts_with("config key `alpn`: "));
    assert!(
        message(json!({"params": {"client_port": 1}}))
            .starts_with("config key `params.client_port`: ")
    );
    let minip = request(Role::Client, json!({"picotls_dir": "/p"}), Path::new("/a"));
    assert!(
        Ivy.plan(&minip)
            .unwrap_err()
            .message()
            .starts_with("config key `picotls_dir`: a setting of quic tests")
    );
}

#[test]
fn a_quic_client_without_a_target_is_refused() {
    let mut request = quic_request(Value::Null);
    request.target = None;
    assert_eq!(
        Ivy.plan(&request).unwrap_err().message(),
        "the ivy tester playing the client needs `target`, the name of the server under test"
    );
}

#[test]
fn refuses_another_protocol() {
    let mut request = request(Role::Client, Value::Null, Path::new("/a"));
    request.protocol = "tcp".to_owned();
    assert_eq!(
        Ivy.plan(&request).unwrap_err().message(),
        "the ivy tester does not test 'tcp': it tests minip and QUIC"
    );
}

#[test]
fn a_client_without_a_target_is_refused() {
    let mut request = request(Role::Client, Value::Null, Path::new("/a"));
    request.target = None;
    let error = Ivy.plan(&request).unwrap_err();
    assert_eq!(
        error.message(),
        "the ivy tester playing the client needs `target`, the name of the server under test"
    );
    request.target = Some("nobody".to_owned());
    assert!(Ivy.plan(&request).is_err());
}

#[test]
fn a_bad_config_key_is_named() {
    let request = request(Role::Client, json!({"iterations": "many"}), Path::new("/a"));
    let error = Ivy.plan(&request).unwrap_err();
    assert!(
        error.message().starts_with("config key `iterations`: "),
        "{error}"
    );
}

/// Judges a tester whose runner wrote `verdict` (a file of tests/data), ended as
/// `exit`, beside a server that ended as `server`.
fn judge(
    verdict: Option<&str>,
    exit: ExitInfo,
    server: Option<ExitInfo>,
) -> (VerdictStatus, String, BTreeMap<String, Value>) {
    let dir = tempfile::tempdir().unwrap();
    if let Some(name) = verdict {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        fs::copy(&sample, dir.path().join("verdict.json")).unwrap();
    }
    let outcome = ServiceOutcome {
        request: request(Role::Client, Value::Null, dir.path()),
        exit,
        stdout: PathBuf::from("/dev/null"),
        stderr: PathBuf::from("/dev/null"),
        peer_exits: server
            .map(|exit| BTreeMap::from([("server".to_owned(), exit)]))
            .unwrap_or_default(),
    };
    let verdict = Ivy.judge(&outcome).unwrap();
    (verdict.status, verdict.reason, verdict.metrics)
}

#[test]
fn a_completed_test_passes_with_its_figures() {
    let (status, reason, metrics) = judge(
        Some("test-completed.verdict.json"),
        exited(0),
        Some(stopped_by_host(15)),
    );
    assert_eq!(status, VerdictStatus::Pass);
    assert_eq!(
        reason,
        "no violation found (test_completed, 200 iterations, seed 1)"
    );
    assert_eq!(metrics["iterations"], 200);
    assert_eq!(metrics["seed"], 1);
    assert_eq!(metrics["cached"], false);
    assert!(metrics["seconds"].as_f64().unwrap() > 1.0);
    assert!(metrics["compile_seconds"].as_f64().unwrap() > 1.0);
    assert!(metrics["events"]["from_iut"].as_u64().unwrap() > 50);
}

#[test]
fn a_broken_rule_fails_with_its_place_and_text() {
    let (status, reason, _) = judge(
        Some("assumption-failed.verdict.json"),
        exited(1),
        Some(stopped_by_host(15)),
    );
    assert_eq!(status, VerdictStatus::Fail);
    assert_eq!(
        reason,
        "non-compliant: minip.ivy:167: \"require message.stamp_fits(d);  # a pong's timestamp counts milliseconds since the server started: below 2^32\""
    );
}

#[test]
fn a_test_that_did_not_compile_is_an_error_with_the_first_error() {
    let (status, reason, metrics) = judge(Some("compile-failed.verdict.json"), exited(2), None);
    assert_eq!(status, VerdictStatus::Error);
    assert_eq!(
        reason,
        "the Ivy test did not compile: minip.ivy(113): error: token 'bool': syntax error"
    );
    assert_eq!(metrics["compile_log_lines"], 1);
}

#[test]
fn a_crashed_tester_is_an_error_with_its_signal() {
    let (status, reason, _) = judge(Some("tester-crashed.verdict.json"), killed(11), None);
    assert_eq!(status, VerdictStatus::Error);
    assert_eq!(
        reason,
        "the tester crashed: the tester was killed by signal 11 (SIGSEGV)"
    );
}

#[test]
fn a_stopped_tester_is_unknown() {
    let (status, reason, _) = judge(Some("stopped.verdict.json"), stopped_by_host(15), None);
    assert_eq!(status, VerdictStatus::Error);
    assert!(
        reason.starts_with("unknown: stopped by signal 15 (SIGTERM) before the test completed"),
        "{reason}"
    );
}

#[test]
fn an_implementation_that_crashed_fails_whatever_the_tester_saw() {
    for sample in [
        "assumption-failed.verdict.json",
        "test-completed.verdict.json",
        "stopped.verdict.json",
    ] {
        let (status, reason, _) = judge(Some(sample), exited(1), Some(killed(11)));
        assert_eq!(status, VerdictStatus::Fail, "{sample}");
        assert_eq!(
            reason, "IUT crash: server ended by signal 11 (SIGSEGV) while the tester ran",
            "{sample}"
        );
    }
    let (_, reason, _) = judge(
        Some("assumption-failed.verdict.json"),
        exited(1),
        Some(stopped_by_host(6)),
    );
    assert!(
        reason.starts_with("IUT crash: server ended by signal 6 (SIGABRT)"),
        "a crash while being stopped is a crash: {reason}"
    );
}

#[test]
fn an_implementation_stopped_by_the_host_is_no_crash() {
    for server in [
        stopped_by_host(15),
        stopped_by_host(9),
        exited(0),
        exited(1),
    ] {
        let (status, ..) = judge(Some("test-completed.verdict.json"), exited(0), Some(server));
        assert_eq!(status, VerdictStatus::Pass);
    }
}

#[test]
fn no_verdict_is_an_error_saying_how_the_runner_ended() {
    let (status, reason, metrics) = judge(None, exited(2), None);
    assert_eq!(status, VerdictStatus::Error);
    assert!(
        reason.starts_with("no verdict: the runner exited with code 2 without writing "),
        "{reason}"
    );
    assert!(metrics.is_empty());
    let (_, reason, _) = judge(None, stopped_by_host(9), None);
    assert!(
        reason.starts_with("no verdict: the runner was stopped by the host (signal 9 (SIGKILL))"),
        "{reason}"
    );
}

#[test]
fn an_unreadable_verdict_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("verdict.json"), "{not json").unwrap();
    let outcome = ServiceOutcome {
        request: request(Role::Client, Value::Null, dir.path()),
        exit: exited(0),
        stdout: PathBuf::from("/dev/null"),
        stderr: PathBuf::from("/dev/null"),
        peer_exits: BTreeMap::new(),
    };
    let verdict = Ivy.judge(&outcome).unwrap();
    assert_eq!(verdict.status, VerdictStatus::Error);
    assert!(
        verdict.reason.contains("is not valid"),
        "{}",
        verdict.reason
    );
}

#[test]
fn the_tester_s_own_broken_rule_is_an_error_not_the_implementation_s() {
    let (status, reason, _) = judge(
        Some("assertion-failed.verdict.json"),
        exited(1),
        Some(exited(1)),
    );
    assert_eq!(status, VerdictStatus::Error);
    assert_eq!(
        reason,
        "the tester could not keep its own rule, the implementation is not at fault: minip_client_test.ivy:42: \"assert t + margin_ms <= minip.ping_time + timeout_ms;  # the tester answers in time\""
    );
}

#[test]
fn a_quic_tester_stopped_at_its_time_limit_is_unknown() {
    let (status, reason, metrics) = judge(
        Some("quic-out-of-time.verdict.json"),
        killed(15),
        Some(stopped_by_host(15)),
    );
    assert_eq!(status, VerdictStatus::Error);
    assert_eq!(reason, "unknown: no verdict within 15 s");
    assert_eq!(metrics["iterations"], 1000);
}

#[test]
fn a_broken_final_check_of_a_completed_quic_test_fails() {
    let (status, reason, _) = judge(
        Some("quic-final-check-broken.verdict.json"),
        exited(0),
        Some(stopped_by_host(15)),
    );
    assert_eq!(status, VerdictStatus::Fail);
    assert_eq!(
        reason,
        "non-compliant: quic_server_test.ivy:69: \"require conn_total_data(the_cid) > 0;\""
    );
}
