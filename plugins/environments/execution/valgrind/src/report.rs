//! One XML report of valgrind (`--xml=yes`, protocol 4), read as far as it goes.
//!
//! A process killed while valgrind writes leaves a report cut short: what it holds
//! up to the cut is kept, and the report says it is incomplete.

use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesRef, Event};

use crate::stack::Frame;

/// What one process's report says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The program valgrind ran (`<argv><exe>`).
    pub program: Option<String>,
    /// The process id.
    pub pid: Option<u32>,
    /// The errors, in the order reported.
    pub errors: Vec<ReportedError>,
    /// The signal that ended the program, when one did.
    pub fatal_signal: Option<FatalSignal>,
    /// Why the report could not be read to its end, when it could not.
    pub incomplete: Option<String>,
}

/// One error valgrind reports: a leak record, an invalid access, a race...
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportedError {
    /// Its kind (`Leak_DefinitelyLost`, `InvalidRead`, `Race`).
    pub kind: String,
    /// What valgrind says of it (`<what>`, or `<xwhat><text>`).
    pub what: String,
    /// How many times it occurred.
    pub count: u64,
    /// For a leak: how many bytes are lost.
    pub leaked_bytes: Option<u64>,
    /// Where it happened, innermost frame first.
    pub stack: Vec<Frame>,
    /// Valgrind's identifier of the error, which its counts refer to.
    unique: String,
}

/// The signal that ended the program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FatalSignal {
    /// Its name (`SIGSEGV`).
    pub name: String,
    /// Where the program was, innermost frame first.
    pub stack: Vec<Frame>,
}

/// Reads one report.
pub fn parse(text: &str) -> Report {
    let mut reader = Reader::from_str(text);
    let mut parser = Parser::default();
    loop {
        match reader.read_event() {
            Ok(Event::Start(element)) => {
                parser.open(&String::from_utf8_lossy(element.name().as_ref()));
            }
            Ok(Event::Empty(element)) => {
                parser.open(&String::from_utf8_lossy(element.name().as_ref()));
                parser.close();
            }
            Ok(Event::End(_)) => parser.close(),
            Ok(Event::Text(text)) => parser.text.push_str(&String::from_utf8_lossy(&text)),
            Ok(Event::GeneralRef(reference)) => parser.text.push_str(&resolve(&reference)),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(error) => {
                parser.stopped = Some(format!(
                    "it cannot be read past byte {}: {error}",
                    reader.error_position()
                ));
                break;
            }
        }
    }
    parser.finish()
}

/// The text an entity or character reference stands for.
fn resolve(reference: &BytesRef) -> String {
    if let Ok(Some(character)) = reference.resolve_char_ref() {
        return character.to_string();
    }
    let name = String::from_utf8_lossy(reference);
    resolve_xml_entity(&name).map_or_else(|| format!("&{name};"), str::to_owned)
}

/// The reading state: where in the document the reader is and what it gathered.
#[derive(Default)]
struct Parser {
    /// The names of the open elements, outermost first.
    path: Vec<String>,
    /// The text read since the last element opened.
    text: String,
    /// What the report said so far.
    report: Report,
    /// The error being read.
    error: ReportedError,
    /// The fatal signal being read.
    signal: FatalSignal,
    /// The frame being read.
    frame: Frame,
    /// The frames of the stack being read.
    stack: Vec<Frame>,
    /// The count of the error count being read.
    count: Option<u64>,
    /// The error the count being read is for.
    counted: Option<String>,
    /// How many times each error occurred, by its identifier.
    counts: BTreeMap<String, u64>,
    /// Whether the document ended.
    complete: bool,
    /// Why reading stopped before the end, when the document is broken.
    stopped: Option<String>,
}

impl Parser {
    /// An element opens.
    fn open(&mut self, name: &str) {
        self.path.push(name.to_owned());
        self.text.clear();
    }

    /// The innermost open element closes: its text is the value of a leaf.
    fn close(&mut self) {
        let value = self.text.trim().to_owned();
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        match path.as_slice() {
            ["valgrindoutput"] => self.complete = true,
            ["valgrindoutput", "pid"] => self.report.pid = value.parse().ok(),
            ["valgrindoutput", "args", "argv", "exe"] => self.report.program = Some(value),
            ["valgrindoutput", "error"] => {
                self.report.errors.push(std::mem::take(&mut self.error));
            }
            ["valgrindoutput", "error", "unique"] => self.error.unique = value,
            ["valgrindoutput", "error", "kind"] => self.error.kind = value,
            ["valgrindoutput", "error", "what"] | ["valgrindoutput", "error", "xwhat", "text"] => {
                self.error.what = value;
            }
            ["valgrindoutput", "error", "xwhat", "leakedbytes"] => {
                self.error.leaked_bytes = value.parse().ok();
            }
            ["valgrindoutput", "error", "stack"] => {
                let stack = std::mem::take(&mut self.stack);
                if self.error.stack.is_empty() {
                    self.error.stack = stack;
                }
            }
            ["valgrindoutput", "fatal_signal"] => {
                self.report.fatal_signal = Some(std::mem::take(&mut self.signal));
            }
            ["valgrindoutput", "fatal_signal", "signame"] => self.signal.name = value,
            ["valgrindoutput", "fatal_signal", "stack"] => {
                self.signal.stack = std::mem::take(&mut self.stack);
            }
            [.., "stack"] => self.stack.clear(),
            [.., "stack", "frame"] => self.stack.push(std::mem::take(&mut self.frame)),
            [.., "stack", "frame", field] => self.frame.set(field, value),
            ["valgrindoutput", "errorcounts", "pair"] => {
                if let (Some(count), Some(unique)) = (self.count.take(), self.counted.take()) {
                    self.counts.insert(unique, count);
                }
            }
            ["valgrindoutput", "errorcounts", "pair", "count"] => self.count = value.parse().ok(),
            ["valgrindoutput", "errorcounts", "pair", "unique"] => self.counted = Some(value),
            _ => {}
        }
        self.path.pop();
        self.text.clear();
    }

