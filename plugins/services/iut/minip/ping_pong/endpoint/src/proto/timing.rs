//! The timing rules every exchange follows.

use std::fmt;
use std::time::Duration;

/// The delays of an exchange, checked to leave room for a legal answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    min_delay: Duration,
    timeout: Duration,
    margin: Duration,
}

impl Timings {
    /// Timings in milliseconds; refused when no delay fits between the minimum and
    /// `timeout_ms - margin_ms`.
    pub fn from_ms(min_delay_ms: u64, timeout_ms: u64, margin_ms: u64) -> Result<Self, String> {
        if margin_ms >= timeout_ms {
            return Err(format!(
                "the margin ({margin_ms} ms) must be below the timeout ({timeout_ms} ms)"
            ));
        }
        if min_delay_ms > timeout_ms - margin_ms {
            return Err(format!(
                "the minimum delay ({min_delay_ms} ms) must be at most the timeout less the margin ({} ms)",
                timeout_ms - margin_ms
            ));
        }
        Ok(Self {
            min_delay: Duration::from_millis(min_delay_ms),
            timeout: Duration::from_millis(timeout_ms),
            margin: Duration::from_millis(margin_ms),
        })
    }

    /// The shortest wait before a pong, and before the next ping.
    pub fn min_delay(self) -> Duration {
        self.min_delay
    }

    /// How long a client waits for a pong.
    pub fn timeout(self) -> Duration {
        self.timeout
    }

    /// The longest a server may wait before a pong: the timeout less the margin.
    pub fn max_delay(self) -> Duration {
        self.timeout - self.margin
    }
}

impl fmt::Display for Timings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "minimum delay {} ms, timeout {} ms, margin {} ms",
            self.min_delay.as_millis(),
            self.timeout.as_millis(),
            self.margin.as_millis()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_defaults() {
        let timings = Timings::from_ms(20, 500, 50).unwrap();
        assert_eq!(timings.min_delay(), Duration::from_millis(20));
        assert_eq!(timings.timeout(), Duration::from_millis(500));
        assert_eq!(timings.max_delay(), Duration::from_millis(450));
    }

    #[test]
    fn refuses_a_margin_as_long_as_the_timeout() {
        let error = Timings::from_ms(0, 100, 100).unwrap_err();
        assert!(error.contains("margin (100 ms)"), "{error}");
    }

    #[test]
    fn refuses_a_minimum_beyond_the_longest_delay() {
        let error = Timings::from_ms(451, 500, 50).unwrap_err();
        assert!(error.contains("(450 ms)"), "{error}");
        assert!(Timings::from_ms(450, 500, 50).is_ok());
    }
}
