//! Reading gdb's log: how the program ended, and where it was when it crashed.

/// Source paths of system libraries as their debugging information names them
/// (Debian builds them from `./`, glibc's shared code is in `../sysdeps/`, Rust's
/// standard library is under `/rustc/`).
const SYSTEM_SOURCES: [&str; 5] = ["./", "../sysdeps/", "/usr/", "/build/", "/rustc/"];

/// How the program ended, as the log tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// A crash signal stopped it.
    Crashed {
        /// The signal's name (`SIGSEGV`).
        signal: String,
        /// Where it was: `function (file:line)`, or the function alone.
        place: Option<String>,
    },
    /// It exited with this code.
    Exited(i32),
    /// A signal that is not a crash ended it (`SIGTERM`, `SIGKILL`).
    Ended(String),
    /// gdb had no program to run, for this reason (`./server: No such file or
    /// directory.`).
    NotStarted(String),
    /// The log does not say: gdb was stopped before the program ended.
    Untold,
}

/// How the program ended according to the log; a crash counts first.
pub fn ending(log: &str) -> Ending {
    let lines: Vec<&str> = log.lines().collect();
    if let Some((index, signal)) = lines
        .iter()
        .enumerate()
        .find_map(|(index, line)| Some((index, crash_signal(line)?)))
    {
        return Ending::Crashed {
            signal: signal.to_owned(),
            place: place(&lines[index + 1..]),
        };
    }
    for (index, line) in lines.iter().enumerate() {
        if let Some(code) = exit_code(line) {
            return Ending::Exited(code);
        }
        if let Some(rest) = line.strip_prefix("Program terminated with signal ") {
            return Ending::Ended(rest.split(',').next().unwrap_or(rest).to_owned());
        }
        if line.starts_with("No executable file specified.") {
            let why = lines[..index]
                .iter()
                .rev()
                .find(|before| !before.trim().is_empty())
                .unwrap_or(line);
            return Ending::NotStarted(why.trim().to_owned());
        }
    }
    Ending::Untold
}

/// The signal of a stop line: `Program received signal SIGSEGV, Segmentation fault.`
/// or `Thread 2 "name" received signal SIGSEGV, ...`.
fn crash_signal(line: &str) -> Option<&str> {
    let (who, rest) = line.split_once(" received signal ")?;
    if who != "Program" && !who.starts_with("Thread ") {
        return None;
    }
    Some(rest.split(',').next().unwrap_or(rest).trim())
}

/// The code of `[Inferior 1 (process 42) exited normally]` (0) or `... exited with
/// code 012]` (gdb writes it in octal: 10).
fn exit_code(line: &str) -> Option<i32> {
    let rest = line.strip_prefix("[Inferior ")?;
    if rest.ends_with(" exited normally]") {
        return Some(0);
    }
    let (_, code) = rest.split_once(" exited with code ")?;
    i32::from_str_radix(code.strip_suffix(']')?, 8).ok()
}

/// Where the program was, from the lines after the stop: in the backtrace of the
/// stopped thread (the one starting where the stop line says), the first frame with a
/// source line outside system libraries, else the first with a source line, else the
/// first function. Without such a backtrace, the stop line alone.
fn place(after_stop: &[&str]) -> Option<String> {
    let stop = after_stop.iter().find(|line| !line.starts_with('['))?;
    let frames: Vec<Frame> = backtraces(after_stop)
        .into_iter()
        .find(|backtrace| backtrace.first() == Some(stop))
        .unwrap_or_else(|| vec![stop])
        .into_iter()
        .map(Frame::parse)
        .collect();
    frames
        .iter()
        .filter(|frame| !frame.is_system())
        .find_map(Frame::with_source)
        .or_else(|| frames.iter().find_map(Frame::with_source))
        .or_else(|| frames.first()?.function.clone())
}

/// The backtraces among `lines`, each its frames without their `#N` numbers; a frame
/// `#0` starts a new one.
fn backtraces<'a>(lines: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut backtraces: Vec<Vec<&str>> = Vec::new();
    for (number, text) in lines.iter().filter_map(|line| frame_line(line)) {
        match backtraces.last_mut() {
            Some(backtrace) if number != 0 => backtrace.push(text),
            _ => backtraces.push(vec![text]),
        }
    }
    backtraces
}

/// The number and text of a backtrace line: `#1  0x0000 in main () at a.c:3`.
fn frame_line(line: &str) -> Option<(u32, &str)> {
    let rest = line.strip_prefix('#')?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let number = rest[..digits].parse().ok()?;
    Some((number, rest[digits..].trim_start()))
}

/// One frame of a backtrace or stop line.
struct Frame {
    function: Option<String>,
    source: Option<(String, u32)>,
}

impl Frame {
    /// Reads `0x000055 in crash_here (target=0x0) at segfault.c:9`, with or without
    /// the address, with `at FILE:LINE` or `from LIBRARY` or neither.
    fn parse(text: &str) -> Self {
        let text = match text.split_once(" in ") {
            Some((address, rest)) if address.starts_with("0x") => rest,
            _ => text,
        };
        let function = text
            .split_once(" (")
            .map(|(function, _)| function.trim().to_owned())
            .filter(|function| !function.is_empty() && function != "??");
        let source = text.rsplit_once(" at ").and_then(|(_, place)| {
            let (file, line) = place.trim().rsplit_once(':')?;
            Some((file.to_owned(), line.parse().ok()?))
        });
        Self { function, source }
    }

    /// `function (file:line)` when the frame has a source line.
    fn with_source(&self) -> Option<String> {
        let (file, line) = self.source.as_ref()?;
        Some(match &self.function {
            Some(function) => format!("{function} ({file}:{line})"),
            None => format!("{file}:{line}"),
        })
    }

