//! The plugin's `config` table: its schema, its defaults and its checks.

use std::path::{Path, PathBuf};

use panther_network_shared::subnet::Subnet;
use panther_plugin_api::model::Requirement;
use panther_plugin_api::{PluginError, parse_config};
use panther_stacks::{StackBuild, default_version, stack_program};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::quantities::{Bandwidth, Duration, Loss};

/// The pinned build of Shadow in `plugins/stacks/stacks.toml`, used when the config
/// names no program.
pub const STACK: &str = "shadow";
/// The program of that build.
const PROGRAM: &str = "shadow";
/// The simulation's seed when the config names none: Shadow's own default.
const SEED: u32 = 1;
/// Whether system calls that do not block move the simulated clock when the config
/// does not say: on, so that a program polling in a loop (picoquic, quic-go) does not
/// hold the simulation at one instant.
const MODEL_UNBLOCKED_SYSCALL_LATENCY: bool = true;
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
    /// The Shadow program the config names, an absolute path; `None` for the pinned
    /// build.
    pub program: Option<PathBuf>,
    /// The seed of every random choice in the simulation: the same seed, the same run.
    pub seed: u32,
    /// Where the hosts' addresses come from.
    pub subnet: Subnet,
    /// The one-way latency between any two hosts.
    pub latency: Duration,
    /// The latency's jitter, written to the graph when above zero; only with a
    /// `program` of the user's, as the pinned Shadow does not apply it.
    pub jitter: Duration,
    /// The chance that a packet is dropped.
    pub loss: Loss,
    /// Each host's bandwidth, up and down.
    pub bandwidth: Bandwidth,
    /// Whether Shadow writes a packet capture of each host.
    pub capture: bool,
    /// Whether system calls that do not block move the simulated clock.
    pub model_unblocked_syscall_latency: bool,
}

impl Config {
    /// The Shadow program and what running it needs: the program the config names, or
    /// the pinned build in the host's cache directory `cache_dir`.
    pub fn program(&self, cache_dir: &Path) -> Result<(PathBuf, Requirement), PluginError> {
        let version = default_version(STACK);
        let (path, mut requirement) = stack_program(
            STACK,
            &version,
            PROGRAM,
            self.program.as_deref(),
            "program",
            cache_dir,
        )?;
        requirement.what = if self.program.is_none() {
            format!("the Shadow simulator {version}, as pinned")
        } else {
            "the Shadow simulator that config key `program` names".to_owned()
        };
        Ok((path, requirement))
    }
}

/// `scripts/build-stacks shadow@VERSION`'s label, for messages.
fn pinned_label() -> String {
    StackBuild::of(STACK, None).map_or_else(|_| STACK.to_owned(), |build| build.label())
}

/// The table as written, before its values are read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Written {
    program: Option<PathBuf>,
    seed: u32,
    subnet: String,
    latency: String,
    jitter: String,
    loss: String,
    bandwidth: String,
    capture: bool,
    model_unblocked_syscall_latency: bool,
}

