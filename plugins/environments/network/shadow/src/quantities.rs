//! The link's quantities as the config writes them (`"20ms"`, `"1 Gbit"`, `"0.5%"`),
//! read exactly into whole numbers and written back in Shadow's units (`20 ms`,
//! `1 Gbit`, `0.005`).

use std::fmt;

use panther_network_shared::decimal::{self, Problem};

/// A time span, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(pub u64);

/// A bandwidth, in bits per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bandwidth(pub u64);

/// A packet loss, in parts per billion (`1%` is 10 000 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loss(pub u64);

/// Duration units and their length in nanoseconds as a power of ten, a suffix before
/// any it ends with.
const DURATION_UNITS: [(&str, u32); 6] = [
    ("ns", 0),
    ("us", 3),
    ("µs", 3),
    ("ms", 6),
    ("sec", 9),
    ("s", 9),
];

/// Bandwidth prefixes (lower case) and their size in bits per second as a power of ten.
const BANDWIDTH_PREFIXES: [(&str, u32); 5] = [("", 0), ("k", 3), ("m", 6), ("g", 9), ("t", 12)];

/// A percentage's size in parts per billion as a power of ten.
const PERCENT_PPB: u32 = 7;

impl Duration {
    /// Reads `20ms`, `1 ms`, `1.5ms`, `500us`, `2s`; the error says what is wrong and
    /// what would be accepted, without the key.
    pub fn parse(text: &str) -> Result<Self, String> {
        let refuse = || format!("'{text}' is not a duration; write e.g. \"20ms\" or \"500us\"");
        let (number, exponent) = DURATION_UNITS
            .iter()
            .find_map(|&(suffix, exponent)| Some((text.strip_suffix(suffix)?.trim_end(), exponent)))
            .ok_or_else(refuse)?;
        decimal::scaled(number, exponent)
            .map(Self)
            .map_err(|problem| match problem {
                Problem::NotWhole => {
                    format!("'{text}' is not a whole number of nanoseconds; write e.g. \"1500ns\"")
                }
                Problem::NotDecimal | Problem::TooLarge => refuse(),
            })
    }

    /// The duration of `ms` milliseconds.
    pub fn from_millis(ms: u64) -> Self {
        Self(ms.saturating_mul(1_000_000))
    }
}

impl fmt::Display for Duration {
    /// In the largest of Shadow's units that keeps it whole: `1 ms`, `1500 us`, `2 s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.0;
        let (value, unit) = match nanos {
            0 => (0, "s"),
            _ if nanos % 1_000_000_000 == 0 => (nanos / 1_000_000_000, "s"),
            _ if nanos % 1_000_000 == 0 => (nanos / 1_000_000, "ms"),
            _ if nanos % 1_000 == 0 => (nanos / 1_000, "us"),
            _ => (nanos, "ns"),
        };
        write!(f, "{value} {unit}")
    }
}

impl Bandwidth {
    /// Reads `1 Gbit`, `100Mbit`, `1.5 gbit`, `64 kbits`; the error says what is wrong
    /// and what would be accepted, without the key.
    pub fn parse(text: &str) -> Result<Self, String> {
        let refuse = || {
            format!(
                "'{text}' is not a bandwidth; write e.g. \"1 Gbit\" or \"10 Mbit\" (units: bit, \
                 Kbit, Mbit, Gbit, Tbit)"
            )
        };
        let lower = text.to_ascii_lowercase();
        let before_unit = lower
            .strip_suffix("bits")
            .or_else(|| lower.strip_suffix("bit"))
            .ok_or_else(refuse)?;
        let (number, exponent) = BANDWIDTH_PREFIXES
            .iter()
            .rev()
            .find_map(|&(prefix, exponent)| {
                Some((before_unit.strip_suffix(prefix)?.trim_end(), exponent))
            })
            .ok_or_else(refuse)?;
        match decimal::scaled(number, exponent) {
            Ok(bits) if bits > 0 && bits % 8 == 0 => Ok(Self(bits)),
            Err(Problem::NotDecimal | Problem::TooLarge) => Err(refuse()),
            Ok(_) | Err(Problem::NotWhole) => Err(format!(
                "'{text}' is not a whole number of bytes per second above zero, as Shadow \
                 needs; write e.g. \"1 Gbit\" or \"64 Kbit\""
            )),
        }
    }
}

impl fmt::Display for Bandwidth {
    /// In the largest of Shadow's SI units that keeps it whole: `1 Gbit`, `1500 Kbit`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (value, prefix) = [
            ("T", 1_000_000_000_000),
            ("G", 1_000_000_000),
            ("M", 1_000_000),
            ("K", 1_000),
        ]
        .into_iter()
        .find(|&(_, size)| self.0 % size == 0)
        .map_or((self.0, ""), |(prefix, size)| (self.0 / size, prefix));
        write!(f, "{value} {prefix}bit")
    }
}

