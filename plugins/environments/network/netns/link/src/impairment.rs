//! What one link does to the frames its service sends: loss, duplication, corruption,
//! delay with jitter, and serialisation at the link's rate, as netem does.

use std::time::{Duration, Instant};

use crate::config::Impairments;

/// One copy of a frame that survived the link, and when it leaves the emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    /// When it is due on the destination port.
    pub due: Instant,
    /// The frame, one bit flipped when it was corrupted.
    pub frame: Vec<u8>,
    /// Whether one bit was flipped.
    pub corrupted: bool,
}

/// A link's impairments with the state they need: a random source, and when the link
/// is free again after the frames before.
#[derive(Debug)]
pub struct Link {
    impairments: Impairments,
    rng: fastrand::Rng,
    busy_until: Option<Instant>,
}

impl Link {
    /// A link with these impairments drawing from `rng` (seed it for repeatable draws).
    pub fn new(impairments: Impairments, rng: fastrand::Rng) -> Self {
        Self {
            impairments,
            rng,
            busy_until: None,
        }
    }

    /// What becomes of `frame`, sent by the link's service at `now`: no copy when it is
    /// lost, two when it is duplicated.
    ///
    /// Each copy is corrupted with the corruption chance on its own, takes its own delay
    /// (uniform in `[delay - jitter, delay + jitter]`) and, when the link has a rate,
    /// occupies the link for `bits / rate` after the copies before: it is due once
    /// serialised, plus its delay.
    pub fn transmit(&mut self, frame: &[u8], now: Instant) -> Vec<Copy> {
        if self.happens(self.impairments.loss_percent) {
            return Vec::new();
        }
        let count = if self.happens(self.impairments.duplicate_percent) {
            2
        } else {
            1
        };
        (0..count).map(|_| self.copy(frame, now)).collect()
    }

    /// One copy of `frame` through the link.
    fn copy(&mut self, frame: &[u8], now: Instant) -> Copy {
        let mut copy = frame.to_vec();
        let corrupted = !copy.is_empty() && self.happens(self.impairments.corrupt_percent);
        if corrupted {
            flip_one_bit(&mut copy, &mut self.rng);
        }
        let serialised = self.serialise(frame.len(), now);
        Copy {
            due: serialised + self.delay(),
            frame: copy,
            corrupted,
        }
    }

    /// When a frame of `bytes` bytes, ready at `now`, is fully on the wire.
    fn serialise(&mut self, bytes: usize, now: Instant) -> Instant {
        let Some(rate) = self.impairments.rate_bps else {
            return now;
        };
        let start = self.busy_until.map_or(now, |busy| busy.max(now));
        let done = start + transmission_time(bytes, rate);
        self.busy_until = Some(done);
        done
    }

    /// A delay drawn uniformly from `[delay - jitter, delay + jitter]`.
    fn delay(&mut self) -> Duration {
        let Impairments {
            delay_us,
            jitter_us,
            ..
        } = self.impairments;
        let low = delay_us.saturating_sub(jitter_us);
        let high = delay_us.saturating_add(jitter_us);
        Duration::from_micros(self.rng.u64(low..=high))
    }

    /// Whether an event of chance `percent` happens this time.
    fn happens(&mut self, percent: f64) -> bool {
        percent > 0.0 && self.rng.f64() * 100.0 < percent
    }
}

