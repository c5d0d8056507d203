//! The ABI: one abi_stable root module per plugin and one `#[sabi_trait]` object per
//! kind of component. Every payload is JSON text of the types in [`crate::model`].
//!
//! Only append to these types within 1.x: new prefix fields after the last one, new
//! trait methods after the last one, each with a default on the host side.

// abi_stable 0.11's `#[sabi_trait]` expands to impls inside a const item.
#![allow(non_local_definitions)]

use abi_stable::library::RootModule;
use abi_stable::sabi_types::VersionStrings;
use abi_stable::std_types::{RBox, RResult, RStr, RString};
use abi_stable::{StableAbi, declare_root_module_statics, package_version_strings, sabi_trait};

/// A JSON answer, or an error message.
pub type JsonResult = RResult<RString, RString>;

/// A service manager across the boundary; methods take and return JSON.
#[sabi_trait]
pub trait ServiceManagerFfi: Send + Sync {
    /// `ServiceRequest` in, `ServicePlan` out.
    fn plan(&self, request: RStr<'_>) -> JsonResult;

    /// `ServiceOutcome` in, `Verdict` out.
    #[sabi(last_prefix_field)]
    fn judge(&self, outcome: RStr<'_>) -> JsonResult;
}

/// A network environment across the boundary; methods take and return JSON.
#[sabi_trait]
pub trait NetworkEnvironmentFfi: Send + Sync {
    /// `NetworkRequest` in, `Deployment` out.
    #[sabi(last_prefix_field)]
    fn deploy(&self, request: RStr<'_>) -> JsonResult;

    /// `LaunchRequest` in, `Option<Launcher>` out (since 1.2.0; a plugin built before
    /// answers `null`: the host starts each service).
    fn launch(&self, request: RStr<'_>) -> JsonResult {
        let _ = request;
        RResult::ROk(RString::from("null"))
    }
}

/// An execution environment across the boundary; methods take and return JSON.
#[sabi_trait]
pub trait ExecutionEnvironmentFfi: Send + Sync {
    /// `WrapRequest` in, `WrappedCommand` out.
    fn wrap(&self, request: RStr<'_>) -> JsonResult;

    /// `FindingsRequest` in, `ExecutionFindings` out.
    #[sabi(last_prefix_field)]
    fn findings(&self, request: RStr<'_>) -> JsonResult;
}

/// An owned service manager object.
pub type ServiceManagerBox = ServiceManagerFfi_TO<'static, RBox<()>>;
/// An owned network environment object.
pub type NetworkEnvironmentBox = NetworkEnvironmentFfi_TO<'static, RBox<()>>;
/// An owned execution environment object.
pub type ExecutionEnvironmentBox = ExecutionEnvironmentFfi_TO<'static, RBox<()>>;

/// The root module every plugin exports. Exactly one constructor is present: the one
/// of the plugin's kind; it makes the component or says why it cannot.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = PluginModuleRef)))]
#[sabi(missing_field(panic))]
pub struct PluginModule {
    /// JSON of `BuildInfo`; generated code that never fails, so the host calls it
    /// first and refuses a foreign build before any of the author's code runs.
    pub build_info: extern "C" fn() -> RString,
    /// JSON of `Manifest`.
    pub manifest: extern "C" fn() -> JsonResult,
    /// The constructor of a service manager plugin.
    pub new_service_manager: Option<extern "C" fn() -> RResult<ServiceManagerBox, RString>>,
    /// The constructor of a network environment plugin.
    pub new_network_environment: Option<extern "C" fn() -> RResult<NetworkEnvironmentBox, RString>>,
    /// The constructor of an execution environment plugin.
    #[sabi(last_prefix_field)]
    pub new_execution_environment:
        Option<extern "C" fn() -> RResult<ExecutionEnvironmentBox, RString>>,
}

impl RootModule for PluginModuleRef {
    declare_root_module_statics! {PluginModuleRef}
    const BASE_NAME: &'static str = "panther_plugin";
    const NAME: &'static str = "panther plugin";
    const VERSION_STRINGS: VersionStrings = package_version_strings!();
}
