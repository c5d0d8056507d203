//! The runner on the real thing: the minip specification compiled with the project's
//! ivyc and run against the real ping-pong endpoint.
//!
//! Needs `scripts/install-python-packages` (ivyc in the repo's .venv) and
//! `scripts/install-system-packages` (g++, libz3-dev).

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use support::{installed, repo_root, verdict};

mod support;

/// The shipped minip specification.
fn spec_dir() -> PathBuf {
    repo_root().join("plugins/services/testers/ivy/specs/minip")
}

/// The project's Ivy compiler.
fn ivyc() -> PathBuf {
    installed("bin/ivyc")
}

/// The ping-pong endpoint.
fn ping_pong() -> &'static Path {
    static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        support::workspace_program(
            "ping-pong",
            "plugins/services/iut/minip/ping_pong/endpoint/Cargo.toml",
        )
    })
}

/// A ping-pong process, killed when dropped.
struct Endpoint {
    child: Child,
}

impl Endpoint {
    /// A server of `variant` on a free port of 127.0.0.1, and where it listens.
    fn server(variant: &str) -> (Self, String) {
        let mut child = Command::new(ping_pong())
            .args([
                "server",
                "--listen",
                "127.0.0.1:0",
                "--variant",
                variant,
                "--seed",
                "3",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("ping-pong starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        // The server reports every ping: keep reading, or it dies of a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let address = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line}"))
            .to_owned();
        (Self { child }, address)
    }

    /// A client of `variant` sending `pings` pings to `server`.
    fn client(variant: &str, server: &str, pings: u32) -> Self {
        let child = Command::new(ping_pong())
            .args([
                "client",
                "--connect",
                server,
                "--variant",
                variant,
                "--seed",
                "3",
            ])
            .args(["--pings", &pings.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ping-pong starts");
        Self { child }
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The runner's command for `test` with its cache in `cache` and artifacts in
/// `artifacts`, and `extra` arguments.
fn runner(spec: &Path, test: &str, cache: &Path, artifacts: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_panther-ivy"));
    command
        .arg("--spec-dir")
        .arg(spec)
        .args(["--test", test])
        .arg("--ivyc")
        .arg(ivyc())
        .arg("--cache-dir")
        .arg(cache)
        .arg("--artifacts")
        .arg(artifacts)
        .args(extra);
    command
}

/// Both outputs of a finished command, for assertion messages.
fn printed(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The line of `file` in the specification holding `text`, from 1.
fn line_of(file: &str, text: &str) -> usize {
    let source = fs::read_to_string(spec_dir().join(file)).unwrap();
    source
        .lines()
        .position(|line| line.contains(text))
        .unwrap_or_else(|| panic!("{text} is not in {file}"))
        + 1
}

#[test]
fn the_server_test_passes_a_compliant_server_and_names_the_rule_a_failing_one_breaks() {
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (_server, address) = Endpoint::server("functional");
    let iut = ["--iut", address.as_str(), "--iterations", "40"];

    // Two runs at once on an empty cache: both compile, one entry is kept, both pass.
    let runs: Vec<_> = ["first", "second"]
        .iter()
        .map(|name| {
            runner(
                &spec_dir(),
                "minip_server_test",
                cache.path(),
                &out.path().join(name),
                &iut,
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    for (run, name) in runs.into_iter().zip(["first", "second"]) {
        let output = run.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", printed(&output));
        let verdict = verdict(&out.path().join(name));
        assert_eq!(verdict["kind"], "test_completed", "{verdict:#}");
        assert_eq!(verdict["iterations"], 40);
        assert!(
            verdict["events"]["from_iut"].as_u64().unwrap() > 5,
            "{verdict:#}"
        );
        assert!(out.path().join(name).join("ivy.log").is_file());
        assert!(out.path().join(name).join("compile.log").is_file());
    }
    let entries: Vec<_> = fs::read_dir(cache.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries.len(), 1, "one entry and no leftover: {entries:?}");

    // The same inputs again: no compiling.
    let again = out.path().join("again");
    let output = runner(&spec_dir(), "minip_server_test", cache.path(), &again, &iut)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", printed(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("minip_server_test: cached"),
        "{}",
        printed(&output)
    );
    let verdict_again = verdict(&again);
    assert_eq!(verdict_again["cached"], true);
    assert_eq!(verdict_again["compile_seconds"], 0.0);

    // A server stamping epoch time breaks the timestamp rule of minip.ivy.
    let (_fail, fail_address) = Endpoint::server("fail");
    let broken = out.path().join("fail");
    let output = runner(
        &spec_dir(),
        "minip_server_test",
        cache.path(),
        &broken,
        &["--iut", fail_address.as_str()],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", printed(&output));
    let verdict = verdict(&broken);
    let rule = "require message.stamp_fits(d);";
    assert_eq!(verdict["kind"], "assumption_failed", "{verdict:#}");
    assert_eq!(
        verdict["location"],
        format!("minip.ivy:{}", line_of("minip.ivy", rule))
    );
    assert!(
        verdict["source_line"].as_str().unwrap().starts_with(rule),
        "{verdict:#}"
    );
    assert_eq!(verdict["cached"], true);
}

#[test]
fn the_client_test_passes_a_compliant_client_fails_a_failing_one_and_owns_its_delays() {
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    // A margin of 490 ms leaves the tester 10 ms to answer, less than the minimum delay
    // it must wait first: its own rule breaks, not the client's.
    let cases = [
        ("functional", "50", "test_completed", None),
        (
            "fail",
            "50",
            "assumption_failed",
            Some((
                "minip.ivy",
                "require datagram.end(d) = 14 -> message.stamp_fits(d);",
            )),
        ),
        (
            "functional",
            "490",
            "assertion_failed",
            Some((
                "minip_client_test.ivy",
                "assert t + margin_ms <= minip.ping_time + timeout_ms;",
            )),
        ),
    ];
    for (index, (variant, margin, kind, rule)) in cases.into_iter().enumerate() {
        let artifacts = out.path().join(index.to_string());
        let port = free_udp_port();
        let mut tester = runner(
            &spec_dir(),
            "minip_client_test",
            cache.path(),
            &artifacts,
            &[
                "--tester-port",
                &port.to_string(),
                "--param",
                "quiet_ms=1000",
                "--param",
                &format!("margin_ms={margin}"),
            ],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        // The client starts once the tester is about to run (compiled or cached).
        let mut stdout = BufReader::new(tester.stdout.take().unwrap());
        let mut line = String::new();
        while !line.starts_with("panther-ivy: starting the tester") {
            line.clear();
            assert_ne!(
                stdout.read_line(&mut line).unwrap(),
                0,
                "the runner ended early"
            );
        }
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        std::thread::sleep(std::time::Duration::from_millis(200));
        let _client = Endpoint::client(variant, &format!("127.0.0.1:{port}"), 10);
        let status = tester.wait().unwrap();
        let verdict = verdict(&artifacts);
        assert_eq!(
            verdict["kind"], kind,
            "{variant}, margin {margin}: {verdict:#}"
        );
        match rule {
            Some((file, text)) => {
                assert_eq!(status.code(), Some(1));
                assert_eq!(
                    verdict["location"],
                    format!("{file}:{}", line_of(file, text))
                );
                assert!(
                    verdict["source_line"].as_str().unwrap().starts_with(text),
                    "{verdict:#}"
                );
            }
            None => {
                assert_eq!(status.code(), Some(0));
                assert_eq!(verdict["events"]["from_iut"], 10, "{verdict:#}");
            }
        }
    }
}

#[test]
fn a_specification_that_does_not_compile_gives_the_compiler_s_message() {
    let spec = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(spec_dir()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), spec.path().join(entry.file_name())).unwrap();
    }
    let broken = spec.path().join("minip.ivy");
    let source = fs::read_to_string(&broken).unwrap();
    let line = line_of("minip.ivy", "    var awaiting : bool");
    fs::write(
        &broken,
        source.replace(
            "    var awaiting : bool\n",
            "    var awaiting : bool bool\n",
        ),
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let artifacts = tempfile::tempdir().unwrap();
    let output = runner(
        spec.path(),
        "minip_server_test",
        cache.path(),
        artifacts.path(),
        &["--iut", "127.0.0.1:9"],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", printed(&output));
    let verdict = verdict(artifacts.path());
    assert_eq!(verdict["kind"], "compile_failed");
    assert_eq!(
        verdict["message"],
        format!("minip.ivy({line}): error: token 'bool': syntax error")
    );
    assert!(
        verdict["compile_log"]
            .as_str()
            .unwrap()
            .contains("syntax error"),
        "{verdict:#}"
    );
    assert_eq!(
        fs::read_to_string(artifacts.path().join("compile.log")).unwrap(),
        verdict["compile_log"].as_str().unwrap()
    );
    assert_eq!(
        fs::read_dir(cache.path()).unwrap().count(),
        0,
        "a failed compilation leaves nothing in the cache"
    );
}

/// A UDP port free on 127.0.0.1 a moment ago.
fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
