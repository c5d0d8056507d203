//! The plugin's `config` table: its schema, its defaults and its checks.

use panther_network_shared::subnet::Subnet;
use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::quantities::{Bandwidth, Duration, Loss};

/// The Shadow program when the config names none.
const PROGRAM: &str = "shadow";
/// The hosts' subnet when the config names none.
const SUBNET: &str = "11.0.0.0/24";
/// The link's one-way latency when the config names none.
const LATENCY: &str = "1 ms";
/// The latency's jitter when the config names none.
const JITTER: &str = "0 ms";
/// The link's packet loss when the config names none.
const LOSS: &str = "0%";
/// Each host's bandwidth, up and down, when the config names none.
const BANDWIDTH: &str = "1 Gbit";

/// The environment's settings, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The Shadow program: a path, or a name on `PATH`.
    pub program: String,
    /// Where the hosts' addresses come from.
    pub subnet: Subnet,
    /// The one-way latency between any two hosts.
    pub latency: Duration,
    /// The latency's jitter, written to the graph when above zero.
    pub jitter: Duration,
    /// The chance that a packet is dropped.
    pub loss: Loss,
    /// Each host's bandwidth, up and down.
    pub bandwidth: Bandwidth,
    /// Whether Shadow writes a packet capture of each host.
    pub capture: bool,
}

/// The table as written, before its values are read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Written {
    program: String,
    subnet: String,
    latency: String,
    jitter: String,
    loss: String,
    bandwidth: String,
    capture: bool,
}

impl Default for Written {
    fn default() -> Self {
        Self {
            program: PROGRAM.to_owned(),
            subnet: SUBNET.to_owned(),
            latency: LATENCY.to_owned(),
            jitter: JITTER.to_owned(),
            loss: LOSS.to_owned(),
            bandwidth: BANDWIDTH.to_owned(),
            capture: false,
        }
    }
}

/// `read(text)`, with its error prefixed by the key.
fn keyed<T>(key: &str, text: &str, read: fn(&str) -> Result<T, String>) -> Result<T, PluginError> {
    read(text).map_err(|problem| PluginError::new(format!("config key `{key}`: {problem}")))
}

impl Config {
    /// Reads the `config` table (absent means every default); an error names the
    /// key at fault.
    pub fn parse(value: &Value) -> Result<Self, PluginError> {
        let written: Written = parse_config(value)?;
        if written.program.is_empty() {
            return Err(PluginError::new(
                "config key `program`: must name the Shadow program, e.g. \"shadow\" or \
                 \"/opt/shadow/bin/shadow\"",
            ));
        }
        let latency = keyed("latency", &written.latency, Duration::parse)?;
        if latency == Duration(0) {
            return Err(PluginError::new(format!(
                "config key `latency`: Shadow needs a latency above zero, not '{}'; write e.g. \
                 \"1 ms\"",
                written.latency
            )));
        }
        Ok(Self {
            program: written.program,
            subnet: keyed("subnet", &written.subnet, |text| {
                Subnet::parse(text, SUBNET)
            })?,
            latency,
            jitter: keyed("jitter", &written.jitter, Duration::parse)?,
            loss: keyed("loss", &written.loss, Loss::parse)?,
            bandwidth: keyed("bandwidth", &written.bandwidth, Bandwidth::parse)?,
            capture: written.capture,
        })
    }
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "program": {
                "type": "string",
                "minLength": 1,
                "description": "the Shadow 3 program, a path or a name on PATH",
                "default": PROGRAM
            },
            "subnet": {
                "type": "string",
                "description": "the IPv4 subnet of the simulated hosts; service i gets host i+2",
                "default": SUBNET
            },
            "latency": {
                "type": "string",
                "description": "the one-way latency between any two hosts, above zero \
                                (\"1 ms\", \"20ms\", \"500us\")",
                "default": LATENCY
            },
            "jitter": {
                "type": "string",
                "description": "the latency's jitter (\"2ms\"); Shadow 3.2 accepts it in the \
                                graph but does not apply it yet",
                "default": JITTER
            },
            "loss": {
                "type": "string",
                "description": "the chance that a packet is dropped, as a percentage (\"1%\")",
                "default": LOSS
            },
            "bandwidth": {
                "type": "string",
                "description": "each host's bandwidth, up and down (\"1 Gbit\", \"100Mbit\")",
                "default": BANDWIDTH
            },
            "capture": {
                "type": "boolean",
                "description": "whether Shadow writes a packet capture of each host, in the \
                                host's directory under shadow.data/hosts",
                "default": false
            }
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Map;

