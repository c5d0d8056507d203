//! The client's summary of an exchange, as JSON.

use std::fs;
use std::path::Path;

use serde::Serialize;

/// What a client did and found, written at its end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Pings sent.
    pub pings_sent: u32,
    /// Pongs that passed every check.
    pub pongs_ok: u32,
    /// Pongs asked for.
    pub pings_wanted: u32,
    /// The round trip of every good pong, in milliseconds.
    pub round_trips_ms: Vec<u64>,
    /// The broken rule that stopped the client, if any.
    pub violation: Option<String>,
}

impl Summary {
    /// Whether every pong asked for came well-formed and in time.
    pub fn passed(&self) -> bool {
        self.pongs_ok == self.pings_wanted && self.violation.is_none()
    }

    /// The summary on one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a summary is plain data")
    }

    /// Writes the summary to `path`, creating its parent directories.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let fail = |error: std::io::Error| format!("cannot write {}: {error}", path.display());
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            fs::create_dir_all(parent).map_err(fail)?;
        }
        fs::write(path, self.to_json() + "\n").map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_every_field_in_order() {
        let summary = Summary {
            pings_sent: 3,
            pongs_ok: 2,
            pings_wanted: 5,
            round_trips_ms: vec![21, 20],
            violation: Some("pong 3 is late".to_owned()),
        };
        assert_eq!(
            summary.to_json(),
            r#"{"pings_sent":3,"pongs_ok":2,"pings_wanted":5,"round_trips_ms":[21,20],"violation":"pong 3 is late"}"#
        );
        assert!(!summary.passed());
    }

    #[test]
    fn a_clean_summary_has_a_null_violation_and_passes() {
        let summary = Summary {
            pings_sent: 1,
            pongs_ok: 1,
            pings_wanted: 1,
            round_trips_ms: vec![20],
            violation: None,
        };
        assert!(summary.to_json().ends_with(r#""violation":null}"#));
        assert!(summary.passed());
    }

    #[test]
    fn writes_into_new_directories() {
        let dir = std::env::temp_dir().join(format!("ping-pong-summary-{}", std::process::id()));
        let path = dir.join("a/b/summary.json");
        Summary::default().write(&path).unwrap();
        assert!(
            fs::read_to_string(&path)
                .unwrap()
                .contains("\"pings_sent\":0")
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
