//! Which directories plugins come from, and which files in them are examined.

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::error::InputError;

/// The environment variable holding more plugin directories, separated by `:`.
pub const PLUGIN_PATH_VARIABLE: &str = "PANTHER_PLUGIN_PATH";

/// The plugin directories from `--plugins` (first) and [`PLUGIN_PATH_VARIABLE`], each
/// checked to exist, be a directory and not be world-writable.
pub fn plugin_directories(
    from_arguments: &[PathBuf],
    from_environment: Option<&OsStr>,
) -> Result<Vec<PathBuf>, InputError> {
    let mut directories: Vec<PathBuf> = Vec::new();
    let listed = from_arguments
        .iter()
        .map(|d| (d.clone(), "--plugins"))
        .chain(
            from_environment
                .into_iter()
                .flat_map(std::env::split_paths)
                .filter(|d| !d.as_os_str().is_empty())
                .map(|d| (d, PLUGIN_PATH_VARIABLE)),
        );
    for (directory, origin) in listed {
        let checked = check_directory(&directory, origin)?;
        if !directories.contains(&checked) {
            directories.push(checked);
        }
    }
    if directories.is_empty() {
        return Err(InputError::new(format!(
            "no plugin directory given: pass --plugins DIR or set {PLUGIN_PATH_VARIABLE}=DIR[:DIR...]"
        )));
    }
    Ok(directories)
}

fn check_directory(directory: &Path, origin: &str) -> Result<PathBuf, InputError> {
    let shown = directory.display();
    let metadata = std::fs::metadata(directory).map_err(|e| {
        InputError::new(format!(
            "plugins directory {shown} (from {origin}) cannot be used: {e}"
        ))
    })?;
    if !metadata.is_dir() {
        return Err(InputError::new(format!(
            "plugins directory {shown} (from {origin}) is not a directory"
        )));
    }
    let mode = metadata.permissions().mode();
    if mode & 0o002 != 0 {
        return Err(InputError::new(format!(
            "plugins directory {shown} (from {origin}) is world-writable (mode {:o}), so anyone \
             could plant a plugin in it; run `chmod o-w {shown}` and try again",
            mode & 0o7777
        )));
    }
    directory.canonicalize().map_err(|e| {
        InputError::new(format!(
            "plugins directory {shown} (from {origin}) cannot be used: {e}"
        ))
    })
}

/// Whether a file name is one the registry examines: a shared library by its name.
pub fn is_library_name(name: &OsStr) -> bool {
    Path::new(name).extension() == Some(OsStr::new("so"))
}

/// The shared libraries in a directory, sorted by name.
pub fn library_files(directory: &Path) -> Result<Vec<PathBuf>, InputError> {
    let entries = std::fs::read_dir(directory).map_err(|e| {
        InputError::new(format!(
            "plugins directory {} cannot be read: {e}",
            directory.display()
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| is_library_name(&entry.file_name()))
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_so_files_are_libraries() {
        assert!(is_library_name(OsStr::new("libquinn.so")));
        assert!(!is_library_name(OsStr::new("README.md")));
        assert!(!is_library_name(OsStr::new("libquinn.so.d")));
    }

    #[test]
    fn no_directory_at_all_says_how_to_give_one() {
        let error = plugin_directories(&[], None).unwrap_err();
        assert!(error.0.contains("--plugins DIR"), "{error}");
    }

    #[test]
    fn empty_entries_of_the_variable_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let variable = format!("::{}:", dir.path().display());
        let found = plugin_directories(&[], Some(OsStr::new(&variable))).unwrap();
        assert_eq!(found, vec![dir.path().canonicalize().unwrap()]);
    }
}
