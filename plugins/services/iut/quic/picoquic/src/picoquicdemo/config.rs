//! The plugins' `config` table: which pinned version of picoquic runs, or a
//! picoquicdemo of one's own.

use std::path::PathBuf;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{Requirement, ServiceRequest};
use panther_quic_interop::StackConfig;

/// The program of a picoquic build.
const PROGRAM: &str = "picoquicdemo";

/// The plugin's `config` table: `version` chooses the build and the flags it takes,
/// `binary` a picoquicdemo of one's own, run with the flags of `version`.
pub type Config = StackConfig;

/// The program to run and what running it needs, from the builds of `stack`
/// (stacks.toml's name, which is the plugin's).
pub fn program(
    config: &Config,
    request: &ServiceRequest,
    stack: &str,
) -> Result<(PathBuf, Requirement), PluginError> {
    config.program(stack, PROGRAM, &request.cache_dir)
}

/// The JSON Schema of [`Config`] for the builds of `stack`, with its defaults.
pub fn schema(stack: &str) -> serde_json::Value {
    StackConfig::schema(
        stack,
        "a picoquicdemo of one's own, run with the flags of `version`, instead of the pinned \
         build (absolute under Shadow)",
    )
}
