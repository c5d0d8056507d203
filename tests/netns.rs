//! The netns network environment end to end: the real host, the real plugins, each
//! service in its own network namespace behind links that the link emulator delays,
//! and teardown on every path, a killed run included. These tests need root, as the
//! environment does (CI runs as root).

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use support::{Sandbox, interrupt, ping_pong_experiment, service, stderr, stdout, wait_until};

fn sandbox() -> Sandbox {
    assert!(
        nix::unistd::geteuid().is_root(),
        "the netns tests make network namespaces and need root (CI runs as root)"
    );
    Sandbox::with_workspace_plugins()
}

/// The network namespaces whose names start with `panther-{experiment}-`.
fn namespaces_of(experiment: &str) -> Vec<String> {
    let output = Command::new("ip").args(["netns", "list"]).output().unwrap();
    let prefix = format!("panther-{experiment}-");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| name.starts_with(&prefix))
        .map(str::to_owned)
        .collect()
}

#[test]
fn ping_pong_round_trips_take_the_configured_delay_and_nothing_is_left() {
    let sandbox = sandbox();
    let text = ping_pong_experiment(
        "netns-delay",
        r#"{ type = "netns", delay = "30ms", capture = true }"#,
        "{ pings = 5, min_delay_ms = 5, timeout_ms = 2000 }",
    );
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let test = run.test("ping_pong");
    assert_eq!(test["status"], "passed", "{test:#}");
    let client = service(&test, "client");
    let median = client["verdict"]["metrics"]["median_round_trip_ms"]
        .as_u64()
        .unwrap();
    // 30 ms on the client's link out, 30 ms on the server's link back.
    assert!((60..200).contains(&median), "median round trip {median} ms");
    for name in ["client", "server"] {
        let artifacts = service(&test, name)["artifacts"]
            .as_array()
            .unwrap()
            .clone();
        let capture = artifacts
            .iter()
            .find(|a| a["path"].as_str().unwrap().ends_with(".pcap"))
            .unwrap_or_else(|| panic!("{name} has no capture: {artifacts:#?}"));
        let path = run.directory().join(capture["path"].as_str().unwrap());
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size > 24, "{} holds {size} bytes", path.display());
    }
    assert_eq!(namespaces_of("netns-delay"), Vec::<String>::new());
}

#[test]
fn quic_handshake_and_transfer_pass_through_namespaces_with_their_wire_checks() {
    let sandbox = sandbox();
    let text = r#"[experiment]
name = "netns-quic"

[[matrix]]
name = "netns"
servers = ["quinn"]
clients = ["quinn"]
testcases = ["handshake", "transfer"]
network = { type = "netns", delay = "5ms" }
timeout = "60s"
"#;
    let run = sandbox.run_experiment(text, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    for case in ["handshake", "transfer"] {
        let test = run.test(&format!("netns: quinn -> quinn [{case}]"));
        assert_eq!(test["status"], "passed", "{test:#}");
        let reason = test["reason"].as_str().unwrap();
        assert!(reason.contains("on the wire: 1 handshake(s)"), "{reason}");
    }
    assert_eq!(namespaces_of("netns-quic"), Vec::<String>::new());
}

#[test]
fn a_failed_and_a_timed_out_test_tear_their_namespaces_down() {
    let sandbox = sandbox();
    let hung = sandbox.path().join("hung-client");
    std::fs::write(&hung, "#!/bin/sh\nsleep 60\n").unwrap();
    std::fs::set_permissions(&hung, std::fs::Permissions::from_mode(0o755)).unwrap();
    let text = format!(
        r#"[experiment]
name = "netns-failures"

[[tests]]
name = "flaky"
network = {{ type = "netns" }}
timeout = "30s"

[tests.services.server]
implementation = "ping_pong"
role = "server"
config = {{ variant = "flaky", min_delay_ms = 20, timeout_ms = 300, seed = 7 }}

[tests.services.client]
implementation = "ping_pong"
role = "client"
target = "server"
config = {{ pings = 20, min_delay_ms = 20, timeout_ms = 300 }}

[[tests]]
name = "hung"
network = {{ type = "netns" }}
timeout = "2s"

[tests.services.server]
implementation = "ping_pong"
role = "server"

[tests.services.client]
implementation = "ping_pong"
role = "client"
target = "server"
config = {{ binary = "{}" }}
"#,
        hung.display()
    );
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(1), "{}", run.printed());
    assert_eq!(run.test("flaky")["status"], "failed");
    let hung = run.test("hung");
    assert_eq!(hung["status"], "failed");
    assert!(
        hung["reason"]
            .as_str()
            .unwrap()
            .starts_with("timed out after 2 s"),
        "{hung:#}"
    );
    assert_eq!(namespaces_of("netns-failures"), Vec::<String>::new());
}

/// Starts `run` of a long ping_pong test in the background and waits until its
/// namespaces exist.
fn start_long_run(sandbox: &Sandbox, experiment: &str) -> Child {
    let text = ping_pong_experiment(
        experiment,
        r#"{ type = "netns", delay = "50ms" }"#,
        "{ pings = 200, min_delay_ms = 5, timeout_ms = 2000 }",
    );
    let child = sandbox.spawn_experiment(&text, experiment);
    wait_until(
        Duration::from_secs(20),
        &format!("the namespaces of {experiment} appear"),
        || namespaces_of(experiment).len() >= 3,
    );
    // Let the services start inside them.
    std::thread::sleep(Duration::from_millis(1500));
    child
}

