//! The plugin registry: finds plugin files, probes new or changed ones in child
//! processes, remembers the results, and loads the plugins a run needs.

mod cache;
mod component;
mod directories;
mod elf_check;
mod exercise;
mod loader;
mod probe;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use panther_plugin_api::model::Manifest;
use serde::{Deserialize, Serialize};

pub use cache::{Cache, FileStamp};
pub use component::{
    CallError, Component, ExecutionEnvironmentHandle, NetworkEnvironmentHandle,
    ServiceManagerHandle,
};
pub use directories::{PLUGIN_PATH_VARIABLE, plugin_directories};
pub use exercise::CallReport;
pub use loader::LoadedPlugin;
pub use panther_plugin_api::cache::default_cache_directory;
pub use probe::{PROBE_SUBCOMMAND, ProbeReport, Prober, run_probe};

use crate::error::InputError;

/// Why a file is not used as a plugin, in one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Refusal(String);

const TIMEOUT_PREFIX: &str = "did not finish loading within";

impl Refusal {
    /// A refusal with this reason.
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }

    /// The refusal of a plugin whose probe was killed after `limit`.
    pub fn timeout(limit: Duration) -> Self {
        Self(format!("{TIMEOUT_PREFIX} {} s (killed)", limit.as_secs()))
    }

    /// Whether the probe ran out of time, which may not happen again.
    pub fn is_timeout(&self) -> bool {
        self.0.starts_with(TIMEOUT_PREFIX)
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What examining a file found.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Examination {
    /// It is a plugin; its manifest.
    Accepted(Box<Manifest>),
    /// It is not usable; why.
    Refused(Refusal),
}

/// A plugin file the host can use.
#[derive(Debug, Clone)]
pub struct PluginEntry {
    /// The file.
    pub path: PathBuf,
    /// What it says about itself.
    pub manifest: Manifest,
}

/// A file that is not used, and why.
#[derive(Debug, Clone)]
pub struct RefusedFile {
    /// The file.
    pub path: PathBuf,
    /// Why it is not used.
    pub reason: Refusal,
}

/// Every plugin file in the plugin directories, usable or not.
#[derive(Debug, Default)]
pub struct Registry {
    /// The usable plugins, by file name order within each directory.
    pub plugins: Vec<PluginEntry>,
    /// The files that are not used.
    pub refused: Vec<RefusedFile>,
    /// Names provided by more than one file, with those files.
    conflicts: BTreeMap<String, Vec<PathBuf>>,
}

impl Registry {
    /// Examines every shared library in `directories`: from the cache when the file is
    /// unchanged, by a probe process otherwise.
    pub fn scan(
        directories: &[PathBuf],
        cache: &mut Cache,
        prober: &Prober,
    ) -> Result<Self, InputError> {
        let mut files = Vec::new();
        for directory in directories {
            files.extend(directories::library_files(directory)?);
        }
        let examinations = examine(&files, cache, prober);
        cache.forget_missing();
        if let Err(error) = cache.save() {
            tracing::warn!("could not save the plugin cache: {error}");
        }
        let mut registry = Self::default();
        for (path, examination) in files.into_iter().zip(examinations) {
            match examination {
                Examination::Accepted(manifest) => registry.plugins.push(PluginEntry {
                    path,
                    manifest: *manifest,
                }),
                Examination::Refused(reason) => registry.refused.push(RefusedFile { path, reason }),
            }
        }
        registry.set_aside_conflicts();
        Ok(registry)
    }

    /// Moves plugins whose name another file also provides to the refused files: the
    /// host will not guess which one is meant.
    fn set_aside_conflicts(&mut self) {
        let mut by_name: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        for plugin in &self.plugins {
            by_name
                .entry(plugin.manifest.name.clone())
                .or_default()
                .push(plugin.path.clone());
        }
        by_name.retain(|_, paths| paths.len() > 1);
        let (conflicting, usable) = std::mem::take(&mut self.plugins)
            .into_iter()
            .partition(|p| by_name.contains_key(&p.manifest.name));
        self.plugins = usable;
        for plugin in conflicting {
            let name = &plugin.manifest.name;
            let others = by_name[name]
                .iter()
                .filter(|p| **p != plugin.path)
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            self.refused.push(RefusedFile {
                reason: Refusal::new(format!(
                    "plugin name '{name}' is also provided by {others}; \
                     the host will not guess: remove or rename one of them"
                )),
                path: plugin.path,
            });
        }
        self.conflicts = by_name;
    }

    /// The plugin called `name`, or why there is none to use.
    pub fn find(&self, name: &str) -> Result<&PluginEntry, InputError> {
        if let Some(paths) = self.conflicts.get(name) {
            let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            return Err(InputError::new(format!(
                "plugin '{name}' is provided by {} files ({}); remove or rename all but one",
                files.len(),
                files.join(" and ")
            )));
        }
        self.plugins
            .iter()
            .find(|p| p.manifest.name == name)
            .ok_or_else(|| {
                let mut known: Vec<&str> = self
                    .plugins
                    .iter()
                    .map(|p| p.manifest.name.as_str())
                    .collect();
                known.sort_unstable();
                let known = if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                };
                InputError::new(format!("no plugin named '{name}' (loaded: {known})"))
            })
    }
}

/// Examines each file: refused at once when world-writable, from the cache when
/// unchanged, by reading it when it cannot be a plugin, and by probing otherwise (all
/// probes at once).
fn examine(files: &[PathBuf], cache: &mut Cache, prober: &Prober) -> Vec<Examination> {
    let mut examinations: Vec<Option<Examination>> = Vec::with_capacity(files.len());
    let mut to_probe = Vec::new();
    for path in files {
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(error) => {
                examinations.push(Some(Examination::Refused(Refusal::new(format!(
                    "cannot be read: {error}"
                )))));
                continue;
            }
        };
        if let Some(refusal) = world_writable(path, metadata.permissions().mode()) {
            examinations.push(Some(Examination::Refused(refusal)));
            continue;
        }
        let stamp = FileStamp::of(&metadata);
        match cache.get(path, stamp) {
            Some(found) => examinations.push(Some(found.clone())),
            None => match elf_check::check(path) {
                Err(refusal) => {
                    let examination = Examination::Refused(refusal);
                    cache.put(path.clone(), stamp, examination.clone());
                    examinations.push(Some(examination));
                }
                Ok(()) => {
                    examinations.push(None);
                    to_probe.push((examinations.len() - 1, path.clone(), stamp));
                }
            },
        }
    }
    if !to_probe.is_empty() {
        tracing::debug!(
            "probing {} plugin file(s) in child processes",
            to_probe.len()
        );
        let paths: Vec<PathBuf> = to_probe.iter().map(|(_, path, _)| path.clone()).collect();
        let reports = prober.probe_all(&paths, false);
        for ((index, path, stamp), report) in to_probe.into_iter().zip(reports) {
            tracing::debug!("probed {}", path.display());
            if report.is_definite() {
                cache.put(path, stamp, report.examination.clone());
            }
            examinations[index] = Some(report.examination);
        }
    }
    examinations.into_iter().flatten().collect()
}

fn world_writable(path: &Path, mode: u32) -> Option<Refusal> {
    (mode & 0o002 != 0).then(|| {
        Refusal::new(format!(
            "the file is world-writable (mode {:o}), so anyone could replace it; \
             run `chmod o-w {}`",
            mode & 0o7777,
            path.display()
        ))
    })
}
