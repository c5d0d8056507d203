//! The ABI: one abi_stable root module per plugin and one `#[sabi_trait]` object per
//! kind of component. Every payload is JSON text of the types in [`crate::model`].
//!
//! These types never change within 1.x. abi_stable checks, when it loads a plugin,
//! that every prefix type of the plugin (the root module, each trait object's vtable)
//! has at least the fields of the host's: a field or a method appended here would make
//! every plugin built before it unloadable. A call added in a later 1.x release travels
//! instead as JSON through an existing method, and the host makes it only to plugins
//! whose `BuildInfo::api_version` has it ([`LaunchCall`]). The layout is pinned by a
//! test against `abi/layout.txt`.

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
    /// `NetworkRequest` in, `Deployment` out; since 1.2.0 also a [`LaunchCall`] in,
    /// `Option<Launcher>` out.
    #[sabi(last_prefix_field)]
    fn deploy(&self, request: RStr<'_>) -> JsonResult;
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

/// A launch request as it travels through a network environment's `deploy` method
/// (since 1.2.0): `{"launch": LaunchRequest}` in, `Option<Launcher>` out. A plain
/// `NetworkRequest` is a deployment request, in every 1.x release.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchCall {
    /// The request.
    pub launch: crate::model::LaunchRequest,
}

/// The first plugin-api release (major, minor) whose network environments answer a
/// [`LaunchCall`]; the host asks no plugin built before it.
pub const LAUNCH_SINCE: (u64, u64) = (1, 2);

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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::fmt::Write;
    use std::path::Path;

    use abi_stable::StableAbi;
    use abi_stable::type_layout::TypeLayout;

    use super::PluginModuleRef;

    /// Every type of this crate reachable from the root module, with its fields in
    /// order: what abi_stable compares when it loads a plugin.
    fn layout_text() -> String {
        let mut text = String::new();
        let mut seen = BTreeSet::new();
        describe(PluginModuleRef::LAYOUT, &mut seen, &mut text);
        text
    }

    fn describe(layout: &'static TypeLayout, seen: &mut BTreeSet<usize>, text: &mut String) {
        // Each instance of a generic type has a layout of its own, under one name.
        if !seen.insert(std::ptr::from_ref(layout) as usize) {
            return;
        }
        let name = layout.full_type().to_string();
        if layout.package() == "panther-plugin-api" {
            let _ = writeln!(
                text,
                "{name} (size {}, align {}):",
                layout.size(),
                layout.alignment()
            );
            for field in layout.get_fields().into_iter().flatten() {
                let _ = writeln!(text, "    {}: {}", field.name(), field.layout().full_type());
                for function in field.function_range() {
                    let signature = function.to_string();
                    let words: Vec<&str> = signature.split_whitespace().collect();
                    let _ = writeln!(text, "        {}", words.join(" "));
                }
            }
        }
        for referenced in layout.shared_vars().type_layouts() {
            describe(referenced(), seen, text);
        }
    }

    #[test]
    fn the_abi_is_the_one_every_1_x_plugin_was_built_against() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("abi/layout.txt");
        let now = layout_text();
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &now).unwrap();
        }
        let pinned = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            now == pinned,
            "the plugin ABI changed (see {}): abi_stable refuses a plugin whose root module \
             or vtables are shorter than the host's, so this would lock out every plugin \
             built before; send new calls as JSON through the existing methods instead.\n\
             now:\n{now}",
            path.display()
        );
    }
}
