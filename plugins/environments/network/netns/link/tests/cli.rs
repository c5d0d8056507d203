//! The program refuses what it cannot run: one line on standard error naming it, exit 2.

use std::process::{Command, Output};

fn run_with_config(contents: &str) -> Output {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), contents).unwrap();
    run(file.path().to_str().unwrap())
}

fn run(config: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_panther-link"))
        .args(["--config", config])
        .output()
        .unwrap()
}

/// The one line the program printed on standard error, after checking it exited 2
/// and printed nothing else.
fn refusal(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    lines[0].to_owned()
}

#[test]
fn a_missing_config_is_named() {
    let line = refusal(&run("/nonexistent/links.json"));
    assert!(
        line.starts_with("panther-link: cannot read the config /nonexistent/links.json: "),
        "{line}"
    );
}

#[test]
fn a_config_that_is_not_a_link_configuration_is_named() {
    let line = refusal(&run_with_config("{\"ports\": 3}"));
    assert!(
        line.contains("is not a link configuration: invalid type"),
        "{line}"
    );
    let line = refusal(&run_with_config(
        r#"{"ports": [{"name": "a", "interface": "p0", "impairments": {"loss_percent": 101}}]}"#,
    ));
    assert!(
        line.ends_with(": port `a`: loss_percent 101 is not from 0 to 100"),
        "{line}"
    );
}

#[test]
fn an_interface_that_does_not_exist_is_named() {
    let line = refusal(&run_with_config(
        r#"{"ports": [{"name": "client", "interface": "nosuch0"}]}"#,
    ));
    assert_eq!(line, "panther-link: interface `nosuch0` does not exist");
}
