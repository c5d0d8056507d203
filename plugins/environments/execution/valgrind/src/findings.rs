//! Findings from every report a valgrind tool wrote during a service's run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use panther_plugin_api::model::{ExitInfo, Finding, FindingsRequest};

use crate::Tool;
use crate::report::{self, Report, ReportedError};
use crate::stack::location;

/// One report and the file it was read from.
struct ReadReport {
    path: PathBuf,
    report: Report,
}

/// The errors of one kind over every report.
struct KindTally<'a> {
    count: u64,
    leaked_bytes: u64,
    first: &'a ReportedError,
    file: &'a Path,
}

/// What `tool` found in the service's run: one finding per kind of error (failing the
/// test when `fail_on_errors`), one per incomplete report, one per program that died
/// of a signal the host did not send, and a summary with the figures.
///
/// No report at all fails the test: valgrind did not check the run.
pub fn findings(tool: Tool, request: &FindingsRequest, fail_on_errors: bool) -> Vec<Finding> {
    let files = files_of(&request.artifacts_dir, tool.name, "xml");
    if files.is_empty() {
        return vec![no_report(tool, request)];
    }
    let mut findings = Vec::new();
    let mut reports = Vec::new();
    for path in files {
        match std::fs::read(&path) {
            Ok(bytes) => reports.push(ReadReport {
                report: report::parse(&String::from_utf8_lossy(&bytes)),
                path,
            }),
            Err(error) => findings.push(
                Finding::new(format!("cannot read {}: {error}", path.display()), true)
                    .with_file(path),
            ),
        }
    }
    let tallies = tally(&reports);
    findings.extend(
        tallies
            .iter()
            .map(|(kind, tally)| kind_finding(kind, tally, fail_on_errors)),
    );
    findings.extend(
        reports
            .iter()
            .filter_map(|read| incomplete(tool, read, &request.exit)),
    );
    findings.extend(
        reports
            .iter()
            .filter_map(|read| fatal_signal(read, &request.exit)),
    );
    findings.push(summary(tool, &reports, &tallies, &request.artifacts_dir));
    findings
}

/// The files `TOOL.PID.EXTENSION` in `directory`, by process id.
fn files_of(directory: &Path, tool: &str, extension: &str) -> Vec<PathBuf> {
    let prefix = format!("{tool}.");
    let suffix = format!(".{extension}");
    let mut files: Vec<PathBuf> = std::fs::read_dir(directory)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(&prefix) && name.ends_with(&suffix))
        })
        .collect();
    files.sort_by_cached_key(|path| {
        let pid = path
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| {
                name.strip_prefix(&prefix)?
                    .strip_suffix(&suffix)?
                    .parse::<u64>()
                    .ok()
            });
        (pid, path.clone())
    });
    files
}

/// The failing finding when valgrind wrote no report, pointing at where it said why:
/// its own log, or else the service's standard error.
fn no_report(tool: Tool, request: &FindingsRequest) -> Finding {
    let log = files_of(&request.artifacts_dir, tool.name, "log")
        .into_iter()
        .find(|log| std::fs::metadata(log).is_ok_and(|m| m.len() > 0))
        .unwrap_or_else(|| request.stderr.clone());
    Finding::new(
        format!(
            "valgrind wrote no {} report ({}.*.xml in {}); see {} for why",
            tool.name,
            tool.name,
            request.artifacts_dir.display(),
            log.display()
        ),
        true,
    )
    .with_file(log)
}

/// The errors of every report, by kind.
fn tally(reports: &[ReadReport]) -> BTreeMap<&str, KindTally<'_>> {
    let mut tallies: BTreeMap<&str, KindTally<'_>> = BTreeMap::new();
    for read in reports {
        for error in &read.report.errors {
            let tally = tallies.entry(&error.kind).or_insert(KindTally {
                count: 0,
                leaked_bytes: 0,
                first: error,
                file: &read.path,
            });
            tally.count += error.count;
            tally.leaked_bytes += error.leaked_bytes.unwrap_or(0);
        }
    }
    tallies
}

