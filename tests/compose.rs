//! The docker_compose network environment end to end: the real host, the real plugins,
//! the Docker engine and the image that scripts/start-docker starts and builds (the
//! test command runs it first), one container per service on a compose network. The
//! verdicts are those of localhost, and no container, network or volume is left after a
//! run, however it ends; `panther-host clean` removes what a killed run left.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command};
use std::time::Duration;

use support::{
    Sandbox, assert_fails_as_on_localhost, failing_server_test, interrupt, ping_pong_experiment,
    service, stderr, stdout, wait_until,
};

/// A sandbox with the workspace's plugins, on a machine whose Docker engine answers.
fn sandbox() -> Sandbox {
    let engine = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output();
    assert!(
        engine.is_ok_and(|output| output.status.success()),
        "no Docker engine answers: run scripts/start-docker (scripts/test does)"
    );
    Sandbox::with_workspace_plugins()
}

/// Lines of `docker ARGS` output that start with the project prefix of `experiment`.
fn left_by(experiment: &str, args: &[&str]) -> Vec<String> {
    let output = Command::new("docker").args(args).output().unwrap();
    let prefix = format!("{experiment}-");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.starts_with(&prefix))
        .map(str::to_owned)
        .collect()
}

/// The containers, networks and volumes of `experiment`'s compose projects.
fn leftovers(experiment: &str) -> Vec<String> {
    let mut left = left_by(
        experiment,
        &[
            "ps",
            "-a",
            "--format",
            "{{.Label \"com.docker.compose.project\"}} {{.Names}}",
        ],
    );
    left.extend(left_by(
        experiment,
        &["network", "ls", "--format", "{{.Name}}"],
    ));
    left.extend(left_by(
        experiment,
        &["volume", "ls", "--format", "{{.Name}}"],
    ));
    left
}

const COMPOSE: &str = r#"{ type = "docker_compose" }"#;

#[test]
fn ping_pong_passes_in_containers_with_its_round_trips_and_leaves_nothing() {
    let sandbox = sandbox();
    let text = ping_pong_experiment(
        "compose-ping",
        COMPOSE,
        "{ pings = 5, min_delay_ms = 5, timeout_ms = 2000 }",
    );
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let test = run.test("ping_pong");
    assert_eq!(test["status"], "passed", "{test:#}");
    let client = service(&test, "client");
    let metrics = &client["verdict"]["metrics"];
    assert!(
        metrics["median_round_trip_ms"].as_u64().is_some(),
        "{client:#}"
    );
    assert_eq!(metrics["pongs_ok"], 5, "{client:#}");
    let iteration = run.directory().join(test["directory"].as_str().unwrap());
    assert!(iteration.join("docker-compose.yml").is_file());
    assert!(iteration.join("server/supervised.json").is_file());
    assert_eq!(leftovers("compose-ping"), Vec::<String>::new());
}

#[test]
fn quic_handshake_and_transfer_pass_in_containers_with_their_wire_checks() {
    let sandbox = sandbox().with_stack_builds();
    sandbox.require_stack_builds(&["picoquic@rfc9000"]);
    // quinn (Rust), aioquic (Python) and picoquic (C, the pinned build), each as a
    // client, and picoquic as a server too.
    let matrix = |servers: &str, clients: &str| {
        format!(
            "[[matrix]]\nname = \"quic\"\nservers = [{servers}]\nclients = [{clients}]\n\
             testcases = [\"handshake\", \"transfer\"]\n\
             network = {{ type = \"docker_compose\" }}\ntimeout = \"60s\"\n\n"
        )
    };
    let text = format!(
        "[experiment]\nname = \"compose-quic\"\n\n{}{}",
        matrix("\"quinn\"", "\"quinn\", \"aioquic\", \"picoquic\""),
        matrix("\"picoquic\"", "\"aioquic\"")
    );
    let run = sandbox.run_experiment(&text, &["--jobs", "2"]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let results = run.results();
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 8);
    for test in tests {
        let reason = test["reason"].as_str().unwrap();
        assert_eq!(test["status"], "passed", "{test:#}");
        assert!(
            reason.contains("identical to what the server served")
                && reason.contains("on the wire: 1 handshake(s)"),
            "{reason}"
        );
    }
    assert_eq!(leftovers("compose-quic"), Vec::<String>::new());
}

/// The image scripts/start-docker builds: `panther-compose:` and the first 12 hex
/// digits of its recipe's sha256.
fn default_image() -> String {
    let recipe =
        support::repo_root().join("plugins/environments/network/docker_compose/image/Dockerfile");
    let output = Command::new("sha256sum").arg(&recipe).output().unwrap();
    format!("panther-compose:{}", &stdout(&output)[..12])
}