    /// Whether the frame's source is a system library's.
    fn is_system(&self) -> bool {
        self.source
            .as_ref()
            .is_some_and(|(file, _)| SYSTEM_SOURCES.iter().any(|dir| file.starts_with(dir)))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// gdb 13's log of `segfault.c`.
    pub(crate) const SEGFAULT: &str = "\
[Thread debugging using libthread_db enabled]
Using host libthread_db library \"/lib/x86_64-linux-gnu/libthread_db.so.1\".

Program received signal SIGSEGV, Segmentation fault.
0x0000555555555135 in crash_here (target=0x0) at segfault.c:9
9\t    *target = 42; /* the crash */
#0  0x0000555555555135 in crash_here (target=0x0) at segfault.c:9
No locals.
#1  0x000055555555514c in main () at segfault.c:14
No locals.
";

    /// gdb 13's log of a program calling `abort()` from `main`.
    const ABORT: &str = "\
Program received signal SIGABRT, Aborted.
__pthread_kill_implementation (threadid=<optimized out>, signo=signo@entry=6, no_tid=no_tid@entry=0) at ./nptl/pthread_kill.c:44
44\t./nptl/pthread_kill.c: No such file or directory.
#0  __pthread_kill_implementation (threadid=<optimized out>, signo=signo@entry=6, no_tid=no_tid@entry=0) at ./nptl/pthread_kill.c:44
        tid = <optimized out>
#1  0x00007ffff7e5ef4f in __pthread_kill_internal (signo=6, threadid=<optimized out>) at ./nptl/pthread_kill.c:78
No locals.
#2  0x00007ffff7e0ffb2 in __GI_raise (sig=sig@entry=6) at ../sysdeps/posix/raise.c:26
        ret = <optimized out>
#3  0x00007ffff7dfa472 in __GI_abort () at ./stdlib/abort.c:79
        save_stage = 1
#4  0x0000555555555194 in main (c=2, v=0x7fffffffe7e8) at tcrash.c:4
No locals.
";

    /// gdb 13's log of a thread other than the main one writing through a null pointer.
    const THREAD: &str = "\
[New Thread 0x7ffff7dd06c0 (LWP 7447)]

Thread 2 \"tcrash\" received signal SIGSEGV, Segmentation fault.
[Switching to Thread 0x7ffff7dd06c0 (LWP 7447)]
0x000055555555516d in worker (p=0x0) at tcrash.c:3
3\tstatic void *worker(void *p){ (void)p; int *x = NULL; *x = 1; return NULL; }
";

    #[test]
    fn reads_a_crash_and_where_it_happened() {
        assert_eq!(
            ending(SEGFAULT),
            Ending::Crashed {
                signal: "SIGSEGV".to_owned(),
                place: Some("crash_here (segfault.c:9)".to_owned()),
            }
        );
    }

    #[test]
    fn a_crash_in_any_run_of_an_appended_log_counts() {
        let runs = format!("[Inferior 1 (process 41) exited normally]\nNo stack.\n{SEGFAULT}");
        assert_eq!(
            ending(&runs),
            Ending::Crashed {
                signal: "SIGSEGV".to_owned(),
                place: Some("crash_here (segfault.c:9)".to_owned()),
            }
        );
    }

    #[test]
    fn places_a_crash_in_the_program_rather_than_in_the_c_library() {
        assert_eq!(
            ending(ABORT),
            Ending::Crashed {
                signal: "SIGABRT".to_owned(),
                place: Some("main (tcrash.c:4)".to_owned()),
            }
        );
    }

    #[test]
    fn reads_a_crash_of_a_thread_without_a_backtrace() {
        assert_eq!(
            ending(THREAD),
            Ending::Crashed {
                signal: "SIGSEGV".to_owned(),
                place: Some("worker (tcrash.c:3)".to_owned()),
            }
        );
    }

    #[test]
    fn reads_a_crash_in_a_library_without_debugging_information() {
        let log = "Program received signal SIGSEGV, Segmentation fault.\n\
                   0x00007ffff7f1b0f4 in __strlen_avx2 () from /lib/x86_64-linux-gnu/libc.so.6\n\
                   #0  0x00007ffff7f1b0f4 in __strlen_avx2 () from /lib/x86_64-linux-gnu/libc.so.6\n\
                   #1  0x0000555555555150 in ?? ()\n";
        assert_eq!(
            ending(log),
            Ending::Crashed {
                signal: "SIGSEGV".to_owned(),
                place: Some("__strlen_avx2".to_owned()),
            }
        );
    }

    #[test]
    fn reads_exits_in_octal_and_ends_by_other_signals() {
        assert_eq!(
            ending("[Inferior 1 (process 7467) exited with code 012]\nNo stack.\n"),
            Ending::Exited(10)
        );
        assert_eq!(
            ending("[Inferior 1 (process 5599) exited normally]\nNo stack.\n"),
            Ending::Exited(0)
        );
        assert_eq!(
            ending(
                "\nProgram terminated with signal SIGTERM, Terminated.\nThe program no longer exists.\n"
            ),
            Ending::Ended("SIGTERM".to_owned())
        );
    }

    #[test]
    fn tells_when_nothing_ran_or_the_log_says_nothing() {
        assert_eq!(
            ending(
                "./server: No such file or directory.\nNo executable file specified.\nUse the \"file\" or \"exec-file\" command.\n"
            ),
            Ending::NotStarted("./server: No such file or directory.".to_owned())
        );
        assert_eq!(
            ending("No executable file specified.\n"),
            Ending::NotStarted("No executable file specified.".to_owned())
        );
        assert_eq!(
            ending("[Thread debugging using libthread_db enabled]\n"),
            Ending::Untold
        );
        assert_eq!(ending(""), Ending::Untold);
    }
}
