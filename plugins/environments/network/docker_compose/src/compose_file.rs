//! The compose file as typed data, written out as YAML by serde.
//!
//! Only the keys this environment uses are modelled. Compose replaces `$NAME` in every
//! value with the caller's environment, so each text taken from a plan or the config
//! goes through [`literal`] first.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A whole compose file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposeFile {
    /// One container per test service, by compose service name.
    pub services: BTreeMap<String, Service>,
    /// The test's bridge network, by name.
    pub networks: BTreeMap<String, Network>,
}

/// One container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// The image it runs.
    pub image: String,
    /// Its argv, in place of the image's command.
    pub command: Vec<String>,
    /// Variables added to its environment.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// The directory the command starts in.
    pub working_dir: String,
    /// Whether a minimal init runs as PID 1, forwarding signals and reaping children.
    pub init: bool,
    /// Whether the container runs privileged.
    pub privileged: bool,
    /// Its addresses, by network name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub networks: BTreeMap<String, Attachment>,
    /// `none` for a container with no network at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<String>,
    /// What is mounted into it.
    pub volumes: Vec<Volume>,
    /// The services started before it, and what each must have reached.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub depends_on: BTreeMap<String, Dependency>,
    /// How the engine knows it is ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
}

/// A service's place on a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Its fixed IPv4 address.
    pub ipv4_address: String,
}

/// A bind mount, in the long syntax (paths may hold `:`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    /// Always `bind`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The path on the host.
    pub source: String,
    /// The path in the container.
    pub target: String,
    /// Whether the container may only read it.
    pub read_only: bool,
}

/// What a dependency must have reached before the dependent starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    /// `service_started` or `service_healthy`.
    pub condition: String,
}

/// A check the engine runs in the container until it passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Healthcheck {
    /// The check's argv, after `CMD`.
    pub test: Vec<String>,
    /// The time between checks, the first one included.
    pub interval: String,
    /// How long one check may take.
    pub timeout: String,
    /// How many failed checks in a row mark the container unhealthy.
    pub retries: u64,
}

/// A network the file defines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    /// Its address management.
    pub ipam: Ipam,
}

/// A network's address management.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ipam {
    /// Its address pools.
    pub config: Vec<Pool>,
}

/// One address pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    /// The pool's subnet, `172.28.0.0/24`.
    pub subnet: String,
}

/// `text` as compose reads it back unchanged: each `$` doubled, so that compose does
/// not replace `$NAME` with a variable of the environment it runs in.
pub fn literal(text: &str) -> String {
    text.replace('$', "$$")
}

impl ComposeFile {
    /// The file as YAML.
    pub fn to_yaml(&self) -> Result<String, serde_norway::Error> {
        serde_norway::to_string(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_every_dollar() {
        assert_eq!(literal("\"$@\" >\"$1\""), "\"$$@\" >\"$$1\"");
        assert_eq!(literal("plain"), "plain");
        assert_eq!(literal("$$"), "$$$$");
    }

    #[test]
    fn a_file_reads_back_as_written() {
        let service = Service {
            image: "debian:bookworm-slim".to_owned(),
            command: vec!["/bin/true".to_owned(), "true".to_owned(), "1".to_owned()],
            environment: BTreeMap::from([("ROLE".to_owned(), "server".to_owned())]),
            working_dir: "/run/out".to_owned(),
            init: true,
            privileged: false,
            networks: BTreeMap::from([(
                "panther".to_owned(),
                Attachment {
                    ipv4_address: "172.28.0.2".to_owned(),
                },
            )]),
            network_mode: None,
            volumes: vec![Volume {
                kind: "bind".to_owned(),
                source: "/a:b".to_owned(),
                target: "/a:b".to_owned(),
                read_only: true,
            }],
            depends_on: BTreeMap::new(),
            healthcheck: Some(Healthcheck {
                test: vec!["CMD".to_owned(), "true".to_owned()],
                interval: "100ms".to_owned(),
                timeout: "2s".to_owned(),
                retries: 3,
            }),
        };
        let file = ComposeFile {
            services: BTreeMap::from([("server".to_owned(), service)]),
            networks: BTreeMap::from([(
                "panther".to_owned(),
                Network {
                    ipam: Ipam {
                        config: vec![Pool {
                            subnet: "172.28.0.0/24".to_owned(),
                        }],
                    },
                },
            )]),
        };
        let yaml = file.to_yaml().unwrap();
        assert!(
            yaml.contains("- 'true'\n"),
            "a YAML keyword stays text: {yaml}"
        );
        let back: ComposeFile = serde_norway::from_str(&yaml).unwrap();
        assert_eq!(back, file);
    }
}
