//! The plugin's `config` table: where the two interop programs are.

use std::path::{Path, PathBuf};

use panther_plugin_api::model::Requirement;
use panther_quic_interop::user_built;
use serde::Deserialize;

/// Where quic-go's interop image (`interop/Dockerfile`) puts the server.
const DEFAULT_SERVER: &str = "/quic-go/server";
/// Where quic-go's interop image (`interop/Dockerfile`) puts the client.
const DEFAULT_CLIENT: &str = "/quic-go/client";

/// The plugin's `config` table.
#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The interop server program (`interop/server`).
    pub server: PathBuf,
    /// The interop client program (`interop/client`).
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

/// The JSON Schema of the `config` table; its defaults are [`Config::default`]'s.
pub fn schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "server": {
                "type": "string",
                "description": "quic-go's interop server, built from interop/server",
                "default": DEFAULT_SERVER
            },
            "client": {
                "type": "string",
                "description": "quic-go's interop client, built from interop/client",
                "default": DEFAULT_CLIENT
            }
        },
        "additionalProperties": false
    })
}

/// The interop program `program`, built from `interop/<part>` and pointed at by the
/// config key `part`: tests are skipped while it is missing.
pub fn requirement(program: &Path, part: &str) -> Requirement {
    user_built(
        program,
        &format!("quic-go's interop {part}, built from interop/{part}"),
        part,
        &format!(
            "build it from https://github.com/quic-go/quic-go as its interop/Dockerfile does \
             (`go build -o {part} ./interop/{part}`) and set `{part}` to it"
        ),
    )
}
