//! The fixed shell script each service runs under where the host does not start it
//! itself (a container, a simulated host): it writes the service's output and exit
//! code to files in the service's output directory.
//!
//! The script never changes; the files and the service's argv are its positional
//! parameters (`sh -c SCRIPT sh STDOUT STDERR EXIT PROGRAM ARGS...`), so nothing from
//! a plan or a config is ever parsed by the shell. Parameters rather than environment
//! variables keep the service's environment exactly as its plan says, and the whole
//! wrapper visible as one argv in the file the environment writes.

use std::path::Path;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{CommandSpec, LaunchedOutputs};

use panther_plugin_api::model::path_argument;

/// The shell that runs the script, present in every image with a shell.
const SHELL: &str = "/bin/sh";

/// Runs `"$@"` with its output in `$1` and `$2`, then writes its exit code to `$3` and
/// exits with it.
const SCRIPT: &str =
    r#"o=$1 e=$2 c=$3; shift 3; "$@" >"$o" 2>"$e"; s=$?; echo "$s" >"$c"; exit "$s""#;

/// Where the wrapper writes a service's output and exit code, in its output directory.
pub fn outputs(output_dir: &Path) -> LaunchedOutputs {
    LaunchedOutputs {
        stdout: output_dir.join("launched.stdout.log"),
        stderr: output_dir.join("launched.stderr.log"),
        exit_code: output_dir.join("launched.exit_code"),
    }
}

/// `command` run under the wrapper, writing to `outputs`, with the same environment.
pub fn wrapped(
    command: &CommandSpec,
    outputs: &LaunchedOutputs,
) -> Result<CommandSpec, PluginError> {
    let mut args = vec!["-c".to_owned(), SCRIPT.to_owned(), "sh".to_owned()];
    for path in [&outputs.stdout, &outputs.stderr, &outputs.exit_code] {
        args.push(path_argument(path)?);
    }
    args.push(command.program.clone());
    args.extend(command.args.iter().cloned());
    Ok(CommandSpec {
        program: SHELL.to_owned(),
        args,
        env: command.env.clone(),
        cwd: command.cwd.clone(),
    })
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    /// Runs the wrapped argv for real, as a container or a simulated host would.
    fn run(command: &CommandSpec, dir: &Path) -> (LaunchedOutputs, std::process::ExitStatus) {
        let outputs = outputs(dir);
        let wrapped = wrapped(command, &outputs).unwrap();
        assert_eq!(wrapped.env, command.env);
        let status = Command::new(&wrapped.program)
            .args(&wrapped.args)
            .envs(&wrapped.env)
            .status()
            .unwrap();
        (outputs, status)
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn passes_every_argument_as_it_is_and_keeps_the_streams_apart() {
        let dir = tempfile::tempdir().unwrap();
        let tricky = ["a b", "$HOME", "`id`", "'quoted'", "\"x\"", ";", "*", ""];
        let mut command = CommandSpec::new(
            "/bin/sh",
            ["-c", r#"printf '%s\n' "$@"; echo err >&2"#, "sh"],
        );
        command.args.extend(tricky.iter().map(|a| a.to_string()));
        let (outputs, status) = run(&command, dir.path());
        assert!(status.success());
        let expected: String = tricky.iter().map(|a| format!("{a}\n")).collect();
        assert_eq!(read(&outputs.stdout), expected);
        assert_eq!(read(&outputs.stderr), "err\n");
        assert_eq!(read(&outputs.exit_code), "0\n");
    }

    #[test]
    fn records_and_returns_the_exit_code() {
        let dir = tempfile::tempdir().unwrap();
        let command = CommandSpec::new("/bin/sh", ["-c", "exit 3"]);
        let (outputs, status) = run(&command, dir.path());
        assert_eq!(status.code(), Some(3));
        assert_eq!(read(&outputs.exit_code).trim().parse::<i32>().unwrap(), 3);
    }

    #[test]
    fn a_missing_program_is_exit_code_127_with_the_reason_in_stderr() {
        let dir = tempfile::tempdir().unwrap();
        let command = CommandSpec::new("/nonexistent/program", ["x"]);
        let (outputs, status) = run(&command, dir.path());
        assert_eq!(status.code(), Some(127));
        assert_eq!(read(&outputs.exit_code), "127\n");
        assert!(read(&outputs.stderr).contains("/nonexistent/program"));
    }

    #[test]
    fn the_outputs_are_in_the_output_directory() {
        let outputs = outputs(Path::new("/run/test/server"));
        assert_eq!(
            outputs.stdout,
            Path::new("/run/test/server/launched.stdout.log")
        );
        assert_eq!(
            outputs.stderr,
            Path::new("/run/test/server/launched.stderr.log")
        );
        assert_eq!(
            outputs.exit_code,
            Path::new("/run/test/server/launched.exit_code")
        );
    }
}
