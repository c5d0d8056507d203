//! The plugin's `config` table: its schema, its defaults and its checks.

use std::path::PathBuf;

use panther_gperf::settings::{
    DEFAULT_PPROF, check_library, check_pprof, fail_without_profile_property, library_property,
    pprof_property,
};
use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};

/// Where Debian's libgoogle-perftools4 installs tcmalloc with its heap profiler.
pub const DEFAULT_LIBRARY: &str = "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4";

/// The environment's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The tcmalloc library preloaded into the program.
    pub library: PathBuf,
    /// The google-pprof program making the text report.
    pub pprof: PathBuf,
    /// Whether a missing profile fails the test.
    pub fail_without_profile: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            library: PathBuf::from(DEFAULT_LIBRARY),
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
        Ok(config)
    }
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "library": library_property("tcmalloc with gperftools' heap profiler (libtcmalloc)", DEFAULT_LIBRARY),
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
            "library": "/opt/gperftools/lib/libtcmalloc.so",
            "pprof": "/opt/gperftools/bin/pprof",
            "fail_without_profile": true
        }))
        .unwrap();
        assert_eq!(
            config,
            Config {
                library: PathBuf::from("/opt/gperftools/lib/libtcmalloc.so"),
                pprof: PathBuf::from("/opt/gperftools/bin/pprof"),
                fail_without_profile: true,
            }
        );
    }

    #[test]
    fn names_the_key_at_fault() {
        let error = Config::parse(&json!({"interval_bytes": 1048576})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `interval_bytes`: unknown field"),
            "{error}"
        );
        let error = Config::parse(&json!({"fail_without_profile": "yes"})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `fail_without_profile`: invalid type"),
            "{error}"
        );
        let error = Config::parse(&json!({"library": "libtcmalloc.so.4"})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `library`: 'libtcmalloc.so.4' is not an absolute path; write e.g. \"/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4\""
        );
        let error = Config::parse(&json!({"pprof": "bin/pprof"})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `pprof`: 'bin/pprof' is not an absolute path; write e.g. \"/usr/bin/google-pprof\""
        );
    }

    #[test]
    fn the_schema_defaults_are_the_config_defaults() {
        assert_schema_defaults_parse_to_default(
            &schema(),
            &["library", "pprof", "fail_without_profile"],
            Config::parse,
        );
    }
}
