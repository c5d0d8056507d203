//! Moving quiche's datagrams over a tokio UDP socket, and waiting for the next datagram
//! or a connection's timer.

use std::future;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Instant;

use anyhow::{Context, Result};
use tokio::net::UdpSocket;

/// What ended a wait.
pub enum Wake {
    /// A datagram of this length, from this address, is in the buffer.
    Datagram(usize, SocketAddr),
    /// The deadline passed.
    Timeout,
}

/// Sends every packet `conn` has to send; on a failure to build one, closes `conn`.
pub async fn flush(
    socket: &UdpSocket,
    conn: &mut quiche::Connection,
    out: &mut [u8],
) -> Result<()> {
    loop {
        let (len, info) = match conn.send(out) {
            Ok(sent) => sent,
            Err(quiche::Error::Done) => return Ok(()),
            Err(e) => {
                conn.close(false, quiche::WireErrorCode::InternalError as u64, b"")
                    .ok();
                return Err(e).context("building a QUIC packet");
            }
        };
        socket
            .send_to(&out[..len], info.to)
            .await
            .with_context(|| format!("sending a datagram to {}", info.to))?;
    }
}

/// Waits for a datagram into `buf`, or until `deadline` if there is one.
pub async fn wait(socket: &UdpSocket, buf: &mut [u8], deadline: Option<Instant>) -> Result<Wake> {
    let timer = async {
        match deadline {
            Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
            None => future::pending().await,
        }
    };
    tokio::select! {
        received = socket.recv_from(buf) => {
            let (len, from) = received.context("receiving a datagram")?;
            Ok(Wake::Datagram(len, from))
        }
        () = timer => Ok(Wake::Timeout),
    }
}

/// A datagram already waiting in the socket, if there is one.
pub fn ready(socket: &UdpSocket, buf: &mut [u8]) -> Result<Option<(usize, SocketAddr)>> {
    match socket.try_recv_from(buf) {
        Ok(received) => Ok(Some(received)),
        Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(None),
        Err(e) => Err(e).context("receiving a datagram"),
    }
}
