//! What a `perf stat` file says, as a finding's summary and figures.

use serde_json::Value;

use crate::stat::{Amount, Counter, Reading, Stat};

/// One line: "perf stat: task-clock 499.72 ms, 178 context-switches, ... (cycles,
/// instructions not supported here)"; `interval_ms` is the configured interval.
pub fn summary(stat: &Stat, interval_ms: u32) -> String {
    let counted: Vec<String> = stat.counters.iter().filter_map(shown).collect();
    let missing_with = |wanted: &Reading| -> Vec<&str> {
        stat.counters
            .iter()
            .filter(|counter| &counter.reading == wanted)
            .map(|counter| counter.event.as_str())
            .collect()
    };
    let mut notes = Vec::new();
    let unsupported = missing_with(&Reading::NotSupported);
    if !unsupported.is_empty() {
        notes.push(format!("{} not supported here", unsupported.join(", ")));
    }
    let uncounted = missing_with(&Reading::NotCounted);
    if !uncounted.is_empty() {
        notes.push(format!("{} not counted", uncounted.join(", ")));
    }
    let mut line = if interval_ms > 0 {
        format!(
            "perf stat ({} intervals of {interval_ms} ms): ",
            stat.intervals
        )
    } else {
        "perf stat: ".to_owned()
    };
    if counted.is_empty() {
        line.push_str("nothing counted");
    } else {
        line.push_str(&counted.join(", "));
    }
    if !notes.is_empty() {
        line.push_str(&format!(" ({})", notes.join("; ")));
    }
    line
}

/// The figures kept in results.json: each counted event by its name, in its unit
/// (`task-clock` in milliseconds), and `intervals` when perf wrote some.
pub fn metrics(stat: &Stat) -> Vec<(String, Value)> {
    let mut figures: Vec<(String, Value)> = stat
        .counters
        .iter()
        .filter_map(|counter| match counter.reading {
            Reading::Count(amount) => Some((counter.event.clone(), figure(amount))),
            _ => None,
        })
        .collect();
    if stat.intervals > 0 {
        figures.push(("intervals".to_owned(), Value::from(stat.intervals)));
    }
    figures
}

/// A counted event as the summary shows it: "task-clock 12.30 ms", "4 context-switches".
fn shown(counter: &Counter) -> Option<String> {
    let Reading::Count(amount) = counter.reading else {
        return None;
    };
    let value = number(amount);
    let mut text = match counter.unit.as_str() {
        "" => format!("{value} {}", counter.event),
        "msec" => format!("{} {value} ms", counter.event),
        unit => format!("{} {value} {unit}", counter.event),
    };
    if let Some(percent) = counter.scaled_from {
        text.push_str(&format!(" (scaled from {percent:.1}% of the time)"));
    }
    Some(text)
}

/// A value as text: whole numbers as they are, others with two decimals.
fn number(amount: Amount) -> String {
    if amount.whole {
        format!("{:.0}", amount.value)
    } else {
        format!("{:.2}", amount.value)
    }
}

/// A value as a figure: whole numbers as integers, others rounded to three decimals
/// (a microsecond, for a time in milliseconds).
fn figure(amount: Amount) -> Value {
    if amount.whole && amount.value >= 0.0 {
        Value::from(amount.value as u64)
    } else {
        Value::from((amount.value * 1000.0).round() / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn counter(event: &str, unit: &str, reading: Reading) -> Counter {
        Counter {
            event: event.to_owned(),
            unit: unit.to_owned(),
            reading,
            scaled_from: None,
        }
    }

    fn count(value: f64, whole: bool) -> Reading {
        Reading::Count(Amount { value, whole })
    }

    fn busy() -> Stat {
        Stat {
            counters: vec![
                counter("task-clock", "msec", count(499.72, false)),
                counter("context-switches", "", count(178.0, true)),
                counter("cpu-migrations", "", count(0.0, true)),
                counter("page-faults", "", count(62.0, true)),
                counter("cycles", "", Reading::NotSupported),
                counter("instructions", "", Reading::NotSupported),
            ],
            intervals: 0,
        }
    }

    #[test]
    fn says_what_was_counted_and_what_was_not() {
        assert_eq!(
            summary(&busy(), 0),
            "perf stat: task-clock 499.72 ms, 178 context-switches, 0 cpu-migrations, 62 page-faults (cycles, instructions not supported here)"
        );
    }

    #[test]
    fn keeps_each_count_as_a_figure() {
        assert_eq!(
            metrics(&busy()),
            [
                ("task-clock".to_owned(), json!(499.72)),
                ("context-switches".to_owned(), json!(178)),
                ("cpu-migrations".to_owned(), json!(0)),
                ("page-faults".to_owned(), json!(62)),
            ]
        );
    }

    #[test]
    fn says_how_many_intervals_were_summed() {
        let stat = Stat {
            counters: vec![counter(
                "task-clock",
                "msec",
                count(499.87000000000006, false),
            )],
            intervals: 3,
        };
        assert_eq!(
            summary(&stat, 200),
            "perf stat (3 intervals of 200 ms): task-clock 499.87 ms"
        );
        assert_eq!(
            metrics(&stat),
            [
                ("task-clock".to_owned(), json!(499.87)),
                ("intervals".to_owned(), json!(3)),
            ]
        );
    }

    #[test]
    fn notes_scaled_uncounted_and_other_units() {
        let mut cycles = counter("cycles", "", count(123_456_789.0, true));
        cycles.scaled_from = Some(50.0);
        let stat = Stat {
            counters: vec![
                cycles,
                counter("duration_time", "ns", count(500_123_456.0, true)),
                counter("task-clock", "msec", Reading::NotCounted),
                counter("instructions", "", Reading::NotSupported),
            ],
            intervals: 0,
        };
        assert_eq!(
            summary(&stat, 0),
            "perf stat: 123456789 cycles (scaled from 50.0% of the time), duration_time 500123456 ns (instructions not supported here; task-clock not counted)"
        );
        let nothing = Stat {
            counters: vec![counter("cycles", "", Reading::NotSupported)],
            intervals: 0,
        };
        assert_eq!(
            summary(&nothing, 0),
            "perf stat: nothing counted (cycles not supported here)"
        );
    }
}
