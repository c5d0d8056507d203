//! Reading strace's log: which lines record system calls.

/// How many system calls a log of `strace -f -tt` records.
///
/// Signal (`---`) and exit (`+++`) lines are not calls, and a call split by another
/// process (`<unfinished ...>`, then `<... resumed>`) counts once.
pub fn count_calls(log: &str) -> usize {
    log.lines().filter(|line| is_call(line)).count()
}

/// Whether one line of the log records a system call.
fn is_call(line: &str) -> bool {
    let event = event(line);
    !event.is_empty()
        && !event.starts_with("+++")
        && !event.starts_with("---")
        && !event.starts_with("<...")
}

/// The line without its process id and time stamp prefixes.
fn event(line: &str) -> &str {
    let mut rest = line.trim_start();
    if let Some(after) = rest.strip_prefix("[pid") {
        rest = after.split_once(']').map_or("", |(_, tail)| tail);
    }
    let rest = skip_word(rest, |c| c.is_ascii_digit());
    skip_word(rest, |c| c.is_ascii_digit() || c == ':' || c == '.')
}

/// `text` without its first word when that word is made of `allowed` characters only.
fn skip_word(text: &str, allowed: impl Fn(char) -> bool) -> &str {
    let text = text.trim_start();
    let (word, tail) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    if !word.is_empty() && word.chars().all(allowed) {
        tail.trim_start()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_calls_of_several_processes() {
        let log = "\
4242  10:00:00.000001 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 20 vars */) = 0
4242  10:00:00.000100 clone(child_stack=NULL, flags=SIGCHLD) = 4243
4243  10:00:00.000200 write(1, \"hi\\n\", 3) = 3
4243  10:00:00.000300 exit_group(0)     = ?
4243  10:00:00.000400 +++ exited with 0 +++
4242  10:00:00.000500 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---
4242  10:00:00.000600 exit_group(0)     = ?
4242  10:00:00.000700 +++ exited with 0 +++
";
        assert_eq!(count_calls(log), 5);
    }

    #[test]
    fn counts_a_split_call_once() {
        let log = "\
7 10:00:00.000001 read(0,  <unfinished ...>
8 10:00:00.000002 getpid()   = 8
7 10:00:00.000003 <... read resumed>\"x\", 1) = 1
";
        assert_eq!(count_calls(log), 2);
    }

    #[test]
    fn reads_lines_without_process_ids() {
        let log = "10:00:00.000001 openat(AT_FDCWD, \"a\", O_RDONLY) = 3\n\n[pid 9] close(3) = 0\n";
        assert_eq!(count_calls(log), 2);
        assert_eq!(count_calls(""), 0);
    }
}
