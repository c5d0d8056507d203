//! A record, kept while a test's network is set up, of how to tear it down. A run that
//! is killed before its teardown leaves the record behind; the next run, or `panther-host
//! clean`, tears that network down from it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use panther_plugin_api::model::CommandSpec;
use serde::{Deserialize, Serialize};

use super::process::run_to_end;

/// How long each teardown command of a leftover may take.
const CLEAN_LIMIT: Duration = Duration::from_secs(30);

/// What a pending record holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTeardown {
    /// The process id of the host that set the network up.
    pub pid: u32,
    /// The test's name.
    pub test: String,
    /// The test iteration's instance name.
    pub instance: String,
    /// The commands that tear its network down.
    pub teardown: Vec<CommandSpec>,
}

/// The directory of pending records.
#[derive(Debug, Clone)]
pub struct Ledger {
    directory: PathBuf,
}

/// What cleaning one leftover did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    /// The leftover's test and instance.
    pub what: String,
    /// Teardown commands that failed (what they removed may already have been gone).
    pub problems: Vec<String>,
}

impl Ledger {
    /// The ledger kept under `state_directory`.
    pub fn new(state_directory: &Path) -> Self {
        Self {
            directory: state_directory.join("pending-teardown"),
        }
    }

    fn file(&self, instance: &str) -> PathBuf {
        self.directory.join(format!("{instance}.json"))
    }

    /// Records that a network is about to be set up; a failure to write is returned so
    /// the caller can log it (the test still runs).
    pub fn open(&self, record: &PendingTeardown) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.directory)?;
        let json = serde_json::to_vec_pretty(record).map_err(std::io::Error::other)?;
        crate::report::write_atomically(&self.file(&record.instance), &json)
    }

    /// Records that the network of `instance` was torn down.
    pub fn close(&self, instance: &str) {
        let _ = std::fs::remove_file(self.file(instance));
    }

    /// The records left by hosts that are no longer running, with their files.
    pub fn leftovers(&self) -> Vec<(PathBuf, PendingTeardown)> {
        let Ok(entries) = std::fs::read_dir(&self.directory) else {
            return Vec::new();
        };
        let mut leftovers: Vec<(PathBuf, PendingTeardown)> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .filter_map(|path| {
                let text = std::fs::read(&path).ok()?;
                let record: PendingTeardown = serde_json::from_slice(&text).ok()?;
                (!host_is_running(record.pid)).then_some((path, record))
            })
            .collect();
        leftovers.sort_by(|a, b| a.1.instance.cmp(&b.1.instance));
        leftovers
    }

    /// Tears down every leftover and forgets it.
    pub async fn clean(&self) -> Vec<Cleaned> {
        let log = self.directory.join("clean.log");
        let mut cleaned = Vec::new();
        for (path, record) in self.leftovers() {
            let mut problems = Vec::new();
            for command in &record.teardown {
                if let Err(problem) = run_to_end(command, &log, &log, CLEAN_LIMIT).await {
                    problems.push(problem);
                }
            }
            let _ = std::fs::remove_file(&path);
            cleaned.push(Cleaned {
                what: format!(
                    "test '{}' ({}) of host process {}",
                    record.test, record.instance, record.pid
                ),
                problems,
            });
        }
        cleaned
    }
}

/// Whether `pid` is a live panther-host process (this one included).
fn host_is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .is_ok_and(|name| name.trim_end() == "panther-host")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(pid: u32, instance: &str, marker: &Path) -> PendingTeardown {
        PendingTeardown {
            pid,
            test: "t".to_owned(),
            instance: instance.to_owned(),
            teardown: vec![CommandSpec::new("touch", [marker.display().to_string()])],
        }
    }

    #[test]
    fn only_records_of_dead_hosts_are_leftovers_and_cleaning_runs_them() {
        let directory = tempfile::tempdir().unwrap();
        let ledger = Ledger::new(directory.path());
        let dead = directory.path().join("dead-cleaned");
        let live = directory.path().join("live-cleaned");
        // Process ids are below 2^22 on Linux: this one is never alive.
        ledger.open(&record(u32::MAX - 1, "a-1-1", &dead)).unwrap();
        ledger
            .open(&record(std::process::id(), "b-1-1", &live))
            .unwrap();
        let leftovers = ledger.leftovers();
        assert_eq!(leftovers.len(), 1);
        assert_eq!(leftovers[0].1.instance, "a-1-1");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let cleaned = runtime.block_on(ledger.clean());
        assert_eq!(cleaned.len(), 1);
        assert!(cleaned[0].problems.is_empty(), "{:?}", cleaned[0].problems);
        assert!(dead.exists() && !live.exists());
        assert!(ledger.leftovers().is_empty());
        ledger.close("b-1-1");
        assert_eq!(
            std::fs::read_dir(ledger.directory.clone()).unwrap().count(),
            1
        );
    }
}
