//! Runs the network environments' probes before a run: a probe that fails skips its
//! tests, with why. Each distinct probe runs once per run.

use std::collections::HashMap;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use panther_plugin_api::model::Probe;
use wait_timeout::ChildExt;

use super::model::{NotRun, NotRunStatus, RunPlan};
use crate::child_output::{last_line, read_in_background};
use crate::run::shown;

/// How long a probe may take before it counts as failed.
const PROBE_LIMIT: Duration = Duration::from_secs(10);

/// Marks every test whose network environment has a failing probe as skipped.
pub fn skip_failed_probes(plan: &mut RunPlan) {
    let mut outcomes: HashMap<String, Result<(), String>> = HashMap::new();
    for test in plan.tests.iter_mut().filter(|t| t.not_run.is_none()) {
        for probe in &test.deployment.skip_unless {
            let key = serde_json::to_string(&probe.command).unwrap_or_default();
            let outcome = outcomes.entry(key).or_insert_with(|| run(probe));
            if let Err(failure) = outcome {
                test.not_run = Some(NotRun {
                    status: NotRunStatus::Skipped,
                    service: None,
                    reason: format!(
                        "not run: network '{}' needs {}: {failure}; {}",
                        test.network, probe.what, probe.how_to_get
                    ),
                });
                break;
            }
        }
    }
}

/// Runs one probe, in a process group of its own so that a timeout kills whatever it
/// started; why it failed, in one line.
fn run(probe: &Probe) -> Result<(), String> {
    let command = &probe.command;
    let mut process = Command::new(&command.program);
    process
        .args(&command.args)
        .envs(&command.env)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0);
    if let Some(cwd) = &command.cwd {
        process.current_dir(cwd);
    }
    let line = shown(command);
    let mut child = process
        .spawn()
        .map_err(|e| format!("`{line}` cannot start: {e}"))?;
    // Read as it comes, so that a probe saying much is not stopped by a full pipe.
    let errors = read_in_background(child.stderr.take());
    let status = match child.wait_timeout(PROBE_LIMIT) {
        Ok(Some(status)) => status,
        Ok(None) => {
            if let Ok(group) = i32::try_from(child.id()) {
                let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
            }
            let _ = child.wait();
            return Err(format!(
                "`{line}` did not answer within {} s",
                PROBE_LIMIT.as_secs()
            ));
        }
        Err(error) => return Err(format!("`{line}`: {error}")),
    };
    if status.success() {
        return Ok(());
    }
    let said = last_line(&errors.join().unwrap_or_default())
        .map(|l| format!(": {l}"))
        .unwrap_or_default();
    Err(format!("`{line}` failed ({status}){said}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use panther_plugin_api::model::CommandSpec;

    fn probe(program: &str, args: &[&str]) -> Probe {
        Probe {
            command: CommandSpec::new(program, args.iter().copied()),
            what: "a thing".to_owned(),
            how_to_get: "get it".to_owned(),
        }
    }

    #[test]
    fn a_probe_passes_when_its_command_succeeds() {
        assert_eq!(run(&probe("true", &[])), Ok(()));
    }

    #[test]
    fn a_failing_probe_says_what_its_command_said() {
        let failure = run(&probe(
            "sh",
            &["-c", "echo first >&2; echo 'no engine here' >&2; exit 3"],
        ))
        .unwrap_err();
        assert!(failure.starts_with("`sh -c"), "{failure}");
        assert!(failure.ends_with(": no engine here"), "{failure}");
        let missing = run(&probe("no-such-program-here", &[])).unwrap_err();
        assert!(missing.contains("cannot start"), "{missing}");
    }

    #[test]
    fn a_probe_saying_much_on_stderr_is_reported_without_waiting_for_the_limit() {
        let started = std::time::Instant::now();
        let failure = run(&probe(
            "sh",
            &[
                "-c",
                "yes noise | head -n 35000 >&2; echo 'no engine here' >&2; exit 3",
            ],
        ))
        .unwrap_err();
        assert!(
            started.elapsed() < PROBE_LIMIT / 4,
            "took {:?}",
            started.elapsed()
        );
        assert!(failure.contains("failed"), "{failure}");
        assert!(failure.ends_with(": no engine here"), "{failure}");
    }
}
