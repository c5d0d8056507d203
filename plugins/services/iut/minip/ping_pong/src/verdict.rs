//! Judging a finished ping_pong service: the client by its summary, the server by
//! how it ended.

use std::collections::BTreeMap;
use std::fs;
use std::io;

use panther_plugin_api::model::{ExitInfo, ServiceOutcome, Verdict, VerdictStatus};
use serde::Deserialize;
use serde_json::Value;

use crate::plan::summary_path;

/// The signal the host stops a service with.
const SIGTERM: i32 = 15;
/// The signal the host kills a service with when it does not stop.
const SIGKILL: i32 = 9;

/// The client's summary of its exchange, as the endpoint writes it.
#[derive(Debug, Deserialize)]
struct Summary {
    pings_sent: u32,
    pongs_ok: u32,
    pings_wanted: u32,
    round_trips_ms: Vec<u64>,
    violation: Option<String>,
}

impl Summary {
    /// The figures kept with the verdict.
    fn metrics(&self) -> BTreeMap<String, Value> {
        let mut metrics = BTreeMap::from([
            ("pings_sent".to_owned(), Value::from(self.pings_sent)),
            ("pongs_ok".to_owned(), Value::from(self.pongs_ok)),
            ("pings_wanted".to_owned(), Value::from(self.pings_wanted)),
        ]);
        if let Some(median) = median(&self.round_trips_ms) {
            metrics.insert("median_round_trip_ms".to_owned(), Value::from(median));
        }
        metrics
    }
}

/// The verdict on a client: pass iff it exited with 0 after every pong came
/// well-formed and in time.
pub fn judge_client(outcome: &ServiceOutcome) -> Verdict {
    let path = summary_path(&outcome.request.artifacts_dir);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let ended = ended(&outcome.exit);
            return Verdict::new(
                VerdictStatus::Fail,
                format!("no summary: the client {ended}"),
            );
        }
        Err(error) => {
            let reason = format!("cannot read the summary {}: {error}", path.display());
            return Verdict::new(VerdictStatus::Error, reason);
        }
    };
    let summary: Summary = match serde_json::from_str(&text) {
        Ok(summary) => summary,
        Err(error) => {
            let reason = format!("the summary {} is not valid: {error}", path.display());
            return Verdict::new(VerdictStatus::Error, reason);
        }
    };
    let (ok, wanted) = (summary.pongs_ok, summary.pings_wanted);
    let mut verdict = if let Some(violation) = &summary.violation {
        Verdict::new(VerdictStatus::Fail, violation.clone())
    } else if ok < wanted {
        Verdict::new(
            VerdictStatus::Fail,
            format!("{ok} of {wanted} pongs before it stopped"),
        )
    } else if outcome.exit.code != Some(0) {
        let ended = ended(&outcome.exit);
        Verdict::new(
            VerdictStatus::Fail,
            format!("{ok} of {wanted} pongs, but the client {ended}"),
        )
    } else {
        let median = median(&summary.round_trips_ms)
            .map(|median| format!(" (median round trip {median} ms)"))
            .unwrap_or_default();
        Verdict::new(
            VerdictStatus::Pass,
            format!("{ok} of {wanted} pongs well-formed and in time{median}"),
        )
    };
    verdict.metrics = summary.metrics();
    verdict
}

/// The verdict on a server: pass when it served until the host stopped it.
pub fn judge_server(exit: &ExitInfo) -> Verdict {
    match (exit.code, exit.signal) {
        (_, Some(signal)) if !(exit.stopped_by_host && [SIGTERM, SIGKILL].contains(&signal)) => {
            Verdict::new(
                VerdictStatus::Fail,
                format!("the server crashed (signal {signal})"),
            )
        }
        _ if exit.stopped_by_host => Verdict::new(VerdictStatus::Pass, "served until stopped"),
        (Some(0), _) => Verdict::new(VerdictStatus::Pass, "served until stopped"),
        (Some(code), _) => Verdict::new(
            VerdictStatus::Fail,
            format!("the server exited by itself with code {code}"),
        ),
        (None, _) => Verdict::new(
            VerdictStatus::Error,
            "the server ended without an exit status",
        ),
    }
}

/// How a process ended, to end a sentence: "exited with code 2".
fn ended(exit: &ExitInfo) -> String {
    match (exit.code, exit.signal) {
        (_, Some(signal)) if exit.stopped_by_host => {
            format!("was stopped by the host (signal {signal})")
        }
        (_, Some(signal)) => format!("exited with signal {signal}"),
        (Some(code), None) => format!("exited with code {code}"),
        (None, None) => "ended without an exit status".to_owned(),
    }
}

/// The median of some round trips (the mean of the middle two for an even count).
fn median(round_trips: &[u64]) -> Option<u64> {
    let mut sorted = round_trips.to_vec();
    sorted.sort_unstable();
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        len if len % 2 == 1 => Some(sorted[middle]),
        _ => Some(sorted[middle - 1].midpoint(sorted[middle])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_takes_the_middle() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[30, 10, 20]), Some(20));
        assert_eq!(median(&[10, 40, 20, 30]), Some(25));
        assert_eq!(median(&[u64::MAX, u64::MAX]), Some(u64::MAX));
    }
}
