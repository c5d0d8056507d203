//! How a service ended, and why that left no profile, in the words of a finding.

use nix::sys::signal::Signal;
use panther_plugin_api::model::ExitInfo;

/// When gperftools writes a profile (measured: a program killed by a signal leaves an
/// empty CPU profile and no heap profile).
pub const WRITTEN_AT_EXIT: &str = "gperftools writes the profile when the program exits normally";

/// Why a program may never load a preloaded profiler.
pub const PRELOAD_IGNORED: &str = "a statically linked or setuid program ignores LD_PRELOAD";

/// Why a program exiting with a code may still leave no profile.
pub const EXIT_HANDLERS_SKIPPED: &str =
    "a program ending with `_exit` or an `exec` skips the exit handlers where gperftools writes it";

/// How the service ended, as the end of a sentence: "the host stopped the service
/// and signal 15 (SIGTERM) ended it", "the service exited with code 0".
pub fn ending(exit: &ExitInfo) -> String {
    match (exit.signal, exit.code) {
        (Some(signal), _) if exit.stopped_by_host => {
            format!(
                "the host stopped the service and {} ended it",
                signal_name(signal)
            )
        }
        (Some(signal), _) => format!("{} ended the service", signal_name(signal)),
        (None, Some(code)) if exit.stopped_by_host => {
            format!("the service exited with code {code} once the host stopped it")
        }
        (None, Some(code)) => format!("the service exited with code {code}"),
        (None, None) => "how the service ended is unknown".to_owned(),
    }
}

/// Whether the service ended on a signal, which leaves gperftools no chance to write
/// its profile.
pub fn killed(exit: &ExitInfo) -> bool {
    exit.signal.is_some()
}

/// A signal as a user reads it: "signal 15 (SIGTERM)", or "signal 34" for a number
/// that names no signal of this system.
fn signal_name(signal: i32) -> String {
    match Signal::try_from(signal) {
        Ok(known) => format!("signal {signal} ({})", known.as_str()),
        Err(_) => format!("signal {signal}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exit(code: Option<i32>, signal: Option<i32>, stopped_by_host: bool) -> ExitInfo {
        ExitInfo {
            code,
            signal,
            stopped_by_host,
        }
    }

    #[test]
    fn says_how_the_service_ended() {
        assert_eq!(
            ending(&exit(None, Some(15), true)),
            "the host stopped the service and signal 15 (SIGTERM) ended it"
        );
        assert_eq!(
            ending(&exit(None, Some(11), false)),
            "signal 11 (SIGSEGV) ended the service"
        );
        assert_eq!(
            ending(&exit(Some(0), None, false)),
            "the service exited with code 0"
        );
        assert_eq!(
            ending(&exit(Some(0), None, true)),
            "the service exited with code 0 once the host stopped it"
        );
        assert_eq!(
            ending(&exit(None, None, false)),
            "how the service ended is unknown"
        );
    }

    #[test]
    fn names_the_usual_signals_only() {
        assert_eq!(signal_name(1), "signal 1 (SIGHUP)");
        assert_eq!(signal_name(9), "signal 9 (SIGKILL)");
        assert_eq!(signal_name(16), "signal 16 (SIGSTKFLT)");
        assert_eq!(signal_name(29), "signal 29 (SIGIO)");
        assert_eq!(signal_name(30), "signal 30 (SIGPWR)");
        assert_eq!(signal_name(31), "signal 31 (SIGSYS)");
        assert_eq!(signal_name(34), "signal 34");
        assert_eq!(signal_name(0), "signal 0");
        assert_eq!(signal_name(-1), "signal -1");
    }

    #[test]
    fn a_signal_is_a_kill() {
        assert!(killed(&exit(None, Some(15), true)));
        assert!(!killed(&exit(Some(1), None, true)));
    }
}
