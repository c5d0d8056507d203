//! Passing SIGTERM and SIGINT on to the running program, and remembering them.

use std::sync::atomic::{AtomicI32, Ordering};

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, kill, sigaction};
use nix::unistd::Pid;

/// The process id of the running program; 0 between runs.
static CHILD: AtomicI32 = AtomicI32::new(0);
/// The termination signal received; 0 until one is.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// Makes SIGTERM and SIGINT go on to the running program, and be remembered.
pub fn forward_termination() -> nix::Result<()> {
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

/// Passes signals on to the program with this process id, until [`release`]; one
/// received before it started goes on to it now.
pub fn watch(pid: u32) {
    let pid = i32::try_from(pid).unwrap_or(0);
    CHILD.store(pid, Ordering::SeqCst);
    if let Some(signal) = received() {
        send(pid, signal);
    }
}

/// Stops passing signals on: the program ended.
pub fn release() {
    CHILD.store(0, Ordering::SeqCst);
}

/// The termination signal received, if one was.
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

extern "C" fn on_signal(signal: nix::libc::c_int) {
    RECEIVED.store(signal, Ordering::SeqCst);
    send(CHILD.load(Ordering::SeqCst), signal);
}

/// Sends `signal` to `pid`, when there is one.
fn send(pid: i32, signal: i32) {
    if pid <= 0 {
        return;
    }
    if let Ok(signal) = Signal::try_from(signal) {
        let _ = kill(Pid::from_raw(pid), signal);
    }
}
