//! Where the host keeps what outlives a run (probe results, builds of implementations),
//! and where the programs plugins ship keep theirs, beside it.

use std::ffi::OsString;
use std::path::PathBuf;

/// The host's cache directory when none is given: `$PANTHER_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/panther-host`, else `~/.cache/panther-host`; `None` when none of
/// the variables is set.
pub fn default_cache_directory() -> Option<PathBuf> {
    default_cache_directory_from(|name| std::env::var_os(name))
}

/// [`default_cache_directory`] with the environment read by `variable`; an empty
/// variable counts as unset.
pub fn default_cache_directory_from(
    variable: impl Fn(&str) -> Option<OsString>,
) -> Option<PathBuf> {
    let variable = |name: &str| {
        variable(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    variable("PANTHER_CACHE_DIR").or_else(|| {
        variable("XDG_CACHE_HOME")
            .or_else(|| variable("HOME").map(|home| home.join(".cache")))
            .map(|base| base.join("panther-host"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &'static [(&str, &str)]) -> Option<PathBuf> {
        default_cache_directory_from(|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.into())
        })
    }

    #[test]
    fn the_variables_are_read_in_order_and_empty_ones_skipped() {
        let all = &[
            ("PANTHER_CACHE_DIR", "/p"),
            ("XDG_CACHE_HOME", "/x"),
            ("HOME", "/h"),
        ];
        assert_eq!(with(all), Some(PathBuf::from("/p")));
        assert_eq!(
            with(&[
                ("PANTHER_CACHE_DIR", ""),
                ("XDG_CACHE_HOME", "/x"),
                ("HOME", "/h")
            ]),
            Some(PathBuf::from("/x/panther-host"))
        );
        assert_eq!(
            with(&[("HOME", "/h")]),
            Some(PathBuf::from("/h/.cache/panther-host"))
        );
        assert_eq!(with(&[]), None);
    }
}