#[test]
fn a_users_own_image_runs_the_services_and_a_missing_one_is_named() {
    let sandbox = sandbox();
    let own = "panther-compose-own:test";
    let tagged = Command::new("docker")
        .args(["tag", &default_image(), own])
        .output()
        .unwrap();
    assert!(tagged.status.success(), "{}", stderr(&tagged));
    let network = format!(r#"{{ type = "docker_compose", image = "{own}" }}"#);
    let text = ping_pong_experiment("compose-own-image", &network, "{ pings = 3 }");
    let run = sandbox.run_experiment(&text, &[]);
    let removed = Command::new("docker").args(["rmi", own]).output().unwrap();
    assert!(removed.status.success(), "{}", stderr(&removed));
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let test = run.test("ping_pong");
    assert_eq!(test["status"], "passed", "{test:#}");
    let compose_file = run
        .directory()
        .join(test["directory"].as_str().unwrap())
        .join("docker-compose.yml");
    let written = std::fs::read_to_string(compose_file).unwrap();
    assert!(written.contains(&format!("image: {own}")), "{written}");

    let missing = r#"{ type = "docker_compose", image = "panther-no-such-image:1" }"#;
    let text = ping_pong_experiment("compose-no-image", missing, "{ pings = 3 }");
    let second = Sandbox::with_workspace_plugins();
    let run = second.run_experiment(&text, &[]);
    let test = run.test("ping_pong");
    assert_eq!(test["status"], "skipped", "{test:#}");
    let reason = test["reason"].as_str().unwrap();
    assert!(
        reason.contains("needs the image `panther-no-such-image:1`")
            && reason.contains("docker build -t panther-no-such-image:1"),
        "{reason}"
    );
    assert_eq!(leftovers("compose-own-image"), Vec::<String>::new());
}

#[test]
fn a_failing_server_fails_as_on_localhost_and_a_timeout_leaves_nothing() {
    let sandbox = sandbox();
    let hung = sandbox.path().join("hung-client");
    std::fs::write(&hung, "#!/bin/sh\nsleep 60\n").unwrap();
    std::fs::set_permissions(&hung, std::fs::Permissions::from_mode(0o755)).unwrap();
    let text = format!(
        "[experiment]\nname = \"compose-failures\"\n\n{}{}\
         [[tests]]\nname = \"hung\"\nnetwork = {{ type = \"docker_compose\" }}\ntimeout = \"5s\"\n\
         [tests.services.server]\nimplementation = \"ping_pong\"\nrole = \"server\"\n\
         [tests.services.client]\nimplementation = \"ping_pong\"\nrole = \"client\"\n\
         target = \"server\"\nconfig = {{ binary = \"{}\" }}\n",
        failing_server_test("localhost"),
        failing_server_test("docker_compose"),
        hung.display()
    );
    let run = sandbox.run_experiment(&text, &[]);
    assert_eq!(run.code(), Some(1), "{}", run.printed());
    assert_fails_as_on_localhost(&run, "docker_compose");
    let hung = run.test("hung");
    assert_eq!(hung["status"], "failed", "{hung:#}");
    assert_eq!(
        hung["reason"].as_str().unwrap(),
        "timed out after 5 s; still running: the launcher (`docker-compose`), client",
        "{hung:#}"
    );
    assert_eq!(leftovers("compose-failures"), Vec::<String>::new());
}

/// Starts `run` of a long ping_pong test in containers in the background, and waits
/// until its containers run.
fn start_long_run(sandbox: &Sandbox, experiment: &str) -> Child {
    let text = ping_pong_experiment(
        experiment,
        COMPOSE,
        "{ pings = 300, min_delay_ms = 100, timeout_ms = 2000 }",
    );
    let child = sandbox.spawn_experiment(&text, experiment);
    let running = || {
        left_by(
            experiment,
            &[
                "ps",
                "--filter",
                "status=running",
                "--format",
                "{{.Label \"com.docker.compose.project\"}} {{.Names}}",
            ],
        )
        .len()
    };
    wait_until(
        Duration::from_secs(60),
        &format!("the containers of {experiment} run"),
        || running() >= 2,
    );
    child
}

#[test]
fn ctrl_c_mid_test_takes_the_containers_down() {
    let sandbox = sandbox();
    let child = start_long_run(&sandbox, "compose-interrupted");
    assert_eq!(interrupt(child), Some(130));
    assert_eq!(leftovers("compose-interrupted"), Vec::<String>::new());
}

#[test]
fn a_killed_run_leaves_containers_that_clean_removes() {
    let sandbox = sandbox();
    let mut child = start_long_run(&sandbox, "compose-killed");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !leftovers("compose-killed").is_empty(),
        "killed: nothing was taken down"
    );
    let output = sandbox.run(&["clean"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(said.contains("torn down"), "{said}");
    assert_eq!(leftovers("compose-killed"), Vec::<String>::new(), "{said}");
}
