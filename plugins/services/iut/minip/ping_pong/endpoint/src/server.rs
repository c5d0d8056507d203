//! The server's socket loop: receive pings, send each pong when it is due.
//!
//! A receiving thread stamps every datagram as it arrives and hands it over a
//! channel; the main thread waits on that channel until the next pong is due, so
//! pongs leave on time (a socket read timeout is only as fine as the kernel tick).

use std::convert::Infallible;
use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Instant;

use fastrand::Rng;

use crate::clock::Clock;
use crate::net::is_peer_gone;
use crate::proto::{Ping, Timings, Variant};
use crate::schedule::Schedule;

/// The largest datagram read whole.
const RECEIVE_BUFFER: usize = 2048;

/// What the receiving thread hands over.
#[derive(Debug)]
enum Received {
    /// A datagram, as the variant read it.
    Datagram {
        bytes: Vec<u8>,
        peer: SocketAddr,
        arrived: Instant,
    },
    /// The socket can no longer be read.
    Failed(String),
}

/// A ping waiting for its pong.
#[derive(Debug)]
struct Pending {
    peer: SocketAddr,
    ping: Ping,
    arrived: Instant,
}

/// Binds `address` and answers pings as `variant` does, until the process is killed;
/// returns only when the socket cannot be bound or read.
pub fn serve(
    address: SocketAddr,
    variant: Variant,
    timings: Timings,
    mut rng: Rng,
) -> Result<Infallible, String> {
    let clock = Clock::start(variant);
    let socket =
        UdpSocket::bind(address).map_err(|error| format!("cannot bind {address}: {error}"))?;
    let bound = socket
        .local_addr()
        .map_err(|error| format!("cannot read the bound address: {error}"))?;
    let receiving = socket
        .try_clone()
        .map_err(|error| format!("cannot share the socket: {error}"))?;
    println!("listening on {bound}");
    println!("variant {variant}, {timings}");
    io::stdout()
        .flush()
        .map_err(|error| format!("cannot write to stdout: {error}"))?;

    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || receive(&receiving, variant, &sender));
    let mut schedule = Schedule::new();
    loop {
        match next(&receiver, &mut schedule, &socket, &clock) {
            Received::Datagram {
                bytes,
                peer,
                arrived,
            } => match Ping::parse(variant, &bytes) {
                Ok(ping) => {
                    println!("ping from {peer} (timestamp {})", ping.timestamp);
                    let due = arrived + variant.delay(timings, &mut rng);
                    schedule.push(
                        due,
                        Pending {
                            peer,
                            ping,
                            arrived,
                        },
                    );
                }
                Err(malformed) => {
                    eprintln!("ignored a malformed datagram from {peer}: {malformed}");
                }
            },
            Received::Failed(error) => return Err(error),
        }
    }
}

/// Sends every pong that falls due until the next datagram comes in.
fn next(
    receiver: &Receiver<Received>,
    schedule: &mut Schedule<Pending>,
    socket: &UdpSocket,
    clock: &Clock,
) -> Received {
    loop {
        while let Some(pending) = schedule.pop_due(Instant::now()) {
            send_pong(socket, clock, &pending);
        }
        let received = match schedule.next_due() {
            Some(due) => receiver.recv_timeout(due.saturating_duration_since(Instant::now())),
            None => receiver.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match received {
            Ok(received) => return received,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Received::Failed("the receiving thread stopped".to_owned());
            }
        }
    }
}

/// Reads datagrams as `variant` does and hands them over, stamped with their
/// arrival, until the socket fails or nobody listens any more.
fn receive(socket: &UdpSocket, variant: Variant, sender: &Sender<Received>) {
    let mut buffer = [0u8; RECEIVE_BUFFER];
    loop {
        let received = match socket.recv_from(&mut buffer) {
            Ok((len, peer)) => {
                let arrived = Instant::now();
                Received::Datagram {
                    bytes: variant.read(&buffer[..len]),
                    peer,
                    arrived,
                }
            }
            Err(error) if is_peer_gone(&error) => {
                eprintln!("a peer is gone: {error}");
                continue;
            }
            Err(error) => Received::Failed(format!("cannot receive: {error}")),
        };
        let failed = matches!(received, Received::Failed(_));
        if sender.send(received).is_err() || failed {
            return;
        }
    }
}

/// Sends the pong answering `pending`, stamped now.
fn send_pong(socket: &UdpSocket, clock: &Clock, pending: &Pending) {
    let timestamp = clock.timestamp();
    let waited = pending.arrived.elapsed().as_millis();
    match socket.send_to(&pending.ping.pong(timestamp), pending.peer) {
        Ok(_) => println!(
            "pong to {} after {waited} ms (timestamp {timestamp})",
            pending.peer
        ),
        Err(error) => eprintln!("cannot send a pong to {}: {error}", pending.peer),
    }
}
