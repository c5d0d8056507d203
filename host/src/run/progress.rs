//! Progress while a run goes: a bar on a terminal, one plain line per finished test
//! otherwise, nothing with `-q`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use crate::plan::TestPlan;
use crate::report::TestResult;

/// How progress is shown.
pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    total: usize,
    finished: AtomicUsize,
}

impl Progress {
    /// Progress over `total` test iterations; `quiet` shows none.
    pub fn new(total: usize, quiet: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = (terminal && !quiet).then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Self {
            bar,
            plain: !terminal && !quiet,
            total,
            finished: AtomicUsize::new(0),
        }
    }

    /// A test iteration started.
    pub fn started(&self, test: &TestPlan) {
        if let Some(bar) = &self.bar {
            bar.set_message(test.name.clone());
        }
    }

    /// A test iteration ended.
    pub fn finished(&self, result: &TestResult) {
        let done = self.finished.fetch_add(1, Ordering::SeqCst) + 1;
        let line = format!(
            "[{done}/{}] {}: {} ({} ms)",
            self.total,
            result.status.as_str(),
            result.name,
            result.duration_ms
        );
        if let Some(bar) = &self.bar {
            bar.println(line);
            bar.inc(1);
        } else if self.plain {
            eprintln!("{line}");
        }
    }

    /// The run ended.
    pub fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
