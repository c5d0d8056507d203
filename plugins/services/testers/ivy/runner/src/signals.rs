//! Passing the signals that stop the runner (TERM, INT, HUP) on to the process it
//! waits for, so that stopping the runner stops the compiler or the tester first and
//! the runner still writes its verdict.

use std::io;
use std::process::{Command, ExitStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::thread;

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

    /// Runs `command` to its end, passing it the stop signals that come meanwhile.
    pub fn run(&self, command: &mut Command) -> Result<ExitStatus, Stopped> {
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
        let status = child.wait();
        self.child.store(0, Ordering::SeqCst);
        status.map_err(Stopped::Failed)
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
