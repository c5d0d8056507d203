//! How to run a ping_pong service: the endpoint's command line for each role.

use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, Readiness, Role, ServiceAddress, ServicePlan, ServiceRequest,
    Transport,
};

use crate::config::Config;

/// The endpoint program shipped beside the plugin library.
const BINARY: &str = "ping-pong";
/// The client's summary, in its artifacts directory.
pub const SUMMARY_FILE: &str = "summary.json";

/// The plan of one service, server or client.
pub fn plan(request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
    let config = Config::parse(&request.config)?;
    let binary = config
        .binary
        .clone()
        .unwrap_or_else(|| request.plugin_dir.join(BINARY).display().to_string());
    match request.role {
        Role::Server => Ok(ServicePlan {
            ready: Readiness::Port {
                port: request.address.port,
                transport: Transport::Udp,
            },
            ..ServicePlan::new(CommandSpec::new(
                binary,
                server_args(&config, &request.address),
            ))
        }),
        Role::Client => {
            let server = request
                .target
                .as_ref()
                .and_then(|target| request.peers.get(target))
                .ok_or_else(|| {
                    PluginError::new("the client needs `target`, the name of its server")
                })?;
            let summary = summary_path(&request.artifacts_dir);
            Ok(ServicePlan {
                decides: true,
                artifacts: vec![ArtifactSpec {
                    name: "summary".to_owned(),
                    path: summary.clone(),
                }],
                ..ServicePlan::new(CommandSpec::new(
                    binary,
                    client_args(&config, &server.address, &summary),
                ))
            })
        }
    }
}

/// Where the client writes its summary.
pub fn summary_path(artifacts_dir: &Path) -> PathBuf {
    artifacts_dir.join(SUMMARY_FILE)
}

/// `ping-pong server ...`, listening on `address`.
fn server_args(config: &Config, address: &ServiceAddress) -> Vec<String> {
    let mut args = vec![
        "server".to_owned(),
        "--listen".to_owned(),
        socket_address(address),
    ];
    args.extend(common_args(config));
    args
}

/// `ping-pong client ...`, reaching the server at `server`.
fn client_args(config: &Config, server: &ServiceAddress, summary: &Path) -> Vec<String> {
    let mut args = vec![
        "client".to_owned(),
        "--connect".to_owned(),
        socket_address(server),
        "--pings".to_owned(),
        config.pings.to_string(),
    ];
    args.extend(common_args(config));
    args.extend(["--summary".to_owned(), summary.display().to_string()]);
    args
}

/// The options both roles take: variant, timings and seed.
fn common_args(config: &Config) -> Vec<String> {
    let mut args = vec![
        "--variant".to_owned(),
        config.variant.as_str().to_owned(),
        "--min-delay-ms".to_owned(),
        config.min_delay_ms.to_string(),
        "--timeout-ms".to_owned(),
        config.timeout_ms.to_string(),
        "--margin-ms".to_owned(),
        config.margin_ms.to_string(),
    ];
    if let Some(seed) = config.seed {
        args.extend(["--seed".to_owned(), seed.to_string()]);
    }
    args
}

/// `HOST:PORT`, with an IPv6 host in brackets.
fn socket_address(address: &ServiceAddress) -> String {
    if address.host.contains(':') && !address.host.starts_with('[') {
        format!("[{}]:{}", address.host, address.port)
    } else {
        format!("{}:{}", address.host, address.port)
    }
}
