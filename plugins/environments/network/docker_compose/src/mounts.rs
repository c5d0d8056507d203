//! What each container mounts: the test's directory (read-write), what the commands it
//! runs need from the host (read-only, at the same paths), and the config's extra
//! mounts.
//!
//! The programs a command starts are its program and, for a command wrapped by an
//! execution environment (`strace ... -- PROGRAM ARGS`), the word after each `--`. For
//! each, its directory is mounted; the whole Python virtual environment when that
//! directory is a venv's `bin`; and, when the program is a link to a file elsewhere
//! (a venv's interpreter), the installation that file belongs to (the parent of its
//! `bin`). Files a command names as arguments (a script) are mounted by their
//! directory. Programs in the system directories (`/bin`, `/usr/bin`, ...) come from
//! the image and are not mounted: mounting the host's over the image's would replace
//! the image's own tools. Finding links and venvs reads the host's file system.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::CommandSpec;
use panther_plugin_api::model::path_argument;

use crate::compose_file::{Volume, literal};
use crate::config::Bind;

/// Where the image's own system is, which the host's must not cover: these folders and
/// everything under them but `/usr/local`.
const SYSTEM_DIRECTORIES: [&str; 6] = ["/bin", "/sbin", "/lib", "/lib64", "/usr", "/etc"];

/// Whether `path` is the image's system rather than the host's own.
fn is_system(path: &Path) -> bool {
    path == Path::new("/")
        || (SYSTEM_DIRECTORIES.iter().any(|dir| path.starts_with(dir))
            && !path.starts_with("/usr/local"))
}

/// The mounts of a container running `commands` for a test in `directory`.
pub fn mounts(
    directory: &Path,
    commands: &[&CommandSpec],
    extra: &[Bind],
) -> Result<Vec<Volume>, PluginError> {
    let mut binds: BTreeMap<PathBuf, Bind> = BTreeMap::new();
    let mut add = |bind: Bind| {
        binds.insert(bind.target.clone(), bind);
    };
    add(same_path(directory, false));
    let from_host =
        |path: &Path| path.is_absolute() && !is_system(path) && !path.starts_with(directory);
    for command in commands {
        for program in programs(command) {
            let own = Path::new(program).parent().is_some_and(from_host);
            for needed in program_directories(Path::new(program))
                .into_iter()
                .filter(|_| own)
            {
                if from_host(&needed) {
                    add(same_path(&needed, true));
                }
            }
        }
        for file in named_files(command) {
            if let Some(parent) = file.parent().filter(|parent| from_host(parent)) {
                add(same_path(parent, true));
            }
        }
    }
    extra.iter().cloned().for_each(add);
    binds.into_values().map(|bind| volume(&bind)).collect()
}

/// The directories `program` needs: its own (a venv's root for a venv's `bin`), and
/// the installation of the file it links to, when that is elsewhere.
fn program_directories(program: &Path) -> Vec<PathBuf> {
    let Some(parent) = program.parent() else {
        return Vec::new();
    };
    let venv = parent
        .parent()
        .filter(|root| parent.ends_with("bin") && root.join("pyvenv.cfg").is_file());
    let mut directories = vec![venv.unwrap_or(parent).to_path_buf()];
    if let Ok(real) = program.canonicalize()
        && let Some(real_parent) = real.parent()
        && real_parent != parent
    {
        let installation = real_parent
            .parent()
            .filter(|_| real_parent.ends_with("bin"))
            .unwrap_or(real_parent);
        directories.push(installation.to_path_buf());
    }
    directories
}

/// The files `command`'s arguments name by absolute path, as the host has them.
fn named_files(command: &CommandSpec) -> Vec<&Path> {
    command
        .args
        .iter()
        .map(Path::new)
        .filter(|path| path.is_absolute() && path.is_file())
        .collect()
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
        let volumes = mounts(Path::new("/run/test"), &[&command], &[]).unwrap();
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
        let volumes = mounts(Path::new("/run/test"), &[&command], &[]).unwrap();
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
        let volumes = mounts(Path::new("/run/test"), &[&command], &extra).unwrap();
        assert_eq!(
            targets(&volumes),
            [("/certs", true), ("/opt/quic", false), ("/run/test", false)]
        );
        assert_eq!(volumes[0].source, "/srv/$$certs");
        assert_eq!(volumes[1].source, "/srv/quic");
    }

    #[test]
    fn a_venv_interpreter_brings_its_venv_and_its_installation_and_a_script_its_folder() {
        let host = tempfile::tempdir().unwrap();
        let root = host.path();
        let installation = root.join("pyenv/3.11");
        std::fs::create_dir_all(installation.join("bin")).unwrap();
        std::fs::write(installation.join("bin/python3"), "").unwrap();
        let venv = root.join("venv");
        std::fs::create_dir_all(venv.join("bin")).unwrap();
        std::fs::write(venv.join("pyvenv.cfg"), "").unwrap();
        std::os::unix::fs::symlink(installation.join("bin/python3"), venv.join("bin/python"))
            .unwrap();
        let scripts = root.join("plugins/aioquic");
        std::fs::create_dir_all(&scripts).unwrap();
        std::fs::write(scripts.join("endpoint.py"), "").unwrap();
        let command = CommandSpec::new(
            venv.join("bin/python").display().to_string(),
            [scripts.join("endpoint.py").display().to_string()],
        );
        let volumes = mounts(Path::new("/run/test"), &[&command], &[]).unwrap();
        let mounted: Vec<&str> = volumes.iter().map(|v| v.target.as_str()).collect();
        for needed in [&venv, &installation, &scripts] {
            let path = needed.display().to_string();
            assert!(mounted.contains(&path.as_str()), "{path} in {mounted:?}");
        }
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
