//! Network environments that launch a whole test with one command, end to end: the
//! real host and plugins. A fixture environment launches a ping_pong test for real
//! through the host's launcher path; docker_compose without an engine that answers is
//! skipped before anything runs, with why, and shadow without its build is refused with
//! the command that builds it.

mod support;

use support::{Sandbox, fixtures, ping_pong_experiment, service, stderr, stdout};

/// A ping_pong client against a ping_pong server in the network `network`.
fn ping_pong(network: &str) -> String {
    ping_pong_experiment("launched", network, "{ pings = 3, min_delay_ms = 5 }")
}

#[test]
fn a_launcher_runs_every_service_and_the_host_judges_what_it_left() {
    let sandbox = Sandbox::with_workspace_plugins();
    let fixtures = fixtures();
    sandbox.add(&fixtures.launcher, "libfixture_launcher.so");
    sandbox.add(&fixtures.launcher_program, "fixture-launcher");
    let run = sandbox.run_experiment(&ping_pong(r#"{ type = "launcher" }"#), &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let test = run.test("ping_pong");
    assert_eq!(test["status"], "passed", "{test:#}");
    assert!(
        test["reason"].as_str().unwrap().contains("3 of 3 pongs"),
        "{test:#}"
    );
    let iteration = run.directory().join(test["directory"].as_str().unwrap());
    let launched = std::fs::read_to_string(iteration.join("launcher.stdout.log")).unwrap();
    assert_eq!(launched.trim(), "launched 2 service(s)");
    // The client's output, left by the launcher, is where the host keeps every
    // service's output; the server was stopped, so it has no exit code.
    let client = std::fs::read_to_string(iteration.join("client/stdout.log")).unwrap();
    assert!(!client.is_empty());
    let server = service(&test, "server");
    assert_eq!(server["exit"]["stopped_by_host"], true, "{server:#}");
    let client = service(&test, "client");
    assert_eq!(client["exit"]["code"], 0, "{client:#}");
}

/// docker_compose told to reach the engine through a Docker client that is not there.
const NO_ENGINE: &str =
    r#"{ type = "docker_compose", compose = ["panther-no-such-docker", "compose"] }"#;

#[test]
fn docker_compose_without_an_engine_is_skipped_with_why_and_nothing_runs() {
    let sandbox = Sandbox::with_workspace_plugins();
    let run = sandbox.run_experiment(&ping_pong(NO_ENGINE), &[]);
    assert_eq!(run.code(), Some(0), "{}", run.printed());
    let test = run.test("ping_pong");
    assert_eq!(test["status"], "skipped", "{test:#}");
    let reason = test["reason"].as_str().unwrap();
    assert!(
        reason.starts_with(
            "not run: network 'docker_compose' needs a Docker engine: `panther-no-such-docker info"
        ),
        "{reason}"
    );
    assert!(!reason.contains('\n'), "{reason}");
    let iteration = run.directory().join(test["directory"].as_str().unwrap());
    assert!(!iteration.join("docker-compose.yml").exists());
    assert!(!iteration.join("client").exists());
    let summary = std::fs::read_to_string(run.directory().join("summary.md")).unwrap();
    assert!(summary.contains("1 skipped"), "{summary}");
}

#[test]
fn the_plan_of_a_compose_test_shows_its_file_and_its_launcher() {
    let sandbox = Sandbox::with_workspace_plugins();
    let file = sandbox.experiment(&ping_pong(NO_ENGINE));
    let output = sandbox.run(&["plan", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let plan = stdout(&output);
    assert!(plan.contains("docker-compose.yml"), "{plan}");
    assert!(
        plan.contains("launches every service: panther-no-such-docker compose"),
        "{plan}"
    );
    assert!(plan.contains("not run (skipped)"), "{plan}");
}

#[test]
fn shadow_without_its_build_refuses_the_run_with_the_command_that_builds_it() {
    let sandbox = Sandbox::with_workspace_plugins();
    let run = sandbox.run_experiment(&ping_pong(r#"{ type = "shadow" }"#), &[]);
    assert_eq!(run.code(), Some(2), "{}", run.printed());
    assert!(run.directory.is_none(), "nothing ran");
    let message = stderr(&run.output);
    assert!(
        message.contains("the Shadow simulator 3.3.0, as pinned")
            && message.contains("run `scripts/build-stacks shadow@3.3.0`"),
        "{message}"
    );
}
