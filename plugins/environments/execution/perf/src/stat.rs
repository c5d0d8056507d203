//! Reading what `perf stat -x ,` writes: one line per event (per interval with `-I`),
//! `[TIME,]VALUE,UNIT,EVENT,RUN_NS,RUN_PERCENT,METRIC,METRIC_UNIT`, after comment lines.

/// What perf read for one event.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// A count (or a time, in the counter's unit).
    Count(Amount),
    /// `<not supported>`: the machine has no such counter (hardware counters in a
    /// virtual machine).
    NotSupported,
    /// `<not counted>`: the counter never ran (its group could not be scheduled).
    NotCounted,
}

/// A value perf wrote, and whether it wrote it as a whole number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amount {
    /// The value.
    pub value: f64,
    /// Whether it is a whole number (a count, not a time).
    pub whole: bool,
}

/// One event over the whole run (every interval summed).
#[derive(Debug, Clone, PartialEq)]
pub struct Counter {
    /// The event as perf names it (`task-clock`).
    pub event: String,
    /// Its unit (`msec`), empty for a plain count.
    pub unit: String,
    /// What perf read.
    pub reading: Reading,
    /// The least share of the time the counter ran, in percent, when perf had to
    /// share the hardware between counters and scaled the count (below 100).
    pub scaled_from: Option<f64>,
}

/// Everything a `perf stat` file holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stat {
    /// The events, in perf's order.
    pub counters: Vec<Counter>,
    /// How many intervals the file holds (0 without `-I`).
    pub intervals: usize,
}

impl Stat {
    /// Reads a file perf wrote, with a time column first when `interval` (`-I`).
    pub fn parse(csv: &str, interval: bool) -> Self {
        let mut stat = Self::default();
        let mut last_time: Option<&str> = None;
        for line in csv.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split(',');
            if interval {
                let time = fields.next();
                if time != last_time {
                    stat.intervals += 1;
                    last_time = time;
                }
            }
            let fields: Vec<&str> = fields.collect();
            if let Some(counter) = Counter::parse(&fields) {
                stat.add(counter);
            }
        }
        stat
    }

    /// Adds one reading: a new event, or one more interval of a known one.
    fn add(&mut self, counter: Counter) {
        match self.counters.iter_mut().find(|c| c.event == counter.event) {
            Some(known) => known.absorb(counter),
            None => self.counters.push(counter),
        }
    }
}

impl Counter {
    /// Reads the fields of one line after the time: value, unit, event, run time,
    /// run percentage...
    fn parse(fields: &[&str]) -> Option<Self> {
        let [value, unit, event, rest @ ..] = fields else {
            return None;
        };
        if event.is_empty() {
            return None;
        }
        let reading = match value.trim() {
            "<not supported>" => Reading::NotSupported,
            "<not counted>" => Reading::NotCounted,
            number => Reading::Count(Amount {
                value: number.parse().ok()?,
                whole: !number.contains('.'),
            }),
        };
        let scaled_from = rest
            .get(1)
            .and_then(|percent| percent.trim().parse::<f64>().ok())
            .filter(|&percent| percent < 100.0);
        Some(Self {
            event: (*event).to_owned(),
            unit: (*unit).to_owned(),
            reading,
            scaled_from,
        })
    }