/// The finding on one kind of error: how many, and the first one, where it happened.
fn kind_finding(kind: &str, tally: &KindTally<'_>, fail_on_errors: bool) -> Finding {
    let first = tally.first;
    let at = location(&first.stack).map_or_else(String::new, |place| format!(" ({place})"));
    let summary = if tally.count == 1 {
        format!("{kind}: {}{at}", first.what)
    } else {
        format!(
            "{kind} ({} errors), the first: {}{at}",
            tally.count, first.what
        )
    };
    let finding = Finding::new(summary, fail_on_errors)
        .with_file(tally.file)
        .with_metric("errors", tally.count);
    if tally.leaked_bytes > 0 {
        finding.with_metric("leaked_bytes", tally.leaked_bytes)
    } else {
        finding
    }
}

/// A report cut short. It fails the test unless the host stopped the service (the
/// host's KILL after its grace period cuts a report short).
fn incomplete(tool: Tool, read: &ReadReport, exit: &ExitInfo) -> Option<Finding> {
    let why = read.report.incomplete.as_ref()?;
    let process = read
        .report
        .pid
        .map_or_else(String::new, |pid| format!(" of process {pid}"));
    Some(
        Finding::new(
            format!(
                "the {} report{process} is incomplete: {why}; the errors it holds are counted",
                tool.name
            ),
            !exit.stopped_by_host,
        )
        .with_file(&read.path),
    )
}

/// A program that died of a signal, unless it was the host's SIGTERM. It does not
/// fail the test: the service's own verdict judges how it ended.
fn fatal_signal(read: &ReadReport, exit: &ExitInfo) -> Option<Finding> {
    let signal = read.report.fatal_signal.as_ref()?;
    if exit.stopped_by_host && signal.name == "SIGTERM" {
        return None;
    }
    let program = read.report.program.as_deref().unwrap_or("the program");
    let at = location(&signal.stack).map_or_else(String::new, |place| format!(" ({place})"));
    Some(
        Finding::new(format!("{program} died of {}{at}", signal.name), false)
            .with_file(&read.path)
            .with_metric("signal", signal.name.as_str()),
    )
}

/// The figures over every report: processes checked, errors in all and by kind, and
/// for a tool that reports leaks, the bytes leaked.
fn summary(
    tool: Tool,
    reports: &[ReadReport],
    tallies: &BTreeMap<&str, KindTally<'_>>,
    artifacts_dir: &Path,
) -> Finding {
    let errors: u64 = tallies.values().map(|tally| tally.count).sum();
    let leaked_bytes: u64 = tallies.values().map(|tally| tally.leaked_bytes).sum();
    let mut programs: Vec<&str> = Vec::new();
    for program in reports
        .iter()
        .filter_map(|read| read.report.program.as_deref())
    {
        if !programs.contains(&program) {
            programs.push(program);
        }
    }
    let processes = match reports.len() {
        1 => "1 process".to_owned(),
        count => format!("{count} processes"),
    };
    let mut text = if programs.is_empty() {
        format!("{processes} checked")
    } else {
        format!("{processes} checked ({})", programs.join(", "))
    };
    if errors == 0 {
        text.push_str(": no errors");
    } else {
        let noun = if errors == 1 { "error" } else { "errors" };
        let kinds: Vec<String> = tallies
            .iter()
            .map(|(kind, tally)| format!("{kind} {}", tally.count))
            .collect();
        text.push_str(&format!(": {errors} {noun} ({})", kinds.join(", ")));
    }
    if tool.reports_leaks && leaked_bytes > 0 {
        text.push_str(&format!(", {leaked_bytes} bytes leaked"));
    }
    let file = match reports {
        [only] => only.path.clone(),
        _ => artifacts_dir.to_path_buf(),
    };
    let mut finding = Finding::new(text, false)
        .with_file(file)
        .with_metric("processes", reports.len())
        .with_metric("errors", errors);
    for (kind, tally) in tallies {
        finding = finding.with_metric(*kind, tally.count);
    }
    if tool.reports_leaks {
        finding = finding.with_metric("leaked_bytes", leaked_bytes);
    }
    finding
}
