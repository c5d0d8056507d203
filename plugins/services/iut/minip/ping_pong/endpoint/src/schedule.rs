//! Pongs waiting for their send time, soonest first.

use std::collections::VecDeque;
use std::time::Instant;

/// Items each due at an instant, taken in order of their due time (ties in
/// order of arrival).
#[derive(Debug)]
pub struct Schedule<T> {
    items: VecDeque<(Instant, T)>,
}

impl<T> Schedule<T> {
    /// An empty schedule.
    pub fn new() -> Self {
        Self {
            items: VecDeque::new(),
        }
    }

    /// Adds `item`, due at `due`.
    pub fn push(&mut self, due: Instant, item: T) {
        let at = self.items.partition_point(|(other, _)| *other <= due);
        self.items.insert(at, (due, item));
    }

    /// When the soonest item is due, if any is waiting.
    pub fn next_due(&self) -> Option<Instant> {
        self.items.front().map(|(due, _)| *due)
    }

    /// The soonest item, if it is due by `now`.
    pub fn pop_due(&mut self, now: Instant) -> Option<T> {
        match self.items.front() {
            Some((due, _)) if *due <= now => self.items.pop_front().map(|(_, item)| item),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn takes_items_in_due_order_then_arrival_order() {
        let now = Instant::now();
        let ms = Duration::from_millis;
        let mut schedule = Schedule::new();
        schedule.push(now + ms(30), "c");
        schedule.push(now + ms(10), "a");
        schedule.push(now + ms(30), "d");
        schedule.push(now + ms(20), "b");
        assert_eq!(schedule.next_due(), Some(now + ms(10)));
        let taken: Vec<_> = std::iter::from_fn(|| schedule.pop_due(now + ms(30))).collect();
        assert_eq!(taken, ["a", "b", "c", "d"]);
        assert_eq!(schedule.next_due(), None);
    }

    #[test]
    fn keeps_items_not_yet_due() {
        let now = Instant::now();
        let mut schedule = Schedule::new();
        schedule.push(now + Duration::from_millis(5), 1);
        assert_eq!(schedule.pop_due(now), None);
        assert_eq!(schedule.pop_due(now + Duration::from_millis(5)), Some(1));
    }
}
