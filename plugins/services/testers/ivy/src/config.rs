//! The plugin's `config` table: its schema, its defaults and its checks.

use std::collections::BTreeMap;
use std::path::PathBuf;

use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};

/// The largest number of iterations of the test loop.
const MAX_ITERATIONS: u64 = 1_000_000;
/// The largest seed the tester takes (a C `int`).
const MAX_SEED: u64 = i32::MAX as u64;
/// The longest delay or timeout, in milliseconds (ten minutes).
const MAX_MS: u64 = 600_000;
/// Parameters the plugin gives the test itself, or that the tester reads as options.
const RESERVED_PARAMS: [&str; 15] = [
    "seed",
    "iters",
    "runs",
    "out",
    "delay",
    "wait",
    "modelfile",
    "iut_addr",
    "iut_port",
    "tester_port",
    "min_delay_ms",
    "timeout_ms",
    "margin_ms",
    "quiet_ms",
    "test_iters",
];

/// A parameter value given to the test as it is: an integer or a word.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A number.
    Integer(u64),
    /// Anything else, as text.
    Text(String),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Integer(value) => write!(f, "{value}"),
            Self::Text(value) => f.write_str(value),
        }
    }
}

/// A service's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The Ivy test to run; by role when absent (see `Plan`).
    pub test: Option<String>,
    /// The tester's random seed.
    pub seed: u64,
    /// The iterations of the test loop (Ivy's test_iters).
    pub iterations: u64,
    /// The specification's directory; the one shipped for the protocol when absent.
    pub spec_dir: Option<PathBuf>,
    /// The Ivy compiler; the project venv's when absent.
    pub ivyc: Option<PathBuf>,
    /// Where compiled tests are kept; the runner's default when absent.
    pub cache_dir: Option<PathBuf>,
    /// The shortest wait before a pong, and before the next ping.
    pub min_delay_ms: u64,
    /// How long a client waits for a pong.
    pub timeout_ms: u64,
    /// How much sooner than the timeout a server answers.
    pub margin_ms: u64,
    /// How long a client under test may stay silent (client test).
    pub quiet_ms: u64,
    /// More parameters of the test, given to it as they are.
    pub params: BTreeMap<String, ParamValue>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            test: None,
            seed: 1,
            iterations: 200,
            spec_dir: None,
            ivyc: None,
            cache_dir: None,
            min_delay_ms: 20,
            timeout_ms: 500,
            margin_ms: 50,
            quiet_ms: 1000,
            params: BTreeMap::new(),
        }
    }
}

impl Config {
    /// Reads a service's `config` table (absent means every default); an error names
    /// the key at fault.
    pub fn parse(value: &Value) -> Result<Self, PluginError> {
        let config: Self = parse_config(value)?;
        config.check()?;
        Ok(config)
    }

    /// Refuses values out of bounds, timings that leave no legal delay, and names
    /// that are not names.
    fn check(&self) -> Result<(), PluginError> {
        within("seed", self.seed, 0, MAX_SEED)?;
        within("iterations", self.iterations, 1, MAX_ITERATIONS)?;
        within("min_delay_ms", self.min_delay_ms, 0, MAX_MS)?;
        within("timeout_ms", self.timeout_ms, 1, MAX_MS)?;
        within("margin_ms", self.margin_ms, 0, MAX_MS)?;
        within("quiet_ms", self.quiet_ms, 1, MAX_MS)?;
        if self.margin_ms >= self.timeout_ms {
            return Err(PluginError::new(format!(
                "config key `margin_ms`: {} must be below `timeout_ms` ({})",
                self.margin_ms, self.timeout_ms
            )));
        }
        if self.min_delay_ms > self.timeout_ms - self.margin_ms {
            return Err(PluginError::new(format!(
                "config key `min_delay_ms`: {} must be at most `timeout_ms` less `margin_ms` ({})",
                self.min_delay_ms,
                self.timeout_ms - self.margin_ms
            )));
        }
        if self.quiet_ms < self.timeout_ms {
            return Err(PluginError::new(format!(
                "config key `quiet_ms`: {} must be at least `timeout_ms` ({}), the longest a client may pause",
                self.quiet_ms, self.timeout_ms
            )));
        }
        if let Some(test) = &self.test {
            if !is_name(test) {
                return Err(PluginError::new(format!(
                    "config key `test`: '{test}' is not a test name; write the name of a .ivy file of `spec_dir` without `.ivy`, e.g. \"minip_server_test\""
                )));
            }
        }
        for (key, path) in [
            ("spec_dir", &self.spec_dir),
            ("ivyc", &self.ivyc),
            ("cache_dir", &self.cache_dir),
        ] {
            if path
                .as_ref()
                .is_some_and(|path| path.as_os_str().is_empty())
            {
                return Err(PluginError::new(format!(
                    "config key `{key}`: must not be empty; write a path"
                )));
            }
        }
        self.check_params()
    }

