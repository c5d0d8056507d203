//! panther-supervise as a container runs it: a service's argv and environment passed
//! as they are, companions ready before the preparation and stopped after the service,
//! a failed preparation said in the service's error output, and a stop that ends the
//! service without an exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use panther_plugin_api::model::{CommandSpec, Companion, LaunchedOutputs, Readiness};
use panther_supervise::{ServiceSpec, spec_path};

/// A spec running `command` with its files in `dir`.
fn spec(dir: &Path, command: CommandSpec) -> ServiceSpec {
    ServiceSpec {
        directory: dir.to_path_buf(),
        companions: Vec::new(),
        prepare: Vec::new(),
        command,
        outputs: LaunchedOutputs {
            stdout: dir.join("launched.stdout.log"),
            stderr: dir.join("launched.stderr.log"),
            exit_code: dir.join("launched.exit_code"),
        },
        ready_within_ms: 5_000,
        linger: false,
    }
}

/// Writes `spec` where the environment would, and the command that runs it.
fn supervise(spec: &ServiceSpec) -> Command {
    let path: PathBuf = spec_path(&spec.directory);
    std::fs::write(&path, serde_json::to_string(spec).unwrap()).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_panther-supervise"));
    command.arg(path);
    command
}

fn run(spec: &ServiceSpec) -> Output {
    supervise(spec).output().unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_service_gets_its_argv_environment_and_directory_as_planned() {
    let dir = tempfile::tempdir().unwrap();
    let tricky = ["a b", "$HOME", "`id`", "'q'", ";", "*", ""];
    let mut command = CommandSpec::new(
        "/bin/sh",
        [
            "-c",
            r#"printf '%s\n' "$@" "$GREETING" "$PWD"; echo oops >&2; exit 4"#,
            "sh",
        ],
    )
    .with_env("GREETING", "${USER} $$");
    command.args.extend(tricky.iter().map(|a| a.to_string()));
    command.cwd = Some(dir.path().to_path_buf());
    let spec = spec(dir.path(), command);
    let output = run(&spec);
    assert_eq!(output.status.code(), Some(4));
    let mut expected: String = tricky.iter().map(|a| format!("{a}\n")).collect();
    expected.push_str(&format!("${{USER}} $$\n{}\n", dir.path().display()));
    assert_eq!(read(&spec.outputs.stdout), expected);
    assert_eq!(read(&spec.outputs.stderr), "oops\n");
    assert_eq!(read(&spec.outputs.exit_code), "4\n");
}

#[test]
fn companions_are_ready_before_the_preparation_which_runs_before_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let order = dir.path().join("order");
    let note = |word: &str| {
        CommandSpec::new(
            "/bin/sh",
            [
                "-c".to_owned(),
                format!("echo {word} >> {}", order.display()),
            ],
        )
    };
    let mut spec = spec(dir.path(), note("service"));
    spec.companions = vec![Companion {
        name: "capture".to_owned(),
        command: CommandSpec::new(
            "/bin/sh",
            [
                "-c".to_owned(),
                format!(
                    "sleep 0.2; echo companion >> {}; echo listening on; trap 'echo stopped >> {}; exit 0' TERM; while :; do sleep 0.05; done",
                    order.display(),
                    order.display()
                ),
            ],
        ),
        ready: Readiness::LogLine {
            contains: "listening on".to_owned(),
        },
    }];
    spec.prepare = vec![note("prepared")];
    let output = run(&spec);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(read(&order), "companion\nprepared\nservice\nstopped\n");
    assert!(read(&dir.path().join("capture.stdout.log")).contains("listening on"));
}

#[test]
fn a_failed_preparation_is_said_in_the_service_s_error_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = spec(dir.path(), CommandSpec::new("/bin/echo", ["never"]));
    spec.prepare = vec![CommandSpec::new("/bin/sh", ["-c", "echo why >&2; exit 3"])];
    let output = run(&spec);
    assert_eq!(output.status.code(), Some(1));
    let stderr = read(&spec.outputs.stderr);
    assert!(
        stderr.starts_with("panther-supervise: preparation failed: `/bin/sh -c 'echo why >&2; exit 3'` ended with exit status: 3"),
        "{stderr}"
    );
    assert_eq!(read(&spec.outputs.exit_code), "1\n");
    assert_eq!(read(&dir.path().join("preparation.log")), "why\n");
    assert!(!spec.outputs.stdout.exists() || read(&spec.outputs.stdout).is_empty());
}

#[test]
fn a_companion_that_never_gets_ready_ends_the_run_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = spec(dir.path(), CommandSpec::new("/bin/echo", ["never"]));
    spec.ready_within_ms = 300;
    spec.companions = vec![Companion {
        name: "capture".to_owned(),
        command: CommandSpec::new("/bin/sleep", ["5"]),
        ready: Readiness::LogLine {
            contains: "listening on".to_owned(),
        },
    }];
    let output = run(&spec);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        read(&spec.outputs.stderr),
        "panther-supervise: its capture: not ready within 300 ms\n"
    );
}

#[test]
fn a_stop_goes_on_to_the_service_which_then_writes_no_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let spec = spec(
        dir.path(),
        CommandSpec::new(
            "/bin/sh",
            [
                "-c",
                "trap 'echo stopping; exit 0' TERM; echo up; while :; do sleep 0.05; done",
            ],
        ),
    );
    let mut child = supervise(&spec).spawn().unwrap();
    for _ in 0..100 {
        if spec.outputs.stdout.exists() && read(&spec.outputs.stdout).contains("up") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 15));
    assert_eq!(read(&spec.outputs.stdout), "up\nstopping\n");
    assert!(!spec.outputs.exit_code.exists());
}

#[test]
fn a_lingering_container_outlives_its_service_until_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = spec(dir.path(), CommandSpec::new("/bin/echo", ["done"]));
    spec.linger = true;
    let mut child = supervise(&spec).spawn().unwrap();
    for _ in 0..100 {
        if spec.outputs.exit_code.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(read(&spec.outputs.exit_code), "0\n");
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.try_wait().unwrap().is_none(),
        "it ended with its service"
    );
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn awaiting_ends_once_every_file_exists() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("a"), dir.path().join("b"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_panther-supervise"))
        .arg(panther_supervise::AWAIT)
        .arg(&first)
        .arg(&second)
        .spawn()
        .unwrap();
    std::fs::write(&first, "0\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.try_wait().unwrap().is_none(),
        "it ended before the second file"
    );
    std::fs::write(&second, "0\n").unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}
