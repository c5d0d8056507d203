//! What the user sees while builds run: one line per step (with its log file) and a
//! spinner with the time spent on a terminal; plain lines elsewhere.

use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// The progress of one build.
pub struct Progress {
    label: String,
    spinner: Option<ProgressBar>,
    started: Instant,
}

/// A duration as `12.3 s` or `4 min 05 s`.
pub fn human(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let whole = duration.as_secs();
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

impl Progress {
    /// The progress of the build `label`.
    pub fn new(label: &str) -> Self {
        let spinner = std::io::stderr().is_terminal().then(|| {
            let spinner = ProgressBar::new_spinner();
            spinner.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            spinner.enable_steady_tick(Duration::from_millis(200));
            spinner
        });
        Self {
            label: label.to_owned(),
            spinner,
            started: Instant::now(),
        }
    }

    /// Says `line` above the spinner.
    pub fn say(&self, line: &str) {
        match &self.spinner {
            Some(spinner) => spinner.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// A step starts.
    pub fn step(&self, number: usize, count: usize, step: &str, log: &Path) {
        let line = format!(
            "{} [{number}/{count}] {step} (log: {})",
            self.label,
            log.display()
        );
        match &self.spinner {
            Some(spinner) => {
                spinner.println(&line);
                spinner.set_message(format!("{} [{number}/{count}] {step}", self.label));
            }
            None => eprintln!("{line}"),
        }
    }

    /// The time since the build started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(spinner) = &self.spinner {
            spinner.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_seconds_then_minutes() {
        assert_eq!(human(Duration::from_millis(12_340)), "12.3 s");
        assert_eq!(human(Duration::from_secs(245)), "4 min 05 s");
    }
}
