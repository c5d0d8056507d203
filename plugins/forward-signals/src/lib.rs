//! Passing the stop signals (TERM, INT) a program receives on to the child it runs in
//! the foreground, and remembering that one came: what a program that supervises
//! others (panther-supervise in a container, panther-repeat) needs to stop with them.

use std::sync::atomic::{AtomicI32, Ordering};

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, kill, sigaction};
use nix::unistd::Pid;

/// The process id of the process running in the foreground; 0 when none is.
static FOREGROUND: AtomicI32 = AtomicI32::new(0);
/// The stop signal received; 0 until one is.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// Makes TERM and INT go on to the foreground process, and be remembered.
pub fn forward_stops() -> nix::Result<()> {
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    for signal in [Signal::SIGTERM, Signal::SIGINT] {
        // SAFETY: the handler only touches atomics and calls kill, which is
        // async-signal-safe.
        unsafe { sigaction(signal, &action) }?;
    }
    Ok(())
}

/// Makes `pid` the foreground process; a stop that came before goes on to it now.
pub fn foreground(pid: u32) {
    let pid = i32::try_from(pid).unwrap_or(0);
    FOREGROUND.store(pid, Ordering::SeqCst);
    if let Some(signal) = received() {
        send(pid, signal);
    }
}

/// No process is in the foreground any more.
pub fn background() {
    FOREGROUND.store(0, Ordering::SeqCst);
}

/// The stop signal received, if one was.
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

extern "C" fn on_signal(signal: nix::libc::c_int) {
    RECEIVED.store(signal, Ordering::SeqCst);
    send(FOREGROUND.load(Ordering::SeqCst), signal);
}

/// Sends `signal` to `pid`, when there is one.
pub fn send(pid: i32, signal: i32) {
    if pid <= 0 {
        return;
    }
    if let Ok(signal) = Signal::try_from(signal) {
        let _ = kill(Pid::from_raw(pid), signal);
    }
}