    /// Sums the reading of another interval into this one.
    fn absorb(&mut self, other: Counter) {
        self.reading = match (&self.reading, other.reading) {
            (Reading::Count(sum), Reading::Count(more)) => Reading::Count(Amount {
                value: sum.value + more.value,
                whole: sum.whole && more.whole,
            }),
            (Reading::Count(sum), _) => Reading::Count(*sum),
            (_, reading) => reading,
        };
        self.scaled_from = match (self.scaled_from, other.scaled_from) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `perf stat -x , -o perf-stat.csv -e task-clock,context-switches,cpu-migrations,
    /// page-faults,cycles,instructions -- busy` (tests/fixtures/workloads/busy.c) on
    /// Debian bookworm, linux-perf 6.1, in a virtual machine without hardware counters.
    pub(crate) const TOTALS: &str = "\
# started on Sun Nov 29 23:17:18 2026

499.72,msec,task-clock,499719097,100.00,0.460,CPUs utilized
178,,context-switches,499719097,100.00,356.200,/sec
0,,cpu-migrations,499719097,100.00,0.000,/sec
62,,page-faults,499719097,100.00,124.070,/sec
<not supported>,,cycles,0,100.00,,
<not supported>,,instructions,0,100.00,,
";

    /// The same with `-I 200 -e task-clock,context-switches,page-faults`.
    const INTERVALS: &str = "\
# started on Sun Nov 29 23:09:36 2026

     0.200292796,199.88,msec,task-clock,199881048,100.00,0.999,CPUs utilized
     0.200292796,0,,context-switches,199906826,100.00,0.000,/sec
     0.200292796,48,,page-faults,199918344,100.00,240.142,/sec
     0.400788294,200.25,msec,task-clock,200253251,100.00,1.001,CPUs utilized
     0.400788294,1,,context-switches,200239971,100.00,4.994,/sec
     0.400788294,0,,page-faults,200238769,100.00,0.000,/sec
     0.500745164,99.74,msec,task-clock,99742199,100.00,0.499,CPUs utilized
     0.500745164,0,,context-switches,99729701,100.00,0.000,/sec
     0.500745164,7,,page-faults,99719385,100.00,70.182,/sec
";

    /// The same with `-e '{task-clock,cycles}' -e '{cpu-clock,page-faults}'`: a group
    /// holding an unsupported event is never scheduled.
    const NOT_COUNTED: &str = "\
# started on Sun Nov 29 23:17:19 2026

<not counted>,msec,task-clock,0,100.00,,
<not supported>,,cycles,0,100.00,,
499.50,msec,cpu-clock,499663572,100.00,0.434,CPUs utilized
58,,page-faults,499663572,100.00,116.116,/sec
";

    fn count(value: f64, whole: bool) -> Reading {
        Reading::Count(Amount { value, whole })
    }

    #[test]
    fn reads_the_totals() {
        let stat = Stat::parse(TOTALS, false);
        assert_eq!(stat.intervals, 0);
        let events: Vec<&str> = stat.counters.iter().map(|c| c.event.as_str()).collect();
        assert_eq!(
            events,
            [
                "task-clock",
                "context-switches",
                "cpu-migrations",
                "page-faults",
                "cycles",
                "instructions"
            ]
        );
        assert_eq!(
            stat.counters[0],
            Counter {
                event: "task-clock".to_owned(),
                unit: "msec".to_owned(),
                reading: count(499.72, false),
                scaled_from: None,
            }
        );
        assert_eq!(stat.counters[1].reading, count(178.0, true));
        assert_eq!(stat.counters[1].unit, "");
        assert_eq!(stat.counters[4].reading, Reading::NotSupported);
        assert_eq!(stat.counters[5].reading, Reading::NotSupported);
    }

    #[test]
    fn sums_the_intervals() {
        let stat = Stat::parse(INTERVALS, true);
        assert_eq!(stat.intervals, 3);
        assert_eq!(stat.counters.len(), 3);
        let Reading::Count(clock) = stat.counters[0].reading else {
            panic!("{:?}", stat.counters[0]);
        };
        assert!((clock.value - 499.87).abs() < 1e-9, "{clock:?}");
        assert!(!clock.whole);
        assert_eq!(stat.counters[1].reading, count(1.0, true));
        assert_eq!(stat.counters[2].reading, count(55.0, true));
    }

    #[test]
    fn reads_a_counter_that_never_ran() {
        let stat = Stat::parse(NOT_COUNTED, false);
        assert_eq!(stat.counters[0].reading, Reading::NotCounted);
        assert_eq!(stat.counters[1].reading, Reading::NotSupported);
        assert_eq!(stat.counters[2].reading, count(499.5, false));
    }

    #[test]
    fn keeps_the_share_of_a_scaled_counter() {
        // perf's documented format for a counter that shared the hardware; this
        // machine has no hardware counters to multiplex.
        let csv = "123456789,,cycles,250000000,50.00,,\n200,,context-switches,500000000,100.00,0.4,K/sec\n";
        let stat = Stat::parse(csv, false);
        assert_eq!(stat.counters[0].scaled_from, Some(50.0));
        assert_eq!(stat.counters[1].scaled_from, None);
        let csv = "1.0,1000,,cycles,1,60.00,,\n2.0,1000,,cycles,1,40.00,,\n";
        assert_eq!(Stat::parse(csv, true).counters[0].scaled_from, Some(40.0));
    }

    #[test]
    fn an_empty_file_has_no_counters() {
        assert_eq!(Stat::parse("", false), Stat::default());
        assert_eq!(
            Stat::parse("# started on Sun Nov 29 23:09:19 2026\n\n", false),
            Stat::default()
        );
        assert!(Stat::parse("garbage\n", false).counters.is_empty());
    }
}
