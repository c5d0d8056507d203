//! Small helpers around UDP sockets.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

/// The first address `address` (`HOST:PORT`, `[V6]:PORT`) names.
pub fn resolve(address: &str) -> Result<SocketAddr, String> {
    address
        .to_socket_addrs()
        .map_err(|error| format!("`{address}` is not an address (HOST:PORT): {error}"))?
        .next()
        .ok_or_else(|| format!("`{address}` names no address"))
}

/// Whether a socket error only says the read timeout passed.
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
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
    fn tells_timeouts_from_other_errors() {
        assert!(is_timeout(&io::ErrorKind::WouldBlock.into()));
        assert!(!is_timeout(&io::ErrorKind::ConnectionRefused.into()));
        assert!(is_peer_gone(&io::ErrorKind::ConnectionRefused.into()));
    }
}