impl Default for Written {
    fn default() -> Self {
        Self {
            program: None,
            seed: SEED,
            subnet: SUBNET.to_owned(),
            latency: LATENCY.to_owned(),
            jitter: JITTER.to_owned(),
            loss: LOSS.to_owned(),
            bandwidth: BANDWIDTH.to_owned(),
            capture: true,
            model_unblocked_syscall_latency: MODEL_UNBLOCKED_SYSCALL_LATENCY,
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
        if let Some(program) = &written.program {
            if !program.is_absolute() {
                return Err(PluginError::new(format!(
                    "config key `program`: Shadow must be named by an absolute path, not \
                     '{}'; e.g. \"/opt/shadow/bin/shadow\", or drop the key to run the \
                     pinned build (`scripts/build-stacks {}`)",
                    program.display(),
                    pinned_label()
                )));
            }
        }
        let latency = keyed("latency", &written.latency, Duration::parse)?;
        if latency == Duration(0) {
            return Err(PluginError::new(format!(
                "config key `latency`: Shadow needs a latency above zero, not '{}'; write e.g. \
                 \"1 ms\"",
                written.latency
            )));
        }
        let jitter = keyed("jitter", &written.jitter, Duration::parse)?;
        if written.program.is_none() && jitter > Duration(0) {
            return Err(PluginError::new(format!(
                "config key `jitter`: the pinned Shadow ({}) reads a link's jitter but does \
                 not apply it, so '{}' would not be simulated; drop the key, name a Shadow \
                 that applies it with `program`, or use the netns environment, whose links \
                 apply `jitter`",
                pinned_label(),
                written.jitter
            )));
        }
        Ok(Self {
            program: written.program,
            seed: written.seed,
            subnet: keyed("subnet", &written.subnet, |text| {
                Subnet::parse(text, SUBNET)
            })?,
            latency,
            jitter,
            loss: keyed("loss", &written.loss, Loss::parse)?,
            bandwidth: keyed("bandwidth", &written.bandwidth, Bandwidth::parse)?,
            capture: written.capture,
            model_unblocked_syscall_latency: written.model_unblocked_syscall_latency,
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
                "description": "the Shadow 3 program, an absolute path; absent, the pinned \
                                build (scripts/build-stacks shadow)"
            },
            "seed": {
                "type": "integer",
                "minimum": 0,
                "maximum": u32::MAX,
                "description": "the seed of every random choice of the simulation (packet \
                                loss, the programs' random bytes): one seed, one run",
                "default": SEED
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
                "description": "the latency's jitter (\"2ms\"), written to the graph; only \
                                with a `program` of one's own, as Shadow 3.3 reads it but \
                                does not apply it",
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
                "description": "whether Shadow writes a packet capture of each host, kept as \
                                the service's link-capture artifact (QUIC clients decode it \
                                for their wire checks)",
                "default": true
            },
            "model_unblocked_syscall_latency": {
                "type": "boolean",
                "description": "Shadow's general.model_unblocked_syscall_latency: system calls \
                                that do not block move the simulated clock a little, so a \
                                program that polls in a loop does not stall the simulation",
                "default": MODEL_UNBLOCKED_SYSCALL_LATENCY
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
        assert_eq!(config.program, None);
        assert_eq!(config.seed, 1);
        assert_eq!(config.subnet.to_string(), "11.0.0.0/24");
        assert_eq!(config.latency.to_string(), "1 ms");
        assert_eq!(config.jitter, Duration(0));
        assert_eq!(config.loss.to_string(), "0.0");
        assert_eq!(config.bandwidth.to_string(), "1 Gbit");
        assert!(config.capture);
        assert!(config.model_unblocked_syscall_latency);
    }

    #[test]
    fn reads_every_key() {
        let config = Config::parse(&json!({
            "program": "/opt/shadow/bin/shadow",
            "seed": 7,
            "subnet": "11.1.0.0/16",
            "latency": "20ms",
            "jitter": "2ms",
            "loss": "1%",
            "bandwidth": "100Mbit",
            "capture": false,
            "model_unblocked_syscall_latency": false
        }))
        .unwrap();
        assert_eq!(
            config.program,
            Some(PathBuf::from("/opt/shadow/bin/shadow"))
        );
        assert_eq!(config.seed, 7);
        assert_eq!(config.subnet.to_string(), "11.1.0.0/16");
        assert_eq!(config.latency.to_string(), "20 ms");
        assert_eq!(config.jitter.to_string(), "2 ms");
        assert_eq!(config.loss.to_string(), "0.01");
        assert_eq!(config.bandwidth.to_string(), "100 Mbit");
        assert!(!config.capture);
        assert!(!config.model_unblocked_syscall_latency);
    }

    #[test]
    fn names_the_key_at_fault() {
        let cases = [
            (
                json!({"program": "shadow"}),
                "config key `program`: Shadow must be named by an absolute path, not 'shadow'",
            ),
            (json!({"seed": -1}), "config key `seed`: invalid value"),
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
                json!({"jitter": "2ms"}),
                "config key `jitter`: the pinned Shadow (shadow@3.3.0) reads a link's jitter",
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
        assert_eq!(properties.len(), 9);
        // Every key but `program`, whose default is the pinned build, has its default.
        let written: Map<String, Value> = properties
            .iter()
            .filter(|(key, _)| *key != "program")
            .map(|(key, property)| (key.clone(), property["default"].clone()))
            .collect();
        assert!(properties["program"].get("default").is_none());
        assert_eq!(written.len(), 8);
        assert_eq!(Config::parse(&Value::Object(written)).unwrap(), defaults());
        assert!(properties.values().all(|p| p["type"].is_string()));
        assert!(properties.values().all(|p| p["description"].is_string()));
    }
}
