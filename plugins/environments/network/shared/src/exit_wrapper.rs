//! The fixed shell script each service runs under where the host does not start it
//! itself (a container, a simulated host): it writes the service's output and exit
//! code to files in the service's output directory.
//!
//! The script never changes; the files, the service's preparation commands and its
//! argv are its positional parameters (`sh -c SCRIPT sh STDOUT STDERR EXIT PREPARE_LOG
//! N [K1 WORDS1...]... PROGRAM ARGS...`: N preparation commands, each as its word
//! count and its words), so nothing from a plan or a config is ever parsed by the
//! shell: it only evaluates references to its own parameters (`"${4}"`). Parameters rather than environment
//! variables keep the service's environment exactly as its plan says, and the whole
//! wrapper visible as one argv in the file the environment writes.

use std::path::Path;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{CommandSpec, LaunchedOutputs};

use panther_plugin_api::model::path_argument;

/// The shell that runs the script, present in every image with a shell.
const SHELL: &str = "/bin/sh";

/// Runs the preparation commands in order with their output in `$4`, stopping at the
/// first that fails (its exit code is then the service's); then runs the rest of `"$@"`
/// with its output in `$1` and `$2`, writes its exit code to `$3` and exits with it.
const SCRIPT: &str = concat!(
    r#"o=$1 e=$2 c=$3 l=$4 n=$5; shift 5; : >"$o"; : >"$e"; "#,
    r#"while [ "$n" -gt 0 ]; do k=$1; shift; a=; i=1; "#,
    r#"while [ "$i" -le "$k" ]; do a="$a \"\${$i}\""; i=$((i + 1)); done; "#,
    r#"eval "$a" >>"$l" 2>&1; s=$?; "#,
    r#"if [ "$s" -ne 0 ]; then echo "$s" >"$c"; exit "$s"; fi; "#,
    r#"shift "$k"; n=$((n - 1)); done; "#,
    r#""$@" >"$o" 2>"$e"; s=$?; echo "$s" >"$c"; exit "$s""#
);

/// Where the wrapper writes a service's output and exit code, in its output directory.
pub fn outputs(output_dir: &Path) -> LaunchedOutputs {
    LaunchedOutputs {
        stdout: output_dir.join("launched.stdout.log"),
        stderr: output_dir.join("launched.stderr.log"),
        exit_code: output_dir.join("launched.exit_code"),
    }
}

/// Where the wrapper writes the output of a service's preparation commands, in its
/// output directory.
pub fn preparation_log(output_dir: &Path) -> std::path::PathBuf {
    output_dir.join("launched.prepare.log")
}

/// `command` run under the wrapper after the preparation commands `prepare` (their
/// program and arguments; they run with `command`'s environment), writing to
/// `outputs` and `prepare_log`, with `command`'s environment.
pub fn wrapped(
    prepare: &[CommandSpec],
    command: &CommandSpec,
    outputs: &LaunchedOutputs,
    prepare_log: &Path,
) -> Result<CommandSpec, PluginError> {
    let mut args = vec!["-c".to_owned(), SCRIPT.to_owned(), "sh".to_owned()];
    for path in [
        &outputs.stdout,
        &outputs.stderr,
        &outputs.exit_code,
        prepare_log,
    ] {
        args.push(path_argument(path)?);
    }
    args.push(prepare.len().to_string());
    for step in prepare {
        args.push((1 + step.args.len()).to_string());
        args.push(step.program.clone());
        args.extend(step.args.iter().cloned());
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
        run_prepared(&[], command, dir)
    }

    /// Runs the wrapped argv with preparation commands for real.
    fn run_prepared(
        prepare: &[CommandSpec],
        command: &CommandSpec,
        dir: &Path,
    ) -> (LaunchedOutputs, std::process::ExitStatus) {
        let outputs = outputs(dir);
        let wrapped = wrapped(prepare, command, &outputs, &preparation_log(dir)).unwrap();
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
    fn runs_the_preparations_in_order_with_their_arguments_as_they_are_then_the_service() {
        let dir = tempfile::tempdir().unwrap();
        let log = preparation_log(dir.path());
        let print = |words: &[&str]| {
            let mut step = CommandSpec::new("/bin/sh", ["-c", r#"printf '[%s]' "$@"; echo"#, "sh"]);
            step.args.extend(words.iter().map(|w| (*w).to_owned()));
            step
        };
        let prepare = [
            print(&["a b", "$HOME", "${1}", "`id`"]),
            print(&[]),
            print(&["'x'", ";"]),
        ];
        let command = CommandSpec::new("/bin/echo", ["served"]);
        let (outputs, status) = run_prepared(&prepare, &command, dir.path());
        assert!(status.success());
        assert_eq!(read(&log), "[a b][$HOME][${1}][`id`]\n[]\n['x'][;]\n");
        assert_eq!(read(&outputs.stdout), "served\n");
        assert_eq!(read(&outputs.exit_code), "0\n");
    }

    #[test]
    fn a_failing_preparation_is_the_services_exit_and_the_service_does_not_run() {
        let dir = tempfile::tempdir().unwrap();
        let prepare = [CommandSpec::new("/bin/sh", ["-c", "echo warming; exit 4"])];
        let command = CommandSpec::new("/bin/echo", ["served"]);
        let (outputs, status) = run_prepared(&prepare, &command, dir.path());
        assert_eq!(status.code(), Some(4));
        assert_eq!(read(&outputs.exit_code), "4\n");
        assert_eq!(read(&outputs.stdout), "");
        assert_eq!(read(&preparation_log(dir.path())), "warming\n");
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
