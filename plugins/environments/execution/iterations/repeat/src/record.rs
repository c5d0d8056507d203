//! The JSON log of the runs: what each run recorded, written atomically.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::run::Ended;

/// The whole log: how many runs were asked for and those done so far.
#[derive(Debug, Serialize)]
pub struct Record {
    /// How many runs were asked for.
    pub times: u32,
    /// The runs done so far, in order.
    pub iterations: Vec<Iteration>,
}

/// How one run ended.
#[derive(Debug, Serialize)]
pub struct Iteration {
    /// Its number, from 1.
    pub iteration: u32,
    /// Its exit code, when it exited.
    pub exit_code: Option<i32>,
    /// The signal that killed it, when one did.
    pub signal: Option<i32>,
    /// How long it ran, in milliseconds.
    pub duration_ms: u64,
}

impl Record {
    /// A log of no runs yet out of `times`.
    pub fn new(times: u32) -> Self {
        Self {
            times,
            iterations: Vec::new(),
        }
    }

    /// Replaces `path` with this record at once: written to a file beside it, then
    /// renamed over it. Creates the missing directories.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(directory)?;
        let mut file = tempfile::NamedTempFile::new_in(directory)?;
        serde_json::to_writer_pretty(&mut file, self)?;
        file.write_all(b"\n")?;
        file.persist(path)?;
        Ok(())
    }
}

impl Iteration {
    /// The record of run number `iteration`, which ended as `ended` says.
    pub fn new(iteration: u32, ended: &Ended) -> Self {
        Self {
            iteration,
            exit_code: ended.code,
            signal: ended.signal,
            duration_ms: u64::try_from(ended.duration.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// Whether the run exited with 0.
    pub fn passed(&self) -> bool {
        self.exit_code == Some(0)
    }

    /// The exit code standing for this run: its own, or 128 + the signal that
    /// killed it (1 when neither is known).
    pub fn exit_status(&self) -> u8 {
        match (self.exit_code, self.signal) {
            (Some(code), _) => u8::try_from(code).unwrap_or(1),
            (None, Some(signal)) => signal_status(signal),
            (None, None) => 1,
        }
    }

    /// How the run ended, as the rest of a sentence.
    pub fn outcome(&self) -> String {
        match (self.exit_code, self.signal) {
            (Some(code), _) => format!("exited with code {code}"),
            (None, Some(signal)) => format!("was killed by signal {signal}"),
            (None, None) => "ended without an exit status".to_owned(),
        }
    }
}

/// The exit code standing for a signal: 128 + its number.
pub fn signal_status(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn ended(code: Option<i32>, signal: Option<i32>) -> Ended {
        Ended {
            code,
            signal,
            duration: Duration::from_millis(12),
        }
    }

    #[test]
    fn an_exit_stands_for_itself_and_a_signal_for_128_more() {
        let passed = Iteration::new(1, &ended(Some(0), None));
        assert!(passed.passed());
        assert_eq!(passed.exit_status(), 0);
        assert_eq!(passed.outcome(), "exited with code 0");
        let failed = Iteration::new(2, &ended(Some(3), None));
        assert!(!failed.passed());
        assert_eq!(failed.exit_status(), 3);
        let killed = Iteration::new(3, &ended(None, Some(9)));
        assert!(!killed.passed());
        assert_eq!(killed.exit_status(), 137);
        assert_eq!(killed.outcome(), "was killed by signal 9");
    }

    #[test]
    fn saves_over_the_previous_log_creating_directories() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("a/b/iterations.json");
        let mut record = Record::new(2);
        record.save(&path).unwrap();
        record
            .iterations
            .push(Iteration::new(1, &ended(Some(0), None)));
        record.save(&path).unwrap();
        let written: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            written,
            serde_json::json!({
                "times": 2,
                "iterations": [
                    {"iteration": 1, "exit_code": 0, "signal": null, "duration_ms": 12}
                ]
            })
        );
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["iterations.json"]);
    }
}
