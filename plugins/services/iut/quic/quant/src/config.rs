//! The plugin's `config` table and its JSON schema.

use std::path::PathBuf;

use serde::Deserialize;

/// Where the Python PANTHER's Dockerfile puts quant's server (copied from the
/// ntap/quant image's /bin/server).
const DEFAULT_SERVER: &str = "/opt/quant/bin/server";

/// Where the same Dockerfile puts quant's client.
const DEFAULT_CLIENT: &str = "/opt/quant/bin/client";

/// The interface both programs run over by default (their own default, `-i lo`).
const DEFAULT_INTERFACE: &str = "lo";

/// The plugin's `config` table.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// quant's `server` program.
    pub server: PathBuf,
    /// quant's `client` program.
    pub client: PathBuf,
    /// The network interface the programs run over (`-i`): quant binds every address
    /// of an interface, not one address.
    pub interface: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            server: PathBuf::from(DEFAULT_SERVER),
            client: PathBuf::from(DEFAULT_CLIENT),
            interface: DEFAULT_INTERFACE.to_owned(),
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
                "description": "quant's server program (bin/server of a quant build)",
                "default": DEFAULT_SERVER
            },
            "client": {
                "type": "string",
                "description": "quant's client program (bin/client of a quant build)",
                "default": DEFAULT_CLIENT
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
