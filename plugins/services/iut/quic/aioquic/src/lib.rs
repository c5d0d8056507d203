//! The aioquic service manager: runs `endpoint/endpoint.py` (this folder) with the
//! project's Python virtual environment, as client or server of the QUIC interop test
//! cases. The build puts the script and a link to the venv in `aioquic/` beside this
//! plugin's library.

use std::path::PathBuf;

use panther_plugin_api::model::{
    CommandSpec, Description, Requirement, Role, ServiceOutcome, ServicePlan, ServiceRequest,
    Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin, parse_config};
use panther_quic_interop::{Endpoint, judge, plan};
use serde::Deserialize;

/// How to get the endpoint when it is missing.
const HOW_TO_GET: &str =
    "run scripts/install-python-packages and scripts/build-plugins in the panther-host repository";

/// The plugin's `config` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Config {
    /// The Python interpreter with aioquic installed.
    python: Option<PathBuf>,
    /// The endpoint script.
    script: Option<PathBuf>,
}

/// The aioquic service manager.
pub struct Aioquic;

impl Aioquic {
    fn endpoint(request: &ServiceRequest) -> Result<Endpoint, PluginError> {
        let config: Config = parse_config(&request.config)?;
        let home = request.plugin_dir.join("aioquic");
        let python = config
            .python
            .unwrap_or_else(|| home.join("venv/bin/python"));
        let script = config.script.unwrap_or_else(|| home.join("endpoint.py"));
        let requires = vec![
            Requirement {
                path: python.clone(),
                what: "the Python interpreter of the venv with aioquic (config key `python`)"
                    .to_owned(),
                how_to_get: HOW_TO_GET.to_owned(),
            },
            Requirement {
                path: script.clone(),
                what: "the aioquic endpoint script (config key `script`)".to_owned(),
                how_to_get: HOW_TO_GET.to_owned(),
            },
        ];
        let command =
            CommandSpec::new(python.display().to_string(), [script.display().to_string()]);
        Ok(Endpoint { command, requires })
    }
}

impl ServiceManager for Aioquic {
    fn describe() -> Description {
        Description {
            name: "aioquic".to_owned(),
            description: "aioquic (Python), hq-interop and h3, over the interop runner's contract"
                .to_owned(),
            protocols: vec!["quic".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: serde_json::json!({
                "type": "object",
                "properties": {
                    "python": {
                        "type": "string",
                        "description": "the Python interpreter with aioquic installed (default: aioquic/venv/bin/python beside the plugin)"
                    },
                    "script": {
                        "type": "string",
                        "description": "the endpoint script (default: aioquic/endpoint.py beside the plugin)"
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

export_plugin!(service_manager: Aioquic);
