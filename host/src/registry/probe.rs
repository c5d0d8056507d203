//! Examines plugin files in child processes, so that a library that crashes or hangs
//! while loading takes down only its probe.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use serde::{Deserialize, Serialize};
use wait_timeout::ChildExt;

use super::exercise::{CallReport, exercise};
use super::loader::LoadedPlugin;
use super::{Examination, Refusal};
use crate::child_output::{last_line, read_in_background};

/// The hidden subcommand the host runs itself with to probe one file.
pub const PROBE_SUBCOMMAND: &str = "__probe";

/// How long a plugin may take to load before its probe is killed.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// How many probes run at once.
const PROBES_AT_ONCE: usize = 16;

/// What a probe process prints on its standard output, as one JSON document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProbeReport {
    /// Whether the file loads as a plugin.
    pub examination: Examination,
    /// The sample calls made, when asked to exercise the plugin.
    #[serde(default)]
    pub calls: Vec<CallReport>,
}

impl ProbeReport {
    fn refused(reason: String) -> Self {
        Self {
            examination: Examination::Refused(Refusal::new(reason)),
            calls: Vec::new(),
        }
    }

    /// Whether the examination result may be cached: a timeout may pass on a less
    /// busy machine, so only definite answers are kept.
    pub fn is_definite(&self) -> bool {
        !matches!(&self.examination, Examination::Refused(r) if r.is_timeout())
    }
}

/// The child's side: load, construct, optionally exercise, and report on stdout.
pub fn run_probe(path: &Path, with_calls: bool) -> ProbeReport {
    let (plugin, manifest) = match LoadedPlugin::load(path) {
        Ok(loaded) => loaded,
        Err(refusal) => return ProbeReport::refused(refusal.to_string()),
    };
    let component = match plugin.instantiate(&manifest) {
        Ok(component) => component,
        Err(refusal) => return ProbeReport::refused(refusal.to_string()),
    };
    let calls = if with_calls {
        exercise(
            &component,
            &manifest,
            path.parent().unwrap_or(Path::new("/")),
        )
    } else {
        Vec::new()
    };
    ProbeReport {
        examination: Examination::Accepted(Box::new(manifest)),
        calls,
    }
}

/// The program the host runs to probe: itself, unless told otherwise (a benchmark or
/// a test links the registry into another program).
#[derive(Debug, Clone)]
pub struct Prober {
    program: PathBuf,
}

impl Prober {
    /// Probes with the given `panther-host` binary.
    pub fn new(program: PathBuf) -> Self {
        Self { program }
    }

    /// Probes with the running binary, which must be `panther-host`.
    pub fn current_exe() -> std::io::Result<Self> {
        std::env::current_exe().map(Self::new)
    }

    /// Probes every file, several at a time, each in its own process.
    pub fn probe_all(&self, paths: &[PathBuf], with_calls: bool) -> Vec<ProbeReport> {
        let mut reports = Vec::with_capacity(paths.len());
        for batch in paths.chunks(PROBES_AT_ONCE) {
            let running: Vec<_> = batch.iter().map(|p| self.start(p, with_calls)).collect();
            reports.extend(running.into_iter().map(|probe| match probe {
                Ok(probe) => probe.finish(),
                Err(error) => ProbeReport::refused(format!("could not start a probe: {error}")),
            }));
        }
        reports
    }

    fn start(&self, path: &Path, with_calls: bool) -> std::io::Result<RunningProbe> {
        let mut command = Command::new(&self.program);
        command.arg(PROBE_SUBCOMMAND).arg(path);
        if with_calls {
            command.arg("--with-calls");
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = read_in_background(child.stdout.take());
        let stderr = read_in_background(child.stderr.take());
        Ok(RunningProbe {
            child,
            stdout,
            stderr,
            started: Instant::now(),
        })
    }
}

struct RunningProbe {
    child: Child,
    stdout: JoinHandle<Vec<u8>>,
    stderr: JoinHandle<Vec<u8>>,
    started: Instant,
}

impl RunningProbe {
    fn finish(mut self) -> ProbeReport {
        let remaining = PROBE_TIMEOUT.saturating_sub(self.started.elapsed());
        let status = match self.child.wait_timeout(remaining) {
            Ok(Some(status)) => status,
            Ok(None) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return ProbeReport::refused(Refusal::timeout(PROBE_TIMEOUT).to_string());
            }
            Err(error) => return ProbeReport::refused(format!("probe failed: {error}")),
        };
        let stdout = self.stdout.join().unwrap_or_default();
        let stderr = self.stderr.join().unwrap_or_default();
        if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
            let name = Signal::try_from(signal)
                .map(Signal::as_str)
                .unwrap_or("unknown");
            return ProbeReport::refused(format!(
                "crashed while loading (signal {signal}, {name})"
            ));
        }
        match serde_json::from_slice::<ProbeReport>(&stdout) {
            Ok(report) if status.success() => report,
            _ => ProbeReport::refused(format!(
                "the probe exited with {status} while loading it: {}",
                last_line(&stderr)
                    .as_deref()
                    .unwrap_or("(nothing on stderr)")
            )),
        }
    }
}
