//! Requests on a service that is never run, and how a service ended, for tests of
//! what an environment plans and what it finds in files written beforehand.

use std::path::PathBuf;

use panther_plugin_api::model::{CommandSpec, ExitInfo, WrapRequest};
use serde_json::Value;

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
