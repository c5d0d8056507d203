//! Services that print and exit as known, planned in a real directory: once a test has
//! run them as the environment's tool would, what the exit-code wrapper recorded of
//! them is checked.

use std::path::Path;

use panther_plugin_api::model::{CommandSpec, LaunchRequest, Launcher};

/// What the client prints on standard error.
const CLIENT_STDERR: &str = "oops";
/// The client's exit code.
const CLIENT_EXIT_CODE: u8 = 4;

/// `request` planned in `directory`, each service's output directory made there: its
/// first service runs `/bin/echo serving '$HOME' 'a b'`, its second prints `$GREETING`
/// (set to `greeting`), then "oops" on standard error, and exits with 4.
pub fn request_in(directory: &Path, greeting: &str, mut request: LaunchRequest) -> LaunchRequest {
    request.directory = directory.to_path_buf();
    for service in &mut request.services {
        service.output_dir = directory.join(&service.name);
        std::fs::create_dir(&service.output_dir)
            .unwrap_or_else(|e| panic!("{}: {e}", service.output_dir.display()));
    }
    request.services[0].command = CommandSpec::new("/bin/echo", ["serving", "$HOME", "a b"]);
    let script = format!("echo \"$GREETING\"; echo {CLIENT_STDERR} >&2; exit {CLIENT_EXIT_CODE}");
    request.services[1].command =
        CommandSpec::new("/bin/sh", ["-c", &script]).with_env("GREETING", greeting);
    request
}

/// Asserts that the services of `request` (from [`request_in`] with `greeting`) left
/// their output and exit codes where `launcher` says.
pub fn assert_printed(request: &LaunchRequest, launcher: &Launcher, greeting: &str) {
    let read = |path: &Path| {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let server = &launcher.outputs[&request.services[0].name];
    assert_eq!(read(&server.stdout), "serving $HOME a b\n");
    assert_eq!(read(&server.exit_code), "0\n");
    let client = &launcher.outputs[&request.services[1].name];
    assert_eq!(read(&client.stdout), format!("{greeting}\n"));
    assert_eq!(read(&client.stderr), format!("{CLIENT_STDERR}\n"));
    assert_eq!(read(&client.exit_code), format!("{CLIENT_EXIT_CODE}\n"));
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::process::Command;

    use panther_plugin_api::serde_json::Value;

    use super::*;
    use crate::exit_wrapper::{outputs, preparation_log, wrapped};
    use crate::testing::requests::launch_request;

    #[test]
    fn the_services_print_what_is_checked() {
        let directory = tempfile::tempdir().unwrap();
        let request = request_in(
            directory.path(),
            "${USER} $$",
            launch_request(Value::Null, "10.0.0.0/24"),
        );
        let mut launched = BTreeMap::new();
        for service in &request.services {
            let outputs = outputs(&service.output_dir);
            let log = preparation_log(&service.output_dir);
            let command = wrapped(&[], &service.command, &outputs, &log).unwrap();
            let status = Command::new(&command.program)
                .args(&command.args)
                .env_clear()
                .envs(&command.env)
                .status()
                .unwrap();
            assert!(status.code().is_some());
            launched.insert(service.name.clone(), outputs);
        }
        let launcher = Launcher {
            files: Vec::new(),
            command: CommandSpec::new("/bin/true", [""; 0]),
            collect: Vec::new(),
            outputs: launched,
            unsupported_markers: Vec::new(),
        };
        assert_printed(&request, &launcher, "${USER} $$");
    }
}
