//! PANTHER's five behaviours of a ping_pong endpoint, as pure choices.

use std::fmt;
use std::time::Duration;

use fastrand::Rng;

use super::overflow::read_into_message;
use super::timing::Timings;

/// How an endpoint behaves; the same variants exist for both roles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Variant {
    /// Follows every rule; the server waits exactly the minimum delay.
    #[default]
    Functional,
    /// Stamps messages with absolute UNIX-epoch milliseconds, not time since start.
    Fail,
    /// Ignores the minimum delay: waits anywhere from nothing to the longest delay.
    Flaky,
    /// Waits a random delay within the rules.
    Random,
    /// Reads a datagram of any length into a buffer sized for one message.
    Vulnerable,
}

impl Variant {
    /// How long to wait: the server before a pong, the client before its next ping.
    pub fn delay(self, timings: Timings, rng: &mut Rng) -> Duration {
        match self {
            Self::Functional | Self::Fail | Self::Vulnerable => timings.min_delay(),
            Self::Flaky => draw(rng, Duration::ZERO, timings.max_delay()),
            Self::Random => draw(rng, timings.min_delay(), timings.max_delay()),
        }
    }

    /// The timestamp to put in a message sent `since_start` after the process
    /// started, `since_epoch` after the UNIX epoch.
    pub fn timestamp(self, since_start: Duration, since_epoch: Duration) -> u64 {
        let elapsed = match self {
            Self::Fail => since_epoch,
            Self::Functional | Self::Flaky | Self::Random | Self::Vulnerable => since_start,
        };
        u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
    }

    /// The bytes of a received datagram as this variant reads them.
    pub fn read(self, datagram: &[u8]) -> Vec<u8> {
        match self {
            Self::Vulnerable => read_into_message(datagram),
            Self::Functional | Self::Fail | Self::Flaky | Self::Random => datagram.to_vec(),
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Functional => "functional",
            Self::Fail => "fail",
            Self::Flaky => "flaky",
            Self::Random => "random",
            Self::Vulnerable => "vulnerable",
        })
    }
}

/// A whole number of milliseconds drawn uniformly in `[low, high]`.
fn draw(rng: &mut Rng, low: Duration, high: Duration) -> Duration {
    let low = u64::try_from(low.as_millis()).unwrap_or(u64::MAX);
    let high = u64::try_from(high.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rng.u64(low..=high))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timings() -> Timings {
        Timings::from_ms(20, 500, 50).unwrap()
    }

    fn draws(variant: Variant) -> Vec<Duration> {
        let mut rng = Rng::with_seed(7);
        (0..1000)
            .map(|_| variant.delay(timings(), &mut rng))
            .collect()
    }

    #[test]
    fn functional_fail_and_vulnerable_wait_exactly_the_minimum() {
        for variant in [Variant::Functional, Variant::Fail, Variant::Vulnerable] {
            assert!(
                draws(variant)
                    .iter()
                    .all(|delay| *delay == Duration::from_millis(20)),
                "{variant}"
            );
        }
    }

    #[test]
    fn flaky_waits_anywhere_up_to_the_longest_delay_some_too_early() {
        let delays = draws(Variant::Flaky);
        assert!(delays.iter().all(|d| *d <= Duration::from_millis(450)));
        assert!(delays.iter().any(|d| *d < Duration::from_millis(20)));
    }

    #[test]
    fn random_stays_within_the_rules() {
        let delays = draws(Variant::Random);
        let range = Duration::from_millis(20)..=Duration::from_millis(450);
        assert!(delays.iter().all(|d| range.contains(d)));
        assert!(delays.iter().any(|d| *d != Duration::from_millis(20)));
    }

    #[test]
    fn a_seed_repeats_the_draws() {
        assert_eq!(draws(Variant::Random), draws(Variant::Random));
    }

    #[test]
    fn only_fail_stamps_epoch_time() {
        let since_start = Duration::from_millis(1234);
        let since_epoch = Duration::from_millis(1_700_000_000_000);
        for variant in [
            Variant::Functional,
            Variant::Flaky,
            Variant::Random,
            Variant::Vulnerable,
        ] {
            assert_eq!(
                variant.timestamp(since_start, since_epoch),
                1234,
                "{variant}"
            );
        }
        assert_eq!(
            Variant::Fail.timestamp(since_start, since_epoch),
            1_700_000_000_000
        );
    }

    #[test]
    fn every_variant_reads_a_message_as_it_is() {
        let datagram = [1, b'p', b'i', b'n', b'g', 3, 9, 0, 0, 0, 0, 0, 0, 0];
        for variant in [
            Variant::Functional,
            Variant::Fail,
            Variant::Flaky,
            Variant::Random,
            Variant::Vulnerable,
        ] {
            assert_eq!(variant.read(&datagram), datagram, "{variant}");
        }
    }
}
