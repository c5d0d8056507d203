//! The plugins' `config` table: which pinned version of picoquic runs, or a
//! picoquicdemo of one's own.

use std::path::PathBuf;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{Requirement, ServiceRequest};
use panther_quic_interop::stacks::{default_version, stack_program, version_schema};
use serde::Deserialize;

/// The stack both plugins run, as stacks.toml names it.
pub const STACK: &str = "picoquic";
/// The program of a picoquic build.
const PROGRAM: &str = "picoquicdemo";

/// The plugin's `config` table.
#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The pinned version (stacks.toml): which build runs, and which flags it takes.
    pub version: String,
    /// A picoquicdemo of one's own, run with the flags of `version`, instead of the
    /// pinned build.
    pub binary: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            version: default_version(STACK),
            binary: None,
        }
    }
}

impl Config {
    /// The program to run and what running it needs: the pinned build of `version`
    /// in the host's cache, with the command that builds it, or `binary`.
    pub fn program(&self, request: &ServiceRequest) -> Result<(PathBuf, Requirement), PluginError> {
        stack_program(
            STACK,
            &self.version,
            PROGRAM,
            self.binary.as_deref(),
            "binary",
            &request.cache_dir,
        )
    }
}

/// The JSON Schema of [`Config`], with its defaults.
pub fn schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "version": version_schema(STACK),
            "binary": {
                "type": "string",
                "description": "a picoquicdemo of one's own, run with the flags of `version`, instead of the pinned build (absolute under Shadow)"
            }
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use panther_plugin_api::model::Role;
    use panther_plugin_api::parse_config;
    use panther_quic_interop::golden::request;
    use serde_json::json;

    #[test]
    fn the_schema_default_is_the_config_default() {
        let default = schema()["properties"]["version"]["default"].clone();
        let config: Config = parse_config(&json!({ "version": default })).unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(Config::default().version, "rfc9000");
    }

    #[test]
    fn a_bad_key_is_refused_naming_the_key() {
        let unknown = parse_config::<Config>(&json!({"binray": "/opt/picoquicdemo"})).unwrap_err();
        assert!(
            unknown.message().contains("`binray`"),
            "{}",
            unknown.message()
        );
    }

    #[test]
    fn the_pinned_build_is_found_in_the_cache_and_binary_overrides_it() {
        let server = request(Role::Server, "handshake");
        let (path, requirement) = Config::default().program(&server).unwrap();
        assert!(
            path.starts_with(server.cache_dir.join("stacks/picoquic")),
            "{}",
            path.display()
        );
        assert!(path.ends_with("bin/picoquicdemo"));
        assert!(
            requirement
                .how_to_get
                .contains("scripts/build-stacks picoquic@rfc9000"),
            "{}",
            requirement.how_to_get
        );
        let own = Config {
            binary: Some(PathBuf::from("/opt/picoquicdemo")),
            ..Config::default()
        };
        let (path, requirement) = own.program(&server).unwrap();
        assert_eq!(path, Path::new("/opt/picoquicdemo"));
        assert!(requirement.what.contains("`binary`"));
    }
}
