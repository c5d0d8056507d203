//! The plugin side of the boundary, used by [`crate::export_plugin!`]: turns a plain
//! Rust component into the root module and FFI objects, and keeps every panic on the
//! plugin's side of the boundary.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Once, OnceLock};

use abi_stable::prefix_type::PrefixTypeTrait;
use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{RResult, RStr, RString};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::PluginError;
use crate::component::{ExecutionEnvironment, NetworkEnvironment, ServiceManager};
use crate::ffi::{
    ExecutionEnvironmentBox, ExecutionEnvironmentFfi, ExecutionEnvironmentFfi_TO, JsonResult,
    LaunchCall, NetworkEnvironmentBox, NetworkEnvironmentFfi, NetworkEnvironmentFfi_TO,
    PluginModule, PluginModuleRef, ServiceManagerBox, ServiceManagerFfi, ServiceManagerFfi_TO,
};
use crate::model::{BuildInfo, ComponentKind, Description, Manifest};

static PLUGIN_VERSION: OnceLock<&'static str> = OnceLock::new();
static QUIET_PANIC_HOOK: Once = Once::new();

thread_local! {
    static IN_GUARD: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `body`, turning a panic into an error that says where it happened.
fn guard<R>(body: impl FnOnce() -> Result<R, PluginError>) -> Result<R, PluginError> {
    QUIET_PANIC_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_GUARD.with(Cell::get) {
                let place = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let text = format!("panicked{place}: {}", payload_text(info.payload()));
                LAST_PANIC.with(|last| *last.borrow_mut() = Some(text));
            } else {
                previous(info);
            }
        }));
    });
    let was_guarded = IN_GUARD.with(|g| g.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(body));
    IN_GUARD.with(|g| g.set(was_guarded));
    outcome.unwrap_or_else(|payload| {
        let text = LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| format!("panicked: {}", payload_text(payload.as_ref())));
        Err(PluginError::new(text))
    })
}

fn payload_text(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a non-text panic payload")
}

fn to_ffi<R: Serialize>(result: Result<R, PluginError>) -> JsonResult {
    result
        .and_then(|answer| serde_json::to_string(&answer).map_err(PluginError::from))
        .map(RString::from)
        .map_err(|error| RString::from(error.message()))
        .into()
}

