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
    let path = wrapped
        .env
        .get("PATH")
        .cloned()
        .or_else(|| std::env::var("PATH").ok())
        .unwrap_or_default();
    std::env::split_paths(&path)
        .map(|directory| directory.join(program))
        .find(|candidate| is_file(candidate))
        .unwrap_or_else(|| Path::new(PACKAGE_DIRECTORY).join(program))
}

/// Whether `path` is a file (following links).
fn is_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|metadata| metadata.is_file())
}

#[cfg(test)]
mod tests {
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
        let directory = tempfile::tempdir().unwrap();
        let perf = directory.path().join("perf");
        std::fs::write(&perf, b"").unwrap();
        assert_eq!(program_path("perf", &with_path(&[directory.path()])), perf);
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
