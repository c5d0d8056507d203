//! The plugin's `config` table: which pinned build of the endpoint runs, or one's own.

use std::path::PathBuf;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{Requirement, ServiceRequest};
use panther_quic_interop::stacks::{default_version, stack_program, version_schema};
use serde::Deserialize;

/// The stack, as stacks.toml names it.
pub const STACK: &str = "quic_go";

/// The endpoint program a build makes.
const PROGRAM: &str = "quic-go-endpoint";

/// The plugin's `config` table.
#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The pinned version (stacks.toml) whose build runs.
    pub version: String,
    /// An endpoint program of one's own (built from `endpoint/`), instead of the
    /// pinned build's.
    pub binary: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            version: default_version(STACK),
            binary: None,
        }
    }
}

impl Config {
    /// The endpoint and what running it needs.
    pub fn program(&self, request: &ServiceRequest) -> Result<(PathBuf, Requirement), PluginError> {
        stack_program(
            STACK,
            &self.version,
            PROGRAM,
            self.binary.as_deref(),
            "binary",
            &request.cache_dir,
        )
    }
}

/// The JSON Schema of the `config` table; its defaults are [`Config::default`]'s.
pub fn schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "version": version_schema(STACK),
            "binary": {
                "type": "string",
                "description": "an endpoint program of one's own, built from this plugin's \
                                endpoint/ (endpoint/build.sh), instead of the pinned build's"
            }
        },
        "additionalProperties": false
    })
}
