//! The gdb command line around a service's command.
//!
//! gdb runs the program in batch mode with all its own output in a log file (set up
//! with `-iex`, before gdb reads the program), so the program's standard output and
//! error stay the service's. The log is appended to, so that every run of a service
//! run several times (iterations) is kept. Only crash signals stop
//! it; every other signal, SIGINT included, goes to the program as it would without
//! gdb. After a crash the configured commands write the backtrace to the log. gdb
//! then exits with the program's exit code, or 128 plus the signal's number when a
//! signal ended it, as a shell reports it.

use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, Requirement, WrapRequest, WrappedCommand, path_argument,
};

use crate::config::Config;

/// The name of the log gdb writes in the artifacts directory.
pub const LOG_NAME: &str = "gdb.log";

/// The signals that stop the program as a crash.
const CRASH_SIGNALS: [&str; 6] = ["SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGABRT", "SIGSYS"];

/// How to install gdb.
const HOW_TO_GET: &str = "apt-get install gdb (scripts/install-system-packages does)";

/// The language the last command is written in, whatever the program's is (Rust has
/// no `?:`).
const QUIT_LANGUAGE: &str = "set language c";

/// The last command: gdb's exit status is the program's exit code, or 128 plus the
/// number of the signal that ended or stopped it.
const QUIT: &str = "quit $_isvoid($_exitcode) ? ($_isvoid($_exitsignal) ? 128 + $_siginfo.si_signo : 128 + $_exitsignal) : $_exitcode";

/// The service's command run under gdb as `config` says, logging to `gdb.log` in the
/// artifacts directory.
pub fn wrap(config: &Config, request: &WrapRequest) -> Result<WrappedCommand, PluginError> {
    let log = request.artifacts_dir.join(LOG_NAME);
    let log_argument = path_argument(&log)?;
    let settings = [
        format!("set logging file {log_argument}"),
        "set logging overwrite off".to_owned(),
        "set logging redirect on".to_owned(),
        "set logging enabled on".to_owned(),
        "set pagination off".to_owned(),
        "set width 0".to_owned(),
        "set confirm off".to_owned(),
        "set debuginfod enabled off".to_owned(),
    ];
    let mut commands = vec![
        "handle all nostop noprint pass".to_owned(),
        "handle SIGINT nostop noprint pass".to_owned(),
        format!("handle {} stop print pass", CRASH_SIGNALS.join(" ")),
        "run".to_owned(),
    ];
    commands.extend(config.commands.iter().cloned());
    commands.extend([QUIT_LANGUAGE.to_owned(), QUIT.to_owned()]);
    let mut args: Vec<String> = ["-q", "-nx", "-batch", "-return-child-result"]
        .map(str::to_owned)
        .to_vec();
    for setting in settings {
        args.extend(["-iex".to_owned(), setting]);
    }
    for command in commands {
        args.extend(["-ex".to_owned(), command]);
    }
    args.push("--args".to_owned());
    args.push(request.command.program.clone());
    args.extend(request.command.args.iter().cloned());
    Ok(WrappedCommand {
        artifacts: vec![ArtifactSpec {
            name: "gdb log".to_owned(),
            path: log,
        }],
        requires: vec![Requirement {
            path: installed_path(&config.program, &request.command),
            what: "gdb".to_owned(),
            how_to_get: HOW_TO_GET.to_owned(),
        }],
        ..WrappedCommand::new(CommandSpec {
            program: config.program.clone(),
            args,
            env: request.command.env.clone(),
            cwd: request.command.cwd.clone(),
        })
    })
}

/// Where `program` is expected: itself when it is a path; a bare name where the `PATH`
/// gdb starts with (the wrapped command's) finds it, else in `/usr/bin` (where the gdb
/// package installs it).
fn installed_path(program: &str, wrapped: &CommandSpec) -> PathBuf {
    if program.contains('/') {
        PathBuf::from(program)
    } else {
        wrapped
            .find_on_path(program)
            .unwrap_or_else(|| Path::new("/usr/bin").join(program))
    }
}
