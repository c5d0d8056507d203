//! `panther-host run`, `plan` and `validate` end to end: the real binary, the
//! workspace's plugins, real processes and sockets.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{Sandbox, fixtures, repo_root, stderr, stdout};

fn write(sandbox: &Sandbox, name: &str, text: &str) -> PathBuf {
    let path = sandbox.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `run FILE --output SANDBOX/results` plus `extra`.
fn run(sandbox: &Sandbox, file: &Path, extra: &[&str]) -> Output {
    let results = sandbox.path().join("results");
    let mut args = vec![
        "run",
        file.to_str().unwrap(),
        "--output",
        results.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sandbox.run(&args)
}

/// The one run directory a test made.
fn run_directory(sandbox: &Sandbox) -> PathBuf {
    let mut runs: Vec<PathBuf> = std::fs::read_dir(sandbox.path().join("results"))
        .expect("a results directory")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs.remove(0)
}

fn results(sandbox: &Sandbox) -> Value {
    let text = std::fs::read(run_directory(sandbox).join("results.json")).unwrap();
    serde_json::from_slice(&text).unwrap()
}

/// A shell script standing in for an endpoint program.
fn script(sandbox: &Sandbox, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = sandbox.path().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

const PING_PONG: &str = r#"
[experiment]
name = "ping pong"

[[tests]]
name = "functional"
timeout = "20s"

[tests.services.server]
implementation = "ping_pong"
role = "server"

[tests.services.client]
implementation = "ping_pong"
role = "client"
target = "server"
config = { pings = 3, min_delay_ms = 5 }
"#;

#[test]
fn the_quickstart_passes_with_every_output_in_one_place() {
    let sandbox = Sandbox::with_workspace_plugins();
    let output = run(&sandbox, &repo_root().join("configs/quickstart.toml"), &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("1 passed"), "{}", stdout(&output));

    let directory = run_directory(&sandbox);
    let results = results(&sandbox);
    assert_eq!(results["state"], "finished");
    let test = &results["tests"][0];
    assert_eq!(test["status"], "passed", "{test:#}");
    assert!(
        test["reason"].as_str().unwrap().contains("5 of 5 pongs"),
        "{test:#}"
    );
    let client = test["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "client")
        .unwrap();
    assert_eq!(client["verdict"]["metrics"]["pongs_ok"], 5);
    for file in ["stdout", "stderr"] {
        let path = directory.join(client[file].as_str().unwrap());
        assert!(path.is_file(), "{}", path.display());
    }
    let summary = directory.join(client["artifacts"][0]["path"].as_str().unwrap());
    assert!(summary.is_file(), "{}", summary.display());
    for file in [
        "summary.md",
        "junit.xml",
        "experiment.toml",
        "plan.json",
        "resolved-experiment.json",
    ] {
        assert!(directory.join(file).is_file(), "{file} is missing");
    }
    let junit = std::fs::read_to_string(directory.join("junit.xml")).unwrap();
    assert!(junit.contains("tests=\"1\""), "{junit}");
}

#[test]
fn a_crashing_service_fails_the_test_with_the_reason() {
    let sandbox = Sandbox::with_workspace_plugins();
    let crash = script(&sandbox, "crashing-server", "kill -SEGV $$");
    let text = PING_PONG.replace(
        "role = \"server\"",
        &format!(
            "role = \"server\"\nconfig = {{ binary = \"{}\" }}",
            crash.display()
        ),
    );
    let file = write(&sandbox, "crash.toml", &text);
    let output = run(&sandbox, &file, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let test = &results(&sandbox)["tests"][0];
    assert_eq!(test["status"], "failed");
    let reason = test["reason"].as_str().unwrap();
    assert!(
        reason.contains("server exited (signal 11, SIGSEGV) before it was ready"),
        "{reason}"
    );
    assert!(reason.contains("logs: "), "{reason}");
}

#[test]
fn a_hung_service_is_killed_at_the_timeout() {
    let sandbox = Sandbox::with_workspace_plugins();
    let hang = script(&sandbox, "hanging-client", "sleep 300");
    let text = PING_PONG
        .replace("timeout = \"20s\"", "timeout = \"1s\"")
        .replace(
            "config = { pings = 3, min_delay_ms = 5 }",
            &format!("config = {{ binary = \"{}\" }}", hang.display()),
        );
    let file = write(&sandbox, "hang.toml", &text);
    let started = Instant::now();
    let output = run(&sandbox, &file, &[]);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(output.status.code(), Some(1));
    let test = &results(&sandbox)["tests"][0];
    assert_eq!(test["status"], "failed");
    assert!(
        test["reason"]
            .as_str()
            .unwrap()
            .contains("timed out after 1 s; still running: client"),
        "{test:#}"
    );
    assert!(processes_mentioning(sandbox.path()).is_empty());
}

/// Process ids (with their process groups) whose command line mentions `text`.
fn processes_mentioning(text: &Path) -> Vec<(i32, i32)> {
    let needle = text.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(&needle) && !cmdline.contains("panther-host") {
            let group = std::fs::read_to_string(entry.path().join("stat"))
                .ok()
                .and_then(|stat| stat.rsplit(')').next().map(str::to_owned))
                .and_then(|rest| rest.split_whitespace().nth(2).and_then(|g| g.parse().ok()))
                .unwrap_or(0);
            found.push((pid, group));
        }
    }
    found
}

/// Live processes (not zombies: those have exited and wait for their parent to
/// collect them) in any of the process groups.
fn processes_in_groups(groups: &[i32]) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if entry.file_name().to_string_lossy().parse::<i32>().is_err() {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some(rest) = stat.rsplit(')').next() else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let state = fields.first().copied().unwrap_or_default();
        let group = fields.get(2).and_then(|g| g.parse::<i32>().ok());
        if state != "Z" && group.is_some_and(|g| groups.contains(&g)) {
            found.push(stat);
        }
    }
    found
}

#[test]
fn a_matrix_expands_into_one_test_per_server_client_and_case() {
    let sandbox = Sandbox::with_workspace_plugins();
    let file = write(
        &sandbox,
        "matrix.toml",
        r#"
[experiment]
name = "matrix"

[[matrix]]
name = "minip"
servers = ["ping_pong"]
clients = ["ping_pong"]
testcases = ["short", "long"]
timeout = "20s"

[matrix.config.ping_pong]
pings = 2
min_delay_ms = 5
"#,
    );
    let plan = sandbox.run(&["plan", "--json", file.to_str().unwrap()]);
    assert!(plan.status.success(), "{}", stderr(&plan));
    let plan: Value = serde_json::from_slice(&plan.stdout).unwrap();
    let names: Vec<&str> = plan["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "minip: ping_pong -> ping_pong [short]",
            "minip: ping_pong -> ping_pong [long]"
        ]
    );
    let first = &plan["tests"][0]["services"];
    assert_eq!(first[0]["name"], "server", "servers start first");
    assert_eq!(first[1]["request"]["test_case"], "short");
    assert_eq!(first[1]["request"]["target"], "server");

    let output = run(&sandbox, &file, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        results(&sandbox)["matrices"]["minip: short"]["ping_pong"]["ping_pong"],
        "passed"
    );
    let summary = std::fs::read_to_string(run_directory(&sandbox).join("summary.md")).unwrap();
    assert!(summary.contains("## minip: short"), "{summary}");
    assert!(
        summary.contains("| client \\ server | ping_pong |"),
        "{summary}"
    );
    assert!(
        summary.contains("| **ping_pong** | [✅ passed]"),
        "{summary}"
    );
}

#[test]
fn a_swept_matrix_runs_one_test_per_value_and_tables_values_by_implementation() {
    let sandbox = Sandbox::with_workspace_plugins();
    let text = r#"
[experiment]
name = "sweep"

[[matrix]]
name = "pings"
servers = ["ping_pong"]
clients = ["ping_pong"]
timeout = "20s"

[matrix.config.ping_pong]
min_delay_ms = 5

[matrix.sweep]
implementation = "ping_pong"
role = "client"
key = "pings"
values = [1, 3]
"#;
    let file = write(&sandbox, "sweep.toml", text);
    let plan = sandbox.run(&["plan", "--json", file.to_str().unwrap()]);
    assert!(plan.status.success(), "{}", stderr(&plan));
    let plan: Value = serde_json::from_slice(&plan.stdout).unwrap();
    let tests = plan["tests"].as_array().unwrap();
    let names: Vec<&str> = tests.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "pings: ping_pong -> ping_pong pings=1",
            "pings: ping_pong -> ping_pong pings=3"
        ]
    );
    assert_eq!(tests[1]["services"][1]["request"]["config"]["pings"], 3);
    assert_eq!(
        tests[1]["services"][1]["request"]["config"]["min_delay_ms"],
        5
    );

    let output = run(&sandbox, &file, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let matrices = &results(&sandbox)["matrices"]["pings"];
    assert_eq!(matrices["1"]["ping_pong"], "passed");
    assert_eq!(matrices["3"]["ping_pong"], "passed");
    let summary = std::fs::read_to_string(run_directory(&sandbox).join("summary.md")).unwrap();
    assert!(
        summary.contains("| ping_pong `pings` \\ implementation | ping_pong |"),
        "{summary}"
    );
    assert!(summary.contains("| **3** | [✅ passed]"), "{summary}");

    let refuse = |name: &str, text: &str, wanted: &str| {
        let file = write(&sandbox, name, text);
        let refused = sandbox.run(&["validate", file.to_str().unwrap()]);
        assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
        let error = stderr(&refused);
        assert!(error.contains(wanted), "{error}");
    };
    refuse(
        "unlisted.toml",
        &text.replace(
            "implementation = \"ping_pong\"\nrole",
            "implementation = \"quinn\"\nrole",
        ),
        "unlisted.toml:15:18: matrix[0].sweep.implementation: 'quinn' is neither a server nor a client",
    );
    refuse(
        "twice.toml",
        &text.replace("min_delay_ms = 5", "min_delay_ms = 5\npings = 2"),
        "[matrix.config.ping_pong] sets `pings` too",
    );
    refuse(
        "both.toml",
        &text.replace("role = \"client\"\n", ""),
        "both a server and a client of this matrix; give the sweep `role",
    );
}

#[test]
fn parallel_tests_get_their_own_ports_and_all_pass() {
    let sandbox = Sandbox::with_workspace_plugins();
    let mut text = String::from("[experiment]\nname = \"parallel\"\n");
    let body = PING_PONG.split("[[tests]]").nth(1).unwrap();
    for n in 1..=6 {
        text.push_str("[[tests]]");
        text.push_str(&body.replace(
            "name = \"functional\"",
            &format!("name = \"functional {n}\""),
        ));
    }
    let file = write(&sandbox, "parallel.toml", &text);
    let output = run(&sandbox, &file, &["--jobs", "4"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("6 passed"), "{}", stdout(&output));
    let plan: Value =
        serde_json::from_slice(&std::fs::read(run_directory(&sandbox).join("plan.json")).unwrap())
            .unwrap();
    let mut ports: Vec<u64> = plan["tests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            t["services"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["request"]["address"]["port"].as_u64().unwrap())
        })
        .collect();
    let count = ports.len();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), count, "ports were shared: {ports:?}");
}

