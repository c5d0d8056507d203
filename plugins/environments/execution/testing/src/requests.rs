//! Requests on a service that is never run, and how a service ended, for tests of
//! what an environment plans and what it finds in files written beforehand; and
//! programs on a `PATH` of the test's own.

use std::fs::Permissions;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use panther_plugin_api::model::{CommandSpec, ExitInfo, WrapRequest};
use serde_json::Value;
use tempfile::TempDir;

/// The name of the service the requests are for.
pub const SERVICE: &str = "server";

/// The request to wrap `/opt/server --port 4443` (with `ROLE=server`, run from
/// `/run/server`) with `config`, its tools' files going to `/run/server/artifacts`,
/// the plugin's library in `/plugins`.
pub fn wrap_request(config: Value) -> WrapRequest {
    let mut command =
        CommandSpec::new("/opt/server", ["--port", "4443"]).with_env("ROLE", "server");
    command.cwd = Some(PathBuf::from("/run/server"));
    WrapRequest {
        service: SERVICE.to_owned(),
        command,
        artifacts_dir: PathBuf::from("/run/server/artifacts"),
        config,
        plugin_dir: PathBuf::from("/plugins"),
    }
}

/// `request` with its command's `PATH` set to `directory` alone, so that what an
/// environment looks up there is the test's and not the machine's.
pub fn on_path(mut request: WrapRequest, directory: &Path) -> WrapRequest {
    let path = directory.to_str().expect("a UTF-8 directory");
    request.command = request.command.with_env("PATH", path);
    request
}

/// A temporary directory to put on a `PATH`, holding an empty executable file for each
/// of `programs`; removed when dropped.
pub fn bin_dir(programs: &[&str]) -> TempDir {
    let directory = tempfile::tempdir().expect("a temporary directory");
    for program in programs {
        let file = directory.path().join(program);
        std::fs::write(&file, b"").expect("a program written");
        std::fs::set_permissions(&file, Permissions::from_mode(0o755)).expect("made executable");
    }
    directory
}

/// A service that exited by itself with `code`.
pub fn exited(code: i32) -> ExitInfo {
    ExitInfo {
        code: Some(code),
        signal: None,
        stopped_by_host: false,
    }
}

/// A service the host stopped, which `signal` ended.
pub fn stopped_by_host(signal: i32) -> ExitInfo {
    ExitInfo {
        code: None,
        signal: Some(signal),
        stopped_by_host: true,
    }
}

/// A service that `signal` ended, which the host did not send.
pub fn killed(signal: i32) -> ExitInfo {
    ExitInfo {
        code: None,
        signal: Some(signal),
        stopped_by_host: false,
    }
}
