//! What the host does around an execution environment, done for real: the wrapped
//! command run in its own process group and stopped as the host stops a service, the
//! analyses run after it, then the findings asked for.

use std::fs::File;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use panther_plugin_api::ExecutionEnvironment;
use panther_plugin_api::model::{Analysis, CommandSpec, ExitInfo, Finding};
use serde_json::Value;

use crate::{Compiled, ServiceDir};

/// How long a stopped process has to end after TERM before it gets KILL, as in the host.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// How a wrapped command ended, and where its output went.
pub struct Run {
    /// How the process ended, as the host reports it.
    pub exit: ExitInfo,
    /// Its standard output.
    pub stdout: PathBuf,
    /// Its standard error.
    pub stderr: PathBuf,
    /// How long it ran.
    pub elapsed: Duration,
}

/// How a service ran under an environment, and what the environment found.
pub struct Outcome {
    /// How the wrapped command ran.
    pub run: Run,
    /// The environment's findings.
    pub findings: Vec<Finding>,
}

/// Does with `command` what the host does with a service's command under
/// `environment` configured with `config`: wraps it, runs the wrapped command in
/// `service` (stopped after `stop_after` if given), runs the analyses, then asks for
/// the findings.
pub fn run_wrapped<E: ExecutionEnvironment>(
    environment: &E,
    service: &ServiceDir,
    command: CommandSpec,
    config: &Value,
    stop_after: Option<Duration>,
) -> Outcome {
    let wrapped = environment
        .wrap(&service.wrap_request(command, config.clone()))
        .expect("the command wrapped");
    let run = run(&wrapped.command, service, stop_after);
    run_analyses(&wrapped.analyses);
    let findings = service.findings(environment, run.exit.clone(), config.clone());
    eprintln!(
        "{:.2} s, {:?}: {findings:#?}",
        run.elapsed.as_secs_f64(),
        run.exit
    );
    Outcome { run, findings }
}

/// Runs `program` without arguments under `environment` with its defaults, as
/// [`run_wrapped`] does.
pub fn run_program_under<E: ExecutionEnvironment>(
    environment: &E,
    program: &Compiled,
    stop_after: Option<Duration>,
) -> Outcome {
    run_wrapped(
        environment,
        &program.service,
        program.command(&[]),
        &Value::Null,
        stop_after,
    )
}

/// Runs `command` as the host runs a service: its own process group, standard input
/// from `/dev/null`, its output in the files of `service`, whose directory is also
/// its working directory unless it names one. With `stop_after`, stops it as the host
/// stops a service still running then: TERM to the group, KILL after the grace period.
pub fn run(command: &CommandSpec, service: &ServiceDir, stop_after: Option<Duration>) -> Run {
    let stdout = service.stdout();
    let stderr = service.stderr();
    let started = Instant::now();
    let mut child = Command::new(&command.program)
        .args(&command.args)
        .envs(&command.env)
        .current_dir(command.cwd.as_deref().unwrap_or(service.path()))
        .stdin(Stdio::null())
        .stdout(File::create(&stdout).expect("stdout file"))
        .stderr(File::create(&stderr).expect("stderr file"))
        .process_group(0)
        .spawn()
        .expect("the wrapped command starts");
    let group = Pid::from_raw(i32::try_from(child.id()).expect("a process id"));
    let mut stopped_by_host = false;
    let status = match stop_after.map(|delay| wait_for(&mut child, delay)) {
        Some(None) => {
            stopped_by_host = true;
            let _ = killpg(group, Signal::SIGTERM);
            wait_for(&mut child, STOP_GRACE).unwrap_or_else(|| {
                let _ = killpg(group, Signal::SIGKILL);
                child.wait().expect("wait")
            })
        }
        Some(Some(status)) => status,
        None => child.wait().expect("wait"),
    };
    let _ = killpg(group, Signal::SIGKILL);
    Run {
        exit: ExitInfo {
            code: status.code(),
            signal: status.signal(),
            stopped_by_host,
        },
        stdout,
        stderr,
        elapsed: started.elapsed(),
    }
}

/// Runs each analysis to its end as the host does: standard input from `/dev/null`,
/// its output in its file and its errors beside it (`.err`).
pub fn run_analyses(analyses: &[Analysis]) {
    for analysis in analyses {
        let spec = &analysis.command;
        let mut command = Command::new(&spec.program);
        command
            .args(&spec.args)
            .envs(&spec.env)
            .stdin(Stdio::null())
            .stdout(File::create(&analysis.output).expect("the analysis output file"))
            .stderr(
                File::create(analysis.output.with_extension("err"))
                    .expect("the analysis errors file"),
            );
        if let Some(cwd) = &spec.cwd {
            command.current_dir(cwd);
        }
        command.status().expect("the analysis runs");
    }
}

/// The exit status of `child` if it ends within `limit`.
fn wait_for(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> CommandSpec {
        CommandSpec::new("/bin/sh", ["-c", script])
    }

    #[test]
    fn runs_a_command_to_its_end_in_the_service_directory() {
        let service = ServiceDir::new();
        let ran = run(
            &shell("pwd; echo \"$SAID\" >&2; exit 3").with_env("SAID", "said"),
            &service,
            None,
        );
        assert_eq!(
            ran.exit,
            ExitInfo {
                code: Some(3),
                signal: None,
                stopped_by_host: false
            }
        );
        let directory = service.path().canonicalize().unwrap();
        assert_eq!(
            std::fs::read_to_string(&ran.stdout).unwrap(),
            format!("{}\n", directory.display())
        );
        assert_eq!(std::fs::read_to_string(&ran.stderr).unwrap(), "said\n");
    }

    #[test]
    fn a_command_ending_before_the_stop_is_not_stopped() {
        let ran = run(&shell("exit 0"), &ServiceDir::new(), Some(STOP_GRACE));
        assert_eq!(ran.exit.code, Some(0));
        assert!(!ran.exit.stopped_by_host);
    }

    #[test]
    fn stops_the_whole_group_with_term_then_kill() {
        let service = ServiceDir::new();
        let stop = Duration::from_millis(300);
        let ran = run(&shell("sleep 30"), &service, Some(stop));
        assert_eq!(ran.exit.signal, Some(15));
        assert!(ran.exit.stopped_by_host);
        assert!(ran.elapsed < STOP_GRACE, "{:?}", ran.elapsed);
        let ran = run(&shell("trap '' TERM; sleep 30"), &service, Some(stop));
        assert_eq!(ran.exit.signal, Some(9));
        assert!(ran.exit.stopped_by_host);
        assert!(ran.elapsed >= stop + STOP_GRACE, "{:?}", ran.elapsed);
    }

    #[test]
    fn runs_an_analysis_into_its_output_file() {
        let service = ServiceDir::new();
        let output = service.artifact("report.txt");
        run_analyses(&[Analysis {
            command: shell("echo report; echo trouble >&2"),
            output: output.clone(),
        }]);
        assert_eq!(std::fs::read_to_string(&output).unwrap(), "report\n");
        let errors = service.artifact("report.err");
        assert_eq!(std::fs::read_to_string(errors).unwrap(), "trouble\n");
    }
}
