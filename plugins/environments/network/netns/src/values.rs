//! The config's values written as text: durations, percentages and rates, read into
//! numbers with one-line errors naming the key, and written back in tc's syntax.

use panther_network_shared::decimal::{self, Problem};
use panther_plugin_api::PluginError;
use serde_json::Value;

/// Duration units and their length in microseconds as a power of ten, longest suffix
/// first.
const DURATION_UNITS: [(&str, u32); 3] = [("us", 0), ("ms", 3), ("s", 6)];

/// Rate units (tc's) and their size in bits per second, longest suffix first.
const RATE_UNITS: [(&str, f64); 8] = [
    ("kbit", 1e3),
    ("mbit", 1e6),
    ("gbit", 1e9),
    ("kbps", 8e3),
    ("mbps", 8e6),
    ("gbps", 8e9),
    ("bit", 1.0),
    ("bps", 8.0),
];

/// A value as a message quotes it: a string in single quotes, anything else as JSON.
pub fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => format!("'{text}'"),
        other => other.to_string(),
    }
}

/// A one-line error about config key `key`.
pub fn key_error(key: &str, message: impl std::fmt::Display) -> PluginError {
    PluginError::new(format!("config key `{key}`: {message}"))
}

/// Reads a duration (`"20ms"`, `"500us"`, `"1s"`, `"1.5ms"`) in microseconds.
pub fn duration(key: &str, value: &Value) -> Result<u64, PluginError> {
    let refuse = || {
        key_error(
            key,
            format!(
                "{} is not a duration; write e.g. \"20ms\" or \"500us\"",
                shown(value)
            ),
        )
    };
    let text = value.as_str().ok_or_else(refuse)?;
    let (number, exponent) = DURATION_UNITS
        .iter()
        .find_map(|&(suffix, exponent)| Some((text.strip_suffix(suffix)?, exponent)))
        .ok_or_else(refuse)?;
    decimal::scaled(number, exponent).map_err(|problem| match problem {
        Problem::NotWhole => key_error(
            key,
            format!(
                "{} is not a whole number of microseconds; write e.g. \"1us\" or \"500us\"",
                shown(value)
            ),
        ),
        Problem::NotDecimal | Problem::TooLarge => refuse(),
    })
}

/// Reads a percentage (`"1%"`, `"0.5%"`, from `"0%"` to `"100%"`).
pub fn percentage(key: &str, value: &Value) -> Result<f64, PluginError> {
    let refuse = || {
        key_error(
            key,
            format!(
                "{} is not a percentage; write e.g. \"1%\" or \"0.5%\"",
                shown(value)
            ),
        )
    };
    let number = value
        .as_str()
        .and_then(|text| text.strip_suffix('%'))
        .ok_or_else(refuse)?;
    if !decimal::is_plain(number) {
        return Err(refuse());
    }
    let percent: f64 = number.parse().map_err(|_| refuse())?;
    if percent > 100.0 {
        return Err(key_error(
            key,
            format!(
                "{} is more than 100%; write a percentage from \"0%\" to \"100%\"",
                shown(value)
            ),
        ));
    }
    Ok(percent)
}

/// Reads a rate in tc's units (`"10mbit"`, `"1.5gbit"`, `"500kbps"`) in bits per
/// second.
pub fn rate(key: &str, value: &Value) -> Result<u64, PluginError> {
    let refuse = || {
        key_error(
            key,
            format!(
                "{} is not a rate; write e.g. \"10mbit\" or \"1gbit\" (units: bit, kbit, mbit, \
                 gbit, bps, kbps, mbps, gbps)",
                shown(value)
            ),
        )
    };
    let text = value.as_str().ok_or_else(refuse)?.to_ascii_lowercase();
    let (number, unit) = RATE_UNITS
        .iter()
        .find_map(|&(suffix, unit)| Some((text.strip_suffix(suffix)?, unit)))
        .ok_or_else(refuse)?;
    if !decimal::is_plain(number) {
        return Err(refuse());
    }
    let bits = (number.parse::<f64>().map_err(|_| refuse())? * unit).round();
    if bits >= u64::MAX as f64 {
        return Err(refuse());
    }
    if bits < 1.0 {
        return Err(key_error(
            key,
            format!(
                "{} would stop the link; write a rate above zero, e.g. \"10mbit\"",
                shown(value)
            ),
        ));
    }
    Ok(bits as u64)
}

/// A duration in microseconds as tc writes it (`20ms`, `1500us`, `2s`).
pub fn format_duration(micros: u64) -> String {
    match micros {
        0 => "0ms".to_owned(),
        _ if micros % 1_000_000 == 0 => format!("{}s", micros / 1_000_000),
        _ if micros % 1_000 == 0 => format!("{}ms", micros / 1_000),
        _ => format!("{micros}us"),
    }
}

/// A percentage as tc writes it (`1%`, `0.5%`).
pub fn format_percentage(percent: f64) -> String {
    format!("{percent}%")
}

