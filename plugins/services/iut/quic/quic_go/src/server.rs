//! The server's plan: `server`, with no arguments, after pointing `/certs`, `/www`
//! and `/logs` at the test's directories; unsupported unless its port is 443.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{ServicePlan, ServiceRequest};
use panther_quic_interop::{Endpoint, served_directory, server_plan, unsupported_case};

use crate::cases::{SUPPORTED, with_runner_name};
use crate::command;
use crate::config::{Config, requirement};
use crate::fixed_paths::{CERTS, LOGS, SERVER_PORT, WWW, link};

/// Why the server cannot play at the request's address: it always listens on port
/// 443, and no flag moves it.
fn wrong_port(request: &ServiceRequest) -> Option<String> {
    let port = request.address.port;
    (port != SERVER_PORT).then(|| {
        format!(
            "quic_go's interop server always listens on port {SERVER_PORT} \
             (interop/server/main.go binds \":443\", no flag changes it), and this test \
             gives it port {port}"
        )
    })
}

/// The server's plan.
pub fn plan(request: &ServiceRequest, config: &Config) -> Result<ServicePlan, PluginError> {
    let tls = request
        .tls
        .as_ref()
        .ok_or_else(|| PluginError::new("the host gave no TLS files for the server"))?;
    let endpoint = Endpoint {
        command: command(&config.server, Vec::new()),
        requires: Vec::new(),
    };
    let plan = ServicePlan {
        prepare: vec![
            link(CERTS, &tls.directory),
            link(WWW, &served_directory(&request.output_dir)),
            link(LOGS, &request.artifacts_dir),
        ],
        skip_without: vec![requirement(&config.server, "server")],
        unsupported: unsupported_case(request, "quic_go", &SUPPORTED)
            .or_else(|| wrong_port(request)),
        ..server_plan(request, endpoint)
    };
    Ok(with_runner_name(plan, request))
}