    /// Refuses parameters that are not names, that the plugin sets itself, or empty.
    fn check_params(&self) -> Result<(), PluginError> {
        for (name, value) in &self.params {
            if !is_name(name) {
                return Err(PluginError::new(format!(
                    "config key `params.{name}`: not a parameter name; write letters, digits, `_` and `.`, e.g. \"max_pings\""
                )));
            }
            if RESERVED_PARAMS.contains(&name.as_str()) {
                return Err(PluginError::new(format!(
                    "config key `params.{name}`: set by the plugin; use its own config key (`seed`, `iterations`, `min_delay_ms`...) instead"
                )));
            }
            if matches!(value, ParamValue::Text(text) if text.is_empty() || text.contains(char::is_whitespace))
            {
                return Err(PluginError::new(format!(
                    "config key `params.{name}`: '{value}' is not a value the tester reads; write a number or a word without spaces"
                )));
            }
        }
        Ok(())
    }
}

/// Whether `text` is an Ivy name: letters, digits, `_` and `.`, not starting with a
/// digit or a dot.
fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// Refuses `value` of `key` outside `[min, max]`.
fn within(key: &str, value: u64, min: u64, max: u64) -> Result<(), PluginError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(PluginError::new(format!(
            "config key `{key}`: {value} is outside {min}..={max}"
        )))
    }
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "test": {
                "type": "string",
                "description": "the Ivy test to run: a .ivy file of spec_dir without `.ivy`; by default minip_server_test when the tester plays the client, minip_client_test when it plays the server"
            },
            "seed": {
                "type": "integer",
                "description": "the tester's random seed: the same seed replays the same choices",
                "default": 1,
                "minimum": 0,
                "maximum": MAX_SEED
            },
            "iterations": {
                "type": "integer",
                "description": "the iterations of the test loop (Ivy's test_iters): each action of the tester and each datagram it reads is one",
                "default": 200,
                "minimum": 1,
                "maximum": MAX_ITERATIONS
            },
            "spec_dir": {
                "type": "string",
                "description": "the directory of the Ivy specification; by default the one shipped beside the plugin for the protocol (ivy/specs/minip)"
            },
            "ivyc": {
                "type": "string",
                "description": "the Ivy compiler; by default ivy/venv/bin/ivyc beside the plugin (the project's venv)"
            },
            "cache_dir": {
                "type": "string",
                "description": "where compiled tests are kept; by default $PANTHER_CACHE_DIR/ivy, else ~/.cache/panther-host/ivy"
            },
            "min_delay_ms": {
                "type": "integer",
                "description": "the shortest wait, in ms, before a pong and before the next ping (the implementation's own)",
                "default": 20,
                "minimum": 0,
                "maximum": MAX_MS
            },
            "timeout_ms": {
                "type": "integer",
                "description": "how long, in ms, a client waits for a pong (the implementation's own)",
                "default": 500,
                "minimum": 1,
                "maximum": MAX_MS
            },
            "margin_ms": {
                "type": "integer",
                "description": "how much sooner than the timeout, in ms, a server answers; below timeout_ms",
                "default": 50,
                "minimum": 0,
                "maximum": MAX_MS
            },
            "quiet_ms": {
                "type": "integer",
                "description": "client test: how long, in ms, the client may stay silent, before its first ping and after its last pong; at least timeout_ms",
                "default": 1000,
                "minimum": 1,
                "maximum": MAX_MS
            },
            "params": {
                "type": "object",
                "description": "more parameters of the test, given to the tester as NAME=VALUE",
                "default": {},
                "additionalProperties": { "type": ["integer", "string"] }
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
            "test": "my_test", "seed": 9, "iterations": 50, "spec_dir": "/specs",
            "ivyc": "/venv/bin/ivyc", "cache_dir": "/cache", "min_delay_ms": 10,
            "timeout_ms": 300, "margin_ms": 20, "quiet_ms": 600,
            "params": {"max_pings": 3, "mode": "fast"}
        }))
        .unwrap();
        assert_eq!(config.test.as_deref(), Some("my_test"));
        assert_eq!((config.seed, config.iterations), (9, 50));
        assert_eq!(config.spec_dir, Some(PathBuf::from("/specs")));
        assert_eq!(config.ivyc, Some(PathBuf::from("/venv/bin/ivyc")));
        assert_eq!(config.cache_dir, Some(PathBuf::from("/cache")));
        assert_eq!(
            (
                config.min_delay_ms,
                config.timeout_ms,
                config.margin_ms,
                config.quiet_ms
            ),
            (10, 300, 20, 600)
        );
        assert_eq!(config.params["max_pings"], ParamValue::Integer(3));
        assert_eq!(config.params["mode"].to_string(), "fast");
    }

    #[test]
    fn names_an_unknown_key_and_a_key_of_the_wrong_type() {
        let error = Config::parse(&json!({"iters": 3})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `iters`: unknown field"),
            "{error}"
        );
        let error = Config::parse(&json!({"seed": "one"})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `seed`: invalid type"),
            "{error}"
        );
    }

    #[test]
    fn refuses_values_out_of_bounds() {
        let message = |value: Value| Config::parse(&value).unwrap_err().message().to_owned();
        assert_eq!(
            message(json!({"iterations": 0})),
            "config key `iterations`: 0 is outside 1..=1000000"
        );
        assert_eq!(
            message(json!({"seed": 2_147_483_648_u64})),
            "config key `seed`: 2147483648 is outside 0..=2147483647"
        );
        assert!(message(json!({"margin_ms": 500})).starts_with("config key `margin_ms`: 500"));
        assert!(
            message(json!({"min_delay_ms": 451})).starts_with("config key `min_delay_ms`: 451")
        );
        assert!(message(json!({"quiet_ms": 499})).starts_with("config key `quiet_ms`: 499"));
        assert!(message(json!({"ivyc": ""})).starts_with("config key `ivyc`: must not be empty"));
    }

    #[test]
    fn refuses_a_test_that_is_not_a_name() {
        for test in ["", "../minip_server_test", "minip.ivy/x", "9test", "a b"] {
            let error = Config::parse(&json!({ "test": test })).unwrap_err();
            assert!(
                error.message().starts_with("config key `test`: "),
                "{test}: {error}"
            );
        }
        assert!(Config::parse(&json!({"test": "quic_server_test_stream"})).is_ok());
    }

    #[test]
    fn refuses_bad_and_reserved_params() {
        let message = |params: Value| {
            Config::parse(&json!({ "params": params }))
                .unwrap_err()
                .message()
                .to_owned()
        };
        assert!(
            message(json!({"a-b": 1})).starts_with("config key `params.a-b`: not a parameter name")
        );
        assert!(
            message(json!({"seed": 1})).starts_with("config key `params.seed`: set by the plugin")
        );
        assert!(message(json!({"iut_port": 1})).starts_with("config key `params.iut_port`: "));
        assert!(
            message(json!({"mode": "two words"}))
                .starts_with("config key `params.mode`: 'two words'")
        );
        assert!(message(json!({"mode": ""})).starts_with("config key `params.mode`: "));
        assert!(
            Config::parse(&json!({"params": {"mode": true}}))
                .unwrap_err()
                .message()
                .starts_with("config key `params`: ")
        );
    }

    #[test]
    fn the_schema_lists_every_key_and_no_other() {
        let schema = schema();
        assert_eq!(schema["additionalProperties"], json!(false));
        let keys: Vec<_> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let mut expected = vec![
            "cache_dir",
            "iterations",
            "ivyc",
            "margin_ms",
            "min_delay_ms",
            "params",
            "quiet_ms",
            "seed",
            "spec_dir",
            "test",
            "timeout_ms",
        ];
        expected.sort_unstable();
        assert_eq!(keys, expected);
        for (key, property) in schema["properties"].as_object().unwrap() {
            assert!(property["type"].is_string(), "{key} has a type");
            assert!(
                property["description"].is_string(),
                "{key} has a description"
            );
        }
    }

    #[test]
    fn the_schema_defaults_are_the_config_defaults() {
        let defaults: Map<String, Value> = schema()["properties"]
            .as_object()
            .unwrap()
            .iter()
            .filter_map(|(key, property)| Some((key.clone(), property.get("default")?.clone())))
            .collect();
        assert_eq!(defaults.len(), 7);
        assert_eq!(
            Config::parse(&Value::Object(defaults)),
            Ok(Config::default())
        );
    }
}
