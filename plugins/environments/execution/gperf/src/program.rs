//! The file a command starts, which google-pprof reads to name functions.

use panther_plugin_api::model::CommandSpec;

/// The program `command` starts, as a file google-pprof can read.
///
/// A name without a slash is looked up on the command's `PATH` (else the host's), as
/// starting it does; a path is kept as it is (a relative one means the same file to
/// an analysis run in the command's working directory). A name found nowhere stays
/// as it is: the host refuses to start a program it cannot find.
pub fn program_file(command: &CommandSpec) -> String {
    command
        .find_on_path(&command.program)
        .and_then(|found| found.to_str().map(str::to_owned))
        .unwrap_or_else(|| command.program.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use panther_execution_testing::requests::bin_dir;
    use std::path::PathBuf;

    /// A `PATH` value made of `directories`.
    fn joined(directories: &[PathBuf]) -> String {
        std::env::join_paths(directories)
            .unwrap()
            .into_string()
            .unwrap()
    }

    #[test]
    fn keeps_a_path() {
        let command = CommandSpec::new("./server", Vec::<String>::new());
        assert_eq!(program_file(&command), "./server");
        let command = CommandSpec::new("/opt/server", Vec::<String>::new());
        assert_eq!(program_file(&command), "/opt/server");
    }

    #[test]
    fn looks_a_name_up_on_the_commands_path() {
        let empty = tempfile::tempdir().unwrap();
        let holding = bin_dir(&["server"]);
        let program = holding.path().join("server");
        std::fs::create_dir(empty.path().join("server")).unwrap();
        let path = joined(&[empty.path().to_path_buf(), holding.path().to_path_buf()]);
        let command = CommandSpec::new("server", Vec::<String>::new()).with_env("PATH", path);
        assert_eq!(program_file(&command), program.to_str().unwrap());
    }

    #[test]
    fn keeps_a_name_found_nowhere() {
        let empty = tempfile::tempdir().unwrap();
        let command = CommandSpec::new("server", Vec::<String>::new())
            .with_env("PATH", joined(&[empty.path().to_path_buf()]));
        assert_eq!(program_file(&command), "server");
    }
}
