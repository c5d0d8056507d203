//! The plugin's `config` table and its JSON schema.

use std::path::PathBuf;

use serde::Deserialize;

/// Where `cmake -DBORINGSSL_DIR=... . && make` in a checkout at /opt/lsquic (the Python
/// PANTHER's Dockerfile) leaves the HTTP server example.
const DEFAULT_SERVER: &str = "/opt/lsquic/bin/http_server";

/// Where the same build leaves the HTTP client example.
const DEFAULT_CLIENT: &str = "/opt/lsquic/bin/http_client";

/// The plugin's `config` table.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// lsquic's `http_server` program.
    pub server: PathBuf,
    /// lsquic's `http_client` program.
    pub client: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            server: PathBuf::from(DEFAULT_SERVER),
            client: PathBuf::from(DEFAULT_CLIENT),
        }
    }
}

/// The JSON schema of [`Config`], with its defaults.
pub fn schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "server": {
                "type": "string",
                "description": "lsquic's http_server program (bin/http_server of an lsquic build)",
                "default": DEFAULT_SERVER
            },
            "client": {
                "type": "string",
                "description": "lsquic's http_client program (bin/http_client of an lsquic build)",
                "default": DEFAULT_CLIENT
            }
        },
        "additionalProperties": false
    })
}
