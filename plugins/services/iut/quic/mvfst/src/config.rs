//! The plugin's `config` table: which pinned build of proxygen's `hq` runs, or one's
//! own.

use std::path::PathBuf;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{Requirement, ServiceRequest};
use panther_quic_interop::stacks::{default_version, stack_program, version_schema};
use serde::Deserialize;

/// The stack, as stacks.toml names it.
pub const STACK: &str = "mvfst";

/// The plugin's `config` table.
#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The pinned version (stacks.toml) whose build runs.
    pub version: String,
    /// Proxygen's `hq` of one's own, instead of the pinned build's; it plays both
    /// roles.
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
    /// `hq` and what running it needs.
    pub fn program(&self, request: &ServiceRequest) -> Result<(PathBuf, Requirement), PluginError> {
        stack_program(
            STACK,
            &self.version,
            "hq",
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
                "description": "proxygen's hq program of one's own \
                                (proxygen/httpserver/samples/hq), HTTP over mvfst, client \
                                and server, instead of the pinned build's"
            }
        },
        "additionalProperties": false
    })
}
