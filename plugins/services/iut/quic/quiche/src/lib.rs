//! The quiche service manager: runs `quiche-endpoint` (built from `endpoint/` in this
//! folder and shipped beside the plugin's library) as client or server of the QUIC
//! interop test cases. quiche cannot initiate a key update, so its client answers
//! `keyupdate` with "unsupported" (127); its server follows a peer's key update.

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

/// The quiche service manager.
pub struct Quiche;

impl Quiche {
    /// How the endpoint program is started for `request`, and where it must be.
    fn endpoint(request: &ServiceRequest) -> Result<Endpoint, PluginError> {
        let config: Config = parse_config(&request.config)?;
        let binary = config
            .binary
            .unwrap_or_else(|| request.plugin_dir.join("quiche-endpoint"));
        Ok(Endpoint {
            command: CommandSpec::new(binary.display().to_string(), Vec::<String>::new()),
            requires: vec![Requirement {
                path: binary,
                what: "the quiche endpoint program (config key `binary`)".to_owned(),
                how_to_get: "run scripts/build-plugins --all in the panther-host repository (its BoringSSL build takes minutes)".to_owned(),
            }],
        })
    }
}

impl ServiceManager for Quiche {
    fn describe() -> Description {
        Description {
            name: "quiche".to_owned(),
            description:
                "quiche (Rust, BoringSSL), hq-interop and h3, over the interop runner's contract"
                    .to_owned(),
            protocols: vec!["quic".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: serde_json::json!({
                "type": "object",
                "properties": {
                    "binary": {
                        "type": "string",
                        "description": "the endpoint program (default: quiche-endpoint beside the plugin)"
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

export_plugin!(service_manager: Quiche);
