//! Everything a build depends on, written out as lines; its hash is the build's
//! cache key, and the lines are kept beside the build to say what it was made from.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::sources::sha256_of;

/// Bumped when what a build directory holds changes.
const LAYOUT: &str = "panther-build-stacks 1";

/// Variables of the caller's environment that change what compilers make.
pub const FLAG_VARIABLES: [&str; 5] = ["CC", "CXX", "CFLAGS", "CXXFLAGS", "LDFLAGS"];

/// The inputs of one build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildInputs {
    /// `NAME@VERSION`.
    pub label: String,
    /// Where each source is unpacked, to its id and sha256.
    pub sources: BTreeMap<String, (String, String)>,
    /// The recipe and the other files the build is made from, each as it is named in
    /// stacks.toml (a folder's files under its name), with its sha256.
    pub files: Vec<(String, String)>,
    /// The toolchain commands and what they printed.
    pub toolchain: Vec<(String, String)>,
    /// The Debian packages and their versions.
    pub packages: Vec<(String, String)>,
    /// The compiler variables the caller set.
    pub flags: Vec<(String, String)>,
}

impl BuildInputs {
    /// The inputs, one per line.
    pub fn text(&self) -> String {
        let mut text = format!("{LAYOUT}\nbuild {}\n", self.label);
        for (name, sha256) in &self.files {
            let _ = writeln!(text, "file {name} sha256 {sha256}");
        }
        for (place, (id, sha256)) in &self.sources {
            let _ = writeln!(text, "source {place} = {id} sha256 {sha256}");
        }
        for (command, output) in &self.toolchain {
            let _ = writeln!(text, "toolchain {command}: {output}");
        }
        for (package, version) in &self.packages {
            let _ = writeln!(text, "package {package} {version}");
        }
        for (variable, value) in &self.flags {
            let _ = writeln!(text, "env {variable}={value}");
        }
        text
    }

    /// The cache key: 16 hex digits of the hash of [`Self::text`].
    pub fn key(&self) -> String {
        let digest = Sha256::digest(self.text());
        digest[..8]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// The files of `path` (the file itself, or every file under the folder, in order),
/// each named as `name` and its path inside, with its sha256.
pub fn digests(path: &Path, name: &str) -> Result<Vec<(String, String)>> {
    if path.is_file() {
        return Ok(vec![(name.to_owned(), sha256_of(path)?)]);
    }
    let mut files: Vec<PathBuf> = Vec::new();
    let mut folders = vec![path.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries =
            std::fs::read_dir(&folder).with_context(|| format!("reading {}", folder.display()))?;
        for entry in entries {
            let entry = entry?.path();
            if entry.is_dir() {
                folders.push(entry);
            } else {
                files.push(entry);
            }
        }
    }
    files.sort();
    files
        .iter()
        .map(|file| {
            let inside = file.strip_prefix(path).unwrap_or(file);
            Ok((format!("{name}/{}", inside.display()), sha256_of(file)?))
        })
        .collect()
}

/// The compiler variables set in this process's environment.
pub fn flags_from_environment() -> Vec<(String, String)> {
    FLAG_VARIABLES
        .iter()
        .filter_map(|name| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.is_empty())
                .map(|value| ((*name).to_owned(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_input_changes_the_key() {
        let base = BuildInputs {
            label: "s@v".to_owned(),
            files: vec![("r.sh".to_owned(), "aa".to_owned())],
            toolchain: vec![("cc --version".to_owned(), "gcc 12".to_owned())],
            ..BuildInputs::default()
        };
        let key = base.key();
        assert_eq!(key.len(), 16);
        assert_eq!(key, base.clone().key());
        let newer_compiler = BuildInputs {
            toolchain: vec![("cc --version".to_owned(), "gcc 13".to_owned())],
            ..base.clone()
        };
        let flagged = BuildInputs {
            flags: vec![("CFLAGS".to_owned(), "-O0".to_owned())],
            ..base.clone()
        };
        let other_recipe = BuildInputs {
            files: vec![("r.sh".to_owned(), "bb".to_owned())],
            ..base.clone()
        };
        for other in [newer_compiler, flagged, other_recipe] {
            assert_ne!(other.key(), key, "{}", other.text());
        }
    }

    #[test]
    fn a_folder_s_files_are_each_named_under_it_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("d/sub")).unwrap();
        std::fs::write(dir.path().join("d/b.go"), "b").unwrap();
        std::fs::write(dir.path().join("d/sub/a.go"), "a").unwrap();
        let named = digests(&dir.path().join("d"), "../endpoint").unwrap();
        let names: Vec<&str> = named.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["../endpoint/b.go", "../endpoint/sub/a.go"]);
    }
}
