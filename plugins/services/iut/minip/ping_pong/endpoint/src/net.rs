//! Small helpers around UDP sockets.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::os::fd::AsFd;
use std::time::Duration;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

/// The first address `address` (`HOST:PORT`, `[V6]:PORT`) names.
pub fn resolve(address: &str) -> Result<SocketAddr, String> {
    address
        .to_socket_addrs()
        .map_err(|error| format!("`{address}` is not an address (HOST:PORT): {error}"))?
        .next()
        .ok_or_else(|| format!("`{address}` names no address"))
}

/// Waits at most `wait` for `socket` to have a datagram to read; whether it has one.
/// A poll rather than a read timeout (SO_RCVTIMEO), which the Shadow simulator does not
/// give UDP sockets.
pub fn readable_within(socket: &UdpSocket, wait: Duration) -> io::Result<bool> {
    let millis = u16::try_from(wait.as_millis()).unwrap_or(u16::MAX);
    let mut fds = [PollFd::new(socket.as_fd(), PollFlags::POLLIN)];
    let ready = poll(&mut fds, PollTimeout::from(millis)).map_err(io::Error::from)?;
    Ok(ready > 0)
}

/// Whether a socket error reports a peer that stopped listening (an ICMP
/// "port unreachable" answering an earlier datagram).
pub fn is_peer_gone(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_for_a_datagram_no_longer_than_told() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let started = std::time::Instant::now();
        assert!(!readable_within(&socket, Duration::from_millis(50)).unwrap());
        assert!(started.elapsed() >= Duration::from_millis(50));
        socket.send_to(b"x", socket.local_addr().unwrap()).unwrap();
        assert!(readable_within(&socket, Duration::from_secs(5)).unwrap());
    }

    #[test]
    fn resolves_ip_addresses() {
        assert_eq!(
            resolve("127.0.0.1:4443"),
            Ok("127.0.0.1:4443".parse().unwrap())
        );
        assert_eq!(resolve("[::1]:5"), Ok("[::1]:5".parse().unwrap()));
    }

    #[test]
    fn refuses_an_address_without_a_port() {
        let error = resolve("127.0.0.1").unwrap_err();
        assert!(
            error.starts_with("`127.0.0.1` is not an address"),
            "{error}"
        );
    }

    #[test]
    fn tells_a_gone_peer_from_other_errors() {
        assert!(is_peer_gone(&io::ErrorKind::ConnectionRefused.into()));
        assert!(!is_peer_gone(&io::ErrorKind::WouldBlock.into()));
    }
}
