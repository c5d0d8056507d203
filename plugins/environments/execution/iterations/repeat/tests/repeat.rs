//! panther-repeat run for real on small shell commands.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::Value;

const REPEAT: &str = env!("CARGO_BIN_EXE_panther-repeat");

fn repeat(args: &[&str]) -> Output {
    Command::new(REPEAT)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn read_log(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs panther-repeat with `options`, its log in a temporary directory, on `command`;
/// returns its output and the log it wrote.
fn repeat_logged(options: &[&str], command: &[&str]) -> (Output, Value) {
    let directory = tempfile::tempdir().unwrap();
    let log = directory.path().join("iterations.json");
    let log_options = ["--log", log.to_str().unwrap(), "--"];
    let output = repeat(&[options, &log_options, command].concat());
    (output, read_log(&log))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn runs_a_passing_program_every_time() {
    let directory = tempfile::tempdir().unwrap();
    let log = directory.path().join("artifacts/iterations.json");
    let output = repeat(&["--times", "3", "--log", log.to_str().unwrap(), "--", "true"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let record = read_log(&log);
    assert_eq!(record["times"], 3);
    let iterations = record["iterations"].as_array().unwrap();
    assert_eq!(iterations.len(), 3);
    for (index, iteration) in iterations.iter().enumerate() {
        assert_eq!(iteration["iteration"], index + 1);
        assert_eq!(iteration["exit_code"], 0);
        assert_eq!(iteration["signal"], Value::Null);
        assert!(iteration["duration_ms"].is_u64());
    }
    let stderr = stderr(&output);
    for number in 1..=3 {
        let line = format!("panther-repeat: iteration {number}/3 exited with code 0");
        assert!(stderr.contains(&line), "{stderr}");
    }
}

#[test]
fn passes_the_arguments_and_the_standard_streams() {
    let output = repeat(&["--times", "2", "--", "echo", "hello", "world"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "hello world\nhello world\n"
    );
}

#[test]
fn exits_with_the_first_failing_code() {
    let (output, record) = repeat_logged(&["--times", "2"], &["sh", "-c", "exit 3"]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(record["iterations"].as_array().unwrap().len(), 2);
    assert_eq!(record["iterations"][1]["exit_code"], 3);
    assert!(
        stderr(&output).contains("panther-repeat: iteration 2/2 exited with code 3"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn stops_after_the_first_failure_when_asked() {
    let (output, record) = repeat_logged(
        &["--times", "3", "--stop-on-failure"],
        &["sh", "-c", "exit 3"],
    );
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(record["times"], 3);
    assert_eq!(record["iterations"].as_array().unwrap().len(), 1);
}

#[test]
fn records_a_run_killed_by_a_signal() {
    let (output, record) = repeat_logged(&["--times", "1"], &["sh", "-c", "kill -9 $$"]);
    assert_eq!(output.status.code(), Some(128 + 9));
    let iteration = &record["iterations"][0];
    assert_eq!(iteration["exit_code"], Value::Null);
    assert_eq!(iteration["signal"], 9);
    assert!(
        stderr(&output).contains("panther-repeat: iteration 1/1 was killed by signal 9"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_program_exits_with_127() {
    let output = repeat(&["--times", "2", "--", "/nonexistent/panther-program"]);
    assert_eq!(output.status.code(), Some(127));
    let stderr = stderr(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/nonexistent/panther-program"), "{stderr}");
}

#[test]
fn usage_errors_exit_with_2() {
    for args in [
        &["--times", "0", "--", "true"][..],
        &["--times", "2"],
        &["--", "true"],
        &["--times", "2", "true"],
    ] {
        assert_eq!(repeat(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn passes_sigterm_on_and_records_the_run() {
    let directory = tempfile::tempdir().unwrap();
    let log = directory.path().join("iterations.json");
    let mut child = Command::new(REPEAT)
        .args(["--times", "3", "--log", log.to_str().unwrap(), "--"])
        .args(["sleep", "30"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let children = format!("/proc/{0}/task/{0}/children", child.id());
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(&children)
        .unwrap_or_default()
        .trim()
        .is_empty()
    {
        assert!(Instant::now() < deadline, "sleep never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    let pid = Pid::from_raw(i32::try_from(child.id()).unwrap());
    kill(pid, Signal::SIGTERM).unwrap();
    let started = Instant::now();
    let status = child.wait().unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(status.code(), Some(128 + 15));
    let record = read_log(&log);
    let iterations = record["iterations"].as_array().unwrap();
    assert_eq!(iterations.len(), 1);
    assert_eq!(iterations[0]["signal"], 15);
}
