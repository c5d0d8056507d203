//! The emulator's configuration file: the ports it joins and how each link misbehaves.
//!
//! The netns environment writes this file (`links.json`) from the same types, so the
//! schema is defined once, here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The longest interface name Linux accepts.
const INTERFACE_NAME_MAX: usize = 15;

/// Every port of the switch, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkConfig {
    /// One port per service: the interface its link ends on in the emulator's namespace.
    pub ports: Vec<Port>,
}

/// One service's link, as seen from the emulator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Port {
    /// The service's name, for messages and counters.
    pub name: String,
    /// The interface the service's frames arrive on.
    pub interface: String,
    /// What happens to the frames the service sends.
    #[serde(default)]
    pub impairments: Impairments,
}

/// How a link misbehaves, for the frames its service sends (like netem on the
/// service's egress).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Impairments {
    /// The mean delay, in microseconds.
    pub delay_us: u64,
    /// How far a frame's delay strays from the mean, at most, in microseconds; the
    /// delay is uniform in `[delay - jitter, delay + jitter]`.
    pub jitter_us: u64,
    /// The chance that a frame is dropped, in percent.
    pub loss_percent: f64,
    /// The chance that a frame is sent twice, in percent.
    pub duplicate_percent: f64,
    /// The chance that a copy has one bit flipped, in percent.
    pub corrupt_percent: f64,
    /// The link's rate in bits per second; unlimited when absent.
    pub rate_bps: Option<u64>,
}

/// Why a configuration file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the config {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not JSON of a [`LinkConfig`].
    #[error("the config {} is not a link configuration: {source}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The file reads, but a value in it cannot be used.
    #[error("the config {}: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the port.
        reason: String,
    },
}

impl LinkConfig {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let config: Self = serde_json::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source,
        })?;
        config.check().map_err(|reason| ConfigError::Invalid {
            path: path.to_owned(),
            reason,
        })?;
        Ok(config)
    }

    /// Refuses what the switch cannot run: no port, a name or an interface used twice,
    /// an interface name Linux would refuse, impairments out of range.
    pub fn check(&self) -> Result<(), String> {
        if self.ports.is_empty() {
            return Err("it names no port".to_owned());
        }
        let mut names = BTreeSet::new();
        let mut interfaces = BTreeSet::new();
        for port in &self.ports {
            if !names.insert(port.name.as_str()) {
                return Err(format!("port `{}` is named twice", port.name));
            }
            if port.interface.is_empty()
                || port.interface.len() > INTERFACE_NAME_MAX
                || port.interface.contains(['/', ' ', '\0'])
            {
                return Err(format!(
                    "port `{}`: '{}' is not an interface name",
                    port.name, port.interface
                ));
            }
            if !interfaces.insert(port.interface.as_str()) {
                return Err(format!(
                    "port `{}`: interface `{}` serves another port too",
                    port.name, port.interface
                ));
            }
            port.impairments
                .check()
                .map_err(|reason| format!("port `{}`: {reason}", port.name))?;
        }
        Ok(())
    }
}

