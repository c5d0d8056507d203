//! Reading the samples of a CPU profile without google-pprof.
//!
//! gperftools writes machine words (8 bytes, little-endian here): a header `0, 3, 0,
//! PERIOD_US, 0`, then one record per stack, `COUNT, DEPTH, PC...`, then the trailer
//! `0, 1, 0`, then the program's memory map as text.

/// How many samples a profile holds, and how often they were taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Samples {
    /// Samples taken.
    pub count: u64,
    /// Microseconds of CPU time between two samples.
    pub period_us: u64,
}

impl Samples {
    /// Reads a profile; `None` when it is not a complete gperftools CPU profile.
    pub fn read(profile: &[u8]) -> Option<Self> {
        let mut words = profile
            .chunks_exact(8)
            .filter_map(|chunk| <[u8; 8]>::try_from(chunk).ok())
            .map(u64::from_le_bytes);
        let header: Vec<u64> = words.by_ref().take(5).collect();
        let [0, 3, 0, period_us, 0] = header[..] else {
            return None;
        };
        let mut count: u64 = 0;
        loop {
            let samples = words.next()?;
            let depth = words.next()?;
            if samples == 0 && depth == 1 {
                return (words.next()? == 0).then_some(Self { count, period_us });
            }
            count = count.checked_add(samples)?;
            for _ in 0..depth {
                words.next()?;
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The words of `cpu.prof` from `busy 0.1` (tests/fixtures/workloads/busy.c) under
    /// libprofiler (Debian bookworm, google-perftools 2.10): 9 samples in 4 stacks.
    #[rustfmt::skip]
    const WORDS: [u64; 36] = [
        0, 3, 0, 10000, 0,
        3, 5, 0x5628d2a63191, 0x5628d2a63206, 0x7feba839524a, 0x7feba8395305, 0x5628d2a63091,
        3, 5, 0x5628d2a63184, 0x5628d2a63206, 0x7feba839524a, 0x7feba8395305, 0x5628d2a63091,
        2, 5, 0x5628d2a63178, 0x5628d2a63206, 0x7feba839524a, 0x7feba8395305, 0x5628d2a63091,
        1, 5, 0x5628d2a63189, 0x5628d2a63206, 0x7feba839524a, 0x7feba8395305, 0x5628d2a63091,
        0, 1, 0,
    ];
    /// The start of the memory map that follows.
    const MAP: &str = "5628d2a62000-5628d2a63000 r--p 00000000 00:00 10248397    /tmp/wl/busy\n";

    /// A profile of `words` followed by the map.
    fn profile(words: &[u64]) -> Vec<u8> {
        let mut bytes: Vec<u8> = words.iter().flat_map(|word| word.to_le_bytes()).collect();
        bytes.extend_from_slice(MAP.as_bytes());
        bytes
    }

    /// The real profile of `busy 0.1`.
    pub(crate) fn real_profile() -> Vec<u8> {
        profile(&WORDS)
    }

    /// A whole profile without a sample.
    pub(crate) fn profile_without_samples() -> Vec<u8> {
        profile(&[0, 3, 0, 10000, 0, 0, 1, 0])
    }

    #[test]
    fn counts_the_samples_of_a_real_profile() {
        assert_eq!(
            Samples::read(&real_profile()),
            Some(Samples {
                count: 9,
                period_us: 10_000
            })
        );
    }

    #[test]
    fn a_profile_without_samples_counts_none() {
        assert_eq!(
            Samples::read(&profile_without_samples()),
            Some(Samples {
                count: 0,
                period_us: 10_000
            })
        );
    }

    #[test]
    fn refuses_what_is_not_a_whole_profile() {
        assert_eq!(Samples::read(b""), None);
        assert_eq!(
            Samples::read(b"heap profile: 1: 2 [1: 2] @ heapprofile\n"),
            None
        );
        assert_eq!(Samples::read(&real_profile()[..160]), None);
    }
}
