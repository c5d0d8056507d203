//! The plugin's `config` table: its schema, its defaults and its checks.

use std::path::PathBuf;

use panther_gperf::settings::{
    DEFAULT_PPROF, check_library, check_pprof, fail_without_profile_property, library_property,
    pprof_property,
};
use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};

/// Where Debian's libgoogle-perftools4 installs the CPU profiler.
pub const DEFAULT_LIBRARY: &str = "/usr/lib/x86_64-linux-gnu/libprofiler.so.0";
/// gperftools' own default sampling frequency.
const DEFAULT_FREQUENCY: u32 = 100;
/// The highest frequency gperftools takes (`ProfileHandler::kMaxFrequency`).
const MAX_FREQUENCY: u32 = 4000;

/// The environment's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The profiler library preloaded into the program.
    pub library: PathBuf,
    /// Samples per second (`CPUPROFILE_FREQUENCY`).
    pub frequency: u32,
    /// The google-pprof program making the text report.
    pub pprof: PathBuf,
    /// Whether a missing or empty profile fails the test.
    pub fail_without_profile: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            library: PathBuf::from(DEFAULT_LIBRARY),
            frequency: DEFAULT_FREQUENCY,
            pprof: PathBuf::from(DEFAULT_PPROF),
            fail_without_profile: false,
        }
    }
}

impl Config {
    /// Reads the `config` table (absent means every default); an error names the
    /// key at fault.
    pub fn parse(value: &Value) -> Result<Self, PluginError> {
        let config: Self = parse_config(value)?;
        check_library(&config.library, DEFAULT_LIBRARY)?;
        check_pprof(&config.pprof)?;
        if !(1..=MAX_FREQUENCY).contains(&config.frequency) {
            return Err(PluginError::new(format!(
                "config key `frequency`: {} is out of range; write a number of samples per second from 1 to {MAX_FREQUENCY}",
                config.frequency
            )));
        }
        Ok(config)
    }
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "library": library_property("gperftools' CPU profiler (libprofiler)", DEFAULT_LIBRARY),
            "frequency": {
                "type": "integer",
                "description": "samples per second (CPUPROFILE_FREQUENCY); the kernel's timer may deliver fewer",
                "default": DEFAULT_FREQUENCY,
                "minimum": 1,
                "maximum": MAX_FREQUENCY
            },
            "pprof": pprof_property(),
            "fail_without_profile": fail_without_profile_property()
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use panther_execution_testing::config_schema::{
        assert_absent_or_empty_parse_to_default, assert_schema_defaults_parse_to_default,
    };

    use super::*;

    #[test]
    fn an_absent_or_empty_config_takes_the_defaults() {
        assert_absent_or_empty_parse_to_default(Config::parse);
    }

    #[test]
    fn reads_every_key() {
        let config = Config::parse(&json!({
            "library": "/opt/gperftools/lib/libprofiler.so",
            "frequency": 250,
            "pprof": "/opt/gperftools/bin/pprof",
            "fail_without_profile": true
        }))
        .unwrap();
        assert_eq!(
            config,
            Config {
                library: PathBuf::from("/opt/gperftools/lib/libprofiler.so"),
                frequency: 250,
                pprof: PathBuf::from("/opt/gperftools/bin/pprof"),
                fail_without_profile: true,
            }
        );
    }

    #[test]
    fn names_the_key_at_fault() {
        let error = Config::parse(&json!({"interval": 3})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `interval`: unknown field"),
            "{error}"
        );
        let error = Config::parse(&json!({"frequency": "fast"})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `frequency`: invalid type"),
            "{error}"
        );
        let error = Config::parse(&json!({"frequency": 0})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `frequency`: 0 is out of range; write a number of samples per second from 1 to 4000"
        );
        let error = Config::parse(&json!({"frequency": 5000})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `frequency`: 5000 is out of range; write a number of samples per second from 1 to 4000"
        );
        let error = Config::parse(&json!({"library": "libprofiler.so.0"})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `library`: 'libprofiler.so.0' is not an absolute path; write e.g. \"/usr/lib/x86_64-linux-gnu/libprofiler.so.0\""
        );
        let error = Config::parse(&json!({"pprof": "pprof"})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `pprof`: 'pprof' is not an absolute path; write e.g. \"/usr/bin/google-pprof\""
        );
    }

    #[test]
    fn the_schema_defaults_are_the_config_defaults() {
        assert_schema_defaults_parse_to_default(
            &schema(),
            &["library", "frequency", "pprof", "fail_without_profile"],
            Config::parse,
        );
    }
}
