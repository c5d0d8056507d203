//! The server's plan: `hq --mode=server`, serving the test's files at its address.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{CommandSpec, ServicePlan, ServiceRequest};
use panther_quic_interop::{
    Endpoint, qlog_directory, served_directory, server_plan, test_case, unsupported_case,
};

use crate::cases::{SERVER_SUPPORTED, http};
use crate::config::{Config, program};
use crate::flag;

/// The server's plan. It accepts both `hq-interop` and `h3` (no `--protocol`: hq's
/// default ALPN list has both), answering in the case's HTTP version.
pub fn plan(request: &ServiceRequest, config: &Config) -> Result<ServicePlan, PluginError> {
    let tls = request
        .tls
        .as_ref()
        .ok_or_else(|| PluginError::new("the host gave no TLS files for the server"))?;
    let (program, requirement) = program(config, request)?;
    let port = request.address.port;
    let args = vec![
        flag("mode", "server"),
        flag("host", &request.address.host),
        flag("port", port),
        // hq also serves HTTP/2 over TCP on --h2port (6667 unless set); the same
        // number as the QUIC port, as run_endpoint.sh does: the host reserved it free
        // for TCP too.
        flag("h2port", port),
        flag("cert", tls.certificate.display()),
        flag("key", tls.key.display()),
        flag(
            "static_root",
            served_directory(&request.output_dir).display(),
        ),
        flag("httpversion", http(test_case(request).0).version),
        flag("qlogger_path", qlog_directory(request).display()),
        flag("logdir", request.artifacts_dir.display()),
        // BATCHING_MODE_NONE: no GSO batches, so a capture on lo stays decodable.
        flag("quic_batching_mode", 0),
    ];
    let endpoint = Endpoint {
        command: CommandSpec::new(program.display().to_string(), args),
        requires: vec![requirement],
    };
    Ok(ServicePlan {
        unsupported: unsupported_case(request, "mvfst", &SERVER_SUPPORTED),
        ..server_plan(request, endpoint)
    })
}
