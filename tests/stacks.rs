//! Every QUIC stack PANTHER drives, end to end: the real host loads every stack's
//! plugin, and a stack whose program is not installed is skipped before anything of
//! its test runs, with which program was looked for, where, and the config key that
//! points at it; the report never counts it as passed.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use support::{Sandbox, stderr, stdout};

/// The stacks whose programs no registry here provides, with the config key that
/// names the program of the role each plays in the test below.
const USER_BUILT: [(&str, &str); 5] = [
    ("picoquic", "binary"),
    ("lsquic", "server"),
    ("mvfst", "binary"),
    ("quant", "server"),
    ("quic_go", "client"),
];

fn run(sandbox: &Sandbox, text: &str) -> (Output, PathBuf) {
    let file = sandbox.path().join("stacks.toml");
    std::fs::write(&file, text).unwrap();
    let results = sandbox.path().join("results");
    let output = sandbox.run(&[
        "run",
        file.to_str().unwrap(),
        "--output",
        results.to_str().unwrap(),
    ]);
    let directory = std::fs::read_dir(&results)
        .ok()
        .and_then(|mut entries| entries.next())
        .map(|entry| entry.unwrap().path())
        .unwrap_or_default();
    (output, directory)
}

fn results(directory: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(directory.join("results.json")).unwrap()).unwrap()
}

#[test]
fn plugins_list_shows_every_quic_stack_panther_drives() {
    let sandbox = Sandbox::with_workspace_plugins();
    let output = sandbox.run(&["plugins", "list"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let listing = stdout(&output);
    assert!(!listing.contains("refused files"), "{listing}");
    for stack in [
        "aioquic",
        "lsquic",
        "mvfst",
        "ngtcp2",
        "picoquic",
        "picoquic_shadow",
        "quant",
        "quic_go",
        "quiche",
        "quinn",
    ] {
        assert!(
            listing
                .lines()
                .any(|line| line.split_whitespace().next() == Some(stack)),
            "{stack} is not listed:\n{listing}"
        );
    }
}

#[test]
fn a_stack_that_is_not_installed_is_skipped_with_what_was_looked_for_and_where() {
    let sandbox = Sandbox::with_workspace_plugins();
    let nowhere = sandbox.path().join("not-built");
    let experiment = format!(
        "[experiment]\nname = \"stacks\"\n\n\
         [[matrix]]\nname = \"unbuilt\"\nservers = [\"picoquic\", \"lsquic\", \"mvfst\", \"quant\"]\n\
         clients = [\"quinn\"]\ntestcases = [\"handshake\"]\ntimeout = \"20s\"\n\
         [matrix.config.picoquic]\nbinary = \"{}\"\n\n\
         [[matrix]]\nname = \"unbuilt client\"\nservers = [\"quinn\"]\nclients = [\"quic_go\"]\n\
         testcases = [\"handshake\"]\ntimeout = \"20s\"\n\n\
         [[matrix]]\nname = \"built\"\nservers = [\"quinn\"]\nclients = [\"quinn\"]\ntestcases = [\"handshake\"]\ntimeout = \"20s\"\n",
        nowhere.join("picoquicdemo").display()
    );
    let (output, directory) = run(&sandbox, &experiment);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("1 passed, 5 skipped"),
        "{}",
        stdout(&output)
    );
    let results = results(&directory);
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 6);
    for test in tests {
        let name = test["name"].as_str().unwrap();
        if name.starts_with("built") {
            assert_eq!(test["status"], "passed", "{test:#}");
            continue;
        }
        assert_eq!(test["status"], "skipped", "{test:#}");
        let reason = test["reason"].as_str().unwrap();
        let (stack, key) = USER_BUILT
            .iter()
            .find(|(stack, _)| {
                name.contains(&format!("-> {stack} ")) || name.contains(&format!(": {stack} ->"))
            })
            .unwrap_or_else(|| panic!("{name}"));
        let role = if *key == "client" { "client" } else { "server" };
        assert!(
            reason.contains(&format!("{role} ({stack}) needs"))
                && reason.contains(&format!("config key `{key}`"))
                && reason.contains("missing at /"),
            "{reason}"
        );
        assert!(
            test["services"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["exit"].is_null()),
            "nothing of a skipped test runs: {test:#}"
        );
    }
    let picoquic = tests
        .iter()
        .find(|t| t["name"].as_str().unwrap().contains("-> picoquic "))
        .unwrap();
    assert!(
        picoquic["reason"]
            .as_str()
            .unwrap()
            .contains(&nowhere.join("picoquicdemo").display().to_string()),
        "the config key moves where the program is looked for: {picoquic:#}"
    );

    let summary = std::fs::read_to_string(directory.join("summary.md")).unwrap();
    assert!(
        summary.contains("1 passed, 5 skipped"),
        "the summary counts skips apart: {summary}"
    );
    let skipped_rows = summary
        .lines()
        .filter(|line| line.contains("⏭ skipped") && line.contains("missing at"))
        .count();
    assert_eq!(skipped_rows, 5, "{summary}");
    assert!(
        summary.contains("[⏭ skipped]"),
        "the matrix table marks skipped cells: {summary}"
    );
    let junit = std::fs::read_to_string(directory.join("junit.xml")).unwrap();
    assert_eq!(junit.matches("<skipped").count(), 5, "{junit}");
}

#[test]
fn picoquic_shadow_outside_the_shadow_environment_is_refused_in_one_line() {
    let sandbox = Sandbox::with_workspace_plugins();
    let experiment = "[experiment]\nname = \"stacks\"\n\n\
         [[matrix]]\nname = \"shadow\"\nservers = [\"picoquic_shadow\"]\nclients = [\"quinn\"]\n\
         testcases = [\"handshake\"]\n";
    let (output, directory) = run(&sandbox, experiment);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(
        message.contains("picoquic_shadow") && message.contains("shadow"),
        "{message}"
    );
    assert!(
        !directory.exists() || directory.as_os_str().is_empty(),
        "no run is started"
    );
}

#[test]
fn a_case_a_stack_cannot_play_is_unsupported_without_running_anything() {
    let sandbox = Sandbox::with_workspace_plugins();
    let experiment = "[experiment]\nname = \"stacks\"\n\n\
         [[matrix]]\nname = \"port\"\nservers = [\"quic_go\"]\nclients = [\"quinn\"]\n\
         testcases = [\"handshake\"]\n\n\
         [[matrix]]\nname = \"early data\"\nservers = [\"quinn\"]\nclients = [\"lsquic\"]\n\
         testcases = [\"zerortt\"]\n";
    let (output, directory) = run(&sandbox, experiment);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let results = results(&directory);
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 2);
    for test in tests {
        assert_eq!(test["status"], "unsupported", "{test:#}");
        assert!(
            test["services"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["exit"].is_null()),
            "{test:#}"
        );
    }
    assert!(
        tests[0]["reason"].as_str().unwrap().contains("port 443"),
        "{:#}",
        tests[0]
    );
    assert!(
        tests[1]["reason"]
            .as_str()
            .unwrap()
            .contains("lsquic does not support the test case 'zerortt' as client"),
        "{:#}",
        tests[1]
    );
    let why = directory
        .join(tests[1]["directory"].as_str().unwrap())
        .join("not-run.txt");
    assert!(
        std::fs::read_to_string(&why).unwrap().contains("zerortt"),
        "{}",
        why.display()
    );
}
