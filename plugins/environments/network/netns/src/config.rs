//! The plugin's `config` table: its schema, its defaults and its checks.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use panther_link::config::Impairments;
use panther_network_shared::subnet::Subnet;
use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::subnet;
use crate::values::{self, format_duration, key_error};

/// The impairment keys, as a test's config and each of its `links` write them.
const IMPAIRMENT_KEYS: [&str; 6] = ["delay", "jitter", "loss", "duplicate", "corrupt", "rate"];

/// What carries the frames between the services' namespaces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Emulator {
    /// The `panther-link` program, a user-space switch, in the link namespace.
    #[default]
    #[serde(rename = "panther-link")]
    PantherLink,
    /// A kernel bridge in the link namespace, with a netem qdisc on each service's
    /// interface.
    #[serde(rename = "netem")]
    Netem,
}

/// The `config` table as serde reads it: the impairments stay JSON values, for
/// messages that show what would be accepted.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawConfig {
    delay: Option<Value>,
    jitter: Option<Value>,
    loss: Option<Value>,
    duplicate: Option<Value>,
    corrupt: Option<Value>,
    rate: Option<Value>,
    links: Option<Value>,
    capture: bool,
    subnet: Option<Value>,
    emulator: Emulator,
}

/// Impairments a link sets for itself, each replacing the test-wide one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkOverrides {
    /// The delay, in microseconds.
    pub delay: Option<u64>,
    /// The jitter, in microseconds.
    pub jitter: Option<u64>,
    /// The loss, in percent.
    pub loss: Option<f64>,
    /// The duplication, in percent.
    pub duplicate: Option<f64>,
    /// The corruption, in percent.
    pub corrupt: Option<f64>,
    /// The rate, in bits per second.
    pub rate: Option<u64>,
}

