//! What each container mounts: the test's directory (read-write), the directories of
//! the programs its command starts (read-only, at the same paths), and the config's
//! extra mounts.
//!
//! The programs a command starts are its program and, for a command wrapped by an
//! execution environment (`strace ... -- PROGRAM ARGS`), the word after each `--`.
//! Programs in the system directories (`/bin`, `/usr/bin`, ...) come from the image
//! and are not mounted: mounting the host's over the image's would replace the image's
//! own tools.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::CommandSpec;
use panther_plugin_api::model::path_argument;

use crate::compose_file::{Volume, literal};
use crate::config::Bind;

/// Directories whose programs the image provides.
const SYSTEM_DIRECTORIES: [&str; 5] = ["/", "/bin", "/sbin", "/usr/bin", "/usr/sbin"];

/// The mounts of a container running `command` for a test in `directory`.
pub fn mounts(
    directory: &Path,
    command: &CommandSpec,
    extra: &[Bind],
) -> Result<Vec<Volume>, PluginError> {
    let mut binds: BTreeMap<PathBuf, Bind> = BTreeMap::new();
    let mut add = |bind: Bind| {
        binds.insert(bind.target.clone(), bind);
    };
    add(same_path(directory, false));
    for program in programs(command) {
        let Some(parent) = Path::new(program).parent() else {
            continue;
        };
        let system = SYSTEM_DIRECTORIES
            .iter()
            .any(|dir| parent == Path::new(dir));
        if program.starts_with('/') && !system && !parent.starts_with(directory) {
            add(same_path(parent, true));
        }
    }
    extra.iter().cloned().for_each(add);
    binds.into_values().map(|bind| volume(&bind)).collect()
}

/// The programs `command` starts: its own and the one after each `--`.
pub fn programs(command: &CommandSpec) -> Vec<&str> {
    let after_separators = command
        .args
        .windows(2)
        .filter(|pair| pair[0] == "--")
        .map(|pair| pair[1].as_str());
    std::iter::once(command.program.as_str())
        .chain(after_separators)
        .collect()
}

/// `path` mounted at the same path.
fn same_path(path: &Path, read_only: bool) -> Bind {
    Bind {
        source: path.to_path_buf(),
        target: path.to_path_buf(),
        read_only,
    }
}

/// A bind as the compose file writes it.
fn volume(bind: &Bind) -> Result<Volume, PluginError> {
    Ok(Volume {
        kind: "bind".to_owned(),
        source: literal(&path_argument(&bind.source)?),
        target: literal(&path_argument(&bind.target)?),
        read_only: bind.read_only,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(volumes: &[Volume]) -> Vec<(&str, bool)> {
        volumes
            .iter()
            .map(|v| (v.target.as_str(), v.read_only))
            .collect()
    }

    #[test]
    fn mounts_the_test_and_the_program_directories() {
        let command = CommandSpec::new(
            "/usr/bin/strace",
            [
                "-o",
                "/run/test/server/strace.log",
                "--",
                "/opt/quic/server",
                "--port",
                "4443",
            ],
        );
        let volumes = mounts(Path::new("/run/test"), &command, &[]).unwrap();
        assert_eq!(
            targets(&volumes),
            [("/opt/quic", true), ("/run/test", false)]
        );
        assert!(
            volumes
                .iter()
                .all(|v| v.kind == "bind" && v.source == v.target)
        );
    }

    #[test]
    fn leaves_out_system_relative_and_test_programs() {
        let command = CommandSpec::new(
            "/run/test/tools/repeat",
            ["--", "strace", "--", "/bin/true", "--", "/usr/sbin/x", "--"],
        );
        let volumes = mounts(Path::new("/run/test"), &command, &[]).unwrap();
        assert_eq!(targets(&volumes), [("/run/test", false)]);
    }

    #[test]
    fn the_config_mounts_come_last_and_win_on_the_same_target() {
        let extra = [
            Bind {
                source: "/srv/quic".into(),
                target: "/opt/quic".into(),
                read_only: false,
            },
            Bind {
                source: "/srv/$certs".into(),
                target: "/certs".into(),
                read_only: true,
            },
        ];
        let command = CommandSpec::new("/opt/quic/server", ["--port", "4443"]);
        let volumes = mounts(Path::new("/run/test"), &command, &extra).unwrap();
        assert_eq!(
            targets(&volumes),
            [("/certs", true), ("/opt/quic", false), ("/run/test", false)]
        );
        assert_eq!(volumes[0].source, "/srv/$$certs");
        assert_eq!(volumes[1].source, "/srv/quic");
    }

    #[test]
    fn finds_the_program_after_each_separator() {
        let command = CommandSpec::new(
            "/p/repeat",
            ["-n", "3", "--", "/p/strace", "-f", "--", "/p/server"],
        );
        assert_eq!(programs(&command), ["/p/repeat", "/p/strace", "/p/server"]);
        assert_eq!(programs(&CommandSpec::new("x", ["--"])), ["x"]);
    }
}
