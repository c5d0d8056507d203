//! The runner on the real thing for QUIC: PANTHER's `quic_server_test_stream`, compiled
//! from the models and include files the project's venv holds and the pinned picotls,
//! run against the project's real quinn endpoint.
//!
//! Needs `scripts/install-python-packages` (ivyc and panther-net in the repo's .venv),
//! `scripts/build-stacks picotls` and `scripts/install-system-packages` (g++,
//! libz3-dev; libssl-dev). Takes about two minutes: one compile (about 35 s) and
//! four runs.

use std::fs;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use panther_interop_endpoint::test_support::Fixture;
use support::{installed, verdict};

mod support;

/// The pinned picotls build in the host's cache directory, which `scripts/build-stacks`
/// makes.
fn pinned_picotls() -> PathBuf {
    let cache = panther_plugin_api::cache::default_cache_directory().expect("a cache directory");
    let dir = panther_stacks::StackBuild::of("picotls", None)
        .unwrap()
        .dir_in(&cache)
        .unwrap();
    assert!(
        dir.join("lib/libpicotls-core.a").is_file(),
        "{} is missing: run scripts/build-stacks picotls",
        dir.display()
    );
    dir
}

/// The quinn endpoint.
fn quinn_endpoint() -> &'static Path {
    static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        support::workspace_program(
            "quinn-endpoint",
            "plugins/services/iut/quic/quinn/endpoint/Cargo.toml",
        )
    })
}

/// The runner's command for QUIC test `test` against `server` from the tester's port
/// `port`, with its cache in `cache`, artifacts in `artifacts` and `extra` arguments.
fn runner(
    test: &str,
    server: &str,
    port: u16,
    cache: &Path,
    artifacts: &Path,
    extra: &[&str],
) -> Command {
    let share = Path::new("share/panther-ivy");
    let mut command = Command::new(env!("CARGO_BIN_EXE_panther-ivy"));
    command
        .args(["--protocol", "quic", "--test", test, "--iut", server])
        .arg("--spec-dir")
        .arg(installed(&share.join("quic").display().to_string()))
        .arg("--include-dir")
        .arg(installed(&share.join("include").display().to_string()))
        .arg("--picotls-dir")
        .arg(pinned_picotls())
        .arg("--ivyc")
        .arg(installed("bin/ivyc"))
        .arg("--cache-dir")
        .arg(cache)
        .arg("--artifacts")
        .arg(artifacts)
        .args(["--tester-host", "127.0.0.1", "--tester-port"])
        .arg(port.to_string())
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// The end of a finished command's outputs, for assertion messages (a QUIC tester
/// writes hundreds of kilobytes).
fn printed(output: &Output) -> String {
    let tail = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let lines: Vec<_> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    };
    format!("{}\n{}", tail(&output.stdout), tail(&output.stderr))
}

