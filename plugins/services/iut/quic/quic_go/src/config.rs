//! The plugin's `config` table: which pinned build of the endpoint runs, or one's own.

use std::path::PathBuf;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{Requirement, ServiceRequest};
use panther_quic_interop::StackConfig;

/// The stack, as stacks.toml names it.
pub const STACK: &str = "quic_go";

/// The plugin's `config` table: `version` chooses the build, `binary` an endpoint
/// program of one's own.
pub type Config = StackConfig;

/// The endpoint and what running it needs.
pub fn program(
    config: &Config,
    request: &ServiceRequest,
) -> Result<(PathBuf, Requirement), PluginError> {
    config.program(STACK, "quic-go-endpoint", &request.cache_dir)
}

/// The JSON Schema of the `config` table.
pub fn schema() -> serde_json::Value {
    StackConfig::schema(
        STACK,
        "an endpoint program of one's own, built from this plugin's endpoint/ \
         (endpoint/build.sh), instead of the pinned build's",
    )
}
