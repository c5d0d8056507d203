//! Frames waiting for their due time: a min-heap that a sender thread drains.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Instant;

/// A frame to send on a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    /// The port to send it on.
    pub port: usize,
    /// The port it came from, whose counters it counts in.
    pub origin: usize,
    /// The whole Ethernet frame.
    pub frame: Vec<u8>,
}

/// A departure in the queue, ordered by due time, then by arrival.
#[derive(Debug)]
struct Entry {
    due: Instant,
    sequence: u64,
    departure: Departure,
}

impl Entry {
    fn key(&self) -> (Instant, u64) {
        (self.due, self.sequence)
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// The queue of departures, shared by the receiving threads that fill it and the
/// sender that drains it.
#[derive(Debug, Default)]
pub struct Scheduler {
    queue: Mutex<Queue>,
    changed: Condvar,
}

/// The heap and the next sequence number, under one lock.
#[derive(Debug, Default)]
struct Queue {
    heap: BinaryHeap<Reverse<Entry>>,
    next_sequence: u64,
}

impl Scheduler {
    /// Queues `departure` for `due`; departures due at the same instant leave in the
    /// order they were queued.
    pub fn push(&self, due: Instant, departure: Departure) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let sequence = queue.next_sequence;
        queue.next_sequence += 1;
        queue.heap.push(Reverse(Entry {
            due,
            sequence,
            departure,
        }));
        drop(queue);
        self.changed.notify_one();
    }

    /// The earliest departure, once it is due: waits for one to be queued, then for
    /// its time.
    pub fn next_due(&self) -> Departure {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let now = Instant::now();
            match queue.heap.peek() {
                None => {
                    queue = self
                        .changed
                        .wait(queue)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                Some(Reverse(entry)) if entry.due <= now => {
                    if let Some(Reverse(entry)) = queue.heap.pop() {
                        return entry.departure;
                    }
                }
                Some(Reverse(entry)) => {
                    let wait = entry.due - now;
                    queue = self
                        .changed
                        .wait_timeout(queue, wait)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    fn departure(port: usize) -> Departure {
        Departure {
            port,
            origin: 0,
            frame: vec![u8::try_from(port).unwrap()],
        }
    }

    #[test]
    fn releases_departures_in_due_order_then_queue_order() {
        let scheduler = Scheduler::default();
        let now = Instant::now();
        scheduler.push(now + Duration::from_millis(3), departure(3));
        scheduler.push(now + Duration::from_millis(1), departure(1));
        scheduler.push(now + Duration::from_millis(2), departure(2));
        scheduler.push(now + Duration::from_millis(1), departure(4));
        let order: Vec<usize> = (0..4).map(|_| scheduler.next_due().port).collect();
        assert_eq!(order, [1, 4, 2, 3]);
    }

    #[test]
    fn holds_a_departure_until_it_is_due() {
        let scheduler = Scheduler::default();
        let start = Instant::now();
        scheduler.push(start + Duration::from_millis(30), departure(1));
        assert_eq!(scheduler.next_due().port, 1);
        assert!(start.elapsed() >= Duration::from_millis(30));
    }

    #[test]
    fn an_earlier_departure_queued_while_waiting_goes_first() {
        let scheduler = Arc::new(Scheduler::default());
        let start = Instant::now();
        scheduler.push(start + Duration::from_millis(300), departure(2));
        let pusher = {
            let scheduler = Arc::clone(&scheduler);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                scheduler.push(Instant::now(), departure(1));
            })
        };
        assert_eq!(scheduler.next_due().port, 1);
        assert!(start.elapsed() < Duration::from_millis(250));
        pusher.join().unwrap();
        assert_eq!(scheduler.next_due().port, 2);
        assert!(start.elapsed() >= Duration::from_millis(300));
    }
}
