//! The plugin's `config` table: its schema, its defaults and its checks.

use std::collections::BTreeMap;
use std::path::PathBuf;

use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};

use panther_plugin_api::model::Role;

use crate::protocol::Protocol;

/// The largest number of iterations of the test loop.
const MAX_ITERATIONS: u64 = 1_000_000;
/// The largest seed the tester takes (a C `int`).
const MAX_SEED: u64 = i32::MAX as u64;
/// The longest delay or timeout, in milliseconds (ten minutes).
const MAX_MS: u64 = 600_000;
/// The longest time limit, in seconds (a day).
const MAX_TIME_LIMIT_S: u64 = 86_400;
/// The QUIC versions PANTHER's models speak, as their `iversion` takes them: 1 for
/// RFC 9000, else the draft's number (quic_shim.ivy).
const QUIC_VERSIONS: [u32; 5] = [1, 27, 28, 29, 34];
/// The largest connection id PANTHER's QUIC testers take (they refuse 1000 and above).
const MAX_CID: u64 = 999;
/// How many connection ids the seed picks from, for each end.
const CID_CHOICES: u64 = 499;
/// The longest ALPN protocol name (its length is one byte on the wire).
const MAX_ALPN_LEN: usize = 255;
/// The longest path the tester asks for.
const MAX_REQUEST_PATH_LEN: usize = 1000;
/// Parameters every tester reads as its own options, or that the plugin gives it.
const COMMON_PARAMS: [&str; 8] = [
    "seed",
    "iters",
    "runs",
    "out",
    "delay",
    "wait",
    "modelfile",
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
    /// Any other JSON value, which `Config::parse` refuses with the parameter's key.
    Other(Value),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Integer(value) => write!(f, "{value}"),
            Self::Text(value) => f.write_str(value),
            Self::Other(value) => write!(f, "{value}"),
        }
    }
}

/// A service's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The Ivy test to run; by protocol and role when absent (see `Protocol`).
    pub test: Option<String>,
    /// The tester's random seed.
    pub seed: u64,
    /// The iterations of the test loop (Ivy's test_iters); by protocol when absent.
    pub iterations: Option<u64>,
    /// The specification's directory; the one installed for the protocol when absent.
    pub spec_dir: Option<PathBuf>,
    /// QUIC: PANTHER's own Ivy include files; the venv's when absent.
    pub include_dir: Option<PathBuf>,
    /// QUIC: picotls (`include/`, `lib/`); the pinned build in the host's cache when
    /// absent.
    pub picotls_dir: Option<PathBuf>,
    /// The Ivy compiler; the project venv's when absent.
    pub ivyc: Option<PathBuf>,
    /// Where compiled tests are kept; the runner's default when absent.
    pub cache_dir: Option<PathBuf>,
    /// How long the tester may run, in seconds, before it is stopped without verdict.
    pub time_limit_s: u64,
    /// minip: the shortest wait before a pong, and before the next ping.
    pub min_delay_ms: u64,
    /// minip: how long a client waits for a pong.
    pub timeout_ms: u64,
    /// minip: how much sooner than the timeout a server answers.
    pub margin_ms: u64,
    /// minip: how long a client under test may stay silent (client test).
    pub quiet_ms: u64,
    /// QUIC: the ALPN the tester offers.
    pub alpn: String,
    /// QUIC: the version of the tester's first packets: 1 (RFC 9000) or a draft's
    /// number.
    pub initial_version: u32,
    /// QUIC: the tester's own connection id (`the_cid`); from the seed when absent.
    pub client_cid: Option<u64>,
    /// QUIC: the connection id the tester first gives the server (`server_cid`); from
    /// the seed when absent.
    pub server_cid: Option<u64>,
    /// QUIC: the path the tester asks the server for.
    pub request_path: String,
    /// QUIC: how long, in ms, the tester may generate and receive nothing before the
    /// exchange is taken as over and the test ends (its final checks then run).
    pub idle_ms: u64,
    /// More parameters of the test, given to it as they are.
    pub params: BTreeMap<String, ParamValue>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            test: None,
            seed: 1,
            iterations: None,
            spec_dir: None,
            include_dir: None,
            picotls_dir: None,
            ivyc: None,
            cache_dir: None,
            time_limit_s: 120,
            min_delay_ms: 20,
            timeout_ms: 500,
            margin_ms: 50,
            quiet_ms: 1000,
            alpn: "hq-interop".to_owned(),
            initial_version: 1,
            client_cid: None,
            server_cid: None,
            request_path: "/index.html".to_owned(),
            idle_ms: 3000,
            params: BTreeMap::new(),
        }
    }
}

