//! Golden plans: a stack's server and client plan for every test case, written out as
//! text and compared with a file kept in the plugin's folder, so that a change of flags
//! shows up as a diff. `UPDATE_GOLDEN=1 cargo test` rewrites the file.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{
    CommandSpec, PeerInfo, Role, ServiceAddress, ServicePlan, ServiceRequest, TlsFiles, shell_word,
};

use crate::testcase::TestCase;

/// Where the golden requests' services keep their files.
const RUN: &str = "/run/panther/test";

fn address(role: Role) -> ServiceAddress {
    ServiceAddress {
        host: "127.0.0.1".to_owned(),
        port: match role {
            Role::Server => 4443,
            Role::Client => 4444,
        },
    }
}

fn output_dir(role: Role) -> PathBuf {
    Path::new(RUN).join(role.as_str())
}

/// The request the host would make for the service playing `role` in test case
/// `case` on localhost, with fixed addresses and directories and no config.
pub fn request(role: Role, case: &str) -> ServiceRequest {
    request_in(role, case, "localhost")
}

/// [`request`] in the network environment `network`.
pub fn request_in(role: Role, case: &str, network: &str) -> ServiceRequest {
    let output = output_dir(role);
    let certs = output.join("certs");
    let peers = match role {
        Role::Server => BTreeMap::new(),
        Role::Client => BTreeMap::from([(
            "server".to_owned(),
            PeerInfo {
                role: Role::Server,
                implementation: "any".to_owned(),
                address: address(Role::Server),
                output_dir: output_dir(Role::Server),
            },
        )]),
    };
    ServiceRequest {
        test: format!("golden {case}"),
        service: role.as_str().to_owned(),
        role,
        protocol: "quic".to_owned(),
        protocol_version: None,
        test_case: Some(case.to_owned()),
        network: network.to_owned(),
        config: serde_json::Value::Null,
        address: address(role),
        target: (role == Role::Client).then(|| "server".to_owned()),
        peers,
        artifacts_dir: output.join("artifacts"),
        plugin_dir: PathBuf::from("/opt/panther/plugins"),
        cache_dir: PathBuf::from("/home/user/.cache/panther-host"),
        tls: Some(TlsFiles {
            ca: certs.join("ca.pem"),
            certificate: certs.join("cert.pem"),
            key: certs.join("priv.key"),
            directory: certs,
        }),
        link_capture: None,
        output_dir: output,
    }
}

/// `command` as one shell line, inside `(cd DIR && ...)` when it has a directory.
fn command_line(command: &CommandSpec) -> String {
    let line = command.shell_line();
    match &command.cwd {
        Some(cwd) => format!("(cd {} && {line})", shell_word(&cwd.display().to_string())),
        None => line,
    }
}

fn render_plan(text: &mut String, plan: &ServicePlan) {
    if let Some(reason) = &plan.unsupported {
        let _ = writeln!(text, "unsupported: {reason}");
    }
    for requirement in &plan.skip_without {
        let _ = writeln!(
            text,
            "skipped without: {} ({})",
            requirement.path.display(),
            requirement.what
        );
    }
    for requirement in &plan.requires {
        let _ = writeln!(text, "requires: {}", requirement.path.display());
    }
    for command in &plan.prepare {
        let _ = writeln!(text, "prepare: {}", command_line(command));
    }
    let _ = writeln!(text, "run: {}", command_line(&plan.command));
    let ready = serde_json::to_string(&plan.ready).unwrap_or_default();
    let _ = writeln!(text, "ready: {ready}; decides: {}", plan.decides);
    for companion in &plan.companions {
        let _ = writeln!(
            text,
            "companion {}: {}",
            companion.name,
            command_line(&companion.command)
        );
    }
    for analysis in &plan.analyses {
        let _ = writeln!(
            text,
            "analysis: {} > {}",
            command_line(&analysis.command),
            analysis.output.display()
        );
    }
    if let Some(first) = plan.random_files.first() {
        let bytes: u64 = plan.random_files.iter().map(|file| file.size).sum();
        let _ = writeln!(
            text,
            "random files: {} ({} in all, {bytes} bytes)",
            first.path.display(),
            plan.random_files.len()
        );
    }
    for artifact in &plan.artifacts {
        let _ = writeln!(
            text,
            "artifact {}: {}",
            artifact.name,
            artifact.path.display()
        );
    }
}

/// Every test case's server and client plan, as `planner` makes them for requests in
/// the network environment `network`.
pub fn render(
    network: &str,
    planner: impl Fn(&ServiceRequest) -> Result<ServicePlan, PluginError>,
) -> String {
    let mut text = String::new();
    for case in TestCase::ALL {
        for role in [Role::Server, Role::Client] {
            let _ = writeln!(text, "## {case}, {}", role.as_str());
            match planner(&request_in(role, case.name(), network)) {
                Ok(plan) => render_plan(&mut text, &plan),
                Err(error) => {
                    let _ = writeln!(text, "refused: {error}");
                }
            }
            text.push('\n');
        }
    }
    text
}

/// Checks `actual` against the golden file at `path`, or rewrites the file when
/// `UPDATE_GOLDEN` is set.
pub fn assert_golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        expected == actual,
        "the plans differ from {}: if the change is meant, rerun with UPDATE_GOLDEN=1 and \
         commit the file\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_request_targets_the_server_with_its_address() {
        let client = request(Role::Client, "handshake");
        assert_eq!(client.peers["server"].address.port, 4443);
        assert_eq!(client.target.as_deref(), Some("server"));
    }
}
