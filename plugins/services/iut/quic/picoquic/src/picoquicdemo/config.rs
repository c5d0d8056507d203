//! The plugins' `config` table: where `picoquicdemo` is, and whether it takes `-8`.

use std::path::PathBuf;

use panther_plugin_api::model::Requirement;
use panther_quic_interop::user_built;
use serde::Deserialize;

/// Where the Python PANTHER's picoquic images build the program.
const DEFAULT_BINARY: &str = "/opt/picoquic/picoquicdemo";

/// The plugin's `config` table.
#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The `picoquicdemo` program.
    pub binary: PathBuf,
    /// Whether to pass `-8`, the option without which picoquic since August 2024
    /// (private-octopus/picoquic#1721) ignores SSLKEYLOGFILE; older builds reject
    /// `-8` and honour SSLKEYLOGFILE without it.
    pub sslkeylog_option: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            binary: PathBuf::from(DEFAULT_BINARY),
            sslkeylog_option: true,
        }
    }
}

impl Config {
    /// The program, which the user builds: tests are skipped without it.
    pub fn requirement(&self) -> Requirement {
        user_built(
            &self.binary,
            "picoquicdemo, picoquic's demo program",
            "binary",
            "build picoquic from https://github.com/private-octopus/picoquic (cmake . && make) \
             and set `binary` to its picoquicdemo",
        )
    }
}

/// The JSON Schema of [`Config`], with its defaults.
pub fn schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "binary": {
                "type": "string",
                "description": "the picoquicdemo program (absolute under Shadow)",
                "default": DEFAULT_BINARY
            },
            "sslkeylog_option": {
                "type": "boolean",
                "description": "pass -8, without which picoquic builds since August 2024 ignore SSLKEYLOGFILE; set false for older builds, which reject -8",
                "default": true
            }
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use panther_plugin_api::parse_config;
    use serde_json::{Map, Value, json};

    #[test]
    fn the_schema_defaults_are_the_config_defaults() {
        let schema = schema();
        let defaults: Map<String, Value> = schema["properties"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(key, property)| (key.clone(), property["default"].clone()))
            .collect();
        let config: Config = parse_config(&Value::Object(defaults)).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn a_bad_key_is_refused_naming_the_key() {
        let unknown = parse_config::<Config>(&json!({"binray": "/opt/picoquicdemo"})).unwrap_err();
        assert!(
            unknown.message().contains("`binray`"),
            "{}",
            unknown.message()
        );
        let mistyped = parse_config::<Config>(&json!({"sslkeylog_option": "yes"})).unwrap_err();
        assert!(
            mistyped.message().contains("`sslkeylog_option`"),
            "{}",
            mistyped.message()
        );
    }
}
