//! The plugin's `config` table: its schema, its defaults and its checks.

use std::net::Ipv4Addr;
use std::path::PathBuf;

use panther_network_shared::subnet::Subnet;
use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The compose command when the config names none: Debian's docker-compose, which
/// scripts/start-docker installs.
const COMPOSE: [&str; 1] = ["docker-compose"];
/// The recipe of the image every service runs in when the config names none.
const IMAGE_RECIPE: &[u8] = include_bytes!("../image/Dockerfile");
/// An example subnet, for messages.
const SUBNET: &str = "172.28.0.0/24";
/// Where a test's own /24 is drawn from when the config names no subnet: the upper
/// half of 10.0.0.0/8, 32768 networks, so that tests running at once, in one run or
/// several, rarely draw the same one (docker refuses a second network on a subnet in
/// use).
const DRAWN_FROM: [u8; 2] = [10, 128];

/// The environment's settings, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The compose command, as an argv prefix (`docker compose`, `docker-compose`).
    pub compose: Vec<String>,
    /// The image every service's container runs.
    pub image: String,
    /// Extra bind mounts for every container.
    pub volumes: Vec<Bind>,
    /// The bridge network's subnet, where the services' addresses come from, when
    /// the config names one; else each test draws its own ([`Config::subnet_of`]).
    pub subnet: Option<Subnet>,
    /// Whether the containers run privileged.
    pub privileged: bool,
}

/// A host directory or file mounted into a container.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bind {
    /// The path on the host.
    pub source: PathBuf,
    /// The path in the container.
    pub target: PathBuf,
    /// Whether the container may only read it.
    pub read_only: bool,
}

/// The table as written, before its values are checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Written {
    compose: Vec<String>,
    image: String,
    volumes: Vec<String>,
    subnet: Option<String>,
    privileged: bool,
}

impl Default for Written {
    fn default() -> Self {
        Self {
            compose: COMPOSE.map(str::to_owned).to_vec(),
            image: default_image(),
            volumes: Vec::new(),
            subnet: None,
            privileged: false,
        }
    }
}

/// The image scripts/start-docker builds from the recipe beside this crate:
/// `panther-compose:` and the first 12 hex digits of the recipe's sha256.
pub fn default_image() -> String {
    let digest = Sha256::digest(IMAGE_RECIPE);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("panther-compose:{}", &hex[..12])
}

impl Config {
    /// The subnet of test instance `instance`: the configured one, else a /24 of
    /// 10.128.0.0/9 drawn from a hash of the instance's name.
    pub fn subnet_of(&self, instance: &str) -> Subnet {
        self.subnet.unwrap_or_else(|| {
            let digest = Sha256::digest(instance.as_bytes());
            let [first, second] = DRAWN_FROM;
            let network = Ipv4Addr::new(first, second | (digest[0] & 0x7f), digest[1], 0);
            Subnet::new(network, 24)
        })
    }

    /// Reads the `config` table (absent means every default); an error names the
    /// key at fault.
    pub fn parse(value: &Value) -> Result<Self, PluginError> {
        let written: Written = parse_config(value)?;
        if written.compose.is_empty() || written.compose.iter().any(String::is_empty) {
            return Err(PluginError::new(
                "config key `compose`: must name a command, one word per item, e.g. \
                 [\"docker\", \"compose\"] or [\"docker-compose\"]",
            ));
        }
        if written.image.is_empty() {
            return Err(PluginError::new(
                "config key `image`: must name an image, e.g. \"debian:bookworm-slim\"",
            ));
        }
        let volumes = written
            .volumes
            .iter()
            .map(|volume| {
                Bind::parse(volume)
                    .map_err(|problem| PluginError::new(format!("config key `volumes`: {problem}")))
            })
            .collect::<Result<_, _>>()?;
        let subnet = written
            .subnet
            .map(|text| {
                Subnet::parse(&text, SUBNET)
                    .map_err(|problem| PluginError::new(format!("config key `subnet`: {problem}")))
            })
            .transpose()?;
        Ok(Self {
            compose: written.compose,
            image: written.image,
            volumes,
            subnet,
            privileged: written.privileged,
        })
    }
}

impl Bind {
    /// Reads `/host/path:/container/path` with an optional `:ro` or `:rw`.
    fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split(':').collect();
        let read_only = match parts.get(2).copied() {
            None | Some("rw") => false,
            Some("ro") => true,
            Some(_) => return Err(bad_bind(text)),
        };
        match parts[..] {
            [source, target] | [source, target, _]
                if source.starts_with('/') && target.starts_with('/') =>
            {
                Ok(Self {
                    source: source.into(),
                    target: target.into(),
                    read_only,
                })
            }
            _ => Err(bad_bind(text)),
        }
    }
}

