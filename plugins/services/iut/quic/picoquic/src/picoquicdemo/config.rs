//! The plugins' `config` table: which pinned version of picoquic runs, or a
//! picoquicdemo of one's own.

use std::path::PathBuf;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{Requirement, ServiceRequest};
use panther_quic_interop::StackConfig;

/// The stack both plugins run, as stacks.toml names it.
pub const STACK: &str = "picoquic";
/// The program of a picoquic build.
const PROGRAM: &str = "picoquicdemo";

/// The plugin's `config` table: `version` chooses the build and the flags it takes,
/// `binary` a picoquicdemo of one's own, run with the flags of `version`.
pub type Config = StackConfig;

/// The program to run and what running it needs.
pub fn program(
    config: &Config,
    request: &ServiceRequest,
) -> Result<(PathBuf, Requirement), PluginError> {
    config.program(STACK, PROGRAM, &request.cache_dir)
}

/// The JSON Schema of [`Config`], with its defaults.
pub fn schema() -> serde_json::Value {
    StackConfig::schema(
        STACK,
        "a picoquicdemo of one's own, run with the flags of `version`, instead of the pinned \
         build (absolute under Shadow)",
    )
}
