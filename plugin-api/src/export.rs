//! The one macro a plugin author writes.

/// Exports a component as this library's plugin: `export_plugin!(service_manager: T)`,
/// `export_plugin!(network_environment: T)` or `export_plugin!(execution_environment: T)`.
///
/// It writes the abi_stable root module, takes the plugin's version from its
/// `Cargo.toml`, and routes every call through a guard that turns panics into errors.
/// Use it once per library (`crate-type = ["cdylib"]`).
#[macro_export]
macro_rules! export_plugin {
    (service_manager: $component:ty) => {
        $crate::__export_root_module!($crate::__private::service_manager_module::<$component>);
    };
    (network_environment: $component:ty) => {
        $crate::__export_root_module!($crate::__private::network_environment_module::<$component>);
    };
    (execution_environment: $component:ty) => {
        $crate::__export_root_module!(
            $crate::__private::execution_environment_module::<$component>
        );
    };
}

/// Writes the exported static abi_stable looks up, as its `export_root_module`
/// attribute would.
#[doc(hidden)]
#[macro_export]
macro_rules! __export_root_module {
    ($module:path) => {
        #[doc(hidden)]
        #[unsafe(no_mangle)]
        pub static _1as_0lib_1header_0root_bmodule_bloader: $crate::__private::LibHeader = {
            extern "C" fn load_root_module() -> $crate::__private::RootModuleResult {
                $crate::__private::__call_root_module_loader(|| {
                    $module(::core::env!("CARGO_PKG_VERSION"))
                })
            }
            // SAFETY: the constructor returns the module type named here.
            unsafe {
                $crate::__private::LibHeader::from_constructor::<$crate::ffi::PluginModuleRef>(
                    load_root_module,
                    $crate::__private::CheckTypeLayout::Yes,
                )
            }
        };
    };
}
