//! The plugin's `config` table: its schema, its defaults and its checks.

use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};

/// A loopback host a service can be reached on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Host {
    /// IPv4 loopback.
    #[default]
    #[serde(rename = "127.0.0.1")]
    Ipv4,
    /// IPv6 loopback.
    #[serde(rename = "::1")]
    Ipv6,
    /// The loopback name, resolved by each service.
    #[serde(rename = "localhost")]
    Name,
}

impl Host {
    /// Every host, as configs write them.
    const NAMES: [&str; 3] = ["127.0.0.1", "::1", "localhost"];

    /// The host as services are given it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ipv4 => "127.0.0.1",
            Self::Ipv6 => "::1",
            Self::Name => "localhost",
        }
    }
}

/// The environment's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The loopback host every service gets.
    pub host: Host,
}

impl Config {
    /// Reads the `config` table (absent means every default); an error names the
    /// key at fault.
    pub fn parse(value: &Value) -> Result<Self, PluginError> {
        parse_config(value)
    }
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "host": {
                "type": "string",
                "description": "the loopback host every service is reached on",
                "enum": Host::NAMES,
                "default": "127.0.0.1"
            }
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_or_empty_config_takes_the_defaults() {
        assert_eq!(Config::parse(&Value::Null), Ok(Config::default()));
        assert_eq!(Config::parse(&json!({})), Ok(Config::default()));
        assert_eq!(Config::default().host.as_str(), "127.0.0.1");
    }

    #[test]
    fn every_host_name_reads_back() {
        for name in Host::NAMES {
            let config = Config::parse(&json!({ "host": name })).unwrap();
            assert_eq!(config.host.as_str(), name);
        }
    }

    #[test]
    fn refuses_a_host_off_loopback() {
        let error = Config::parse(&json!({"host": "10.0.0.1"})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `host`: unknown variant"),
            "{error}"
        );
    }

    #[test]
    fn names_an_unknown_key() {
        let error = Config::parse(&json!({"hots": "::1"})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `hots`: unknown field"),
            "{error}"
        );
    }

    #[test]
    fn refuses_a_config_that_is_not_a_table() {
        assert!(Config::parse(&json!("::1")).is_err());
    }

    #[test]
    fn the_schema_default_is_the_config_default() {
        let schema = schema();
        assert_eq!(schema["additionalProperties"], json!(false));
        assert_eq!(schema["properties"].as_object().unwrap().len(), 1);
        let default = json!({ "host": schema["properties"]["host"]["default"] });
        assert_eq!(Config::parse(&default), Ok(Config::default()));
    }
}
