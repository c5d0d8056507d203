//! Remembers what probing each plugin file found, keyed by path, size and modification
//! time, so an unchanged file is not probed again.

use std::collections::BTreeMap;
use std::fs::Metadata;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use panther_plugin_api::API_VERSION;
use panther_plugin_api::model::BuildInfo;
use serde::{Deserialize, Serialize};

use super::Examination;

/// The cache file's name inside the cache directory.
const CACHE_FILE: &str = "plugin-registry.json";

/// What identifies a version of a file cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    size: u64,
    modified_seconds: i64,
    modified_nanoseconds: i64,
}

impl FileStamp {
    /// The stamp of a file from its metadata.
    pub fn of(metadata: &Metadata) -> Self {
        Self {
            size: metadata.len(),
            modified_seconds: metadata.mtime(),
            modified_nanoseconds: metadata.mtime_nsec(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stamp: FileStamp,
    examination: Examination,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    host: String,
    entries: BTreeMap<PathBuf, Entry>,
}

/// The probe results of every file seen, for this host build.
#[derive(Debug)]
pub struct Cache {
    path: Option<PathBuf>,
    contents: CacheFile,
    changed: bool,
}

/// What a cached result must have been found by: this host's version and ABI.
fn host_identity() -> String {
    let build = BuildInfo::current();
    format!(
        "panther-host {}; panther-plugin-api {API_VERSION}; {}",
        env!("CARGO_PKG_VERSION"),
        build.target
    )
}

impl Cache {
    /// A cache kept in `directory`; results found by another host build are dropped.
    pub fn open(directory: &Path) -> Self {
        let path = directory.join(CACHE_FILE);
        let contents = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(|file| file.host == host_identity())
            .unwrap_or_else(|| CacheFile {
                host: host_identity(),
                entries: BTreeMap::new(),
            });
        Self {
            path: Some(path),
            contents,
            changed: false,
        }
    }

    /// A cache that remembers nothing past this process.
    pub fn in_memory() -> Self {
        Self {
            path: None,
            contents: CacheFile {
                host: host_identity(),
                entries: BTreeMap::new(),
            },
            changed: false,
        }
    }

    /// What was found for this file when it had this stamp.
    pub fn get(&self, path: &Path, stamp: FileStamp) -> Option<&Examination> {
        self.contents
            .entries
            .get(path)
            .filter(|entry| entry.stamp == stamp)
            .map(|entry| &entry.examination)
    }

    /// Remembers what was found for this file with this stamp.
    pub fn put(&mut self, path: PathBuf, stamp: FileStamp, examination: Examination) {
        self.contents
            .entries
            .insert(path, Entry { stamp, examination });
        self.changed = true;
    }

    /// Forgets files that no longer exist.
    pub fn forget_missing(&mut self) {
        let before = self.contents.entries.len();
        self.contents.entries.retain(|path, _| path.exists());
        self.changed |= self.contents.entries.len() != before;
    }

    /// Writes the cache if anything changed, atomically, so a concurrent reader sees
    /// the old or the new file and never half of one.
    pub fn save(&mut self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if !self.changed {
            return Ok(());
        }
        let directory = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(directory)?;
        let mut file = tempfile::NamedTempFile::new_in(directory)?;
        serde_json::to_writer(&mut file, &self.contents)?;
        file.flush()?;
        file.persist(path).map_err(|e| e.error)?;
        self.changed = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Refusal;

    #[test]
    fn a_result_is_kept_across_opens_and_only_for_the_same_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let plugin = dir.path().join("libx.so");
        std::fs::write(&plugin, b"x").unwrap();
        let stamp = FileStamp::of(&std::fs::metadata(&plugin).unwrap());
        let mut cache = Cache::open(dir.path());
        cache.put(
            plugin.clone(),
            stamp,
            Examination::Refused(Refusal::new("not an ELF shared library")),
        );
        cache.save().unwrap();

        let reopened = Cache::open(dir.path());
        assert!(
            matches!(reopened.get(&plugin, stamp), Some(Examination::Refused(r))
            if r.to_string() == "not an ELF shared library")
        );
        let changed = FileStamp { size: 2, ..stamp };
        assert!(reopened.get(&plugin, changed).is_none());
    }

    #[test]
    fn a_damaged_cache_file_is_started_afresh() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CACHE_FILE), b"{ not json").unwrap();
        let cache = Cache::open(dir.path());
        assert!(cache.contents.entries.is_empty());
    }
}
