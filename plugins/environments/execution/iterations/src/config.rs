//! The plugin's `config` table: its schema, its defaults and its checks.

use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};

/// The most runs a service may be asked for.
const MAX_TIMES: u32 = 10_000;

/// The environment's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// How many times the service runs.
    pub times: u32,
    /// Whether to stop after the first run that does not exit with 0.
    pub stop_on_failure: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            times: 3,
            stop_on_failure: false,
        }
    }
}

impl Config {
    /// Reads the `config` table (absent means every default); an error names the
    /// key at fault.
    pub fn parse(value: &Value) -> Result<Self, PluginError> {
        let config: Self = parse_config(value)?;
        if !(1..=MAX_TIMES).contains(&config.times) {
            return Err(PluginError::new(format!(
                "config key `times` is {}, outside 1..={MAX_TIMES}",
                config.times
            )));
        }
        Ok(config)
    }
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "times": {
                "type": "integer",
                "description": "how many times the service runs, one run after the other",
                "default": 3,
                "minimum": 1,
                "maximum": MAX_TIMES
            },
            "stop_on_failure": {
                "type": "boolean",
                "description": "stop after the first run that does not exit with 0",
                "default": false
            }
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use panther_execution_testing::config_schema::{
        assert_absent_or_empty_parse_to_default, assert_schema_defaults_parse_to_default,
    };

    use super::*;

    #[test]
    fn an_absent_or_empty_config_takes_the_defaults() {
        assert_absent_or_empty_parse_to_default(Config::parse);
    }

    #[test]
    fn reads_every_key() {
        let config = Config::parse(&json!({"times": 7, "stop_on_failure": true})).unwrap();
        assert_eq!(
            config,
            Config {
                times: 7,
                stop_on_failure: true
            }
        );
    }

    #[test]
    fn names_the_key_at_fault() {
        let error = Config::parse(&json!({"count": 2})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `count`: unknown field"),
            "{error}"
        );
        let error = Config::parse(&json!({"stop_on_failure": "yes"})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `stop_on_failure`: invalid type"),
            "{error}"
        );
        let error = Config::parse(&json!({"times": -1})).unwrap_err();
        assert!(error.message().starts_with("config key `times`"), "{error}");
    }

    #[test]
    fn refuses_times_out_of_bounds() {
        let error = Config::parse(&json!({"times": 0})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `times` is 0, outside 1..=10000"
        );
        assert!(Config::parse(&json!({"times": 10_001})).is_err());
    }

    #[test]
    fn the_schema_defaults_are_the_config_defaults() {
        assert_schema_defaults_parse_to_default(
            &schema(),
            &["times", "stop_on_failure"],
            Config::parse,
        );
    }
}
