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

/// The shortest and longest initial connection ids a client may pick (RFC 9000).
const INITIAL_DCID_LENGTHS: std::ops::RangeInclusive<u64> = 8..=20;

/// The plugin's `config` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Config {
    /// The endpoint program.
    binary: Option<PathBuf>,
    /// The client's initial destination connection id length; quinn's own (20) when
    /// absent.
    initial_dcid_length: Option<u64>,
}

/// The quinn service manager.
pub struct Quinn;

impl Quinn {
    fn endpoint(request: &ServiceRequest) -> Result<Endpoint, PluginError> {
        let config: Config = parse_config(&request.config)?;
        let binary = config
            .binary
            .unwrap_or_else(|| request.plugin_dir.join("quinn-endpoint"));
        let mut command = CommandSpec::new(binary.display().to_string(), Vec::<String>::new());
        if let Some(length) = config.initial_dcid_length {
            if !INITIAL_DCID_LENGTHS.contains(&length) {
                return Err(PluginError::new(format!(
                    "config key `initial_dcid_length`: {length} is outside 8..=20 (RFC 9000's lengths)"
                )));
            }
            if request.role == Role::Server {
                return Err(PluginError::new(
                    "config key `initial_dcid_length`: a client's setting, and this quinn is a server; remove it",
                ));
            }
            command
                .env
                .insert("QUINN_INITIAL_DCID_LENGTH".to_owned(), length.to_string());
        }
        Ok(Endpoint {
            command,
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
                    },
                    "initial_dcid_length": {
                        "type": "integer",
                        "minimum": 8,
                        "maximum": 20,
                        "description": "client: the length in bytes of the connection id it picks for its first Initial packets (default: quinn's 20); PANTHER's Ivy QUIC models hold at most 16"
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
