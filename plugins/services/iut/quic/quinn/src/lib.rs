//! The quinn service manager: runs `quinn-endpoint` (built from `endpoint/` in this
//! folder and shipped beside the plugin's library) as client or server of the QUIC
//! interop test cases.

use std::path::PathBuf;

use panther_plugin_api::model::{
    CommandSpec, Description, Requirement, Role, ServiceOutcome, ServicePlan, ServiceRequest,
    Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin, parse_config};
use panther_quic_interop::{Endpoint, judge, plan};
use serde::Deserialize;

/// The plugin's `config` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Config {
    /// The endpoint program.
    binary: Option<PathBuf>,
}

/// The quinn service manager.
pub struct Quinn;

impl Quinn {
    fn endpoint(request: &ServiceRequest) -> Result<Endpoint, PluginError> {
        let config: Config = parse_config(&request.config)?;
        let binary = config
            .binary
            .unwrap_or_else(|| request.plugin_dir.join("quinn-endpoint"));
        Ok(Endpoint {
            command: CommandSpec::new(binary.display().to_string(), Vec::<String>::new()),
            requires: vec![Requirement {
                path: binary,
                what: "the quinn endpoint program (config key `binary`)".to_owned(),
                how_to_get: "run scripts/build-plugins in the panther-host repository".to_owned(),
            }],
        })
    }
}

impl ServiceManager for Quinn {
    fn describe() -> Description {
        Description {
            name: "quinn".to_owned(),
            description:
                "quinn (Rust, rustls), hq-interop and h3, over the interop runner's contract"
                    .to_owned(),
            protocols: vec!["quic".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: serde_json::json!({
                "type": "object",
                "properties": {
                    "binary": {
                        "type": "string",
                        "description": "the endpoint program (default: quinn-endpoint beside the plugin)"
                    }
                },
                "additionalProperties": false
            }),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Self)
    }

    fn plan(&self, request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
        plan(request, Self::endpoint(request)?)
    }

    fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, PluginError> {
        Ok(judge(outcome))
    }
}

export_plugin!(service_manager: Quinn);
