//! Starting and stopping the processes of a test: each in its own process group, its
//! output going straight to files, stopped with TERM, then KILL after a grace period.

use std::fs::File;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use panther_plugin_api::model::{CommandSpec, ExitInfo};
use tokio::process::{Child, Command};

/// How long a process has to end after TERM before it gets KILL.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// A started process, leader of its own process group.
pub struct Process {
    child: Child,
    group: Pid,
    stopped_by_host: bool,
    started: Instant,
    ended: Option<Instant>,
}

/// Starts `spec` with its output written to the two files (appended to).
pub fn start(spec: &CommandSpec, stdout: &Path, stderr: &Path) -> std::io::Result<Process> {
    let open = |path: &Path| File::options().create(true).append(true).open(path);
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .envs(&spec.env)
        .stdin(Stdio::null())
        .stdout(open(stdout)?)
        .stderr(open(stderr)?)
        .process_group(0)
        .kill_on_drop(false);
    if let Some(cwd) = &spec.cwd {
        command.current_dir(cwd);
    }
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(|| {
            // The runtime is single-threaded, so the spawning thread lives as long as
            // the host: if the host dies, the service dies with it.
            nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).map_err(std::io::Error::from)
        });
    }
    let child = command.spawn().map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot start `{}`: {e}", spec.program))
    })?;
    let pid = child.id().unwrap_or_default();
    Ok(Process {
        child,
        group: Pid::from_raw(i32::try_from(pid).unwrap_or(i32::MAX)),
        stopped_by_host: false,
        started: Instant::now(),
        ended: None,
    })
}

impl Process {
    /// The process id (also its process group id).
    pub fn pid(&self) -> u32 {
        u32::try_from(self.group.as_raw()).unwrap_or_default()
    }

    /// Waits for the process to end by itself.
    pub async fn wait(&mut self) -> ExitInfo {
        let status = self.child.wait().await;
        self.finish(status)
    }

    /// The exit, if it has ended, without waiting.
    pub fn try_exit(&mut self) -> Option<ExitInfo> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(self.finish(Ok(status))),
            Ok(None) => None,
            Err(error) => Some(self.finish(Err(error))),
        }
    }

    /// Stops the whole process group: TERM, then KILL after the grace period. Also
    /// kills what the group leader left behind when it already ended.
    pub async fn stop(&mut self) -> ExitInfo {
        if let Some(exit) = self.try_exit() {
            let _ = killpg(self.group, Signal::SIGKILL);
            return exit;
        }
        self.stopped_by_host = true;
        let _ = killpg(self.group, Signal::SIGTERM);
        let status = match tokio::time::timeout(STOP_GRACE, self.child.wait()).await {
            Ok(status) => status,
            Err(_) => {
                let _ = killpg(self.group, Signal::SIGKILL);
                self.child.wait().await
            }
        };
        let _ = killpg(self.group, Signal::SIGKILL);
        self.finish(status)
    }

    /// When it started and, once seen, when it ended.
    pub fn lifetime(&self) -> (Instant, Option<Instant>) {
        (self.started, self.ended)
    }

    fn finish(&mut self, status: std::io::Result<ExitStatus>) -> ExitInfo {
        self.ended.get_or_insert_with(Instant::now);
        let status = status.ok();
        ExitInfo {
            code: status.and_then(|s| s.code()),
            signal: status.and_then(|s| s.signal()),
            stopped_by_host: self.stopped_by_host,
        }
    }
}

/// Runs a command to its end (setup, preparation, analysis, teardown), its output
/// appended to the two files; stopped at `limit`. Returns why it failed, in one line.
pub async fn run_to_end(
    spec: &CommandSpec,
    stdout: &Path,
    stderr: &Path,
    limit: Duration,
) -> Result<(), String> {
    let shown = shown(spec);
    let log = stderr;
    let mut process = start(spec, stdout, stderr).map_err(|e| e.to_string())?;
    let exit = match tokio::time::timeout(limit, process.wait()).await {
        Ok(exit) => exit,
        Err(_) => {
            process.stop().await;
            return Err(format!(
                "`{shown}` did not finish within {} s",
                limit.as_secs()
            ));
        }
    };
    match (exit.code, exit.signal) {
        (Some(0), _) => Ok(()),
        (Some(code), _) => Err(format!(
            "`{shown}` exited with {code} (see {})",
            log.display()
        )),
        (None, Some(signal)) => Err(format!("`{shown}` was killed by signal {signal}")),
        (None, None) => Err(format!("`{shown}` ended without a status")),
    }
}

/// A command as one line for messages.
pub fn shown(spec: &CommandSpec) -> String {
    std::iter::once(spec.program.as_str())
        .chain(spec.args.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}
