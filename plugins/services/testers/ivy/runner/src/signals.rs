//! Passing the signals that stop the runner (TERM, INT, HUP) on to the process it
//! waits for, so that stopping the runner stops the compiler or the tester first and
//! the runner still writes its verdict; and stopping a process that outlives its
//! time limit.

use std::io;
use std::process::{Child, Command, ExitStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// What a stop request did to a command.
#[derive(Debug)]
pub enum Stopped {
    /// The runner was asked to stop (by this signal) before the command started.
    Before(i32),
    /// The command could not be started.
    Failed(io::Error),
}

/// How often a process with a time limit is looked at.
const POLL: Duration = Duration::from_millis(20);
/// How long a process stopped at its time limit has to end before it is killed.
const GRACE: Duration = Duration::from_secs(2);

/// How a command ended.
#[derive(Debug, Clone, Copy)]
pub struct Finished {
    /// Its exit status.
    pub status: ExitStatus,
    /// Whether it was stopped because it outlived its time limit.
    pub out_of_time: bool,
}

/// Forwards stop signals to the command running, and remembers the last one.
pub struct Forwarder {
    child: Arc<AtomicI32>,
    received: Arc<AtomicI32>,
}

impl Forwarder {
    /// Takes over TERM, INT and HUP for the rest of the process.
    pub fn install() -> io::Result<Self> {
        let mut signals = Signals::new([SIGTERM, SIGINT, SIGHUP])?;
        let child = Arc::new(AtomicI32::new(0));
        let received = Arc::new(AtomicI32::new(0));
        let (to_child, seen) = (Arc::clone(&child), Arc::clone(&received));
        thread::spawn(move || {
            for signal in signals.forever() {
                seen.store(signal, Ordering::SeqCst);
                forward(to_child.load(Ordering::SeqCst), signal);
            }
        });
        Ok(Self { child, received })
    }

    /// The last stop signal received, if any.
    pub fn received(&self) -> Option<i32> {
        match self.received.load(Ordering::SeqCst) {
            0 => None,
            signal => Some(signal),
        }
    }

    /// Runs `command` to its end, passing it the stop signals that come meanwhile;
    /// past `limit`, it is sent TERM, then KILL when it does not end within a grace.
    pub fn run(&self, command: &mut Command, limit: Option<Duration>) -> Result<Finished, Stopped> {
        if let Some(signal) = self.received() {
            return Err(Stopped::Before(signal));
        }
        let mut child = command.spawn().map_err(Stopped::Failed)?;
        let pid = i32::try_from(child.id()).unwrap_or(0);
        self.child.store(pid, Ordering::SeqCst);
        // A signal that came between the check and the store has not been passed on.
        if let Some(signal) = self.received() {
            forward(pid, signal);
        }
        let finished = match limit {
            None => child.wait().map(|status| Finished {
                status,
                out_of_time: false,
            }),
            Some(limit) => wait_within(&mut child, pid, limit),
        };
        self.child.store(0, Ordering::SeqCst);
        finished.map_err(Stopped::Failed)
    }
}

/// Waits for `child` (process `pid`) to end, stopping it once `limit` has passed.
fn wait_within(child: &mut Child, pid: i32, limit: Duration) -> io::Result<Finished> {
    let started = Instant::now();
    let mut out_of_time = false;
    let mut killed = false;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Finished {
                status,
                out_of_time,
            });
        }
        let elapsed = started.elapsed();
        if !out_of_time && elapsed >= limit {
            out_of_time = true;
            forward(pid, SIGTERM);
        } else if out_of_time && !killed && elapsed >= limit + GRACE {
            killed = true;
            child.kill()?;
        }
        thread::sleep(POLL);
    }
}

/// Sends `signal` to process `pid`, when there is one.
fn forward(pid: i32, signal: i32) {
    if pid <= 0 {
        return;
    }
    if let Ok(signal) = Signal::try_from(signal) {
        let _ = kill(Pid::from_raw(pid), signal);
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;

    use super::*;

    #[test]
    fn a_command_within_its_limit_ends_by_itself() {
        let forwarder = Forwarder::install().unwrap();
        let finished = forwarder
            .run(
                Command::new("sh").args(["-c", "exit 3"]),
                Some(Duration::from_secs(10)),
            )
            .unwrap();
        assert_eq!(finished.status.code(), Some(3));
        assert!(!finished.out_of_time);
        let finished = forwarder.run(&mut Command::new("true"), None).unwrap();
        assert!(finished.status.success() && !finished.out_of_time);
    }

    #[test]
    fn a_command_past_its_limit_is_stopped_then_killed() {
        let forwarder = Forwarder::install().unwrap();
        let started = Instant::now();
        let finished = forwarder
            .run(
                Command::new("sleep").arg("30"),
                Some(Duration::from_millis(200)),
            )
            .unwrap();
        assert!(finished.out_of_time);
        assert_eq!(finished.status.signal(), Some(SIGTERM));
        assert!(started.elapsed() < Duration::from_secs(5));
        let started = Instant::now();
        let finished = forwarder
            .run(
                Command::new("sh").args(["-c", "trap '' TERM; exec sleep 30"]),
                Some(Duration::from_millis(200)),
            )
            .unwrap();
        assert!(finished.out_of_time);
        assert_eq!(finished.status.signal(), Some(9), "killed after the grace");
        assert!(started.elapsed() >= GRACE);
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
