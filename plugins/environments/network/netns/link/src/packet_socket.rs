//! Raw frames on one interface: an `AF_PACKET` socket bound to it, in promiscuous mode.

use std::ffi::CString;
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// How much the kernel may queue for the emulator on one port, so that a burst sent
/// faster than it is read is not dropped.
const RECEIVE_BUFFER_BYTES: libc::c_int = 4 << 20;

/// Why a port cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No interface has this name in the emulator's namespace.
    #[error("interface `{0}` does not exist")]
    NoSuchInterface(String),
    /// The socket cannot be made or bound.
    #[error("cannot open interface `{interface}`: {source}")]
    Io {
        /// The interface.
        interface: String,
        /// Why.
        source: io::Error,
    },
}

/// A frame read from the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// Its length in the buffer, at most the buffer's length.
    pub len: usize,
    /// Whether this host sent it (the emulator's own sends come back this way).
    pub outgoing: bool,
}

/// A raw socket bound to one interface, seeing every frame on it.
#[derive(Debug)]
pub struct PacketSocket {
    fd: OwnedFd,
}

impl PacketSocket {
    /// Opens `interface`: a raw socket for every protocol, bound to it, with the
    /// interface in promiscuous mode for as long as the socket lives.
    pub fn open(interface: &str) -> Result<Self, OpenError> {
        let io_error = |source| OpenError::Io {
            interface: interface.to_owned(),
            source,
        };
        let name = CString::new(interface)
            .map_err(|_| OpenError::NoSuchInterface(interface.to_owned()))?;
        // SAFETY: `name` is a valid NUL-terminated string.
        let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
        if index == 0 {
            return Err(OpenError::NoSuchInterface(interface.to_owned()));
        }
        let index = libc::c_int::try_from(index)
            .map_err(|_| io_error(io::Error::from(io::ErrorKind::InvalidInput)))?;
        // Protocol 0: nothing is received until the socket is bound to the interface,
        // so no frame of another interface slips in.
        // SAFETY: plain socket(2) call.
        let raw = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) };
        if raw < 0 {
            return Err(io_error(io::Error::last_os_error()));
        }
        // SAFETY: `raw` is a new descriptor that nothing else owns.
        let socket = Self {
            fd: unsafe { OwnedFd::from_raw_fd(raw) },
        };
        socket.grow_receive_buffer();
        socket.bind(index).map_err(io_error)?;
        socket.set_promiscuous(index).map_err(io_error)?;
        Ok(socket)
    }

    /// Asks for a larger receive buffer, beyond the system limit since the emulator
    /// runs as root; the default size is kept when that is refused.
    fn grow_receive_buffer(&self) {
        for option in [libc::SO_RCVBUFFORCE, libc::SO_RCVBUF] {
            if self
                .set_option(libc::SOL_SOCKET, option, &RECEIVE_BUFFER_BYTES)
                .is_ok()
            {
                return;
            }
        }
    }

    /// Binds the socket to interface `index` for every protocol.
    fn bind(&self, index: libc::c_int) -> io::Result<()> {
        // SAFETY: sockaddr_ll is plain data; all zeros is a valid value.
        let mut address: libc::sockaddr_ll = unsafe { mem::zeroed() };
        address.sll_family = libc::AF_PACKET as libc::sa_family_t;
        address.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
        address.sll_ifindex = index;
        // SAFETY: `address` is a sockaddr_ll of the length passed.
        let result = unsafe {
            libc::bind(
                self.fd.as_raw_fd(),
                (&raw const address).cast::<libc::sockaddr>(),
                socklen_of::<libc::sockaddr_ll>(),
            )
        };
        if result < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Puts interface `index` in promiscuous mode while the socket is open.
    fn set_promiscuous(&self, index: libc::c_int) -> io::Result<()> {
        // SAFETY: packet_mreq is plain data; all zeros is a valid value.
        let mut membership: libc::packet_mreq = unsafe { mem::zeroed() };
        membership.mr_ifindex = index;
        membership.mr_type = libc::PACKET_MR_PROMISC as libc::c_ushort;
        self.set_option(libc::SOL_PACKET, libc::PACKET_ADD_MEMBERSHIP, &membership)
    }

    /// setsockopt(2) with a plain-data value.
    fn set_option<T>(&self, level: libc::c_int, name: libc::c_int, value: &T) -> io::Result<()> {
        // SAFETY: `value` points to a live T of the length passed.
        let result = unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                level,
                name,
                (value as *const T).cast::<libc::c_void>(),
                socklen_of::<T>(),
            )
        };
        if result < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Waits for the next frame and reads it into `buffer`. The length received is at
    /// most the buffer's: without `MSG_TRUNC`, `recvfrom` returns the bytes it copied,
    /// and a longer frame is cut to the buffer.
    pub fn receive(&self, buffer: &mut [u8]) -> io::Result<Received> {
        loop {
            // SAFETY: sockaddr_ll is plain data; all zeros is a valid value.
            let mut address: libc::sockaddr_ll = unsafe { mem::zeroed() };
            let mut address_len = socklen_of::<libc::sockaddr_ll>();
            // SAFETY: `buffer` and `address` are live and writable for the lengths passed.
            let len = unsafe {
                libc::recvfrom(
                    self.fd.as_raw_fd(),
                    buffer.as_mut_ptr().cast::<libc::c_void>(),
                    buffer.len(),
                    0,
                    (&raw mut address).cast::<libc::sockaddr>(),
                    &mut address_len,
                )
            };
            match usize::try_from(len) {
                Ok(len) => {
                    return Ok(Received {
                        len,
                        outgoing: address.sll_pkttype == libc::PACKET_OUTGOING,
                    });
                }
                Err(_) => {
                    let error = io::Error::last_os_error();
                    if error.kind() != io::ErrorKind::Interrupted {
                        return Err(error);
                    }
                }
            }
        }
    }

    /// Sends one whole Ethernet frame out of the interface.
    pub fn send(&self, frame: &[u8]) -> io::Result<()> {
        // SAFETY: `frame` is live and readable for its length.
        let sent = unsafe {
            libc::send(
                self.fd.as_raw_fd(),
                frame.as_ptr().cast::<libc::c_void>(),
                frame.len(),
                0,
            )
        };
        if sent < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

/// The size of `T` as a socket length.
fn socklen_of<T>() -> libc::socklen_t {
    libc::socklen_t::try_from(mem::size_of::<T>()).unwrap_or(libc::socklen_t::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_an_interface_that_does_not_exist() {
        let error = PacketSocket::open("nosuch0").unwrap_err();
        assert_eq!(error.to_string(), "interface `nosuch0` does not exist");
        let error = PacketSocket::open("bad\0name").unwrap_err();
        assert!(matches!(error, OpenError::NoSuchInterface(_)));
    }
}