impl LinkOverrides {
    /// Reads the impairment keys of one table; `prefix` is put before each key in
    /// messages (`links.client.`).
    fn read<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a Value)>,
        prefix: &str,
    ) -> Result<Self, PluginError> {
        let mut overrides = Self::default();
        for (name, value) in entries {
            let key = format!("{prefix}{name}");
            match name {
                "delay" => overrides.delay = Some(values::duration(&key, value)?),
                "jitter" => overrides.jitter = Some(values::duration(&key, value)?),
                "loss" => overrides.loss = Some(values::percentage(&key, value)?),
                "duplicate" => overrides.duplicate = Some(values::percentage(&key, value)?),
                "corrupt" => overrides.corrupt = Some(values::percentage(&key, value)?),
                "rate" => overrides.rate = Some(values::rate(&key, value)?),
                _ => {
                    return Err(key_error(
                        &key,
                        format!(
                            "not an impairment; write one of {}",
                            IMPAIRMENT_KEYS.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(overrides)
    }

    /// `base` with these overrides applied.
    fn over(&self, base: &Impairments) -> Impairments {
        Impairments {
            delay_us: self.delay.unwrap_or(base.delay_us),
            jitter_us: self.jitter.unwrap_or(base.jitter_us),
            loss_percent: self.loss.unwrap_or(base.loss_percent),
            duplicate_percent: self.duplicate.unwrap_or(base.duplicate_percent),
            corrupt_percent: self.corrupt.unwrap_or(base.corrupt_percent),
            rate_bps: self.rate.or(base.rate_bps),
        }
    }
}

/// The environment's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The impairments of every link.
    pub impairments: Impairments,
    /// Per-service overrides, by service name.
    pub links: BTreeMap<String, LinkOverrides>,
    /// Whether each link is captured to a pcap in its service's artifacts.
    pub capture: bool,
    /// Where the services' addresses come from.
    pub subnet: Subnet,
    /// What carries the frames.
    pub emulator: Emulator,
}

impl Default for Config {
    /// Every default: no impairment, no override, no capture, [`subnet::DEFAULT`] and
    /// the panther-link emulator.
    fn default() -> Self {
        Self {
            impairments: Impairments::default(),
            links: BTreeMap::new(),
            capture: false,
            subnet: subnet::DEFAULT,
            emulator: Emulator::default(),
        }
    }
}

impl Config {
    /// Reads the `config` table (absent means every default); an error names the
    /// key at fault.
    pub fn parse(value: &Value) -> Result<Self, PluginError> {
        let raw: RawConfig = parse_config(value)?;
        let test_wide = [
            ("delay", &raw.delay),
            ("jitter", &raw.jitter),
            ("loss", &raw.loss),
            ("duplicate", &raw.duplicate),
            ("corrupt", &raw.corrupt),
            ("rate", &raw.rate),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value.as_ref()?)));
        let test_wide = LinkOverrides::read(test_wide, "")?;
        let impairments = checked_over(&test_wide, &Impairments::default(), "")?;
        let links = match &raw.links {
            None => BTreeMap::new(),
            Some(links) => read_links(links, &impairments)?,
        };
        let subnet = match &raw.subnet {
            None => subnet::DEFAULT,
            Some(subnet) => subnet::parse("subnet", subnet)?,
        };
        Ok(Self {
            impairments,
            links,
            capture: raw.capture,
            subnet,
            emulator: raw.emulator,
        })
    }

    /// The address of each of `services` (in request order), after refusing `links`
    /// entries for services the test does not have (naming those it has) and a subnet
    /// too small for them.
    pub fn addresses(&self, services: &[&str]) -> Result<Vec<Ipv4Addr>, PluginError> {
        if let Some(unknown) = self
            .links
            .keys()
            .find(|name| !services.contains(&name.as_str()))
        {
            return Err(key_error(
                &format!("links.{unknown}"),
                format!(
                    "'{unknown}' is not a service of this test; write one of {}",
                    services.join(", ")
                ),
            ));
        }
        self.subnet
            .service_addresses(services.len())
            .ok_or_else(|| {
                let capacity = self.subnet.capacity();
                let noun = if capacity == 1 { "service" } else { "services" };
                key_error(
                    "subnet",
                    format!(
                        "'{}' has room for {capacity} {noun}, not the {} of this test; write a \
                         larger subnet, e.g. \"{}\"",
                        self.subnet,
                        services.len(),
                        subnet::DEFAULT
                    ),
                )
            })
    }

    /// The impairments of `service`'s link: the test-wide ones with its overrides.
    pub fn impairments_of(&self, service: &str) -> Impairments {
        match self.links.get(service) {
            Some(overrides) => overrides.over(&self.impairments),
            None => self.impairments.clone(),
        }
    }
}

/// Reads `links`: a table of per-service impairment tables, each checked against the
/// test-wide `base`.
fn read_links(
    links: &Value,
    base: &Impairments,
) -> Result<BTreeMap<String, LinkOverrides>, PluginError> {
    let links = links.as_object().ok_or_else(|| {
        key_error(
            "links",
            "write a table of services, e.g. { client = { delay = \"50ms\" } }",
        )
    })?;
    links
        .iter()
        .map(|(service, table)| {
            let prefix = format!("links.{service}.");
            let table: &Map<String, Value> = table.as_object().ok_or_else(|| {
                key_error(
                    &format!("links.{service}"),
                    "write a table of impairments, e.g. { delay = \"50ms\" }",
                )
            })?;
            let overrides =
                LinkOverrides::read(table.iter().map(|(k, v)| (k.as_str(), v)), &prefix)?;
            checked_over(&overrides, base, &prefix)?;
            Ok((service.clone(), overrides))
        })
        .collect()
}

/// `overrides` applied to `base`, refused when the jitter is then more than the delay;
/// the error blames the key (after `prefix`) that made it so: the jitter when
/// `overrides` sets it, else the delay.
fn checked_over(
    overrides: &LinkOverrides,
    base: &Impairments,
    prefix: &str,
) -> Result<Impairments, PluginError> {
    let impairments = overrides.over(base);
    if impairments.jitter_us <= impairments.delay_us {
        return Ok(impairments);
    }
    let culprit = if overrides.jitter.is_some() {
        "jitter"
    } else {
        "delay"
    };
    Err(key_error(
        &format!("{prefix}{culprit}"),
        format!(
            "the jitter '{}' is more than the delay '{}'; write a jitter no larger than the delay",
            format_duration(impairments.jitter_us),
            format_duration(impairments.delay_us)
        ),
    ))
}

/// The schema of one impairment key; `default` is left out for per-link keys, whose
/// default is the test-wide value.
fn impairment_properties(defaults: bool) -> Map<String, Value> {
    let described = [
        (
            "delay",
            "how long each frame the service sends takes on its link, e.g. \"20ms\", \"500us\"",
            Some("0ms"),
        ),
        (
            "jitter",
            "how far a frame's delay may stray from `delay`, uniformly, e.g. \"5ms\"; at most \
             the delay",
            Some("0ms"),
        ),
        (
            "loss",
            "the share of frames dropped, e.g. \"1%\", \"0.5%\"",
            Some("0%"),
        ),
        (
            "duplicate",
            "the share of frames sent twice, e.g. \"1%\"",
            Some("0%"),
        ),
        (
            "corrupt",
            "the share of frames with one random bit flipped, e.g. \"0.1%\"",
            Some("0%"),
        ),
        (
            "rate",
            "the link's rate in tc's units (bit, kbit, mbit, gbit, bps, kbps, mbps, gbps), \
             e.g. \"10mbit\"; unlimited when absent",
            None,
        ),
    ];
    described
        .into_iter()
        .map(|(name, description, default)| {
            let mut property = json!({"type": "string", "description": description});
            if let (true, Some(default)) = (defaults, default) {
                property["default"] = json!(default);
            }
            (name.to_owned(), property)
        })
        .collect()
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    let mut properties = impairment_properties(true);
    properties.insert(
        "links".to_owned(),
        json!({
            "type": "object",
            "description": "impairments of one service's link, by service name, replacing \
                            the test-wide ones key by key",
            "default": {},
            "additionalProperties": {
                "type": "object",
                "properties": impairment_properties(false),
                "additionalProperties": false
            }
        }),
    );
    properties.insert(
        "capture".to_owned(),
        json!({
            "type": "boolean",
            "description": "capture each link with tcpdump to link.pcap in its service's \
                            artifacts",
            "default": false
        }),
    );
    properties.insert(
        "subnet".to_owned(),
        json!({
            "type": "string",
            "description": "the IPv4 subnet the services' addresses come from (prefix /8 to \
                            /30); service i (from 0) gets host number i + 2",
            "default": subnet::DEFAULT.to_string()
        }),
    );
    properties.insert(
        "emulator".to_owned(),
        json!({
            "type": "string",
            "description": "what carries the frames: panther-link, a user-space switch, or \
                            netem, a kernel bridge with a netem qdisc per service (needs the \
                            kernel's sch_netem)",
            "enum": ["panther-link", "netem"],
            "default": "panther-link"
        }),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(value: Value) -> String {
        Config::parse(&value).unwrap_err().message().to_owned()
    }

    #[test]
    fn an_absent_or_empty_config_takes_the_defaults() {
        assert_eq!(Config::parse(&Value::Null), Ok(Config::default()));
        assert_eq!(Config::parse(&json!({})), Ok(Config::default()));
        let config = Config::default();
        assert_eq!(config.impairments, Impairments::default());
        assert_eq!(config.subnet.to_string(), "10.77.0.0/24");
        assert_eq!(config.emulator, Emulator::PantherLink);
        assert!(!config.capture);
    }

    #[test]
    fn reads_every_key() {
        let config = Config::parse(&json!({
            "delay": "20ms", "jitter": "5ms", "loss": "1%", "duplicate": "0.5%",
            "corrupt": "0.1%", "rate": "10mbit",
            "links": {"client": {"delay": "50ms", "rate": "1mbit"}},
            "capture": true, "subnet": "10.9.0.0/16", "emulator": "netem"
        }))
        .unwrap();
        assert_eq!(
            config.impairments,
            Impairments {
                delay_us: 20_000,
                jitter_us: 5_000,
                loss_percent: 1.0,
                duplicate_percent: 0.5,
                corrupt_percent: 0.1,
                rate_bps: Some(10_000_000),
            }
        );
        assert_eq!(
            config.impairments_of("client"),
            Impairments {
                delay_us: 50_000,
                rate_bps: Some(1_000_000),
                ..config.impairments.clone()
            }
        );
        assert_eq!(config.impairments_of("server"), config.impairments);
        assert!(config.capture);
        assert_eq!(config.subnet.to_string(), "10.9.0.0/16");
        assert_eq!(config.emulator, Emulator::Netem);
    }

    #[test]
    fn names_the_key_of_a_bad_value() {
        assert_eq!(
            message(json!({"delay": "5xs"})),
            "config key `delay`: '5xs' is not a duration; write e.g. \"20ms\" or \"500us\""
        );
        assert_eq!(
            message(json!({"links": {"client": {"delay": "5xs"}}})),
            "config key `links.client.delay`: '5xs' is not a duration; write e.g. \"20ms\" or \
             \"500us\""
        );
        assert_eq!(
            message(json!({"links": {"server": {"loss": 3}}})),
            "config key `links.server.loss`: 3 is not a percentage; write e.g. \"1%\" or \"0.5%\""
        );
        assert_eq!(
            message(json!({"subnet": "10.77.0.0/31"})),
            "config key `subnet`: '10.77.0.0/31' is not an IPv4 subnet with a prefix from /8 to \
             /30; write e.g. \"10.77.0.0/24\""
        );
    }

    #[test]
    fn names_an_unknown_key_or_a_bad_type() {
        let error = message(json!({"dealy": "20ms"}));
        assert!(
            error.starts_with("config key `dealy`: unknown field"),
            "{error}"
        );
        let error = message(json!({"emulator": "tc"}));
        assert!(
            error.starts_with("config key `emulator`: unknown variant `tc`"),
            "{error}"
        );
        let error = message(json!({"capture": "yes"}));
        assert!(
            error.starts_with("config key `capture`: invalid type"),
            "{error}"
        );
        assert_eq!(
            message(json!({"links": {"client": {"colour": "red"}}})),
            "config key `links.client.colour`: not an impairment; write one of delay, jitter, \
             loss, duplicate, corrupt, rate"
        );
        assert_eq!(
            message(json!({"links": {"client": "50ms"}})),
            "config key `links.client`: write a table of impairments, e.g. { delay = \"50ms\" }"
        );
        assert_eq!(
            message(json!({"links": ["client"]})),
            "config key `links`: write a table of services, e.g. { client = { delay = \"50ms\" } }"
        );
        assert!(Config::parse(&json!("netem")).is_err());
    }

    #[test]
    fn refuses_a_jitter_over_its_delay_naming_the_key_that_made_it() {
        assert_eq!(
            message(json!({"delay": "20ms", "jitter": "30ms"})),
            "config key `jitter`: the jitter '30ms' is more than the delay '20ms'; write a jitter \
             no larger than the delay"
        );
        assert_eq!(
            message(json!({"jitter": "1ms"})),
            "config key `jitter`: the jitter '1ms' is more than the delay '0ms'; write a jitter \
             no larger than the delay"
        );
        assert_eq!(
            message(json!({"delay": "20ms", "links": {"client": {"jitter": "25ms"}}})),
            "config key `links.client.jitter`: the jitter '25ms' is more than the delay '20ms'; \
             write a jitter no larger than the delay"
        );
        assert_eq!(
            message(
                json!({"delay": "20ms", "jitter": "10ms", "links": {"client": {"delay": "5ms"}}})
            ),
            "config key `links.client.delay`: the jitter '10ms' is more than the delay '5ms'; \
             write a jitter no larger than the delay"
        );
        assert!(
            Config::parse(&json!({"delay": "20ms", "jitter": "20ms"})).is_ok(),
            "a jitter equal to the delay is fine"
        );
    }

    #[test]
    fn refuses_links_of_services_the_test_lacks_naming_those_it_has() {
        let config = Config::parse(&json!({"links": {"clinet": {"delay": "50ms"}}})).unwrap();
        assert_eq!(
            config
                .addresses(&["client", "server"])
                .unwrap_err()
                .message(),
            "config key `links.clinet`: 'clinet' is not a service of this test; write one of \
             client, server"
        );
        let config = Config::parse(&json!({"links": {"client": {"delay": "50ms"}}})).unwrap();
        assert_eq!(
            config.addresses(&["client", "server"]),
            Ok(vec![
                Ipv4Addr::new(10, 77, 0, 2),
                Ipv4Addr::new(10, 77, 0, 3)
            ])
        );
    }

    #[test]
    fn refuses_a_subnet_too_small_for_the_services() {
        let config = Config::parse(&json!({"subnet": "10.77.0.0/30"})).unwrap();
        assert_eq!(
            config.addresses(&["a"]),
            Ok(vec![Ipv4Addr::new(10, 77, 0, 2)])
        );
        assert_eq!(
            config.addresses(&["a", "b", "c"]).unwrap_err().message(),
            "config key `subnet`: '10.77.0.0/30' has room for 1 service, not the 3 of this test; \
             write a larger subnet, e.g. \"10.77.0.0/24\""
        );
        let config = Config::parse(&json!({"subnet": "10.77.0.0/29"})).unwrap();
        assert_eq!(
            config
                .addresses(&["a", "b", "c", "d", "e", "f"])
                .unwrap_err()
                .message(),
            "config key `subnet`: '10.77.0.0/29' has room for 5 services, not the 6 of this test; \
             write a larger subnet, e.g. \"10.77.0.0/24\""
        );
    }

    #[test]
    fn the_schema_defaults_are_the_config_defaults() {
        let schema = schema();
        assert_eq!(schema["additionalProperties"], json!(false));
        let properties = schema["properties"].as_object().unwrap();
        assert_eq!(properties.len(), 10);
        for (key, property) in properties {
            assert!(property["type"].is_string(), "{key} has a type");
            assert!(
                property["description"].is_string(),
                "{key} has a description"
            );
            assert!(property.get("pattern").is_none(), "{key} has no pattern");
        }
        let defaults: Map<String, Value> = properties
            .iter()
            .filter_map(|(key, property)| Some((key.clone(), property.get("default")?.clone())))
            .collect();
        assert_eq!(defaults.len(), 9, "every key but `rate` has a default");
        assert_eq!(
            Config::parse(&Value::Object(defaults)),
            Ok(Config::default())
        );
        let per_link = &properties["links"]["additionalProperties"]["properties"];
        assert_eq!(per_link.as_object().unwrap().len(), IMPAIRMENT_KEYS.len());
        assert!(per_link["delay"].get("default").is_none());
    }
}
