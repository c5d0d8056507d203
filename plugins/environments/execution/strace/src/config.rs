//! The plugin's `config` table: its schema, its defaults and its checks.

use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};

/// The environment's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// A filter expression passed to strace as `-e` (`trace=network`).
    pub expression: Option<String>,
    /// The strace program: a path, or a name on `PATH`.
    pub program: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            expression: None,
            program: "strace".to_owned(),
        }
    }
}

impl Config {
    /// Reads the `config` table (absent means every default); an error names the
    /// key at fault.
    pub fn parse(value: &Value) -> Result<Self, PluginError> {
        let config: Self = parse_config(value)?;
        config.check()?;
        Ok(config)
    }

    /// Refuses empty strings.
    fn check(&self) -> Result<(), PluginError> {
        if self.expression.as_deref() == Some("") {
            return Err(PluginError::new(
                "config key `expression` must not be empty",
            ));
        }
        if self.program.is_empty() {
            return Err(PluginError::new("config key `program` must not be empty"));
        }
        Ok(())
    }
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "expression": {
                "type": "string",
                "description": "a filter passed to strace as `-e` (`trace=network`); every call when absent",
                "minLength": 1
            },
            "program": {
                "type": "string",
                "description": "the strace program, a path or a name on PATH",
                "default": "strace",
                "minLength": 1
            }
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use panther_execution_testing::config_schema::{
        assert_absent_or_empty_parse_to_default, schema_defaults,
    };

    use super::*;

    #[test]
    fn an_absent_or_empty_config_takes_the_defaults() {
        assert_absent_or_empty_parse_to_default(Config::parse);
    }

    #[test]
    fn reads_every_key() {
        let config = Config::parse(&json!({
            "expression": "trace=network", "program": "/usr/local/bin/strace"
        }))
        .unwrap();
        assert_eq!(config.expression.as_deref(), Some("trace=network"));
        assert_eq!(config.program, "/usr/local/bin/strace");
    }

    #[test]
    fn names_the_key_at_fault() {
        let error = Config::parse(&json!({"filter": "x"})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `filter`: unknown field"),
            "{error}"
        );
        let error = Config::parse(&json!({"program": 3})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `program`: invalid type"),
            "{error}"
        );
        let error = Config::parse(&json!({"expression": ""})).unwrap_err();
        assert_eq!(error.message(), "config key `expression` must not be empty");
        let error = Config::parse(&json!({"program": ""})).unwrap_err();
        assert_eq!(error.message(), "config key `program` must not be empty");
    }

    #[test]
    fn the_schema_defaults_are_the_config_defaults() {
        let defaults = schema_defaults(&schema(), &["expression", "program"]);
        assert!(
            !defaults.contains_key("expression"),
            "no expression traces every call"
        );
        assert_eq!(
            Config::parse(&Value::Object(defaults)),
            Ok(Config::default())
        );
    }
}
