//! The plugin's `config` table and its JSON schema.

use std::path::PathBuf;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{Requirement, ServiceRequest};
use panther_stacks::{default_version, stack_program, version_schema};
use serde::Deserialize;

/// The stack, as stacks.toml names it.
pub const STACK: &str = "quant";

/// The interface both programs run over by default (their own default, `-i lo`).
const DEFAULT_INTERFACE: &str = "lo";

/// The plugin's `config` table.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The pinned version (stacks.toml) whose build runs.
    pub version: String,
    /// A quant `server` of one's own, instead of the pinned build's.
    pub server: Option<PathBuf>,
    /// A quant `client` of one's own, instead of the pinned build's.
    pub client: Option<PathBuf>,
    /// The network interface the programs run over (`-i`): quant binds every address
    /// of an interface, not one address.
    pub interface: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            version: default_version(STACK),
            server: None,
            client: None,
            interface: DEFAULT_INTERFACE.to_owned(),
        }
    }
}

impl Config {
    /// The `server` program and what running it needs.
    pub fn server(&self, request: &ServiceRequest) -> Result<(PathBuf, Requirement), PluginError> {
        stack_program(
            STACK,
            &self.version,
            "server",
            self.server.as_deref(),
            "server",
            &request.cache_dir,
        )
    }

    /// The `client` program and what running it needs.
    pub fn client(&self, request: &ServiceRequest) -> Result<(PathBuf, Requirement), PluginError> {
        stack_program(
            STACK,
            &self.version,
            "client",
            self.client.as_deref(),
            "client",
            &request.cache_dir,
        )
    }
}

/// The JSON schema of [`Config`], with its defaults.
pub fn schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "version": version_schema(STACK),
            "server": {
                "type": "string",
                "description": "a quant server of one's own (bin/server of a quant build), instead of the pinned build's"
            },
            "client": {
                "type": "string",
                "description": "a quant client of one's own (bin/client of a quant build), instead of the pinned build's"
            },
            "interface": {
                "type": "string",
                "description": "the network interface both programs run over (-i); quant \
                                listens on every address of it, so it must hold the \
                                server's address",
                "default": DEFAULT_INTERFACE
            }
        },
        "additionalProperties": false
    })
}
