//! Where the perf program is, for the requirement the host checks before running.

use std::path::{Path, PathBuf};

use panther_plugin_api::model::CommandSpec;

/// Where Debian's linux-perf installs perf.
const PACKAGE_DIRECTORY: &str = "/usr/bin";

/// The file `program` names: a path as it is; a name looked up on the `PATH` of the
/// command it wraps (else the host's), as starting it does, or else where Debian's
/// package would put it, so that the host's refusal says how to get it.
pub fn program_path(program: &str, wrapped: &CommandSpec) -> PathBuf {
    if program.contains('/') {
        return PathBuf::from(program);
    }
    wrapped
        .find_on_path(program)
        .unwrap_or_else(|| Path::new(PACKAGE_DIRECTORY).join(program))
}

#[cfg(test)]
mod tests {
    use panther_execution_testing::requests::bin_dir;

    use super::*;

    fn with_path(directories: &[&Path]) -> CommandSpec {
        let path = std::env::join_paths(directories).unwrap();
        CommandSpec::new("/opt/server", Vec::<String>::new())
            .with_env("PATH", path.into_string().unwrap())
    }

    #[test]
    fn keeps_a_path() {
        let wrapped = with_path(&[]);
        assert_eq!(
            program_path("/opt/perf/perf", &wrapped),
            PathBuf::from("/opt/perf/perf")
        );
    }

    #[test]
    fn looks_a_name_up_on_the_path() {
        let bin = bin_dir(&["perf"]);
        assert_eq!(
            program_path("perf", &with_path(&[bin.path(), Path::new("/usr/bin")])),
            bin.path().join("perf")
        );
    }

    #[test]
    fn a_name_found_nowhere_is_where_the_package_puts_it() {
        let directory = tempfile::tempdir().unwrap();
        assert_eq!(
            program_path("perf", &with_path(&[directory.path()])),
            PathBuf::from("/usr/bin/perf")
        );
    }
}
