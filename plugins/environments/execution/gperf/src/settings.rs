//! The settings both environments take (`library`, `pprof`, `fail_without_profile`):
//! their checks and their schemas.

use std::path::Path;

use panther_plugin_api::PluginError;
use serde_json::{Value, json};

/// Where Debian's google-perftools installs google-pprof.
pub const DEFAULT_PPROF: &str = "/usr/bin/google-pprof";

/// Refuses a `library` that is not an absolute path, or that LD_PRELOAD would split;
/// `default` is shown as an example.
pub fn check_library(library: &Path, default: &str) -> Result<(), PluginError> {
    check_absolute("library", library, default)?;
    let text = library.to_string_lossy();
    if text.contains(|c: char| c == ':' || c.is_whitespace()) {
        return Err(PluginError::new(format!(
            "config key `library`: '{text}' holds a colon or a space, which LD_PRELOAD reads as a separator; use a path without them"
        )));
    }
    Ok(())
}

/// Refuses a `pprof` that is not an absolute path.
pub fn check_pprof(pprof: &Path) -> Result<(), PluginError> {
    check_absolute("pprof", pprof, DEFAULT_PPROF)
}

/// Refuses a relative `path` under `key`, showing `example`.
fn check_absolute(key: &str, path: &Path, example: &str) -> Result<(), PluginError> {
    if path.is_absolute() {
        Ok(())
    } else {
        Err(PluginError::new(format!(
            "config key `{key}`: '{}' is not an absolute path; write e.g. \"{example}\"",
            path.display()
        )))
    }
}

/// The schema of `library`: `what` the library is, `default` its path.
pub fn library_property(what: &str, default: &str) -> Value {
    json!({
        "type": "string",
        "description": format!("the absolute path of {what}, preloaded into the service's program"),
        "default": default
    })
}

/// The schema of `pprof`.
pub fn pprof_property() -> Value {
    json!({
        "type": "string",
        "description": "the absolute path of google-pprof, which turns the profile into a text report",
        "default": DEFAULT_PPROF
    })
}

/// The schema of `fail_without_profile`.
pub fn fail_without_profile_property() -> Value {
    json!({
        "type": "boolean",
        "description": "fail the test when the program wrote no profile (a program killed by a signal, the host's SIGTERM included, writes none)",
        "default": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILER: &str = "/usr/lib/x86_64-linux-gnu/libprofiler.so.0";

    #[test]
    fn takes_an_absolute_library_and_pprof() {
        assert_eq!(check_library(Path::new(PROFILER), PROFILER), Ok(()));
        assert_eq!(check_pprof(Path::new("/usr/local/bin/pprof")), Ok(()));
    }

    #[test]
    fn refuses_a_relative_path() {
        let error = check_library(Path::new("libprofiler.so.0"), PROFILER).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `library`: 'libprofiler.so.0' is not an absolute path; write e.g. \"/usr/lib/x86_64-linux-gnu/libprofiler.so.0\""
        );
        let error = check_pprof(Path::new("google-pprof")).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `pprof`: 'google-pprof' is not an absolute path; write e.g. \"/usr/bin/google-pprof\""
        );
    }

    #[test]
    fn refuses_a_library_ld_preload_would_split() {
        let error = check_library(Path::new("/opt/my libs/libprofiler.so"), PROFILER).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `library`: '/opt/my libs/libprofiler.so' holds a colon or a space, which LD_PRELOAD reads as a separator; use a path without them"
        );
        assert!(check_library(Path::new("/opt/a:b/libprofiler.so"), PROFILER).is_err());
    }
}
