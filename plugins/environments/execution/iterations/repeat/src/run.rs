//! Running the program once, with termination signals passed on to it.

use std::ffi::{OsStr, OsString};
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::time::{Duration, Instant};

use panther_forward_signals as signals;

/// How one run of the program ended.
#[derive(Debug)]
pub struct Ended {
    /// Its exit code, when it exited.
    pub code: Option<i32>,
    /// The signal that killed it, when one did.
    pub signal: Option<i32>,
    /// How long it ran.
    pub duration: Duration,
}

/// Runs `program` with `args` to its end, its standard streams inherited; an error
/// means it could not be started or waited for.
pub fn run(program: &OsStr, args: &[OsString]) -> std::io::Result<Ended> {
    let started = Instant::now();
    let mut child = Command::new(program).args(args).spawn()?;
    signals::foreground(child.id());
    let status = child.wait();
    signals::background();
    let status = status?;
    Ok(Ended {
        code: status.code(),
        signal: status.signal(),
        duration: started.elapsed(),
    })
}
