//! The vulnerable variant's planted bug: a heap buffer overflow on receive.
//!
//! PANTHER's vulnerable ping_pong copies whatever datagram it receives into a
//! buffer sized for one message. This module does the same on purpose, so that
//! memory checkers (valgrind memcheck) and formal testers have a real bug to find.
//! It is deliberately unsound for datagrams longer than [`MESSAGE_LEN`]: never
//! use it outside the vulnerable variant.

use std::hint::black_box;
use std::ptr;

use super::message::MESSAGE_LEN;

/// Copies all of `datagram` (the receive buffer, on the stack) into a fresh heap
/// buffer of [`MESSAGE_LEN`] bytes and reads the same number of bytes back from it.
///
/// A datagram longer than one message writes (and reads) past the end of the heap
/// allocation: an invalid write valgrind reports. Never more than the datagram's
/// length is written. The read back uses `ptr::copy`, which allows overlap: the
/// overflowing range may run into the allocation it is read into.
#[allow(
    unsafe_code,
    reason = "the vulnerable variant plants a heap overflow on purpose"
)]
pub fn read_into_message(datagram: &[u8]) -> Vec<u8> {
    let message: *mut u8 = Box::into_raw(Box::new([0u8; MESSAGE_LEN])).cast();
    // Keeps the optimiser from proving the buffer dead and dropping the copies.
    let message = black_box(message);
    let mut read = vec![0u8; datagram.len()];
    // SAFETY: none for datagrams longer than MESSAGE_LEN: the bug is intended.
    // `message` is a live allocation of MESSAGE_LEN bytes, and `read` holds
    // `datagram.len()` bytes, so only the accesses past MESSAGE_LEN are invalid.
    unsafe {
        ptr::copy_nonoverlapping(datagram.as_ptr(), message, datagram.len());
        ptr::copy(message, read.as_mut_ptr(), datagram.len());
        drop(Box::from_raw(message.cast::<[u8; MESSAGE_LEN]>()));
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_sized_datagram_reads_back_unchanged() {
        let datagram: Vec<u8> = (1..=14).collect();
        assert_eq!(read_into_message(&datagram), datagram);
    }

    #[test]
    fn a_short_datagram_reads_back_unchanged() {
        assert_eq!(read_into_message(b"abc"), b"abc");
    }
}
