//! google-pprof's text report: the analysis that makes it, and reading it back.

use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{Analysis, CommandSpec, path_argument};

use crate::program::program_file;

/// How many functions a finding names.
pub const TOP_FUNCTIONS: usize = 3;

/// The analysis writing `google-pprof --text OPTIONS... PROGRAM PROFILE` to `report`,
/// where PROGRAM is the file `profiled` starts; it runs in the profiled command's
/// working directory, so that a relative program path means the same file.
pub fn report_analysis(
    pprof: &Path,
    options: &[&str],
    profiled: &CommandSpec,
    profile: &Path,
    report: &Path,
) -> Result<Analysis, PluginError> {
    let mut args = vec!["--text".to_owned()];
    args.extend(options.iter().map(|&option| option.to_owned()));
    args.push(program_file(profiled));
    args.push(path_argument(profile)?);
    Ok(Analysis {
        command: CommandSpec {
            cwd: profiled.cwd.clone(),
            ..CommandSpec::new(path_argument(pprof)?, args)
        },
        output: report.to_path_buf(),
    })
}

/// Where the host writes the standard error of the analysis writing `report`.
pub fn errors_of(report: &Path) -> PathBuf {
    report.with_extension("err")
}

/// A report of `google-pprof --text`: a `Total:` line, then one line per function.
#[derive(Debug, Clone, PartialEq)]
pub struct TextReport {
    /// One entry per function, the heaviest by its own weight first.
    pub entries: Vec<Entry>,
}

/// One function of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The weight of the function itself, as a percentage of the total.
    pub flat_percent: f64,
    /// The function (or an address pprof could not name).
    pub function: String,
}

impl TextReport {
    /// Reads the report google-pprof wrote to `report`; when it made none (no file, or
    /// no `Total:` line), the file holding its standard error, which says why.
    pub fn read(report: &Path) -> Result<Self, PathBuf> {
        let text = std::fs::read(report).unwrap_or_default();
        Self::parse(&String::from_utf8_lossy(&text)).ok_or_else(|| errors_of(report))
    }

    /// Reads a report; `None` when it holds no `Total:` line (google-pprof failed, or
    /// the profile holds no sample).
    pub fn parse(text: &str) -> Option<Self> {
        let mut lines = text.lines().skip_while(|line| !line.starts_with("Total:"));
        lines.next()?;
        Some(Self {
            entries: lines.filter_map(Entry::parse).collect(),
        })
    }

    /// The heaviest functions, each with its share: "busy_loop 98.0%, main 2.0%";
    /// functions whose own share rounds to 0.0% are left out.
    pub fn top(&self, count: usize) -> String {
        let named: Vec<String> = self
            .entries
            .iter()
            .filter(|entry| entry.flat_percent > 0.0)
            .take(count)
            .map(|entry| format!("{} {:.1}%", entry.function, entry.flat_percent))
            .collect();
        if named.is_empty() {
            "no function".to_owned()
        } else {
            named.join(", ")
        }
    }
}

impl Entry {
    /// Reads one line: `flat flat% sum% cum cum% function`; only the function's own
    /// share matters to a finding.
    fn parse(line: &str) -> Option<Self> {
        let (_, rest) = word(line)?;
        let (flat_percent, rest) = word(rest)?;
        let (_, rest) = word(rest)?;
        let (_, rest) = word(rest)?;
        let (_, function) = word(rest)?;
        let function = function.trim();
        if function.is_empty() {
            return None;
        }
        Some(Self {
            flat_percent: flat_percent.strip_suffix('%')?.parse().ok()?,
            function: function.to_owned(),
        })
    }
}

