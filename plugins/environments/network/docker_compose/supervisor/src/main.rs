//! `panther-supervise SPEC`: runs one service of a test inside its container, as the
//! host runs a service on its own machine: its companions, each once ready (their
//! output in `NAME.stdout.log` and `NAME.stderr.log`), its preparation commands in
//! order (their output in `preparation.log`), then the service, with its standard
//! output, standard error and exit code in the files the spec names; the companions
//! are stopped (TERM, then KILL after two seconds) once it ends.
//!
//! A TERM or INT to the container goes on to the process running; a service ended
//! that way writes no exit code, as one the host stops. A companion that is not ready
//! or a preparation that fails ends the run with exit code 1 and the reason in the
//! service's standard error file, so that the test says why. With `linger`, the
//! program then waits for a stop before it stops the companions and ends.
//!
//! `panther-supervise --await FILE...` ends (0) once every file exists, or at a stop.

mod ready;

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use panther_forward_signals as signals;
use panther_plugin_api::model::CommandSpec;
use panther_supervise::{AWAIT, ServiceSpec};

/// How long a companion has to end after TERM before it is killed.
const GRACE: Duration = Duration::from_secs(2);

/// How often awaited files and a lingering stop are looked for.
const POLL: Duration = Duration::from_millis(50);

fn main() -> ExitCode {
    let arguments: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if let Err(error) = signals::forward_stops() {
        eprintln!("panther-supervise: cannot pass stop signals on: {error}");
    }
    if arguments.first().is_some_and(|first| first == AWAIT) {
        await_files(&arguments[1..]);
        return ExitCode::SUCCESS;
    }
    let [path] = arguments.as_slice() else {
        eprintln!("usage: panther-supervise SPEC.json | panther-supervise --await FILE...");
        return ExitCode::from(2);
    };
    let spec: ServiceSpec = match std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_slice(&text).map_err(|e| e.to_string()))
    {
        Ok(spec) => spec,
        Err(problem) => {
            eprintln!(
                "panther-supervise: {}: {problem}",
                Path::new(path).display()
            );
            return ExitCode::from(2);
        }
    };
    let mut companions = Vec::new();
    let code = match run(&spec, &mut companions) {
        Ok(Some(status)) => exit_code(status),
        Ok(None) => 128 + signals::received().unwrap_or(15),
        Err(reason) => {
            record_failure(&spec, &reason);
            1
        }
    };
    if spec.linger {
        until_stopped();
    }
    stop(companions);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// Waits until every file of `files` exists, or a stop comes.
fn await_files(files: &[std::ffi::OsString]) {
    while signals::received().is_none() && !files.iter().all(|file| Path::new(file).exists()) {
        std::thread::sleep(POLL);
    }
}

/// Waits for a stop.
fn until_stopped() {
    while signals::received().is_none() {
        std::thread::sleep(POLL);
    }
}

/// The process's `command`, with its environment and working directory.
fn prepared(command: &CommandSpec) -> Command {
    let mut prepared = Command::new(&command.program);
    prepared.args(&command.args).envs(&command.env);
    if let Some(cwd) = &command.cwd {
        prepared.current_dir(cwd);
    }
    prepared.stdin(Stdio::null());
    prepared
}

/// Opens `path` for appending.
fn append(path: &Path) -> Result<File, String> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// Starts `command` with its output in the two files.
fn start(command: &CommandSpec, stdout: &Path, stderr: &Path) -> Result<Child, String> {
    prepared(command)
        .stdout(append(stdout)?)
        .stderr(append(stderr)?)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", command.program))
}

/// Waits for `child` in the foreground, so that a stop goes on to it.
fn wait_in_foreground(child: &mut Child) -> Result<ExitStatus, String> {
    signals::foreground(child.id());
    let status = child.wait().map_err(|e| format!("cannot wait: {e}"));
    signals::background();
    status
}

/// Runs the companions, the preparation and the service; the service's status, or
/// nothing when a stop ended it, or why it did not run.
fn run(spec: &ServiceSpec, companions: &mut Vec<Child>) -> Result<Option<ExitStatus>, String> {
    let within = Duration::from_millis(spec.ready_within_ms);
    for companion in &spec.companions {
        let stdout = spec
            .directory
            .join(format!("{}.stdout.log", companion.name));
        let stderr = spec
            .directory
            .join(format!("{}.stderr.log", companion.name));
        let mut child = start(&companion.command, &stdout, &stderr)
            .map_err(|e| format!("its {}: {e}", companion.name))?;
        let readiness = ready::wait(&mut child, &companion.ready, &stdout, &stderr, within);
        companions.push(child);
        readiness.map_err(|reason| format!("its {}: {reason}", companion.name))?;
    }
    let log = spec.directory.join("preparation.log");
    for command in &spec.prepare {
        let mut child = start(command, &log, &log)?;
        let status = wait_in_foreground(&mut child)?;
        if signals::received().is_some() {
            return Ok(None);
        }
        if !status.success() {
            return Err(format!(
                "preparation failed: `{}` ended with {status} (its output: {})",
                command.shell_line(),
                log.display()
            ));
        }
    }
    let mut service = start(&spec.command, &spec.outputs.stdout, &spec.outputs.stderr)?;
    let status = wait_in_foreground(&mut service)?;
    if signals::received().is_some() {
        return Ok(None);
    }
    std::fs::write(&spec.outputs.exit_code, format!("{}\n", exit_code(status)))
        .map_err(|e| format!("cannot write {}: {e}", spec.outputs.exit_code.display()))?;
    Ok(Some(status))
}

/// The exit code of `status` as a shell gives it: 128 + N for signal N.
fn exit_code(status: ExitStatus) -> i32 {
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

/// Says why the service did not run, in its standard error file, with exit code 1.
fn record_failure(spec: &ServiceSpec, reason: &str) {
    if let Ok(mut file) = append(&spec.outputs.stderr) {
        let _ = writeln!(file, "panther-supervise: {reason}");
    }
    let _ = std::fs::write(&spec.outputs.exit_code, "1\n");
}

/// Stops the companions: TERM, then KILL for those still running after [`GRACE`].
fn stop(mut companions: Vec<Child>) {
    for child in &companions {
        signals::send(i32::try_from(child.id()).unwrap_or(0), 15);
    }
    let deadline = Instant::now() + GRACE;
    for child in &mut companions {
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}
