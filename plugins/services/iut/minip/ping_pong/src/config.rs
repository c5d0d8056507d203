//! The plugin's `config` table: its schema, its defaults and its checks.

use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};

/// The largest number of pings a client may be asked for.
const MAX_PINGS: u64 = 1_000_000;
/// The longest delay or timeout, in milliseconds (ten minutes).
const MAX_MS: u64 = 600_000;

/// How the endpoint behaves: PANTHER's five ping_pong variants.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// Follows every rule.
    #[default]
    Functional,
    /// Stamps messages with absolute UNIX-epoch time.
    Fail,
    /// Ignores the minimum delay.
    Flaky,
    /// Waits random delays within the rules.
    Random,
    /// Overflows a heap buffer on datagrams longer than a message.
    Vulnerable,
}

impl Variant {
    /// Every variant, as configs and the endpoint write them.
    const NAMES: [&str; 5] = ["functional", "fail", "flaky", "random", "vulnerable"];

    /// The variant as the endpoint's `--variant` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Functional => "functional",
            Self::Fail => "fail",
            Self::Flaky => "flaky",
            Self::Random => "random",
            Self::Vulnerable => "vulnerable",
        }
    }
}

/// A service's settings, with PANTHER's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// How the endpoint behaves.
    pub variant: Variant,
    /// How many pongs the client collects (client only).
    pub pings: u32,
    /// The shortest wait before a pong, and before the next ping.
    pub min_delay_ms: u64,
    /// How long the client waits for a pong.
    pub timeout_ms: u64,
    /// How much sooner than the timeout the server must answer.
    pub margin_ms: u64,
    /// Makes the random delays repeatable.
    pub seed: Option<u64>,
    /// The ping-pong program; `ping-pong` beside the plugin when absent.
    pub binary: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            variant: Variant::Functional,
            pings: 5,
            min_delay_ms: 20,
            timeout_ms: 500,
            margin_ms: 50,
            seed: None,
            binary: None,
        }
    }
}

impl Config {
    /// Reads a service's `config` table (absent means every default); an error
    /// names the key at fault.
    pub fn parse(value: &Value) -> Result<Self, PluginError> {
        let config: Self = parse_config(value)?;
        config.check()?;
        Ok(config)
    }

    /// Refuses values out of bounds, and timings that leave no legal delay.
    fn check(&self) -> Result<(), PluginError> {
        within("pings", u64::from(self.pings), 1, MAX_PINGS)?;
        within("min_delay_ms", self.min_delay_ms, 0, MAX_MS)?;
        within("timeout_ms", self.timeout_ms, 1, MAX_MS)?;
        within("margin_ms", self.margin_ms, 0, MAX_MS)?;
        if self.margin_ms >= self.timeout_ms {
            return Err(PluginError::new(format!(
                "config key `margin_ms` ({}) must be below `timeout_ms` ({})",
                self.margin_ms, self.timeout_ms
            )));
        }
        if self.min_delay_ms > self.timeout_ms - self.margin_ms {
            return Err(PluginError::new(format!(
                "config key `min_delay_ms` ({}) must be at most `timeout_ms` less `margin_ms` ({})",
                self.min_delay_ms,
                self.timeout_ms - self.margin_ms
            )));
        }
        if self.binary.as_deref() == Some("") {
            return Err(PluginError::new("config key `binary` must not be empty"));
        }
        Ok(())
    }
}

