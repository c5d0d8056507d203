//! A stop signal the program receives reaches its foreground child, and is remembered;
//! one that came before the child started reaches it when it starts.

use std::process::Command;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, raise};

/// Waits up to ten seconds for `child` to end, and returns the signal that ended it.
fn ending_signal(child: &mut std::process::Child) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Some(status) = child.try_wait().unwrap() {
            return status.signal();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    None
}

#[test]
fn a_stop_reaches_the_foreground_child_and_is_remembered() {
    panther_forward_signals::forward_stops().unwrap();
    assert_eq!(panther_forward_signals::received(), None);

    let mut first = Command::new("sleep").arg("30").spawn().unwrap();
    panther_forward_signals::foreground(first.id());
    raise(Signal::SIGTERM).unwrap();
    assert_eq!(ending_signal(&mut first), Some(Signal::SIGTERM as i32));
    panther_forward_signals::background();
    assert_eq!(
        panther_forward_signals::received(),
        Some(Signal::SIGTERM as i32)
    );

    // The stop came before this child: it is passed on as the child comes to the
    // foreground.
    let mut late = Command::new("sleep").arg("30").spawn().unwrap();
    panther_forward_signals::foreground(late.id());
    assert_eq!(ending_signal(&mut late), Some(Signal::SIGTERM as i32));
    panther_forward_signals::background();
}
