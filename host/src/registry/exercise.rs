//! Sample calls a plugin author's `plugins check` makes: each method of the component
//! once, with a request like the ones a run makes, to show the answers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use panther_plugin_api::model::{
    CommandSpec, ExitInfo, FindingsRequest, Manifest, NetworkRequest, NetworkService, PeerInfo,
    Role, ServiceAddress, ServiceOutcome, ServiceRequest, WrapRequest,
};
use serde::{Deserialize, Serialize};

use super::component::{CallError, Component};

/// One sample call and what came back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CallReport {
    /// The method and the case (`plan (server)`).
    pub call: String,
    /// The answer, or the error the plugin gave.
    pub answer: Result<serde_json::Value, String>,
}

fn report<R: Serialize>(call: String, answer: Result<R, CallError>) -> CallReport {
    CallReport {
        call,
        answer: answer
            .map(|a| serde_json::to_value(a).unwrap_or_default())
            .map_err(|e| e.to_string()),
    }
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join("panther-check").join(name)
}

fn sample_request(manifest: &Manifest, role: Role, plugin_dir: &Path) -> ServiceRequest {
    let (me, other) = match role {
        Role::Server => ("server", "client"),
        Role::Client => ("client", "server"),
    };
    let address = |port| ServiceAddress {
        host: "127.0.0.1".to_owned(),
        port,
    };
    let other_role = if role == Role::Server {
        Role::Client
    } else {
        Role::Server
    };
    ServiceRequest {
        test: "check".to_owned(),
        service: me.to_owned(),
        role,
        protocol: manifest.protocols.first().cloned().unwrap_or_default(),
        protocol_version: None,
        test_case: None,
        network: "localhost".to_owned(),
        config: serde_json::json!({}),
        address: address(if role == Role::Server { 4443 } else { 4444 }),
        target: (role == Role::Client).then(|| other.to_owned()),
        peers: BTreeMap::from([(
            other.to_owned(),
            PeerInfo {
                role: other_role,
                implementation: manifest.name.clone(),
                address: address(if role == Role::Server { 4444 } else { 4443 }),
                output_dir: scratch(other),
            },
        )]),
        output_dir: scratch(me),
        artifacts_dir: scratch(me).join("artifacts"),
        plugin_dir: plugin_dir.to_path_buf(),
        cache_dir: scratch("cache"),
        tls: None,
        link_capture: None,
    }
}

/// Calls every method of the component once with sample requests.
pub fn exercise(component: &Component, manifest: &Manifest, plugin_dir: &Path) -> Vec<CallReport> {
    match component {
        Component::ServiceManager(manager) => {
            let roles = if manifest.roles.is_empty() {
                vec![Role::Server]
            } else {
                manifest.roles.clone()
            };
            let mut calls = Vec::new();
            for role in roles {
                let request = sample_request(manifest, role, plugin_dir);
                calls.push(report(format!("plan ({role})"), manager.plan(&request)));
                let outcome = ServiceOutcome {
                    stdout: request.output_dir.join("stdout.log"),
                    stderr: request.output_dir.join("stderr.log"),
                    exit: ExitInfo {
                        code: Some(0),
                        signal: None,
                        stopped_by_host: false,
                    },
                    request,
                    peer_exits: Default::default(),
                };
                calls.push(report(
                    format!("judge ({role}, exit 0)"),
                    manager.judge(&outcome),
                ));
            }
            calls
        }
        Component::NetworkEnvironment(network) => {
            let request = NetworkRequest {
                instance: "check".to_owned(),
                services: vec![
                    NetworkService {
                        name: "server".to_owned(),
                        role: Role::Server,
                        port: 4443,
                        artifacts_dir: scratch("server").join("artifacts"),
                    },
                    NetworkService {
                        name: "client".to_owned(),
                        role: Role::Client,
                        port: 4444,
                        artifacts_dir: scratch("client").join("artifacts"),
                    },
                ],
                config: serde_json::json!({}),
                directory: scratch("test"),
                plugin_dir: plugin_dir.to_path_buf(),
                cache_dir: scratch("cache"),
            };
            vec![report(
                "deploy (server and client)".to_owned(),
                network.deploy(&request),
            )]
        }
        Component::ExecutionEnvironment(execution) => {
            let artifacts_dir = scratch("service").join("artifacts");
            let wrap = WrapRequest {
                service: "service".to_owned(),
                command: CommandSpec::new("true", Vec::<String>::new()),
                artifacts_dir: artifacts_dir.clone(),
                config: serde_json::json!({}),
                plugin_dir: plugin_dir.to_path_buf(),
            };
            let findings = FindingsRequest {
                service: "service".to_owned(),
                stdout: scratch("service").join("stdout.log"),
                stderr: scratch("service").join("stderr.log"),
                artifacts_dir,
                exit: ExitInfo {
                    code: Some(0),
                    signal: None,
                    stopped_by_host: false,
                },
                config: serde_json::json!({}),
            };
            vec![
                report("wrap (true)".to_owned(), execution.wrap(&wrap)),
                report(
                    "findings (exit 0)".to_owned(),
                    execution.findings(&findings),
                ),
            ]
        }
    }
}