    /// The report, with the counts applied and whether it is complete.
    fn finish(mut self) -> Report {
        for error in &mut self.report.errors {
            error.count = self.counts.get(&error.unique).copied().unwrap_or(1);
        }
        if !self.complete {
            self.report.incomplete = Some(self.stopped.unwrap_or_else(|| {
                "it ends before valgrind finished writing it (valgrind was killed)".to_owned()
            }));
        }
        self.report
    }
}

#[cfg(test)]
mod tests {
    use panther_execution_testing::valgrind_reports::{MEMCHECK_CUT_LEAK, MEMCHECK_INVALID_WRITE};

    use super::*;

    fn frame(function: &str, object: &str, file: Option<&str>, line: Option<u32>) -> Frame {
        Frame {
            function: Some(function.to_owned()),
            object: Some(object.to_owned()),
            dir: file.map(|_| "/work/defects".to_owned()),
            file: file.map(str::to_owned),
            line,
        }
    }

    #[test]
    fn reads_an_error_its_count_and_the_fatal_signal() {
        let report = parse(MEMCHECK_INVALID_WRITE);
        assert_eq!(report.program.as_deref(), Some("./segfault"));
        assert_eq!(report.pid, Some(9784));
        assert_eq!(report.incomplete, None);
        assert_eq!(report.errors.len(), 1);
        let error = &report.errors[0];
        assert_eq!(error.kind, "InvalidWrite");
        assert_eq!(error.what, "Invalid write of size 4");
        assert_eq!(error.count, 3);
        assert_eq!(error.leaked_bytes, None);
        assert_eq!(
            error.stack,
            [
                frame(
                    "crash_here",
                    "/tmp/dbg/segfault",
                    Some("segfault.c"),
                    Some(9)
                ),
                frame("main", "/tmp/dbg/segfault", Some("segfault.c"), Some(14)),
            ]
        );
        let signal = report.fatal_signal.unwrap();
        assert_eq!(signal.name, "SIGSEGV");
        assert_eq!(
            signal.stack,
            [frame(
                "crash_here",
                "/tmp/dbg/segfault",
                Some("segfault.c"),
                Some(9)
            )]
        );
    }

    #[test]
    fn reads_a_cut_report_as_far_as_it_goes() {
        let report = parse(MEMCHECK_CUT_LEAK);
        assert_eq!(report.pid, Some(4669));
        assert_eq!(report.errors.len(), 1);
        let leak = &report.errors[0];
        assert_eq!(leak.kind, "Leak_DefinitelyLost");
        assert_eq!(
            leak.what,
            "64 bytes in 1 blocks are definitely lost in loss record 1 of 1"
        );
        assert_eq!(leak.count, 1);
        assert_eq!(leak.leaked_bytes, Some(64));
        assert_eq!(
            leak.stack[0],
            frame(
                "malloc",
                "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so",
                None,
                None
            )
        );
        assert_eq!(
            report.incomplete.as_deref(),
            Some("it ends before valgrind finished writing it (valgrind was killed)")
        );
    }

    #[test]
    fn resolves_references_and_keeps_the_first_stack_of_an_error() {
        let report = parse(
            "<valgrindoutput><error><kind>Race</kind>\
             <xwhat><text>race on &quot;counter&quot; &#x26; more</text></xwhat>\
             <stack><frame><fn>first</fn></frame></stack>\
             <xauxwhat><text>conflict</text></xauxwhat>\
             <stack><frame><fn>second</fn></frame></stack>\
             </error></valgrindoutput>",
        );
        assert_eq!(report.errors[0].what, "race on \"counter\" & more");
        assert_eq!(report.errors[0].stack.len(), 1);
        assert_eq!(report.errors[0].stack[0].function.as_deref(), Some("first"));
        assert_eq!(report.incomplete, None);
    }

    #[test]
    fn says_where_a_broken_report_stops() {
        let report = parse("<valgrindoutput><pid>7</pid></error>");
        assert_eq!(report.pid, Some(7));
        let why = report.incomplete.unwrap();
        assert!(why.starts_with("it cannot be read past byte"), "{why}");
    }
}