/// Decodes a JSON request, calls `method` on it under [`guard`], encodes the answer.
fn call<Q, R>(input: RStr<'_>, method: impl FnOnce(&Q) -> Result<R, PluginError>) -> JsonResult
where
    Q: DeserializeOwned,
    R: Serialize,
{
    to_ffi(guard(|| {
        let request: Q = serde_json::from_str(input.as_str()).map_err(|error| {
            PluginError::new(format!(
                "this plugin cannot read the host's request: {error}"
            ))
        })?;
        method(&request)
    }))
}

fn construct<T, B>(new: fn() -> Result<T, PluginError>, wrap: fn(T) -> B) -> RResult<B, RString> {
    guard(new)
        .map(wrap)
        .map_err(|error| RString::from(error.message()))
        .into()
}

extern "C" fn build_info() -> RString {
    serde_json::to_string(&BuildInfo::current())
        .unwrap_or_default()
        .into()
}

fn manifest(describe: fn() -> Description, kind: ComponentKind) -> JsonResult {
    to_ffi(guard(|| {
        let version = PLUGIN_VERSION.get().copied().unwrap_or("0.0.0");
        Ok(Manifest::new(
            describe(),
            kind,
            version,
            BuildInfo::current(),
        ))
    }))
}

fn module(
    version: &'static str,
    manifest: extern "C" fn() -> JsonResult,
    fill: impl FnOnce(&mut PluginModule),
) -> PluginModuleRef {
    // The root module is built once per process, so the version is set once.
    let _ = PLUGIN_VERSION.set(version);
    let mut module = PluginModule {
        build_info,
        manifest,
        new_service_manager: None,
        new_network_environment: None,
        new_execution_environment: None,
    };
    fill(&mut module);
    module.leak_into_prefix()
}

struct ServiceManagerBridge<T>(T);

impl<T: ServiceManager> ServiceManagerFfi for ServiceManagerBridge<T> {
    fn plan(&self, request: RStr<'_>) -> JsonResult {
        call(request, |r| self.0.plan(r))
    }

    fn judge(&self, outcome: RStr<'_>) -> JsonResult {
        call(outcome, |o| self.0.judge(o))
    }
}

extern "C" fn service_manager_manifest<T: ServiceManager>() -> JsonResult {
    manifest(T::describe, ComponentKind::ServiceManager)
}

extern "C" fn new_service_manager<T: ServiceManager>() -> RResult<ServiceManagerBox, RString> {
    construct(T::new, |t| {
        ServiceManagerFfi_TO::from_value(ServiceManagerBridge(t), TD_Opaque)
    })
}

/// The root module of a service manager plugin.
pub fn service_manager_module<T: ServiceManager>(version: &'static str) -> PluginModuleRef {
    module(version, service_manager_manifest::<T>, |m| {
        m.new_service_manager = Some(new_service_manager::<T>);
    })
}

struct NetworkEnvironmentBridge<T>(T);

impl<T: NetworkEnvironment> NetworkEnvironmentFfi for NetworkEnvironmentBridge<T> {
    fn deploy(&self, request: RStr<'_>) -> JsonResult {
        // A launch request is recognised first; anything else is read as a deployment
        // request, so that its errors name that request's own fields.
        if let Ok(LaunchCall { launch }) = serde_json::from_str(request.as_str()) {
            return to_ffi(guard(|| self.0.launch(&launch)));
        }
        call(request, |r| self.0.deploy(r))
    }
}

extern "C" fn network_environment_manifest<T: NetworkEnvironment>() -> JsonResult {
    manifest(T::describe, ComponentKind::NetworkEnvironment)
}

extern "C" fn new_network_environment<T: NetworkEnvironment>()
-> RResult<NetworkEnvironmentBox, RString> {
    construct(T::new, |t| {
        NetworkEnvironmentFfi_TO::from_value(NetworkEnvironmentBridge(t), TD_Opaque)
    })
}

/// The root module of a network environment plugin.
pub fn network_environment_module<T: NetworkEnvironment>(version: &'static str) -> PluginModuleRef {
    module(version, network_environment_manifest::<T>, |m| {
        m.new_network_environment = Some(new_network_environment::<T>);
    })
}

struct ExecutionEnvironmentBridge<T>(T);

impl<T: ExecutionEnvironment> ExecutionEnvironmentFfi for ExecutionEnvironmentBridge<T> {
    fn wrap(&self, request: RStr<'_>) -> JsonResult {
        call(request, |r| self.0.wrap(r))
    }

    fn findings(&self, request: RStr<'_>) -> JsonResult {
        call(request, |r| self.0.findings(r))
    }
}

extern "C" fn execution_environment_manifest<T: ExecutionEnvironment>() -> JsonResult {
    manifest(T::describe, ComponentKind::ExecutionEnvironment)
}

extern "C" fn new_execution_environment<T: ExecutionEnvironment>()
-> RResult<ExecutionEnvironmentBox, RString> {
    construct(T::new, |t| {
        ExecutionEnvironmentFfi_TO::from_value(ExecutionEnvironmentBridge(t), TD_Opaque)
    })
}

/// The root module of an execution environment plugin.
pub fn execution_environment_module<T: ExecutionEnvironment>(
    version: &'static str,
) -> PluginModuleRef {
    module(version, execution_environment_manifest::<T>, |m| {
        m.new_execution_environment = Some(new_execution_environment::<T>);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_naming_its_place() {
        let error = guard::<()>(|| panic!("boom")).unwrap_err();
        assert!(error.message().starts_with("panicked at "), "{error}");
        assert!(error.message().ends_with(": boom"), "{error}");
    }

    #[test]
    fn an_unreadable_request_is_an_error_not_a_panic() {
        let answer = call(RStr::from("{not json"), |_: &serde_json::Value| Ok(1));
        let message = answer.into_result().unwrap_err();
        assert!(message.as_str().contains("cannot read the host's request"));
    }
}
