//! The plugin's `config` table and its JSON schema.

use std::path::PathBuf;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{Requirement, ServiceRequest};
use panther_stacks::{default_version, stack_program, version_schema};
use serde::Deserialize;

/// The stack, as stacks.toml names it.
pub const STACK: &str = "lsquic";

/// The plugin's `config` table.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The pinned version (stacks.toml) whose build runs.
    pub version: String,
    /// An `http_server` of one's own, instead of the pinned build's.
    pub server: Option<PathBuf>,
    /// An `http_client` of one's own, instead of the pinned build's.
    pub client: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            version: default_version(STACK),
            server: None,
            client: None,
        }
    }
}

impl Config {
    /// `http_server` and what running it needs.
    pub fn server(&self, request: &ServiceRequest) -> Result<(PathBuf, Requirement), PluginError> {
        stack_program(
            STACK,
            &self.version,
            "http_server",
            self.server.as_deref(),
            "server",
            &request.cache_dir,
        )
    }

    /// `http_client` and what running it needs.
    pub fn client(&self, request: &ServiceRequest) -> Result<(PathBuf, Requirement), PluginError> {
        stack_program(
            STACK,
            &self.version,
            "http_client",
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
                "description": "an http_server of one's own (bin/http_server of an lsquic build), instead of the pinned build's"
            },
            "client": {
                "type": "string",
                "description": "an http_client of one's own (bin/http_client of an lsquic build), instead of the pinned build's"
            }
        },
        "additionalProperties": false
    })
}
