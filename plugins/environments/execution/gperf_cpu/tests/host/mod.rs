//! What the host does around an execution environment, done with the real tools: build
//! a workload, run the wrapped command, run the analyses.

use std::fs::File;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::time::Duration;

use panther_plugin_api::model::{Analysis, CommandSpec, ExitInfo};

/// Compiles tests/fixtures/workloads/NAME.c with `cc -g -O0` into `directory`.
pub fn workload(name: &str, directory: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../tests/fixtures/workloads")
        .join(format!("{name}.c"));
    let program = directory.join(name);
    let status = Command::new("cc")
        .args(["-g", "-O0", "-o"])
        .arg(&program)
        .arg(&source)
        .status()
        .expect("cc runs");
    assert!(status.success(), "cc failed on {}", source.display());
    program
}

/// Starts `spec` as the host does: its own process group, the host's environment
/// plus the command's, its output in `stdout.log` and `stderr.log` of `directory`.
pub fn start(spec: &CommandSpec, directory: &Path) -> Child {
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .envs(&spec.env)
        .stdout(File::create(directory.join("stdout.log")).unwrap())
        .stderr(File::create(directory.join("stderr.log")).unwrap())
        .process_group(0);
    if let Some(cwd) = &spec.cwd {
        command.current_dir(cwd);
    }
    command.spawn().expect("the wrapped command starts")
}

/// Runs `spec` to its end.
pub fn run(spec: &CommandSpec, directory: &Path) -> ExitInfo {
    let status = start(spec, directory).wait().unwrap();
    exit_info(status, false)
}

/// Lets `child` run for `delay`, then stops its process group with SIGTERM as the
/// host stops a service.
pub fn stop_after(mut child: Child, delay: Duration) -> ExitInfo {
    std::thread::sleep(delay);
    let status = Command::new("kill")
        .args(["-TERM", "--", &format!("-{}", child.id())])
        .status()
        .unwrap();
    assert!(status.success());
    exit_info(child.wait().unwrap(), true)
}

/// Runs each analysis, its output in its file and its errors beside it (`.err`).
pub fn analyse(analyses: &[Analysis]) {
    for analysis in analyses {
        let spec = &analysis.command;
        let mut command = Command::new(&spec.program);
        command
            .args(&spec.args)
            .envs(&spec.env)
            .stdout(File::create(&analysis.output).unwrap())
            .stderr(File::create(analysis.output.with_extension("err")).unwrap());
        if let Some(cwd) = &spec.cwd {
            command.current_dir(cwd);
        }
        command.status().expect("the analysis runs");
    }
}

fn exit_info(status: ExitStatus, stopped_by_host: bool) -> ExitInfo {
    ExitInfo {
        code: status.code(),
        signal: status.signal(),
        stopped_by_host,
    }
}
