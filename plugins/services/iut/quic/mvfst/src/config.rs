//! The plugin's `config` table: where proxygen's `hq` program is.

use std::path::{Path, PathBuf};

use panther_plugin_api::model::Requirement;
use panther_quic_interop::user_built;
use serde::Deserialize;

/// Where mvfst's interop image (lnicco/mvfst-qns, `HQ_CLI` in its run_endpoint.sh)
/// has proxygen's build put `hq`.
const DEFAULT_BINARY: &str = "/proxygen/_build/proxygen/bin/hq";

/// The plugin's `config` table.
#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Proxygen's `hq` program, over mvfst; it plays both roles.
    pub binary: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            binary: PathBuf::from(DEFAULT_BINARY),
        }
    }
}

/// The JSON Schema of the `config` table; its defaults are [`Config::default`]'s.
pub fn schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "binary": {
                "type": "string",
                "description": "proxygen's hq program (proxygen/httpserver/samples/hq), \
                                HTTP over mvfst, client and server",
                "default": DEFAULT_BINARY
            }
        },
        "additionalProperties": false
    })
}

/// `hq` at `program`: tests are skipped while it is missing.
pub fn requirement(program: &Path) -> Requirement {
    user_built(
        program,
        "hq, proxygen's HTTP client and server over mvfst",
        "binary",
        "build proxygen from https://github.com/facebook/proxygen (`proxygen/build.sh`, \
         which builds mvfst too, as the mvfst-qns interop image does) and set `binary` to \
         its _build/proxygen/bin/hq",
    )
}