/// Why `text` is not a bind mount, and what would be.
fn bad_bind(text: &str) -> String {
    format!(
        "'{text}' is not a bind mount; write \"/host/path:/container/path\" or \
         \"/host/path:/container/path:ro\""
    )
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "compose": {
                "type": "array",
                "items": { "type": "string", "minLength": 1 },
                "minItems": 1,
                "description": "the compose command, one word per item: [\"docker\", \"compose\"] \
                                (Compose v2) or [\"docker-compose\"] (v1)",
                "default": COMPOSE
            },
            "image": {
                "type": "string",
                "minLength": 1,
                "description": "the image every service runs in (by default the one \
                                scripts/start-docker builds); the services' programs are \
                                host paths, mounted at the same paths",
                "default": default_image()
            },
            "volumes": {
                "type": "array",
                "items": { "type": "string" },
                "description": "extra bind mounts for every container, \
                                \"/host/path:/container/path\" with an optional \":ro\"",
                "default": []
            },
            "subnet": {
                "type": "string",
                "description": "the IPv4 subnet of the test's bridge network; service i gets \
                                host i+2; by default each test draws its own /24 of \
                                10.128.0.0/9 from its name, so that tests running at once \
                                get networks of their own"
            },
            "privileged": {
                "type": "boolean",
                "description": "whether the containers run privileged",
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

    #[test]
    fn an_absent_or_empty_config_takes_the_defaults() {
        let config = Config::parse(&Value::Null).unwrap();
        assert_eq!(Config::parse(&json!({})).unwrap(), config);
        assert_eq!(config.compose, ["docker-compose"]);
        assert!(
            config.image.starts_with("panther-compose:"),
            "{}",
            config.image
        );
        assert_eq!(config.image.len(), "panther-compose:".len() + 12);
        assert!(config.volumes.is_empty());
        assert_eq!(config.subnet, None);
        let drawn = config.subnet_of("run-1-1");
        assert_eq!(drawn, config.subnet_of("run-1-1"));
        assert_ne!(drawn, config.subnet_of("run-2-1"));
        assert_eq!(drawn.prefix(), 24);
        let [first, second, _, _] = drawn.network().octets();
        assert!(first == 10 && second >= 128, "{drawn}");
        assert!(!config.privileged);
    }

    #[test]
    fn reads_every_key() {
        let config = Config::parse(&json!({
            "compose": ["docker-compose"],
            "image": "ubuntu:24.04",
            "volumes": ["/srv/certs:/certs:ro", "/srv/www:/www", "/a:/b:rw"],
            "subnet": "10.9.0.0/16",
            "privileged": true
        }))
        .unwrap();
        assert_eq!(config.compose, ["docker-compose"]);
        assert_eq!(config.image, "ubuntu:24.04");
        assert_eq!(
            config.volumes,
            [
                Bind {
                    source: "/srv/certs".into(),
                    target: "/certs".into(),
                    read_only: true
                },
                Bind {
                    source: "/srv/www".into(),
                    target: "/www".into(),
                    read_only: false
                },
                Bind {
                    source: "/a".into(),
                    target: "/b".into(),
                    read_only: false
                }
            ]
        );
        assert_eq!(config.subnet.unwrap().to_string(), "10.9.0.0/16");
        assert_eq!(config.subnet_of("any").to_string(), "10.9.0.0/16");
        assert!(config.privileged);
    }

    #[test]
    fn names_the_key_at_fault() {
        let cases = [
            (
                json!({"compose": []}),
                "config key `compose`: must name a command",
            ),
            (
                json!({"compose": ["docker", ""]}),
                "config key `compose`: must name",
            ),
            (
                json!({"compose": "docker compose"}),
                "config key `compose`: invalid type",
            ),
            (
                json!({"image": ""}),
                "config key `image`: must name an image",
            ),
            (
                json!({"volumes": ["certs:/certs"]}),
                "config key `volumes`: 'certs:/certs' is not a bind mount",
            ),
            (
                json!({"volumes": ["/a:/b:rx"]}),
                "config key `volumes`: '/a:/b:rx' is not a bind mount",
            ),
            (
                json!({"volumes": ["/a"]}),
                "config key `volumes`: '/a' is not a bind mount",
            ),
            (
                json!({"subnet": "172.28.0.0"}),
                "config key `subnet`: '172.28.0.0' is not an IPv4 subnet",
            ),
            (
                json!({"privileged": "yes"}),
                "config key `privileged`: invalid type",
            ),
            (
                json!({"network": "x"}),
                "config key `network`: unknown field",
            ),
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
        assert_eq!(properties.len(), 5);
        let defaults: Map<String, Value> = properties
            .iter()
            .map(|(key, property)| (key.clone(), property["default"].clone()))
            .collect();
        assert_eq!(
            Config::parse(&Value::Object(defaults)).unwrap(),
            Config::parse(&Value::Null).unwrap()
        );
        assert!(properties.values().all(|p| p["type"].is_string()));
        assert!(properties.values().all(|p| p["description"].is_string()));
    }
}
