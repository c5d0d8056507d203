//! Starting the service's program with a gperftools library preloaded.

use std::path::Path;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{CommandSpec, path_argument};

/// The program that sets the variables for the profiled program alone.
pub const ENV_PROGRAM: &str = "/usr/bin/env";

/// `command` run as `/usr/bin/env LD_PRELOAD=LIBRARY NAME=VALUE... PROGRAM ARGS...`.
///
/// The variables go on `env`'s command line and not in the command's environment,
/// which every tool wrapped around it later would inherit and be profiled with.
/// The command keeps its own environment and working directory; a preload the
/// command already asks for stays, after the library.
pub fn preloaded(
    command: &CommandSpec,
    library: &Path,
    variables: &[(&str, String)],
) -> Result<CommandSpec, PluginError> {
    if command.program.contains('=') {
        return Err(PluginError::new(format!(
            "cannot preload into the program '{}': `env` would read its name, which holds '=', as a variable",
            command.program
        )));
    }
    let library = path_argument(library)?;
    let preload = match command.env.get("LD_PRELOAD") {
        Some(already) if !already.is_empty() => format!("{library}:{already}"),
        _ => library,
    };
    let mut args = vec![format!("LD_PRELOAD={preload}")];
    args.extend(
        variables
            .iter()
            .map(|(name, value)| format!("{name}={value}")),
    );
    args.push(command.program.clone());
    args.extend(command.args.iter().cloned());
    Ok(CommandSpec {
        program: ENV_PROGRAM.to_owned(),
        args,
        env: command.env.clone(),
        cwd: command.cwd.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn server() -> CommandSpec {
        let mut command =
            CommandSpec::new("/opt/server", ["--port", "4443"]).with_env("ROLE", "server");
        command.cwd = Some(PathBuf::from("/run/server"));
        command
    }

    #[test]
    fn sets_the_variables_for_the_program_alone() {
        let command = preloaded(
            &server(),
            Path::new("/usr/lib/libprofiler.so.0"),
            &[("CPUPROFILE", "/run/cpu.prof".to_owned())],
        )
        .unwrap();
        assert_eq!(command.program, "/usr/bin/env");
        assert_eq!(
            command.args,
            [
                "LD_PRELOAD=/usr/lib/libprofiler.so.0",
                "CPUPROFILE=/run/cpu.prof",
                "/opt/server",
                "--port",
                "4443"
            ]
        );
        assert_eq!(command.env, server().env);
        assert_eq!(command.cwd, server().cwd);
    }

    #[test]
    fn keeps_a_preload_the_command_asks_for() {
        let command = server().with_env("LD_PRELOAD", "/opt/libshim.so");
        let wrapped = preloaded(&command, Path::new("/usr/lib/libtcmalloc.so.4"), &[]).unwrap();
        assert_eq!(
            wrapped.args[0],
            "LD_PRELOAD=/usr/lib/libtcmalloc.so.4:/opt/libshim.so"
        );
        assert_eq!(wrapped.env["LD_PRELOAD"], "/opt/libshim.so");
    }

    #[test]
    fn refuses_a_program_env_would_take_for_a_variable() {
        let command = CommandSpec::new("/opt/a=b/server", Vec::<String>::new());
        let error = preloaded(&command, Path::new("/usr/lib/libprofiler.so.0"), &[]).unwrap_err();
        assert_eq!(
            error.message(),
            "cannot preload into the program '/opt/a=b/server': `env` would read its name, which holds '=', as a variable"
        );
    }
}