impl Loss {
    /// Reads a percentage, `1%` or `0.5 %`, from 0% to 100%; the error says what is
    /// wrong and what would be accepted, without the key.
    pub fn parse(text: &str) -> Result<Self, String> {
        let refuse = || format!("'{text}' is not a percentage; write e.g. \"1%\" or \"0.5%\"");
        let number = text.strip_suffix('%').ok_or_else(refuse)?.trim_end();
        let ppb = decimal::scaled(number, PERCENT_PPB).map_err(|problem| match problem {
            Problem::NotWhole => {
                format!("'{text}' has more than 7 decimals; write e.g. \"0.0000001%\"")
            }
            Problem::NotDecimal | Problem::TooLarge => refuse(),
        })?;
        if ppb > 1_000_000_000 {
            return Err(format!(
                "'{text}' is more than 100%; write a percentage from \"0%\" to \"100%\""
            ));
        }
        Ok(Self(ppb))
    }
}

impl fmt::Display for Loss {
    /// As the fraction Shadow's `packet_loss` takes: `0.0`, `0.005`, `1.0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let decimals = format!("{:09}", self.0 % 1_000_000_000);
        let decimals = decimals.trim_end_matches('0');
        let decimals = if decimals.is_empty() { "0" } else { decimals };
        write!(f, "{}.{decimals}", self.0 / 1_000_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_durations_in_either_style_and_writes_shadow_units() {
        for (text, nanos, shown) in [
            ("1 ms", 1_000_000, "1 ms"),
            ("20ms", 20_000_000, "20 ms"),
            ("1.5ms", 1_500_000, "1500 us"),
            ("500us", 500_000, "500 us"),
            ("500 µs", 500_000, "500 us"),
            ("2s", 2_000_000_000, "2 s"),
            ("0.25 sec", 250_000_000, "250 ms"),
            ("7ns", 7, "7 ns"),
            ("0ms", 0, "0 s"),
        ] {
            let duration = Duration::parse(text).unwrap();
            assert_eq!(duration, Duration(nanos), "{text}");
            assert_eq!(duration.to_string(), shown, "{text}");
        }
        assert_eq!(Duration::from_millis(1500).to_string(), "1500 ms");
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for text in ["20", "20xs", "ms", "-1ms", "1e3ms", "1.ms", "twenty ms", ""] {
            assert_eq!(
                Duration::parse(text).unwrap_err(),
                format!("'{text}' is not a duration; write e.g. \"20ms\" or \"500us\""),
            );
        }
        assert!(
            Duration::parse("1.5ns")
                .unwrap_err()
                .contains("whole number of nanoseconds")
        );
    }

    #[test]
    fn reads_bandwidths_and_writes_shadow_units() {
        for (text, bits, shown) in [
            ("1 Gbit", 1_000_000_000, "1 Gbit"),
            ("100Mbit", 100_000_000, "100 Mbit"),
            ("1.5 gbit", 1_500_000_000, "1500 Mbit"),
            ("64 kbits", 64_000, "64 Kbit"),
            ("2 Tbit", 2_000_000_000_000, "2 Tbit"),
            ("800 bit", 800, "800 bit"),
        ] {
            let bandwidth = Bandwidth::parse(text).unwrap();
            assert_eq!(bandwidth, Bandwidth(bits), "{text}");
            assert_eq!(bandwidth.to_string(), shown, "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_bandwidth_shadow_takes() {
        for text in ["1 Gbps", "fast", "1 Xbit", "Gbit", ""] {
            assert!(
                Bandwidth::parse(text)
                    .unwrap_err()
                    .contains("is not a bandwidth"),
                "{text}"
            );
        }
        for text in ["0 bit", "12 bit", "0.5 bit"] {
            let error = Bandwidth::parse(text).unwrap_err();
            assert!(
                error.contains("whole number of bytes per second"),
                "{text}: {error}"
            );
        }
    }

    #[test]
    fn reads_percentages_into_fractions() {
        for (text, shown) in [
            ("0%", "0.0"),
            ("1%", "0.01"),
            ("0.5 %", "0.005"),
            ("12.5%", "0.125"),
            ("100%", "1.0"),
            ("0.0000001%", "0.000000001"),
        ] {
            assert_eq!(Loss::parse(text).unwrap().to_string(), shown, "{text}");
        }
        assert!(
            Loss::parse("1")
                .unwrap_err()
                .contains("is not a percentage")
        );
        assert!(
            Loss::parse("x%")
                .unwrap_err()
                .contains("is not a percentage")
        );
        assert!(
            Loss::parse("100.5%")
                .unwrap_err()
                .contains("more than 100%")
        );
        assert!(
            Loss::parse("0.00000001%")
                .unwrap_err()
                .contains("more than 7 decimals")
        );
    }
}
