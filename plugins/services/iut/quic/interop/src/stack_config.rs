//! The `config` table of a pinned stack whose one program plays both roles: which
//! version runs, or a program of one's own.

use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::Requirement;
use serde::Deserialize;

use panther_stacks::{VERSION_KEY, default_version, stack_program, version_schema};

/// The config key that names a program of one's own.
const BINARY_KEY: &str = "binary";

/// The `config` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StackConfig {
    /// The pinned version (stacks.toml) whose build runs; the stack's default one when
    /// absent.
    pub version: Option<String>,
    /// A program of one's own, instead of the pinned build's.
    pub binary: Option<PathBuf>,
}

impl StackConfig {
    /// The version it names, or `stack`'s default one.
    pub fn version_of(&self, stack: &str) -> String {
        self.version
            .clone()
            .unwrap_or_else(|| default_version(stack))
    }

    /// `program` of `stack` and what running it needs: the pinned build's in the
    /// host's cache directory `cache_dir`, or `binary`.
    pub fn program(
        &self,
        stack: &str,
        program: &str,
        cache_dir: &Path,
    ) -> Result<(PathBuf, Requirement), PluginError> {
        stack_program(
            stack,
            &self.version_of(stack),
            program,
            self.binary.as_deref(),
            BINARY_KEY,
            cache_dir,
        )
    }

    /// The JSON Schema of the table for `stack`, `binary` described as `binary`.
    pub fn schema(stack: &str, binary: &str) -> serde_json::Value {
        serde_json::json!({
            "type": "object",
            "properties": {
                VERSION_KEY: version_schema(stack),
                BINARY_KEY: { "type": "string", "description": binary }
            },
            "additionalProperties": false
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use panther_plugin_api::parse_config;
    use serde_json::json;

    #[test]
    fn the_schema_default_is_what_no_version_means() {
        let schema = StackConfig::schema("mvfst", "hq");
        let default = schema["properties"]["version"]["default"].clone();
        let named: StackConfig = parse_config(&json!({ "version": default })).unwrap();
        assert_eq!(
            named.version_of("mvfst"),
            StackConfig::default().version_of("mvfst")
        );
        assert_eq!(StackConfig::default().version_of("mvfst"), "rfc9000");
    }

    #[test]
    fn binary_replaces_the_pinned_build_and_a_bad_key_is_named() {
        let cache = Path::new("/cache");
        let pinned = StackConfig::default()
            .program("mvfst", "hq", cache)
            .unwrap();
        assert!(
            pinned.0.starts_with("/cache/stacks/mvfst"),
            "{}",
            pinned.0.display()
        );
        let own = StackConfig {
            binary: Some(PathBuf::from("/opt/hq")),
            ..StackConfig::default()
        };
        let (path, needs) = own.program("mvfst", "hq", cache).unwrap();
        assert_eq!(path, Path::new("/opt/hq"));
        assert!(needs.what.contains("`binary`"), "{}", needs.what);
        let error = parse_config::<StackConfig>(&json!({ "binray": "/x" })).unwrap_err();
        assert!(error.message().contains("`binray`"), "{}", error.message());
    }
}