/// The first word of `text` and what follows it.
fn word(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    let end = text.find(char::is_whitespace)?;
    Some((&text[..end], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `google-pprof --text busy cpu.prof` on tests/fixtures/workloads/busy.c, on
    /// Debian bookworm (google-perftools 2.10).
    const CPU_REPORT: &str = "\
Total: 49 samples
      48  98.0%  98.0%       49 100.0% busy_loop
       1   2.0% 100.0%        1   2.0% 0x00007f36ec311be1
       0   0.0% 100.0%        1   2.0% __GI___clock_gettime
       0   0.0% 100.0%       49 100.0% __libc_start_call_main
       0   0.0% 100.0%       49 100.0% __libc_start_main_impl
       0   0.0% 100.0%       49 100.0% _start
       0   0.0% 100.0%        1   2.0% clock@@GLIBC_2.2.5
       0   0.0% 100.0%       49 100.0% main
";

    /// `google-pprof --text --show_bytes alloc heap.0001.heap` on
    /// tests/fixtures/workloads/alloc.c.
    const HEAP_REPORT: &str = "\
Total: 67112960 B
67108864 100.0% 100.0% 67108864 100.0% allocate_chunks
    4096   0.0% 100.0%     4096   0.0% __GI__IO_file_doallocate
       0   0.0% 100.0%     4096   0.0% _IO_new_file_overflow
       0   0.0% 100.0%     4096   0.0% _IO_new_file_xsputn
       0   0.0% 100.0%     4096   0.0% __GI__IO_doallocbuf
       0   0.0% 100.0% 67112960 100.0% __libc_start_call_main
       0   0.0% 100.0% 67112960 100.0% __libc_start_main_impl
       0   0.0% 100.0%     4096   0.0% __printf
       0   0.0% 100.0% 67112960 100.0% _start
       0   0.0% 100.0% 67112960 100.0% main
       0   0.0% 100.0%     4096   0.0% outstring_func
";

    /// The start of `google-pprof --text --show_bytes` on the heap of a Rust program
    /// (the ping_pong client) holding 561 bytes at exit.
    const SMALL_HEAP_REPORT: &str = "\
Total: 561 B
     544  97.0%  97.0%      544  97.0% ::new_uninit_in (inline)
      17   3.0% 100.0%       17   3.0% ::try_allocate_in
       0   0.0% 100.0%       17   3.0% ::augment_args
";

    #[test]
    fn reads_a_cpu_report() {
        let report = TextReport::parse(CPU_REPORT).unwrap();
        assert_eq!(report.entries.len(), 8);
        assert_eq!(
            report.entries[0],
            Entry {
                flat_percent: 98.0,
                function: "busy_loop".to_owned(),
            }
        );
        assert_eq!(
            report.top(TOP_FUNCTIONS),
            "busy_loop 98.0%, 0x00007f36ec311be1 2.0%"
        );
    }

    #[test]
    fn reads_a_heap_report() {
        let report = TextReport::parse(HEAP_REPORT).unwrap();
        assert_eq!(report.entries.len(), 11);
        assert_eq!(report.top(TOP_FUNCTIONS), "allocate_chunks 100.0%");
        let small = TextReport::parse(SMALL_HEAP_REPORT).unwrap();
        assert_eq!(
            small.top(TOP_FUNCTIONS),
            "::new_uninit_in (inline) 97.0%, ::try_allocate_in 3.0%"
        );
    }

    #[test]
    fn keeps_function_names_with_spaces() {
        let report = TextReport::parse(
            "Total: 10 samples\n       10 100.0% 100.0%       10 100.0% std::vector<int, std::allocator<int> >::push_back\n",
        )
        .unwrap();
        assert_eq!(
            report.entries[0].function,
            "std::vector<int, std::allocator<int> >::push_back"
        );
    }

    #[test]
    fn a_report_without_total_is_no_report() {
        assert_eq!(TextReport::parse(""), None);
        assert_eq!(TextReport::parse("cpu.prof: header size >= 2**16\n"), None);
        let empty = TextReport::parse("Total: 0 samples\n").unwrap();
        assert_eq!(empty.top(TOP_FUNCTIONS), "no function");
    }

    #[test]
    fn reads_a_report_file_or_names_the_errors_of_pprof() {
        let directory = tempfile::tempdir().unwrap();
        let report = directory.path().join("cpu-report.txt");
        let errors = directory.path().join("cpu-report.err");
        assert_eq!(TextReport::read(&report), Err(errors.clone()));
        std::fs::write(&report, "cpu.prof: header size >= 2**16\n").unwrap();
        assert_eq!(TextReport::read(&report), Err(errors));
        std::fs::write(&report, CPU_REPORT).unwrap();
        assert_eq!(
            TextReport::read(&report),
            Ok(TextReport::parse(CPU_REPORT).unwrap())
        );
    }

    #[test]
    fn the_analysis_runs_pprof_on_the_program_in_its_directory() {
        let mut profiled = CommandSpec::new("/opt/server", ["--port", "4443"]);
        profiled.cwd = Some(PathBuf::from("/run/server"));
        let analysis = report_analysis(
            Path::new("/usr/bin/google-pprof"),
            &["--show_bytes"],
            &profiled,
            Path::new("/run/server/artifacts/cpu.prof"),
            Path::new("/run/server/artifacts/cpu-report.txt"),
        )
        .unwrap();
        assert_eq!(analysis.command.program, "/usr/bin/google-pprof");
        assert_eq!(
            analysis.command.args,
            [
                "--text",
                "--show_bytes",
                "/opt/server",
                "/run/server/artifacts/cpu.prof"
            ]
        );
        assert!(analysis.command.env.is_empty());
        assert_eq!(analysis.command.cwd, Some(PathBuf::from("/run/server")));
        assert_eq!(
            analysis.output,
            PathBuf::from("/run/server/artifacts/cpu-report.txt")
        );
        assert_eq!(
            errors_of(&analysis.output),
            PathBuf::from("/run/server/artifacts/cpu-report.err")
        );
    }
}