#[test]
fn ctrl_c_mid_test_tears_the_namespaces_down() {
    let sandbox = sandbox();
    let child = start_long_run(&sandbox, "netns-interrupted");
    assert_eq!(interrupt(child), Some(130));
    assert_eq!(namespaces_of("netns-interrupted"), Vec::<String>::new());
}

#[test]
fn a_killed_run_leaves_namespaces_that_clean_and_the_next_run_remove() {
    let sandbox = sandbox();
    for cleaner in ["clean", "run"] {
        let experiment = format!("netns-killed-{cleaner}");
        let mut child = start_long_run(&sandbox, &experiment);
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(
            namespaces_of(&experiment).len(),
            3,
            "killed: nothing torn down"
        );
        let output = if cleaner == "clean" {
            sandbox.run(&["clean"])
        } else {
            let text = ping_pong_experiment(
                "netns-after-kill",
                r#"{ type = "localhost" }"#,
                "{ pings = 1 }",
            );
            let file = sandbox.experiment(&text);
            let results = sandbox.path().join("results-after");
            sandbox.run(&[
                "run",
                file.to_str().unwrap(),
                "--output",
                results.to_str().unwrap(),
            ])
        };
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let said = format!("{}{}", stdout(&output), stderr(&output));
        assert!(said.contains("ping_pong"), "{said}");
        assert!(said.contains("torn down"), "{said}");
        assert_eq!(namespaces_of(&experiment), Vec::<String>::new(), "{said}");
    }
}

#[test]
fn a_link_setting_that_does_not_parse_is_refused_at_its_line() {
    let sandbox = sandbox();
    let text = ping_pong_experiment(
        "netns-bad",
        r#"{ type = "netns", delay = "20xs" }"#,
        "{ pings = 1 }",
    );
    let file = sandbox.experiment(&text);
    let output = sandbox.run(&["validate", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let error = stderr(&output);
    let first = error.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{}:6:", file.display())),
        "{error}"
    );
    assert!(
        first.contains(": tests[0].network.delay: '20xs' is not a duration"),
        "{error}"
    );
    let nested = ping_pong_experiment(
        "netns-bad",
        "{ type = \"netns\", links = { client = { loss = \"150%\" } } }",
        "{ pings = 1 }",
    );
    let file = sandbox.experiment(&nested);
    let output = sandbox.run(&["run", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let error = stderr(&output);
    assert!(
        error.contains("tests[0].network.links.client.loss: '150%'"),
        "{error}"
    );
    assert_eq!(namespaces_of("netns-bad"), Vec::<String>::new());
}

#[test]
fn without_root_the_run_is_refused_before_anything_runs() {
    let sandbox = sandbox();
    let text = ping_pong_experiment("netns-nobody", r#"{ type = "netns" }"#, "{ pings = 1 }");
    let file = sandbox.experiment(&text);
    for path in [sandbox.path(), file.as_path()] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let cache = sandbox.path().join("nobody-cache");
    std::fs::create_dir(&cache).unwrap();
    nix::unistd::chown(
        &cache,
        Some(nix::unistd::Uid::from_raw(65534)),
        Some(nix::unistd::Gid::from_raw(65534)),
    )
    .unwrap();
    let output = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_panther-host"))
        .arg("--plugins")
        .arg(sandbox.plugins())
        .args(["run", file.to_str().unwrap()])
        .env("PANTHER_CACHE_DIR", &cache)
        .env_remove("PANTHER_PLUGIN_PATH")
        .current_dir(Path::new("/tmp"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let error = stderr(&output);
    assert!(
        error.contains("network 'netns' needs root (it makes network namespaces"),
        "{error}"
    );
    assert_eq!(error.lines().count(), 1, "{error}");
    assert_eq!(namespaces_of("netns-nobody"), Vec::<String>::new());
}

#[test]
fn the_environments_config_runs_as_the_readme_says() {
    let sandbox = sandbox().with_stack_builds();
    sandbox.require_stack_builds(&["shadow@3.3.0"]);
    let text =
        std::fs::read_to_string(support::repo_root().join("configs/environments.toml")).unwrap();
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    assert!(
        stdout(&run.output).contains("20 passed"),
        "{}",
        run.printed()
    );
    let median_of = |name: &str| {
        service(&run.test(name), "client")["verdict"]["metrics"]["median_round_trip_ms"]
            .as_u64()
            .unwrap()
    };
    let linked = median_of("namespaces with 25 ms links");
    assert!(linked >= 50, "median round trip {linked} ms");
    // 25 ms each way and the server's 20 ms before it answers, in simulated time.
    assert_eq!(median_of("simulated with a 25 ms link"), 70);
    // The four environments side by side, each with its five tests.
    let summary = std::fs::read_to_string(run.directory().join("summary.md")).unwrap();
    let table = summary
        .split("## Network environments")
        .nth(1)
        .unwrap_or_else(|| panic!("{summary}"));
    for network in ["localhost", "netns", "docker_compose", "shadow"] {
        assert!(
            table.contains(&format!("| {network} | 5 | 5 |")),
            "{network}: {table}"
        );
    }
    assert_eq!(namespaces_of("environments"), Vec::<String>::new());
}
