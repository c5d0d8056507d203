//! Paths as words of an argv.

use std::path::Path;

use panther_plugin_api::PluginError;

/// A path as one word of an argv, which must be UTF-8.
pub fn utf8(path: &Path) -> Result<String, PluginError> {
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| PluginError::new(format!("the path {} is not UTF-8", path.display())))
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    use super::*;

    #[test]
    fn a_utf8_path_is_its_text() {
        assert_eq!(utf8(Path::new("/run/test/a b")).unwrap(), "/run/test/a b");
    }

    #[test]
    fn refuses_a_path_that_is_not_utf8() {
        let path = Path::new(OsStr::from_bytes(b"/run/\xff"));
        assert_eq!(
            utf8(path).unwrap_err().message(),
            "the path /run/\u{fffd} is not UTF-8"
        );
    }
}
