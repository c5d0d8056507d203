//! The plugin's `config` table: which pinned build of proxygen's `hq` runs, or one's
//! own.

use std::path::PathBuf;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{Requirement, ServiceRequest};
use panther_quic_interop::StackConfig;

/// The stack, as stacks.toml names it.
pub const STACK: &str = "mvfst";

/// The plugin's `config` table: `version` chooses the build, `binary` an `hq` of
/// one's own.
pub type Config = StackConfig;

/// `hq` and what running it needs.
pub fn program(
    config: &Config,
    request: &ServiceRequest,
) -> Result<(PathBuf, Requirement), PluginError> {
    config.program(STACK, "hq", &request.cache_dir)
}

/// The JSON Schema of the `config` table.
pub fn schema() -> serde_json::Value {
    StackConfig::schema(
        STACK,
        "proxygen's hq program of one's own (proxygen/httpserver/samples/hq), HTTP over \
         mvfst, client and server, instead of the pinned build's",
    )
}
