//! The clock that stamps outgoing messages.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::proto::Variant;

/// Time since the process started, read the way a variant stamps its messages.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Instant,
    variant: Variant,
}

impl Clock {
    /// A clock starting now, stamping as `variant` does.
    pub fn start(variant: Variant) -> Self {
        Self {
            start: Instant::now(),
            variant,
        }
    }

    /// The timestamp of a message sent now.
    pub fn timestamp(&self) -> u64 {
        self.variant.timestamp(self.start.elapsed(), since_epoch())
    }
}

/// The time since the UNIX epoch; zero on a clock set before it.
pub fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functional_stamps_time_since_start() {
        let clock = Clock::start(Variant::Functional);
        assert!(clock.timestamp() < 1000);
    }

    #[test]
    fn fail_stamps_epoch_time() {
        let clock = Clock::start(Variant::Fail);
        assert!(clock.timestamp() > 1 << 32);
    }
}