/// A rate in bits per second as tc writes it (`10mbit`, `1500kbit`, `12bit`).
pub fn format_rate(bits: u64) -> String {
    match bits {
        _ if bits % 1_000_000_000 == 0 => format!("{}gbit", bits / 1_000_000_000),
        _ if bits % 1_000_000 == 0 => format!("{}mbit", bits / 1_000_000),
        _ if bits % 1_000 == 0 => format!("{}kbit", bits / 1_000),
        _ => format!("{bits}bit"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn message<T: std::fmt::Debug>(result: Result<T, PluginError>) -> String {
        result.unwrap_err().message().to_owned()
    }

    #[test]
    fn reads_durations_in_every_unit() {
        for (text, micros) in [
            ("20ms", 20_000),
            ("500us", 500),
            ("1s", 1_000_000),
            ("1.5ms", 1_500),
            ("0.25s", 250_000),
            ("0ms", 0),
            ("0.001ms", 1),
            ("007ms", 7_000),
            ("1.500000000ms", 1_500),
        ] {
            assert_eq!(duration("delay", &json!(text)), Ok(micros), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_duration_with_an_example() {
        for bad in [
            "5xs", "20", "ms", "-5ms", "1.ms", ".5ms", "1e3ms", "20 ms", "", "1,5ms",
        ] {
            assert_eq!(
                message(duration("links.client.delay", &json!(bad))),
                format!(
                    "config key `links.client.delay`: '{bad}' is not a duration; write e.g. \
                     \"20ms\" or \"500us\""
                ),
            );
        }
        assert_eq!(
            message(duration("delay", &json!(20))),
            "config key `delay`: 20 is not a duration; write e.g. \"20ms\" or \"500us\""
        );
        assert_eq!(
            message(duration("delay", &json!("99999999999999999999s"))),
            "config key `delay`: '99999999999999999999s' is not a duration; write e.g. \"20ms\" \
             or \"500us\""
        );
    }

    #[test]
    fn refuses_a_duration_finer_than_a_microsecond() {
        assert_eq!(
            message(duration("jitter", &json!("0.5us"))),
            "config key `jitter`: '0.5us' is not a whole number of microseconds; write e.g. \
             \"1us\" or \"500us\""
        );
    }

    #[test]
    fn reads_percentages() {
        for (text, percent) in [("0%", 0.0), ("1%", 1.0), ("0.5%", 0.5), ("100%", 100.0)] {
            assert_eq!(percentage("loss", &json!(text)), Ok(percent), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_percentage() {
        for bad in [
            "1", "%", "-1%", "1 %", "one%", "1e1%", "inf%", "NaN%", "1.%",
        ] {
            assert_eq!(
                message(percentage("loss", &json!(bad))),
                format!(
                    "config key `loss`: '{bad}' is not a percentage; write e.g. \"1%\" or \"0.5%\""
                ),
            );
        }
        assert_eq!(
            message(percentage("corrupt", &json!(0.5))),
            "config key `corrupt`: 0.5 is not a percentage; write e.g. \"1%\" or \"0.5%\""
        );
        assert_eq!(
            message(percentage("links.server.duplicate", &json!("100.5%"))),
            "config key `links.server.duplicate`: '100.5%' is more than 100%; write a percentage \
             from \"0%\" to \"100%\""
        );
    }

    #[test]
    fn reads_rates_in_every_tc_unit() {
        for (text, bits) in [
            ("12bit", 12),
            ("64kbit", 64_000),
            ("10mbit", 10_000_000),
            ("1gbit", 1_000_000_000),
            ("100bps", 800),
            ("10kbps", 80_000),
            ("1mbps", 8_000_000),
            ("2gbps", 16_000_000_000),
            ("1.5mbit", 1_500_000),
            ("10Mbit", 10_000_000),
        ] {
            assert_eq!(rate("rate", &json!(text)), Ok(bits), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_rate() {
        for bad in [
            "10", "10mb", "mbit", "-1mbit", "10 mbit", "1e6bit", "10mibit",
        ] {
            assert_eq!(
                message(rate("rate", &json!(bad))),
                format!(
                    "config key `rate`: '{bad}' is not a rate; write e.g. \"10mbit\" or \"1gbit\" \
                     (units: bit, kbit, mbit, gbit, bps, kbps, mbps, gbps)"
                ),
            );
        }
        assert_eq!(
            message(rate("rate", &json!("0mbit"))),
            "config key `rate`: '0mbit' would stop the link; write a rate above zero, e.g. \
             \"10mbit\""
        );
        assert_eq!(
            message(rate("rate", &json!("0.1bit"))),
            "config key `rate`: '0.1bit' would stop the link; write a rate above zero, e.g. \
             \"10mbit\""
        );
        assert!(message(rate("rate", &json!("99999999999gbps"))).contains("is not a rate"));
        assert!(message(rate("rate", &json!(true))).starts_with("config key `rate`: true is not"));
    }

    #[test]
    fn writes_values_as_tc_does() {
        assert_eq!(format_duration(20_000), "20ms");
        assert_eq!(format_duration(1_500), "1500us");
        assert_eq!(format_duration(2_000_000), "2s");
        assert_eq!(format_duration(0), "0ms");
        assert_eq!(format_percentage(1.0), "1%");
        assert_eq!(format_percentage(0.5), "0.5%");
        assert_eq!(format_rate(10_000_000), "10mbit");
        assert_eq!(format_rate(1_500_000), "1500kbit");
        assert_eq!(format_rate(2_000_000_000), "2gbit");
        assert_eq!(format_rate(12), "12bit");
    }
}
