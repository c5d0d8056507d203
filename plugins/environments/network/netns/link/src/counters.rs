//! What happened to each port's frames, counted as the switch runs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// The running counts of one port, for the frames its service sent.
#[derive(Debug, Default)]
pub struct PortCounters {
    received: AtomicU64,
    forwarded: AtomicU64,
    dropped: AtomicU64,
    duplicated: AtomicU64,
    corrupted: AtomicU64,
}

/// One event counted on a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A frame arrived from the port's service.
    Received,
    /// A copy was sent out of another port (a flooded frame counts once per port).
    Forwarded,
    /// A frame was lost on the link, or a copy could not be sent.
    Dropped,
    /// A frame was sent twice.
    Duplicated,
    /// A copy had one bit flipped.
    Corrupted,
}

impl PortCounters {
    /// Counts one `event`.
    pub fn count(&self, event: Event) {
        let counter = match event {
            Event::Received => &self.received,
            Event::Forwarded => &self.forwarded,
            Event::Dropped => &self.dropped,
            Event::Duplicated => &self.duplicated,
            Event::Corrupted => &self.corrupted,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts as they are now.
    pub fn snapshot(&self) -> Counts {
        Counts {
            received: self.received.load(Ordering::Relaxed),
            forwarded: self.forwarded.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            duplicated: self.duplicated.load(Ordering::Relaxed),
            corrupted: self.corrupted.load(Ordering::Relaxed),
        }
    }
}

/// One port's counts at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Counts {
    /// Frames that arrived from the port's service.
    pub received: u64,
    /// Copies sent out of other ports.
    pub forwarded: u64,
    /// Frames lost on the link, and copies that could not be sent.
    pub dropped: u64,
    /// Frames sent twice.
    pub duplicated: u64,
    /// Copies with one bit flipped.
    pub corrupted: u64,
}

/// The line printed when the switch stops: every port's counts, by port name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Summary {
    /// The counts, by port name.
    pub ports: BTreeMap<String, Counts>,
}

impl Summary {
    /// The summary of ports named `names`, counted by `counters` in the same order.
    pub fn of<'a>(names: impl IntoIterator<Item = &'a str>, counters: &[PortCounters]) -> Self {
        Self {
            ports: names
                .into_iter()
                .zip(counters)
                .map(|(name, counters)| (name.to_owned(), counters.snapshot()))
                .collect(),
        }
    }

    /// The summary as one line of JSON.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_event_on_its_own_counter() {
        let counters = PortCounters::default();
        for event in [
            Event::Received,
            Event::Received,
            Event::Forwarded,
            Event::Dropped,
            Event::Duplicated,
            Event::Corrupted,
            Event::Corrupted,
            Event::Corrupted,
        ] {
            counters.count(event);
        }
        assert_eq!(
            counters.snapshot(),
            Counts {
                received: 2,
                forwarded: 1,
                dropped: 1,
                duplicated: 1,
                corrupted: 3
            }
        );
    }

    #[test]
    fn the_summary_is_one_json_line_by_port_name() {
        let counters = [PortCounters::default(), PortCounters::default()];
        counters[1].count(Event::Received);
        let summary = Summary::of(["server", "client"], &counters);
        assert_eq!(
            summary.to_line(),
            "{\"ports\":{\"client\":{\"received\":1,\"forwarded\":0,\"dropped\":0,\
             \"duplicated\":0,\"corrupted\":0},\"server\":{\"received\":0,\"forwarded\":0,\
             \"dropped\":0,\"duplicated\":0,\"corrupted\":0}}}"
        );
        let read: Summary = serde_json::from_str(&summary.to_line()).unwrap();
        assert_eq!(read, summary);
    }
}
