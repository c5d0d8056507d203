//! For the integration tests: the defect programs of
//! `tests/fixtures/defects`, compiled, and a wrapped command run as the host runs it.

use std::fs::File;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use panther_plugin_api::model::{CommandSpec, ExitInfo};
use tempfile::TempDir;

/// How long a stopped process has to end after TERM before it gets KILL, as in the host.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// The directory of the defect programs' sources.
pub fn defects_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../tests/fixtures/defects")
}

/// The line of `tests/fixtures/defects/FILE` holding `marker`, counted from 1.
pub fn line_of(file: &str, marker: &str) -> usize {
    let source = std::fs::read_to_string(defects_dir().join(file)).expect("a defect program");
    source
        .lines()
        .position(|line| line.contains(marker))
        .map(|index| index + 1)
        .unwrap_or_else(|| panic!("{file} has no line with {marker:?}"))
}

/// A defect program compiled into a directory of its own, which also holds the
/// service's output and artifacts directories.
pub struct Compiled {
    /// The directory, removed when this is dropped.
    pub directory: TempDir,
    /// The program.
    pub program: PathBuf,
}

impl Compiled {
    /// `tests/fixtures/defects/NAME.c` compiled with `cc -g -O0 -pthread`, from its
    /// directory as a build would, so that its debugging information names `NAME.c`.
    pub fn new(name: &str) -> Self {
        let directory = tempfile::tempdir().expect("a temporary directory");
        let program = directory.path().join(name);
        let source = format!("{name}.c");
        let status = Command::new("cc")
            .args(["-g", "-O0", "-pthread", "-o"])
            .arg(&program)
            .arg(&source)
            .current_dir(defects_dir())
            .status()
            .expect("cc runs");
        assert!(status.success(), "cc failed on {source}");
        std::fs::create_dir(directory.path().join("artifacts")).expect("artifacts directory");
        Self { directory, program }
    }

    /// Where the tool's files go, as the host makes it before the service starts.
    pub fn artifacts_dir(&self) -> PathBuf {
        self.directory.path().join("artifacts")
    }
}

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

/// Runs `command` as the host does: its own process group, standard input from
/// `/dev/null`, its output in files of `output_dir`, which is also its working
/// directory unless it names one. With `stop_after`, stops it as the host stops a
/// service still running then: TERM to the group, KILL after the grace period.
pub fn run(command: &CommandSpec, output_dir: &Path, stop_after: Option<Duration>) -> Run {
    let stdout = output_dir.join("stdout.log");
    let stderr = output_dir.join("stderr.log");
    let started = Instant::now();
    let mut child = Command::new(&command.program)
        .args(&command.args)
        .envs(&command.env)
        .current_dir(command.cwd.as_deref().unwrap_or(output_dir))
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