/// A UDP port of 127.0.0.1 free a moment ago, with the next one free too (the tester
/// binds both).
fn free_udp_port_pair() -> u16 {
    loop {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = socket.local_addr().unwrap().port();
        if port < u16::MAX && UdpSocket::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

/// A quinn server of 127.0.0.1 serving `index.html`, the file the tester asks for.
fn quinn_server() -> (Fixture, impl Drop, String) {
    let fixture = Fixture::default();
    fixture.serve_file("index.html", 1000, 1);
    let (server, address) = fixture.start_server(quinn_endpoint(), "transfer");
    (fixture, server, address)
}

#[test]
fn the_stream_test_completes_against_quinn_compiled_once_and_stops_at_its_time_limit() {
    let (_fixture, _server, address) = quinn_server();
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();

    // Each run gives the long-lived server fresh connection ids: a server still
    // holding an earlier run's connection would route the new one to it. The seed
    // stays the one whose run completes against quinn (another seed's generated
    // traffic can break one of PANTHER's model rules against the same server).
    for (run, cached) in [(1, false), (2, true)] {
        let seed = "1";
        let artifacts = out.path().join(run.to_string());
        let client_cid = format!("the_cid={}", 100 + run);
        let server_cid = format!("server_cid={}", 200 + run);
        let extra = [
            "--seed",
            seed,
            "--iterations",
            "100",
            "--idle-ms",
            "3000",
            "--time-limit",
            "120",
            "--param",
            &client_cid,
            "--param",
            &server_cid,
        ];
        let port = free_udp_port_pair();
        let output = runner(
            "quic_server_test_stream",
            &address,
            port,
            cache.path(),
            &artifacts,
            &extra,
        )
        .output()
        .unwrap();
        let verdict = verdict(&artifacts);
        eprintln!(
            "run {run}: {} in {:.1} s, compiled in {:.1} s",
            verdict["kind"], verdict["seconds"], verdict["compile_seconds"]
        );
        assert_eq!(verdict["kind"], "test_completed", "{}", printed(&output));
        assert_eq!(output.status.code(), Some(0), "{}", printed(&output));
        assert_eq!(verdict["cached"], cached, "{verdict:#}");
        assert_eq!(verdict["iterations"], 100);
        let events = &verdict["events"];
        assert!(events["recv_packet"].as_u64().unwrap() > 5, "{verdict:#}");
        assert!(
            events["frame.stream.handle"].as_u64().unwrap() > 0,
            "the tester sent its request: {verdict:#}"
        );
        let keys = fs::read_to_string(artifacts.join("keys.log")).unwrap();
        assert!(keys.contains("CLIENT_TRAFFIC_SECRET_0 "), "{keys}");
        assert!(artifacts.join("compile.log").is_file());
    }
    let entries: Vec<_> = fs::read_dir(cache.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "one entry and no leftover");

    // More iterations than the exchange has actions for: Ivy's own test loop never
    // completes (a refused action and a wait with nothing received both undo their
    // iteration), and the runner stops it at its time limit; ended once idle, the same
    // run completes, its final checks passed.
    // Against quinn the exchange is over after about 140 counted iterations (30 s): the
    // loop then spins without progress.
    for (idle_ms, kind, limit) in [("0", "unknown", "15"), ("2000", "test_completed", "90")] {
        let artifacts = out.path().join(format!("idle-{idle_ms}"));
        let cid = if idle_ms == "0" { "3" } else { "4" };
        let output = runner(
            "quic_server_test_stream",
            &address,
            free_udp_port_pair(),
            cache.path(),
            &artifacts,
            &[
                "--seed",
                "1",
                "--iterations",
                "1000",
                "--idle-ms",
                idle_ms,
                "--time-limit",
                limit,
                "--param",
                &format!("the_cid=10{cid}"),
                "--param",
                &format!("server_cid=20{cid}"),
            ],
        )
        .output()
        .unwrap();
        let verdict = verdict(&artifacts);
        eprintln!(
            "idle {idle_ms} ms: {} in {:.1} s",
            verdict["kind"], verdict["seconds"]
        );
        assert_eq!(verdict["kind"], kind, "{}", printed(&output));
        if kind == "unknown" {
            assert_eq!(verdict["message"], "no verdict within 15 s");
            assert_eq!(verdict["signal"], 15);
            assert_eq!(output.status.code(), Some(128 + 15));
        } else {
            assert!(verdict["seconds"].as_f64().unwrap() < 90.0, "{verdict:#}");
            assert!(
                String::from_utf8_lossy(&output.stderr).contains("panther: the exchange is over"),
                "{}",
                printed(&output)
            );
        }
    }
}

#[test]
fn a_test_the_models_do_not_have_is_named_without_compiling() {
    let cache = tempfile::tempdir().unwrap();
    let artifacts = tempfile::tempdir().unwrap();
    let output = runner(
        "quic_server_test_nothing",
        "127.0.0.1:9",
        free_udp_port_pair(),
        cache.path(),
        artifacts.path(),
        &[],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", printed(&output));
    let verdict = verdict(artifacts.path());
    assert_eq!(verdict["kind"], "unknown");
    let message = verdict["message"].as_str().unwrap();
    assert!(
        message.starts_with("PANTHER's QUIC models ")
            && message.ends_with(" have no quic_server_test_nothing.ivy"),
        "{message}"
    );
    assert_eq!(fs::read_dir(cache.path()).unwrap().count(), 0);
}