/// How long `bytes` bytes take on a link of `rate` bits per second.
pub fn transmission_time(bytes: usize, rate: u64) -> Duration {
    let bits = u128::try_from(bytes).unwrap_or(u128::MAX).saturating_mul(8);
    let nanos = bits.saturating_mul(1_000_000_000) / u128::from(rate.max(1));
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// Flips one random bit of a non-empty `frame`, as netem's corruption does.
fn flip_one_bit(frame: &mut [u8], rng: &mut fastrand::Rng) {
    let byte = rng.usize(..frame.len());
    frame[byte] ^= 1 << rng.u8(..8);
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: u64 = 7;
    const FRAMES: usize = 20_000;

    fn link(impairments: Impairments) -> Link {
        Link::new(impairments, fastrand::Rng::with_seed(SEED))
    }

    /// How many copies `FRAMES` frames sent at one instant give.
    fn copies(link: &mut Link) -> Vec<Copy> {
        let now = Instant::now();
        (0..FRAMES)
            .flat_map(|_| link.transmit(&[0u8; 100], now))
            .collect()
    }

    #[test]
    fn an_unimpaired_link_passes_every_frame_at_once_and_intact() {
        let now = Instant::now();
        let mut link = link(Impairments::default());
        let frame = [1u8, 2, 3, 4];
        assert_eq!(
            link.transmit(&frame, now),
            [Copy {
                due: now,
                frame: frame.to_vec(),
                corrupted: false
            }]
        );
    }

    #[test]
    fn loses_about_the_loss_share() {
        let mut link = link(Impairments {
            loss_percent: 30.0,
            ..Impairments::default()
        });
        let passed = copies(&mut link).len();
        let lost = FRAMES - passed;
        assert!((5_700..=6_300).contains(&lost), "{lost} of {FRAMES} lost");
        let mut all_lost = self::link(Impairments {
            loss_percent: 100.0,
            ..Impairments::default()
        });
        assert!(copies(&mut all_lost).is_empty());
    }

    #[test]
    fn duplicates_about_the_duplicate_share() {
        let mut link = link(Impairments {
            duplicate_percent: 10.0,
            ..Impairments::default()
        });
        let extra = copies(&mut link).len() - FRAMES;
        assert!(
            (1_800..=2_200).contains(&extra),
            "{extra} of {FRAMES} duplicated"
        );
    }

    #[test]
    fn corrupts_by_flipping_exactly_one_bit() {
        let mut link = link(Impairments {
            corrupt_percent: 50.0,
            ..Impairments::default()
        });
        let copies = copies(&mut link);
        let corrupted: Vec<&Copy> = copies.iter().filter(|copy| copy.corrupted).collect();
        assert!(
            (9_500..=10_500).contains(&corrupted.len()),
            "{} of {FRAMES} corrupted",
            corrupted.len()
        );
        for copy in &copies {
            let flipped: u32 = copy.frame.iter().map(|byte| byte.count_ones()).sum();
            assert_eq!(flipped, u32::from(copy.corrupted));
        }
        let touched_bytes: std::collections::BTreeSet<usize> = corrupted
            .iter()
            .filter_map(|copy| copy.frame.iter().position(|&byte| byte != 0))
            .collect();
        assert_eq!(touched_bytes.len(), 100, "every byte can be hit");
    }

    #[test]
    fn delays_stay_within_the_jitter_bounds_and_cover_them() {
        let now = Instant::now();
        let mut link = link(Impairments {
            delay_us: 20_000,
            jitter_us: 5_000,
            ..Impairments::default()
        });
        let delays: Vec<Duration> = (0..FRAMES)
            .map(|_| link.transmit(&[0], now)[0].due - now)
            .collect();
        let low = delays.iter().min().unwrap();
        let high = delays.iter().max().unwrap();
        assert!(*low >= Duration::from_millis(15) && *low < Duration::from_micros(15_100));
        assert!(*high <= Duration::from_millis(25) && *high > Duration::from_micros(24_900));
        let mean = delays.iter().sum::<Duration>() / u32::try_from(FRAMES).unwrap();
        assert!(mean.abs_diff(Duration::from_millis(20)) < Duration::from_micros(100));
    }

    #[test]
    fn a_fixed_delay_without_jitter_is_exact() {
        let now = Instant::now();
        let mut link = link(Impairments {
            delay_us: 50_000,
            ..Impairments::default()
        });
        for _ in 0..100 {
            assert_eq!(
                link.transmit(&[0], now)[0].due,
                now + Duration::from_millis(50)
            );
        }
    }

    #[test]
    fn the_rate_serialises_frames_one_after_the_other() {
        let now = Instant::now();
        let mut link = link(Impairments {
            delay_us: 10_000,
            rate_bps: Some(1_000_000),
            ..Impairments::default()
        });
        let frame = [0u8; 1250];
        let dues: Vec<Duration> = (0..3)
            .map(|_| link.transmit(&frame, now)[0].due - now)
            .collect();
        assert_eq!(
            dues,
            [
                Duration::from_millis(20),
                Duration::from_millis(30),
                Duration::from_millis(40)
            ]
        );
        let later = now + Duration::from_secs(1);
        assert_eq!(
            link.transmit(&frame, later)[0].due - later,
            Duration::from_millis(20),
            "an idle link starts again from now"
        );
    }

    #[test]
    fn transmission_time_is_bits_over_rate() {
        assert_eq!(
            transmission_time(1250, 1_000_000),
            Duration::from_millis(10)
        );
        assert_eq!(transmission_time(1, 8), Duration::from_secs(1));
        assert_eq!(
            transmission_time(1500, 10_000_000_000),
            Duration::from_nanos(1200)
        );
        assert_eq!(transmission_time(0, 1), Duration::ZERO);
    }
}