#[test]
fn sigint_mid_run_stops_every_process_tears_down_and_keeps_finished_results() {
    let sandbox = Sandbox::with_workspace_plugins();
    let hang = script(&sandbox, "slow-client", "sleep 300");
    let slow = PING_PONG
        .split("[[tests]]")
        .nth(1)
        .unwrap()
        .replace("name = \"functional\"", "name = \"slow\"")
        .replace("timeout = \"20s\"", "timeout = \"120s\"")
        .replace(
            "config = { pings = 3, min_delay_ms = 5 }",
            &format!("config = {{ binary = \"{}\" }}", hang.display()),
        );
    let text = format!("{PING_PONG}\n[[tests]]{slow}");
    let file = write(&sandbox, "interrupt.toml", &text);
    let results_dir = sandbox.path().join("results");
    let mut host = sandbox
        .host()
        .arg("--plugins")
        .arg(sandbox.plugins())
        .args([
            "run",
            file.to_str().unwrap(),
            "--output",
            results_dir.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let groups = loop {
        let running = processes_mentioning(&hang);
        if !running.is_empty() {
            break running.into_iter().map(|(_, g)| g).collect::<Vec<_>>();
        }
        assert!(Instant::now() < deadline, "the slow test never started");
        std::thread::sleep(Duration::from_millis(50));
    };
    let server_groups: Vec<i32> = processes_mentioning(&sandbox.plugins())
        .into_iter()
        .map(|(_, g)| g)
        .collect();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(host.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let interrupted = Instant::now();
    let status = loop {
        if let Some(status) = host.try_wait().unwrap() {
            break status;
        }
        assert!(
            interrupted.elapsed() < Duration::from_secs(5),
            "the host did not stop within 5 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    let all_groups: Vec<i32> = groups.iter().chain(&server_groups).copied().collect();
    let left = processes_in_groups(&all_groups);
    assert!(
        left.is_empty(),
        "left behind in groups {all_groups:?}: {left:?}"
    );
    let results = results(&sandbox);
    assert_eq!(results["state"], "interrupted");
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 2, "{results:#}");
    assert_eq!(tests[0]["status"], "passed");
    assert_eq!(tests[1]["status"], "interrupted");
}

#[test]
fn strace_traces_a_service_into_its_artifacts_and_iterations_reruns_one() {
    let sandbox = Sandbox::with_workspace_plugins();
    let text = PING_PONG
        .replace(
            "role = \"server\"\n",
            "role = \"server\"\nexecution = [{ type = \"strace\" }]\n",
        )
        .replace(
            "target = \"server\"\n",
            "target = \"server\"\nexecution = [{ type = \"iterations\", times = 2 }]\n",
        );
    let file = write(&sandbox, "wrapped.toml", &text);
    let output = run(&sandbox, &file, &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let directory = run_directory(&sandbox);
    let test = &results(&sandbox)["tests"][0];
    let service = |name: &str| {
        test["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap()
            .clone()
    };
    let server = service("server");
    let trace = server["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "strace")
        .unwrap();
    let trace = std::fs::read_to_string(directory.join(trace["path"].as_str().unwrap())).unwrap();
    assert!(
        trace.contains("recvfrom") || trace.contains("recvmsg"),
        "the trace shows no receive"
    );
    let client = service("client");
    let log = client["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "iterations")
        .unwrap();
    let log: Value = serde_json::from_slice(
        &std::fs::read(directory.join(log["path"].as_str().unwrap())).unwrap(),
    )
    .unwrap();
    assert_eq!(log["iterations"].as_array().unwrap().len(), 2, "{log:#}");
}

#[test]
fn a_flaky_server_is_caught_by_the_client_and_the_run_exits_1() {
    let sandbox = Sandbox::with_workspace_plugins();
    let text = PING_PONG.replace(
        "role = \"server\"\n",
        "role = \"server\"\nconfig = { variant = \"flaky\", min_delay_ms = 100, timeout_ms = 1000, seed = 1 }\n",
    ).replace(
        "config = { pings = 3, min_delay_ms = 5 }",
        "config = { pings = 10, min_delay_ms = 100, timeout_ms = 1000 }",
    );
    let file = write(&sandbox, "flaky.toml", &text);
    let output = run(&sandbox, &file, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let test = &results(&sandbox)["tests"][0];
    assert_eq!(test["status"], "failed");
    assert!(
        test["reason"]
            .as_str()
            .unwrap()
            .contains("before the minimum delay"),
        "{test:#}"
    );
}

fn refused(sandbox: &Sandbox, text: &str) -> String {
    let file = write(sandbox, "bad.toml", text);
    let output = run(sandbox, &file, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        !sandbox.path().join("results").exists(),
        "a refused run made a results directory"
    );
    let validate = sandbox.run(&["validate", file.to_str().unwrap()]);
    assert_eq!(validate.status.code(), Some(2));
    assert_eq!(stderr(&validate), stderr(&output));
    stderr(&output)
}

#[test]
fn every_problem_of_a_bad_experiment_is_reported_at_once_with_its_place() {
    let sandbox = Sandbox::with_workspace_plugins();
    sandbox.add(&fixtures().server_only, "libserver_only.so");
    let error = refused(
        &sandbox,
        r#"[experiment]
name = "bad"

[[tests]]
name = "bad services"
timeout = "soon"

[tests.services.server]
implementation = "ping_pong"
role = "server"
config = { pings = "five", colour = "red" }

[tests.services.client]
implementation = "no-such-stack"
role = "client"
target = "nobody"

[tests.services.other]
implementation = "server-only"
role = "client"
target = "server"

[tests.services.wrong]
implementation = "ping_pong"
role = "client"
protocol = "quic"
target = "server"
"#,
    );
    let file = sandbox.path().join("bad.toml").display().to_string();
    for expected in [
        format!("{file}:6:11: tests[0].timeout: 'soon' is not a duration"),
        format!(
            "{file}:11:20: tests[0].services.server.config.pings: \"five\" is not of type \"integer\""
        ),
        format!(
            "{file}:11:28: tests[0].services.server.config.colour: unknown key; expected one of:"
        ),
        format!(
            "{file}:14:18: tests[0].services.client.implementation: no plugin named 'no-such-stack' (loaded: "
        ),
        format!(
            "{file}:16:10: tests[0].services.client.target: 'nobody' is not another service of this test"
        ),
        format!(
            "{file}:20:8: tests[0].services.other.role: 'server-only' cannot play client; it plays: server"
        ),
        format!(
            "{file}:26:12: tests[0].services.wrong.protocol: 'ping_pong' does not speak quic; it speaks: minip"
        ),
    ] {
        assert!(
            error.contains(&expected),
            "missing {expected:?} in\n{error}"
        );
    }
    assert!(
        error.contains("ping_pong"),
        "the loaded plugins are listed: {error}"
    );
    assert!(
        error.trim_end().ends_with("7 problem(s); nothing was run"),
        "{error}"
    );
}

#[test]
fn schema_problems_and_plugin_problems_are_reported_together() {
    let sandbox = Sandbox::with_workspace_plugins();
    let error = refused(
        &sandbox,
        "[experiment]\nname = \"bad\"\ncolour = \"red\"\n\n[[tests]]\nname = 1\niterations = \"three\"\nservices = {}\n\n[[tests]]\nname = \"well formed\"\n[tests.services.client]\nimplementation = \"no-such-stack\"\nrole = \"client\"\n",
    );
    let file = sandbox.path().join("bad.toml").display().to_string();
    assert!(
        error.contains(&format!(
            "{file}:3:1: experiment.colour: unknown key; expected one of: description, name, output"
        )),
        "{error}"
    );
    assert!(
        error.contains(&format!(
            "{file}:6:8: tests[0].name: 1 is not of type \"string\""
        )),
        "{error}"
    );
    assert!(
        error.contains(&format!("{file}:7:14: tests[0].iterations:")),
        "{error}"
    );
    assert!(
        error.contains(&format!(
            "{file}:13:18: tests[1].services.client.implementation: no plugin named 'no-such-stack'"
        )),
        "{error}"
    );
    assert!(
        error.trim_end().ends_with("4 problem(s); nothing was run"),
        "{error}"
    );
}

#[test]
fn a_toml_syntax_error_and_a_missing_file_are_one_line_each() {
    let sandbox = Sandbox::with_workspace_plugins();
    let error = refused(&sandbox, "[experiment\nname = \"x\"\n");
    assert_eq!(error.trim().lines().count(), 1, "{error}");
    assert!(error.contains("bad.toml:1:"), "{error}");
    let missing = sandbox.run(&["validate", "/no/such/experiment.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(stderr(&missing).trim().lines().count(), 1);
}

#[test]
fn the_schema_command_prints_the_experiment_schema() {
    let output = Sandbox::new().host().arg("schema").output().unwrap();
    assert!(output.status.success());
    let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(schema["properties"]["tests"]["items"]["properties"]["services"].is_object());
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn the_client_tells_the_server_variants_apart() {
    let sandbox = Sandbox::with_workspace_plugins();
    let output = run(
        &sandbox,
        &repo_root().join("configs/minip-variants.toml"),
        &["--jobs", "3"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let results = results(&sandbox);
    let verdicts: Vec<(String, String)> = results["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let name = t["name"].as_str().unwrap();
            let variant = name
                .rsplit(" against ")
                .next()
                .unwrap()
                .trim_end_matches(" server");
            (variant.to_owned(), t["status"].as_str().unwrap().to_owned())
        })
        .collect();
    let expected = [
        ("functional", "passed"),
        ("fail", "failed"),
        ("flaky", "failed"),
        ("random", "passed"),
        ("vulnerable", "passed"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(v, s)| (v.to_string(), s.to_string()))
        .collect();
    assert_eq!(verdicts, expected);
    let reason = |i: usize| results["tests"][i]["reason"].as_str().unwrap().to_owned();
    assert!(reason(1).contains("not below 2^32"), "{}", reason(1));
    assert!(
        reason(2).contains("before the minimum delay"),
        "{}",
        reason(2)
    );
}