/// Refuses `value` of `key` outside `[min, max]`.
fn within(key: &str, value: u64, min: u64, max: u64) -> Result<(), PluginError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(PluginError::new(format!(
            "config key `{key}` is {value}, outside {min}..={max}"
        )))
    }
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "variant": {
                "type": "string",
                "description": "how the endpoint behaves: PANTHER's ping_pong variants",
                "enum": Variant::NAMES,
                "default": "functional"
            },
            "pings": {
                "type": "integer",
                "description": "how many pongs the client collects (client only)",
                "default": 5,
                "minimum": 1,
                "maximum": MAX_PINGS
            },
            "min_delay_ms": {
                "type": "integer",
                "description": "the shortest wait, in ms, before a pong and before the next ping",
                "default": 20,
                "minimum": 0,
                "maximum": MAX_MS
            },
            "timeout_ms": {
                "type": "integer",
                "description": "how long, in ms, the client waits for a pong",
                "default": 500,
                "minimum": 1,
                "maximum": MAX_MS
            },
            "margin_ms": {
                "type": "integer",
                "description": "how much sooner than the timeout, in ms, the server must answer; below timeout_ms",
                "default": 50,
                "minimum": 0,
                "maximum": MAX_MS
            },
            "seed": {
                "type": "integer",
                "description": "makes the random delays repeatable; drawn from the time when absent",
                "minimum": 0,
                "maximum": u64::MAX
            },
            "binary": {
                "type": "string",
                "description": "the ping-pong program; `ping-pong` beside the plugin library when absent",
                "minLength": 1
            }
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    #[test]
    fn an_absent_or_empty_config_takes_the_defaults() {
        assert_eq!(Config::parse(&Value::Null), Ok(Config::default()));
        assert_eq!(Config::parse(&json!({})), Ok(Config::default()));
    }

    #[test]
    fn reads_every_key() {
        let config = Config::parse(&json!({
            "variant": "flaky", "pings": 3, "min_delay_ms": 10, "timeout_ms": 300,
            "margin_ms": 20, "seed": 9, "binary": "/opt/ping-pong"
        }))
        .unwrap();
        assert_eq!(config.variant, Variant::Flaky);
        assert_eq!(
            (
                config.pings,
                config.min_delay_ms,
                config.timeout_ms,
                config.margin_ms
            ),
            (3, 10, 300, 20)
        );
        assert_eq!(config.seed, Some(9));
        assert_eq!(config.binary.as_deref(), Some("/opt/ping-pong"));
    }

    #[test]
    fn names_an_unknown_key() {
        let error = Config::parse(&json!({"pongs": 3})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `pongs`: unknown field"),
            "{error}"
        );
    }

    #[test]
    fn names_a_key_of_the_wrong_type() {
        let error = Config::parse(&json!({"variant": "flaky", "pings": "five"})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `pings`: invalid type"),
            "{error}"
        );
    }

    #[test]
    fn names_an_unknown_variant() {
        let error = Config::parse(&json!({"variant": "broken"})).unwrap_err();
        assert!(
            error.message().starts_with("config key `variant`"),
            "{error}"
        );
    }

    #[test]
    fn refuses_values_out_of_bounds() {
        let error = Config::parse(&json!({"pings": 0})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `pings` is 0, outside 1..=1000000"
        );
        let error = Config::parse(&json!({"margin_ms": 500})).unwrap_err();
        assert!(
            error.message().starts_with("config key `margin_ms` (500)"),
            "{error}"
        );
        let error = Config::parse(&json!({"min_delay_ms": 451})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `min_delay_ms` (451)"),
            "{error}"
        );
        assert!(Config::parse(&json!({"binary": ""})).is_err());
    }

    #[test]
    fn the_schema_lists_every_key_and_no_other() {
        let schema = schema();
        assert_eq!(schema["additionalProperties"], json!(false));
        let mut keys: Vec<_> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort_unstable();
        let mut expected = vec![
            "binary",
            "margin_ms",
            "min_delay_ms",
            "pings",
            "seed",
            "timeout_ms",
            "variant",
        ];
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(
            schema["properties"]["variant"]["enum"],
            json!(Variant::NAMES)
        );
    }

    #[test]
    fn the_schema_defaults_are_the_config_defaults() {
        let defaults: Map<String, Value> = schema()["properties"]
            .as_object()
            .unwrap()
            .iter()
            .filter_map(|(key, property)| Some((key.clone(), property.get("default")?.clone())))
            .collect();
        assert_eq!(defaults.len(), 5);
        assert_eq!(
            Config::parse(&Value::Object(defaults)),
            Ok(Config::default())
        );
    }

    #[test]
    fn every_variant_name_reads_back() {
        for name in Variant::NAMES {
            let variant: Variant = serde_json::from_value(json!(name)).unwrap();
            assert_eq!(variant.as_str(), name);
        }
    }
}
