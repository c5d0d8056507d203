//! The plugin boundary of `panther-host`: the one crate a plugin depends on.
//!
//! A plugin is a `cdylib` holding one component: a service manager (an
//! implementation under test or a tester), a network environment or an execution
//! environment. Its author implements a plain Rust trait on plain data from
//! [`model`] and writes one line, [`export_plugin!`]; the crate does the rest: the
//! abi_stable root module, JSON across the boundary, panics turned into errors.
//!
//! Components are pure planners and judges: they return commands, files and
//! verdicts, and the host runs everything.
//!
//! # Example
//!
//! ```
//! use panther_plugin_api::model::{
//!     CommandSpec, Description, Readiness, Role, ServiceOutcome, ServicePlan,
//!     ServiceRequest, Transport, Verdict, VerdictStatus,
//! };
//! use panther_plugin_api::{PluginError, ServiceManager, export_plugin};
//!
//! /// Runs a UDP echo server (`socat`) as the server of a test.
//! pub struct Echo;
//!
//! impl ServiceManager for Echo {
//!     fn describe() -> Description {
//!         Description {
//!             name: "echo".into(),
//!             description: "a UDP echo server".into(),
//!             protocols: vec!["echo".into()],
//!             roles: vec![Role::Server],
//!             config_schema: serde_json::json!({"type": "object"}),
//!             ..Description::default()
//!         }
//!     }
//!
//!     fn new() -> Result<Self, PluginError> {
//!         Ok(Echo)
//!     }
//!
//!     fn plan(&self, request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
//!         let listen = format!("UDP-LISTEN:{},fork", request.address.port);
//!         let command = CommandSpec::new("socat", [listen.as_str(), "PIPE"]);
//!         Ok(ServicePlan {
//!             ready: Readiness::Port { port: request.address.port, transport: Transport::Udp },
//!             ..ServicePlan::new(command)
//!         })
//!     }
//!
//!     fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, PluginError> {
//!         Ok(match outcome.exit.code {
//!             Some(0) | None if outcome.exit.stopped_by_host => {
//!                 Verdict::new(VerdictStatus::Pass, "served until stopped")
//!             }
//!             _ => Verdict::new(VerdictStatus::Fail, "the echo server stopped by itself"),
//!         })
//!     }
//! }
//!
//! export_plugin!(service_manager: Echo);
//! # fn main() {}
//! ```

pub mod cache;
pub mod component;
pub mod config;
pub mod error;
pub mod ffi;
pub mod model;

mod bridge;
mod export;

pub use component::{ExecutionEnvironment, NetworkEnvironment, ServiceManager};
pub use config::parse_config;
pub use error::PluginError;
pub use serde_json;

/// The version of this crate, which is the version of the plugin ABI.
pub const API_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the export macro expands to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::bridge::{
        execution_environment_module, network_environment_module, service_manager_module,
    };
    pub use abi_stable::library::{
        __call_root_module_loader, CheckTypeLayout, LibHeader, RootModuleResult,
    };
}