impl Impairments {
    /// Refuses percentages out of `0..=100`, a jitter larger than the delay and a rate of
    /// zero.
    pub fn check(&self) -> Result<(), String> {
        for (name, value) in [
            ("loss_percent", self.loss_percent),
            ("duplicate_percent", self.duplicate_percent),
            ("corrupt_percent", self.corrupt_percent),
        ] {
            if !(0.0..=100.0).contains(&value) {
                return Err(format!("{name} {value} is not from 0 to 100"));
            }
        }
        if self.jitter_us > self.delay_us {
            return Err(format!(
                "jitter_us {} is more than delay_us {}",
                self.jitter_us, self.delay_us
            ));
        }
        if self.rate_bps == Some(0) {
            return Err("rate_bps 0 would stop the link".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(name: &str, interface: &str) -> Port {
        Port {
            name: name.to_owned(),
            interface: interface.to_owned(),
            impairments: Impairments::default(),
        }
    }

    fn write(text: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        file
    }

    #[test]
    fn reads_a_config_with_defaults_for_missing_impairments() {
        let file = write(
            r#"{"ports": [
                {"name": "client", "interface": "p0", "impairments": {"delay_us": 50000}},
                {"name": "server", "interface": "p1"}
            ]}"#,
        );
        let config = LinkConfig::load(file.path()).unwrap();
        assert_eq!(config.ports.len(), 2);
        assert_eq!(config.ports[0].impairments.delay_us, 50_000);
        assert_eq!(config.ports[0].impairments.rate_bps, None);
        assert_eq!(config.ports[1].impairments, Impairments::default());
    }

    #[test]
    fn round_trips_through_json() {
        let mut client = port("client", "p0");
        client.impairments = Impairments {
            delay_us: 20_000,
            jitter_us: 5_000,
            loss_percent: 1.5,
            duplicate_percent: 2.0,
            corrupt_percent: 0.1,
            rate_bps: Some(10_000_000),
        };
        let config = LinkConfig {
            ports: vec![client, port("server", "p1")],
        };
        let text = serde_json::to_string(&config).unwrap();
        assert_eq!(serde_json::from_str::<LinkConfig>(&text).unwrap(), config);
    }

    #[test]
    fn names_a_file_that_cannot_be_read_or_parsed() {
        let error = LinkConfig::load(Path::new("/nonexistent/links.json")).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot read the config /nonexistent/links.json: "),
            "{error}"
        );
        let file = write(r#"{"ports": [{"name": "a", "interface": "p0", "colour": 1}]}"#);
        let error = LinkConfig::load(file.path()).unwrap_err().to_string();
        assert!(
            error.contains("is not a link configuration: unknown field `colour`"),
            "{error}"
        );
    }

    #[test]
    fn refuses_ports_that_cannot_work() {
        let empty = LinkConfig { ports: vec![] };
        assert_eq!(empty.check().unwrap_err(), "it names no port");
        let twice = LinkConfig {
            ports: vec![port("a", "p0"), port("a", "p1")],
        };
        assert_eq!(twice.check().unwrap_err(), "port `a` is named twice");
        let shared = LinkConfig {
            ports: vec![port("a", "p0"), port("b", "p0")],
        };
        assert_eq!(
            shared.check().unwrap_err(),
            "port `b`: interface `p0` serves another port too"
        );
        let long = LinkConfig {
            ports: vec![port("a", "sixteen-letters!")],
        };
        assert_eq!(
            long.check().unwrap_err(),
            "port `a`: 'sixteen-letters!' is not an interface name"
        );
    }

    #[test]
    fn refuses_impairments_out_of_range() {
        let mut config = LinkConfig {
            ports: vec![port("client", "p0")],
        };
        config.ports[0].impairments.loss_percent = 150.0;
        assert_eq!(
            config.check().unwrap_err(),
            "port `client`: loss_percent 150 is not from 0 to 100"
        );
        config.ports[0].impairments.loss_percent = 0.0;
        config.ports[0].impairments.corrupt_percent = f64::NAN;
        assert_eq!(
            config.check().unwrap_err(),
            "port `client`: corrupt_percent NaN is not from 0 to 100"
        );
        config.ports[0].impairments.corrupt_percent = 0.0;
        config.ports[0].impairments.jitter_us = 10;
        assert_eq!(
            config.check().unwrap_err(),
            "port `client`: jitter_us 10 is more than delay_us 0"
        );
        config.ports[0].impairments.jitter_us = 0;
        config.ports[0].impairments.rate_bps = Some(0);
        assert_eq!(
            config.check().unwrap_err(),
            "port `client`: rate_bps 0 would stop the link"
        );
        config.ports[0].impairments.rate_bps = Some(1);
        assert_eq!(config.check(), Ok(()));
    }
}
