//! Loads a plugin into this process and checks, in order, that it was built for this
//! host, before any of its author's code runs.

use std::path::Path;

use abi_stable::library::{LibHeader, LibraryError, lib_header_from_path};
use abi_stable::std_types::RString;
use panther_plugin_api::API_VERSION;
use panther_plugin_api::ffi::PluginModuleRef;
use panther_plugin_api::model::{BuildInfo, ComponentKind, Manifest};

use super::Refusal;
use super::component::{Component, NetworkEnvironmentHandle};
use super::elf_check;

/// A plugin loaded into this process. Libraries are never unloaded.
#[derive(Clone, Copy)]
pub struct LoadedPlugin {
    module: PluginModuleRef,
}

impl LoadedPlugin {
    /// Checks and loads the file, then reads its manifest.
    pub fn load(path: &Path) -> Result<(Self, Manifest), Refusal> {
        elf_check::check(path)?;
        let header = lib_header_from_path(path).map_err(describe_library_error)?;
        check_api_version(header)?;
        let module = header
            .init_root_module::<PluginModuleRef>()
            .map_err(describe_library_error)?;
        let plugin = Self { module };
        check_build(&plugin.build_info()?)?;
        let manifest = plugin.manifest()?;
        if !plugin.has_constructor(manifest.kind) {
            return Err(Refusal::new(format!(
                "its manifest says it is a {} but it exports no {} constructor",
                manifest.kind, manifest.kind
            )));
        }
        Ok((plugin, manifest))
    }

    fn build_info(&self) -> Result<BuildInfo, Refusal> {
        let json = (self.module.build_info())();
        serde_json::from_str(&json)
            .map_err(|e| Refusal::new(format!("its build information is not readable: {e}")))
    }

    fn manifest(&self) -> Result<Manifest, Refusal> {
        let json = (self.module.manifest())()
            .into_result()
            .map_err(|e| Refusal::new(format!("its manifest call failed: {e}")))?;
        let manifest: Manifest = serde_json::from_str(&json)
            .map_err(|e| Refusal::new(format!("its manifest is not valid: {e}")))?;
        if manifest.name.trim().is_empty() {
            return Err(Refusal::new("its manifest has an empty name"));
        }
        Ok(manifest)
    }

    fn has_constructor(&self, kind: ComponentKind) -> bool {
        match kind {
            ComponentKind::ServiceManager => self.module.new_service_manager().is_some(),
            ComponentKind::NetworkEnvironment => self.module.new_network_environment().is_some(),
            ComponentKind::ExecutionEnvironment => {
                self.module.new_execution_environment().is_some()
            }
        }
    }

    /// Makes the component, or says why the plugin's constructor refused.
    pub fn instantiate(&self, manifest: &Manifest) -> Result<Component, Refusal> {
        let kind = manifest.kind;
        let refused = |e: RString| Refusal::new(format!("its constructor failed: {e}"));
        let missing = || Refusal::new(format!("it exports no {kind} constructor"));
        Ok(match kind {
            ComponentKind::ServiceManager => {
                let new = self.module.new_service_manager().ok_or_else(missing)?;
                Component::ServiceManager(new().into_result().map_err(refused)?.into())
            }
            ComponentKind::NetworkEnvironment => {
                let new = self.module.new_network_environment().ok_or_else(missing)?;
                let object = new().into_result().map_err(refused)?;
                Component::NetworkEnvironment(NetworkEnvironmentHandle::new(
                    object,
                    &manifest.build.api_version,
                ))
            }
            ComponentKind::ExecutionEnvironment => {
                let new = self
                    .module
                    .new_execution_environment()
                    .ok_or_else(missing)?;
                Component::ExecutionEnvironment(new().into_result().map_err(refused)?.into())
            }
        })
    }
}

/// The release (major, minor) of a plugin-API version: "1.2.0" is (1, 2). A minor
/// number that is missing or not a number counts as 0; `None` when the major number
/// is not a number.
pub(super) fn api_release(version: &str) -> Option<(u64, u64)> {
    let mut numbers = version.split('.');
    let major = numbers.next()?.parse().ok()?;
    let minor = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

/// The major number of a plugin-API version; plugins are loaded when theirs is this
/// host's.
fn api_major(version: &str) -> Option<u64> {
    api_release(version).map(|(major, _)| major)
}

fn check_api_version(header: &LibHeader) -> Result<(), Refusal> {
    let theirs = header.version_strings().version.as_str();
    let ours = api_major(API_VERSION);
    if api_major(theirs) != ours {
        let major = ours.map_or_else(|| API_VERSION.to_owned(), |major| major.to_string());
        return Err(Refusal::new(format!(
            "built against panther-plugin-api {theirs}, but this host speaks \
             panther-plugin-api {API_VERSION}: rebuild the plugin against \
             panther-plugin-api {major}.x"
        )));
    }
    Ok(())
}

fn check_build(theirs: &BuildInfo) -> Result<(), Refusal> {
    let ours = BuildInfo::current();
    if theirs.target != ours.target {
        return Err(Refusal::new(format!(
            "built for target {}, but this host is {}: rebuild the plugin for {}",
            theirs.target, ours.target, ours.target
        )));
    }
    Ok(())
}

/// Turns abi_stable's multi-line errors into one line a user can act on.
fn describe_library_error(error: LibraryError) -> Refusal {
    let text = match &error {
        LibraryError::OpenError { err, .. } => format!("cannot be loaded: {err}"),
        LibraryError::GetSymbolError { .. } => {
            "a shared library, but not a panther plugin: it exports no plugin root module"
                .to_owned()
        }
        LibraryError::InvalidAbiHeader(_) | LibraryError::InvalidCAbi { .. } => format!(
            "built with an abi_stable release this host cannot load; \
             build it against panther-plugin-api {API_VERSION}"
        ),
        LibraryError::IncompatibleVersionNumber { actual_version, .. } => format!(
            "built against panther-plugin-api {actual_version}, but this host speaks \
             panther-plugin-api {API_VERSION}"
        ),
        LibraryError::AbiInstability(_) => format!(
            "its ABI does not match panther-plugin-api {API_VERSION} (the layout check \
             failed): rebuild it against this release"
        ),
        LibraryError::RootModule { err, .. } => {
            format!(
                "its root module failed to load: {}",
                first_line(&err.to_string())
            )
        }
        other => first_line(&other.to_string()).to_owned(),
    };
    Refusal::new(text)
}

fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("unknown error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors_compare_as_numbers_before_the_first_dot() {
        assert_eq!(api_major("1.0.0"), Some(1));
        assert_eq!(api_major("2.3.1"), Some(2));
        assert_eq!(api_major(""), None);
    }

    #[test]
    fn a_release_is_the_major_and_minor_numbers() {
        assert_eq!(api_release("1.2.0"), Some((1, 2)));
        assert_eq!(api_release("1.12.3-rc.1"), Some((1, 12)));
        assert_eq!(api_release("1"), Some((1, 0)));
        assert_eq!(api_release("1.x"), Some((1, 0)));
        assert_eq!(api_release("x.2"), None);
        assert_eq!(api_release(""), None);
    }

    #[test]
    fn a_foreign_target_is_refused_naming_both_sides() {
        let theirs = BuildInfo {
            target: "aarch64-unknown-linux-gnu".into(),
            ..BuildInfo::current()
        };
        let refusal = check_build(&theirs).unwrap_err().to_string();
        assert!(refusal.contains("aarch64-unknown-linux-gnu"), "{refusal}");
        assert!(refusal.contains(&BuildInfo::current().target), "{refusal}");
    }
}