impl Config {
    /// Reads a service's `config` table (absent means every default) for a test of
    /// `protocol`; an error names the key at fault.
    pub fn parse(value: &Value, protocol: Protocol) -> Result<Self, PluginError> {
        let config: Self = parse_config(value)?;
        refuse_keys_of(value, protocol.other(), protocol)?;
        config.check(protocol)?;
        Ok(config)
    }

    /// The iterations of the test loop.
    pub fn iterations(&self, protocol: Protocol) -> u64 {
        self.iterations
            .unwrap_or_else(|| protocol.default_iterations())
    }

    /// The tester's own connection id and the one it first gives the server: as set,
    /// else picked by the seed, so that runs of different seeds use different ids.
    pub fn connection_ids(&self) -> (u64, u64) {
        let pick = self.seed % CID_CHOICES;
        (
            self.client_cid.unwrap_or(1 + pick),
            self.server_cid.unwrap_or(1 + CID_CHOICES + pick),
        )
    }

    /// Refuses values out of bounds, timings that leave no legal delay, and names
    /// that are not names.
    fn check(&self, protocol: Protocol) -> Result<(), PluginError> {
        within("seed", self.seed, 0, MAX_SEED)?;
        if let Some(iterations) = self.iterations {
            within("iterations", iterations, 1, MAX_ITERATIONS)?;
        }
        within("time_limit_s", self.time_limit_s, 1, MAX_TIME_LIMIT_S)?;
        self.check_minip_timings()?;
        self.check_quic()?;
        if let Some(test) = &self.test {
            if !is_name(test) {
                return Err(PluginError::new(format!(
                    "config key `test`: '{test}' is not a test name; write the name of a .ivy file of `spec_dir` without `.ivy`, e.g. \"{}\"",
                    protocol.default_test(Role::Client)
                )));
            }
        }
        for (key, path) in [
            ("spec_dir", &self.spec_dir),
            ("include_dir", &self.include_dir),
            ("picotls_dir", &self.picotls_dir),
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
        self.check_params(protocol)
    }

    /// Refuses minip timings that leave no legal delay.
    fn check_minip_timings(&self) -> Result<(), PluginError> {
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
        Ok(())
    }

    /// Refuses an ALPN that is not one, a request path the tester cannot send, and
    /// connection ids the testers refuse or that are the same.
    fn check_quic(&self) -> Result<(), PluginError> {
        let alpn = &self.alpn;
        if alpn.is_empty()
            || alpn.len() > MAX_ALPN_LEN
            || !alpn.chars().all(|c| c.is_ascii_graphic())
        {
            return Err(PluginError::new(format!(
                "config key `alpn`: '{alpn}' is not an ALPN protocol name; write printable ASCII without spaces, e.g. \"hq-interop\" or \"h3\""
            )));
        }
        let path = &self.request_path;
        if !path.starts_with('/')
            || path.len() > MAX_REQUEST_PATH_LEN
            || !path.chars().all(|c| c.is_ascii_graphic())
        {
            return Err(PluginError::new(format!(
                "config key `request_path`: '{path}' is not a path the tester can ask for; write one that starts with `/`, in printable ASCII without spaces, e.g. \"/index.html\""
            )));
        }
        within("idle_ms", self.idle_ms, 1, MAX_MS)?;
        if !QUIC_VERSIONS.contains(&self.initial_version) {
            return Err(PluginError::new(format!(
                "config key `initial_version`: {} is not a version PANTHER's QUIC models speak; write 1 (RFC 9000), or a draft's number: 27, 28, 29 or 34",
                self.initial_version
            )));
        }
        for (key, cid) in [
            ("client_cid", self.client_cid),
            ("server_cid", self.server_cid),
        ] {
            if let Some(cid) = cid {
                within(key, cid, 0, MAX_CID)?;
            }
        }
        let (client, server) = self.connection_ids();
        if client == server {
            return Err(PluginError::new(format!(
                "config key `server_cid`: {server} is the tester's own connection id too (`client_cid`); give the two ends different ids"
            )));
        }
        Ok(())
    }

    /// Refuses parameters that are not names, that the plugin sets itself, and values
    /// that are neither an integer of 0 or more nor a word.
    fn check_params(&self, protocol: Protocol) -> Result<(), PluginError> {
        for (name, value) in &self.params {
            if !is_name(name) {
                return Err(PluginError::new(format!(
                    "config key `params.{name}`: not a parameter name; write letters, digits, `_` and `.`, e.g. \"max_pings\""
                )));
            }
            if COMMON_PARAMS.contains(&name.as_str())
                || protocol.own_params().contains(&name.as_str())
            {
                return Err(PluginError::new(format!(
                    "config key `params.{name}`: set by the plugin; use its own config key (`seed`, `iterations`, `client_cid`, `min_delay_ms`...) or the service's address instead"
                )));
            }
            let readable = match value {
                ParamValue::Integer(_) => true,
                ParamValue::Text(text) => !text.is_empty() && !text.contains(char::is_whitespace),
                ParamValue::Other(_) => false,
            };
            if !readable {
                return Err(PluginError::new(format!(
                    "config key `params.{name}`: '{value}' is not a value the tester reads; write an integer of 0 or more, or a word without spaces"
                )));
            }
        }
        Ok(())
    }
}

/// Refuses the keys of `other`'s own settings in a config for `protocol`.
fn refuse_keys_of(value: &Value, other: Protocol, protocol: Protocol) -> Result<(), PluginError> {
    let Some(table) = value.as_object() else {
        return Ok(());
    };
    match other
        .own_keys()
        .iter()
        .find(|key| table.contains_key(**key))
    {
        Some(key) => Err(PluginError::new(format!(
            "config key `{key}`: a setting of {} tests, and this test's protocol is {}; remove it",
            other.name(),
            protocol.name()
        ))),
        None => Ok(()),
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
                "description": "the Ivy test to run: a .ivy file of spec_dir without `.ivy`; by default minip_server_test when the tester plays the client, minip_client_test when it plays the server; for QUIC one of PANTHER's tests, a quic_server_test_* (quic_tests/server_tests) when the tester plays the client, a quic_client_test_* (quic_tests/client_tests) when it plays the server, by default quic_server_test_stream and quic_client_test_stream"
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
                "description": "the iterations of the test loop (Ivy's test_iters): each action of the tester and each datagram it reads is one; by default 200 for minip and 300 for QUIC (PANTHER's own; a QUIC test whose exchange is over sooner ends after idle_ms)",
                "minimum": 1,
                "maximum": MAX_ITERATIONS
            },
            "spec_dir": {
                "type": "string",
                "description": "the directory of the Ivy specification; by default the one installed beside the plugin for the protocol: ivy/specs/minip, and for QUIC PANTHER's models (protocol-testing/quic of panther-net, linked as ivy/venv/share/panther-ivy/quic)"
            },
            "include_dir": {
                "type": "string",
                "description": "QUIC: PANTHER's own Ivy include files (ivy/include/1.7 of panther-net); by default ivy/venv/share/panther-ivy/include beside the plugin"
            },
            "picotls_dir": {
                "type": "string",
                "description": "QUIC: the picotls the tester is built with, as include/picotls.h and lib/libpicotls-*.a; by default the build of the commit PANTHER pins (047c5fe2) in the host's cache, made by `scripts/build-stacks picotls`"
            },
            "ivyc": {
                "type": "string",
                "description": "the Ivy compiler; by default ivy/venv/bin/ivyc beside the plugin (the project's venv)"
            },
            "cache_dir": {
                "type": "string",
                "description": "where compiled tests are kept; by default $PANTHER_CACHE_DIR/ivy, else ~/.cache/panther-host/ivy"
            },
            "time_limit_s": {
                "type": "integer",
                "description": "how long, in seconds, the tester may run (compiling aside); past it, it is stopped and the verdict is unknown",
                "default": 120,
                "minimum": 1,
                "maximum": MAX_TIME_LIMIT_S
            },
            "min_delay_ms": {
                "type": "integer",
                "description": "minip: the shortest wait, in ms, before a pong and before the next ping (the implementation's own)",
                "default": 20,
                "minimum": 0,
                "maximum": MAX_MS
            },
            "timeout_ms": {
                "type": "integer",
                "description": "minip: how long, in ms, a client waits for a pong (the implementation's own)",
                "default": 500,
                "minimum": 1,
                "maximum": MAX_MS
            },
            "margin_ms": {
                "type": "integer",
                "description": "minip: how much sooner than the timeout, in ms, a server answers; below timeout_ms",
                "default": 50,
                "minimum": 0,
                "maximum": MAX_MS
            },
            "quiet_ms": {
                "type": "integer",
                "description": "minip client test: how long, in ms, the client may stay silent, before its first ping and after its last pong; at least timeout_ms",
                "default": 1000,
                "minimum": 1,
                "maximum": MAX_MS
            },
            "alpn": {
                "type": "string",
                "description": "QUIC: the ALPN protocol the tester offers (TEST_ALPN)",
                "default": "hq-interop"
            },
            "initial_version": {
                "type": "integer",
                "description": "QUIC: the version of the tester's first packets, as PANTHER's models take it: 1 (RFC 9000), or a draft's number (27, 28, 29, 34: the tester speaks 0xff00001b... and the drafts' transport parameters)",
                "default": 1,
                "enum": QUIC_VERSIONS
            },
            "client_cid": {
                "type": "integer",
                "description": "QUIC: the tester's own connection id (the_cid); by default 1 + seed mod 499, so that runs of different seeds against one server use different ids",
                "minimum": 0,
                "maximum": MAX_CID
            },
            "server_cid": {
                "type": "integer",
                "description": "QUIC: the connection id the tester first gives the server (server_cid); by default 500 + seed mod 499",
                "minimum": 0,
                "maximum": MAX_CID
            },
            "request_path": {
                "type": "string",
                "description": "QUIC: the path the tester asks the server for (GET PATH, HTTP/0.9); the server must serve it, or the test's final check (some data received) fails",
                "default": "/index.html"
            },
            "idle_ms": {
                "type": "integer",
                "description": "QUIC: how long, in ms, the tester may generate and receive nothing before the exchange is taken as over: the test loop then ends and the test's final checks run (Ivy's own loop would wait for ever)",
                "default": 3000,
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
    use panther_execution_testing::config_schema::{
        assert_absent_or_empty_parse_to_default, schema_defaults,
    };
    use serde_json::Map;

    use super::*;

    fn minip(value: Value) -> Result<Config, PluginError> {
        Config::parse(&value, Protocol::Minip)
    }

    fn quic(value: Value) -> Result<Config, PluginError> {
        Config::parse(&value, Protocol::Quic)
    }

    #[test]
    fn an_absent_or_empty_config_takes_the_defaults() {
        for protocol in [Protocol::Minip, Protocol::Quic] {
            assert_absent_or_empty_parse_to_default(|value| Config::parse(value, protocol));
        }
        assert_eq!(Config::default().iterations(Protocol::Minip), 200);
        assert_eq!(Config::default().iterations(Protocol::Quic), 300);
    }

    #[test]
    fn reads_every_minip_key() {
        let config = minip(json!({
            "test": "my_test", "seed": 9, "iterations": 50, "spec_dir": "/specs",
            "ivyc": "/venv/bin/ivyc", "cache_dir": "/cache", "time_limit_s": 30,
            "min_delay_ms": 10, "timeout_ms": 300, "margin_ms": 20, "quiet_ms": 600,
            "params": {"max_pings": 3, "mode": "fast"}
        }))
        .unwrap();
        assert_eq!(config.test.as_deref(), Some("my_test"));
        assert_eq!((config.seed, config.iterations(Protocol::Minip)), (9, 50));
        assert_eq!(config.spec_dir, Some(PathBuf::from("/specs")));
        assert_eq!(config.ivyc, Some(PathBuf::from("/venv/bin/ivyc")));
        assert_eq!(config.cache_dir, Some(PathBuf::from("/cache")));
        assert_eq!(config.time_limit_s, 30);
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
    fn reads_every_quic_key() {
        let config = quic(json!({
            "test": "quic_server_test_max", "spec_dir": "/panther/quic",
            "include_dir": "/panther/include", "picotls_dir": "/opt/picotls",
            "alpn": "h3", "initial_version": 29, "client_cid": 7,
            "server_cid": 8, "time_limit_s": 60, "request_path": "/handshake-1.bin"
        }))
        .unwrap();
        assert_eq!(config.request_path, "/handshake-1.bin");
        assert_eq!(config.include_dir, Some(PathBuf::from("/panther/include")));
        assert_eq!(config.picotls_dir, Some(PathBuf::from("/opt/picotls")));
        assert_eq!(config.alpn, "h3");
        assert_eq!(config.initial_version, 29);
        assert_eq!(config.connection_ids(), (7, 8));
        assert_eq!(config.time_limit_s, 60);
    }

    #[test]
    fn connection_ids_follow_the_seed_when_not_set() {
        let ids = |seed: u64| quic(json!({ "seed": seed })).unwrap().connection_ids();
        assert_eq!(ids(1), (2, 501));
        assert_eq!(ids(0), (1, 500));
        assert_eq!(
            ids(2_147_483_647),
            (1 + 2_147_483_647 % 499, 500 + 2_147_483_647 % 499)
        );
        let (client, server) = ids(2_147_483_647);
        assert!(client <= MAX_CID && server <= MAX_CID);
        assert_eq!(
            quic(json!({"seed": 3, "server_cid": 9}))
                .unwrap()
                .connection_ids(),
            (4, 9)
        );
    }

    #[test]
    fn names_an_unknown_key_and_a_key_of_the_wrong_type() {
        let error = minip(json!({"iters": 3})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `iters`: unknown field"),
            "{error}"
        );
        let error = minip(json!({"seed": "one"})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `seed`: invalid type"),
            "{error}"
        );
        let error = quic(json!({"initial_version": 4_294_967_296_u64})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `initial_version`: "),
            "{error}"
        );
        let error = quic(json!({"initial_version": 4_278_190_107_u32})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `initial_version`: 4278190107 is not a version PANTHER's QUIC models speak; write 1 (RFC 9000), or a draft's number: 27, 28, 29 or 34"
        );
    }

    #[test]
    fn refuses_the_other_protocol_s_keys() {
        assert_eq!(
            minip(json!({"alpn": "h3"})).unwrap_err().message(),
            "config key `alpn`: a setting of quic tests, and this test's protocol is minip; remove it"
        );
        assert_eq!(
            quic(json!({"quiet_ms": 1000})).unwrap_err().message(),
            "config key `quiet_ms`: a setting of minip tests, and this test's protocol is quic; remove it"
        );
        assert!(quic(json!({"time_limit_s": 10, "seed": 2})).is_ok());
    }

    #[test]
    fn refuses_values_out_of_bounds() {
        let message = |value: Value| minip(value).unwrap_err().message().to_owned();
        assert_eq!(
            message(json!({"iterations": 0})),
            "config key `iterations`: 0 is outside 1..=1000000"
        );
        assert_eq!(
            message(json!({"seed": 2_147_483_648_u64})),
            "config key `seed`: 2147483648 is outside 0..=2147483647"
        );
        assert_eq!(
            message(json!({"time_limit_s": 0})),
            "config key `time_limit_s`: 0 is outside 1..=86400"
        );
        assert!(message(json!({"margin_ms": 500})).starts_with("config key `margin_ms`: 500"));
        assert!(
            message(json!({"min_delay_ms": 451})).starts_with("config key `min_delay_ms`: 451")
        );
        assert!(message(json!({"quiet_ms": 499})).starts_with("config key `quiet_ms`: 499"));
        assert!(message(json!({"ivyc": ""})).starts_with("config key `ivyc`: must not be empty"));
    }

    #[test]
    fn refuses_quic_values_the_testers_cannot_take() {
        let message = |value: Value| quic(value).unwrap_err().message().to_owned();
        assert_eq!(
            message(json!({"client_cid": 1000})),
            "config key `client_cid`: 1000 is outside 0..=999"
        );
        assert_eq!(
            message(json!({"client_cid": 5, "server_cid": 5})),
            "config key `server_cid`: 5 is the tester's own connection id too (`client_cid`); give the two ends different ids"
        );
        for path in ["", "index.html", "/a b", "/é"] {
            assert!(
                message(json!({ "request_path": path })).starts_with("config key `request_path`: "),
                "{path}"
            );
        }
        for alpn in ["", "two words", "é"] {
            assert!(
                message(json!({ "alpn": alpn })).starts_with("config key `alpn`: "),
                "{alpn}"
            );
        }
        assert!(
            message(json!({"picotls_dir": ""}))
                .starts_with("config key `picotls_dir`: must not be empty")
        );
    }

    #[test]
    fn refuses_a_test_that_is_not_a_name() {
        for test in ["", "../minip_server_test", "minip.ivy/x", "9test", "a b"] {
            let error = minip(json!({ "test": test })).unwrap_err();
            assert!(
                error.message().starts_with("config key `test`: "),
                "{test}: {error}"
            );
        }
        let error = quic(json!({"test": "../x"})).unwrap_err();
        assert!(
            error
                .message()
                .ends_with("e.g. \"quic_server_test_stream\""),
            "{error}"
        );
        assert!(quic(json!({"test": "quic_server_test_stream"})).is_ok());
    }

    #[test]
    fn refuses_bad_and_reserved_params() {
        let message = |params: Value| {
            minip(json!({ "params": params }))
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
            minip(json!({"params": {"mode": true}}))
                .unwrap_err()
                .message()
                .starts_with("config key `params.mode`: ")
        );
        for reserved in ["the_cid", "server_port", "client_addr", "iversion", "iters"] {
            let error = quic(json!({ "params": { reserved: 1 } })).unwrap_err();
            assert!(
                error.message().starts_with(&format!(
                    "config key `params.{reserved}`: set by the plugin"
                )),
                "{error}"
            );
        }
        assert!(quic(json!({"params": {"max_stream_data": 5000, "iut_port": 1}})).is_ok());
    }

    #[test]
    fn names_a_param_that_is_neither_an_integer_nor_a_word() {
        let message = |value: Value| {
            minip(json!({ "params": { "mode": value } }))
                .unwrap_err()
                .message()
                .to_owned()
        };
        assert_eq!(
            message(json!(true)),
            "config key `params.mode`: 'true' is not a value the tester reads; write an integer of 0 or more, or a word without spaces"
        );
        assert!(message(json!(-1)).starts_with("config key `params.mode`: '-1' is not a value"));
        assert!(message(json!(1.5)).starts_with("config key `params.mode`: '1.5' is not a value"));
        assert!(
            message(json!(null)).starts_with("config key `params.mode`: 'null' is not a value")
        );
        assert!(
            message(json!({"a": 1}))
                .starts_with("config key `params.mode`: '{\"a\":1}' is not a value")
        );
    }

    /// Every key of the config.
    const KEYS: [&str; 20] = [
        "alpn",
        "cache_dir",
        "client_cid",
        "idle_ms",
        "include_dir",
        "initial_version",
        "iterations",
        "ivyc",
        "margin_ms",
        "min_delay_ms",
        "params",
        "picotls_dir",
        "quiet_ms",
        "request_path",
        "seed",
        "server_cid",
        "spec_dir",
        "test",
        "time_limit_s",
        "timeout_ms",
    ];

    #[test]
    fn the_schema_lists_every_key_and_no_other() {
        let schema = schema();
        schema_defaults(&schema, &KEYS);
        for protocol in [Protocol::Minip, Protocol::Quic] {
            for key in protocol.own_keys() {
                assert!(schema["properties"].get(*key).is_some(), "{key}");
            }
        }
    }

    #[test]
    fn the_schema_defaults_are_the_config_defaults() {
        let defaults = schema_defaults(&schema(), &KEYS);
        assert_eq!(defaults.len(), 11);
        let (minip_defaults, quic_defaults): (Map<String, Value>, Map<String, Value>) = defaults
            .into_iter()
            .partition(|(key, _)| !Protocol::Quic.own_keys().contains(&key.as_str()));
        assert_eq!(minip(Value::Object(minip_defaults)), Ok(Config::default()));
        assert_eq!(quic(Value::Object(quic_defaults)), Ok(Config::default()));
    }
}
