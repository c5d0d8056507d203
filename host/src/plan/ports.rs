//! Hands out ports that are free on this machine and never the same one twice in a
//! run, so tests running side by side never collide.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, TcpListener, UdpSocket};
use std::sync::Mutex;

/// The ports handed out: below the kernel's usual ephemeral range (32768 and up), so
/// a client's own source port never takes one.
const FIRST: u16 = 20000;
const LAST: u16 = 32000;

/// A source of free ports for one run.
#[derive(Debug)]
pub struct PortAllocator {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    next: u16,
    given: BTreeSet<u16>,
}

impl PortAllocator {
    /// An allocator starting at a place drawn from the process id, so two runs at once
    /// are unlikely to try the same ports first.
    pub fn new() -> Self {
        let span = u32::from(LAST - FIRST);
        let offset = u16::try_from(std::process::id() * 97 % span).unwrap_or(0);
        Self {
            state: Mutex::new(State {
                next: FIRST + offset,
                given: BTreeSet::new(),
            }),
        }
    }

    /// A port that is free for both UDP and TCP on loopback right now and was not
    /// handed out before.
    pub fn allocate(&self) -> Option<u16> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        for _ in FIRST..=LAST {
            let candidate = state.next;
            state.next = if candidate >= LAST {
                FIRST
            } else {
                candidate + 1
            };
            if !state.given.contains(&candidate) && is_free(candidate) {
                state.given.insert(candidate);
                return Some(candidate);
            }
        }
        None
    }
}

impl Default for PortAllocator {
    fn default() -> Self {
        Self::new()
    }
}

fn is_free(port: u16) -> bool {
    UdpSocket::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
        && TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_never_handed_out_twice_and_skip_busy_ones() {
        let allocator = PortAllocator::new();
        let first = allocator.allocate().unwrap();
        let busy = UdpSocket::bind((Ipv4Addr::LOCALHOST, first + 1));
        let second = allocator.allocate().unwrap();
        assert_ne!(first, second);
        if busy.is_ok() {
            assert_ne!(second, first + 1);
        }
    }
}
