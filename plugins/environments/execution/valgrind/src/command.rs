//! The valgrind command line around a service's command, and what it needs and writes.

use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, Requirement, WrapRequest, WrappedCommand, path_argument,
};

use crate::{Options, Tool};

/// How to install valgrind.
const HOW_TO_GET: &str = "apt-get install valgrind (scripts/install-system-packages does)";

/// Where a bare program name found on no `PATH` directory is expected (where the
/// valgrind package installs it).
const SYSTEM_PROGRAMS: &str = "/usr/bin";

/// The file of `tool`'s XML report for process `%p`, or of its text log, in `directory`.
fn report_path(directory: &Path, tool: &str, extension: &str) -> PathBuf {
    directory.join(format!("{tool}.%p.{extension}"))
}

/// The service's command run under valgrind's `tool`, with the tool's own `tool_args`.
///
/// Valgrind writes one XML report and one text log per process (`%p` is the process
/// id); the program's exit status is its own, and the findings decide. A child forked
/// without executing a program is not reported on: it would write into its parent's
/// report and break the XML (`--child-silent-after-fork`).
pub fn wrap(
    tool: Tool,
    options: &Options,
    tool_args: Vec<String>,
    request: &WrapRequest,
) -> Result<WrappedCommand, PluginError> {
    let xml = report_path(&request.artifacts_dir, tool.name, "xml");
    let log = report_path(&request.artifacts_dir, tool.name, "log");
    let trace_children = if options.trace_children { "yes" } else { "no" };
    let mut args = vec![
        format!("--tool={}", tool.name),
        "--xml=yes".to_owned(),
        format!("--xml-file={}", path_argument(&xml)?),
        format!("--log-file={}", path_argument(&log)?),
        format!("--trace-children={trace_children}"),
        "--child-silent-after-fork=yes".to_owned(),
        format!("--num-callers={}", options.num_callers),
    ];
    args.extend(tool_args);
    args.extend(
        options
            .suppressions
            .iter()
            .map(|file| format!("--suppressions={file}")),
    );
    args.extend(options.extra_args.iter().cloned());
    args.push(request.command.program.clone());
    args.extend(request.command.args.iter().cloned());
    Ok(WrappedCommand {
        artifacts: vec![
            ArtifactSpec {
                name: format!("{} reports", tool.name),
                path: xml,
            },
            ArtifactSpec {
                name: format!("{} logs", tool.name),
                path: log,
            },
        ],
        requires: requirements(options, &request.command),
        ..WrappedCommand::new(CommandSpec {
            program: options.program.clone(),
            args,
            env: request.command.env.clone(),
            cwd: request.command.cwd.clone(),
        })
    })
}

/// Valgrind itself, as the `PATH` of the `wrapped` command finds it, and every
/// suppression file.
fn requirements(options: &Options, wrapped: &CommandSpec) -> Vec<Requirement> {
    let valgrind = Requirement {
        path: installed_path(&options.program, wrapped),
        what: "valgrind".to_owned(),
        how_to_get: HOW_TO_GET.to_owned(),
    };
    let suppressions = options.suppressions.iter().map(|file| Requirement {
        path: PathBuf::from(file),
        what: "a valgrind suppressions file".to_owned(),
        how_to_get: "write it, or correct its path in config key `suppressions`".to_owned(),
    });
    std::iter::once(valgrind).chain(suppressions).collect()
}

/// Where `program` is expected: itself when it is a path; a bare name where the `PATH`
/// valgrind starts with (the `wrapped` command's) finds it, else in `/usr/bin`.
fn installed_path(program: &str, wrapped: &CommandSpec) -> PathBuf {
    if program.contains('/') {
        PathBuf::from(program)
    } else {
        wrapped
            .find_on_path(program)
            .unwrap_or_else(|| Path::new(SYSTEM_PROGRAMS).join(program))
    }
}

#[cfg(test)]
mod tests {
    use panther_execution_testing::requests::bin_dir;

    use super::*;

    /// A command whose `PATH` is `directory` alone.
    fn on_path(directory: &Path) -> CommandSpec {
        CommandSpec::new("/opt/server", Vec::<String>::new())
            .with_env("PATH", directory.to_str().unwrap())
    }

    #[test]
    fn a_bare_name_found_nowhere_is_expected_in_usr_bin() {
        let empty = bin_dir(&[]);
        let wrapped = on_path(empty.path());
        assert_eq!(
            installed_path("valgrind", &wrapped),
            Path::new("/usr/bin/valgrind")
        );
        assert_eq!(
            installed_path("/opt/valgrind/bin/valgrind", &wrapped),
            Path::new("/opt/valgrind/bin/valgrind")
        );
        assert_eq!(
            installed_path("bin/valgrind", &wrapped),
            Path::new("bin/valgrind")
        );
    }

    #[test]
    fn a_bare_name_is_expected_where_the_commands_path_finds_it() {
        let bin = bin_dir(&["valgrind"]);
        assert_eq!(
            installed_path("valgrind", &on_path(bin.path())),
            bin.path().join("valgrind")
        );
    }
}