    use super::*;

    fn defaults() -> Config {
        Config::parse(&Value::Null).unwrap()
    }

    #[test]
    fn an_absent_or_empty_config_takes_the_defaults() {
        let config = defaults();
        assert_eq!(Config::parse(&json!({})).unwrap(), config);
        assert_eq!(config.program, "shadow");
        assert_eq!(config.subnet.to_string(), "11.0.0.0/24");
        assert_eq!(config.latency.to_string(), "1 ms");
        assert_eq!(config.jitter, Duration(0));
        assert_eq!(config.loss.to_string(), "0.0");
        assert_eq!(config.bandwidth.to_string(), "1 Gbit");
        assert!(!config.capture);
    }

    #[test]
    fn reads_every_key() {
        let config = Config::parse(&json!({
            "program": "/opt/shadow/bin/shadow",
            "subnet": "11.1.0.0/16",
            "latency": "20ms",
            "jitter": "2ms",
            "loss": "1%",
            "bandwidth": "100Mbit",
            "capture": true
        }))
        .unwrap();
        assert_eq!(config.program, "/opt/shadow/bin/shadow");
        assert_eq!(config.subnet.to_string(), "11.1.0.0/16");
        assert_eq!(config.latency.to_string(), "20 ms");
        assert_eq!(config.jitter.to_string(), "2 ms");
        assert_eq!(config.loss.to_string(), "0.01");
        assert_eq!(config.bandwidth.to_string(), "100 Mbit");
        assert!(config.capture);
    }

    #[test]
    fn names_the_key_at_fault() {
        let cases = [
            (json!({"program": ""}), "config key `program`: must name"),
            (
                json!({"latency": "20xs"}),
                "config key `latency`: '20xs' is not a duration",
            ),
            (
                json!({"latency": "0ms"}),
                "config key `latency`: Shadow needs a latency above zero",
            ),
            (
                json!({"jitter": "x"}),
                "config key `jitter`: 'x' is not a duration",
            ),
            (
                json!({"loss": "1"}),
                "config key `loss`: '1' is not a percentage",
            ),
            (json!({"loss": 1}), "config key `loss`: invalid type"),
            (
                json!({"bandwidth": "1 Gbps"}),
                "config key `bandwidth`: '1 Gbps' is not a bandwidth",
            ),
            (
                json!({"subnet": "11.0.0.1/24"}),
                "config key `subnet`: '11.0.0.1/24' does not start",
            ),
            (
                json!({"capture": "yes"}),
                "config key `capture`: invalid type",
            ),
            (json!({"delay": "1ms"}), "config key `delay`: unknown field"),
        ];
        for (config, start) in cases {
            let error = Config::parse(&config).unwrap_err();
            assert!(error.message().starts_with(start), "{config}: {error}");
        }
    }

    #[test]
    fn the_schema_defaults_are_the_config_defaults() {
        let schema = schema();
        assert_eq!(schema["additionalProperties"], json!(false));
        let properties = schema["properties"].as_object().unwrap();
        assert_eq!(properties.len(), 7);
        let written: Map<String, Value> = properties
            .iter()
            .map(|(key, property)| (key.clone(), property["default"].clone()))
            .collect();
        assert_eq!(Config::parse(&Value::Object(written)).unwrap(), defaults());
        assert!(properties.values().all(|p| p["type"].is_string()));
        assert!(properties.values().all(|p| p["description"].is_string()));
    }
}
