//! The client's socket loop: one ping at a time, each pong checked.

use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use fastrand::Rng;

use crate::clock::Clock;
use crate::net::{is_peer_gone, readable_within};
use crate::proto::{Kind, Message, PongCheck, Timings, Variant, missing_pong};
use crate::summary::Summary;

/// The largest datagram read whole.
const RECEIVE_BUFFER: usize = 2048;

/// Exchanges `pings` pings with the server at `server` as `variant` does, stopping
/// at the first broken rule; fails only when no socket can be set up.
pub fn run(
    server: SocketAddr,
    pings: u32,
    variant: Variant,
    timings: Timings,
    mut rng: Rng,
) -> Result<Summary, String> {
    let clock = Clock::start(variant);
    let socket = connect(server)?;
    let mut check = PongCheck::new(timings);
    let mut summary = Summary {
        pings_wanted: pings,
        ..Summary::default()
    };
    for number in 1..=pings {
        if number > 1 {
            thread::sleep(variant.delay(timings, &mut rng));
        }
        let outcome = send_ping(&socket, &clock, number).and_then(|sent| {
            summary.pings_sent += 1;
            await_pong(&socket, sent, &mut check, number, variant, timings)
        });
        match outcome {
            Ok(round_trip) => {
                let round_trip_ms = u64::try_from(round_trip.as_millis()).unwrap_or(u64::MAX);
                println!("pong {number}: round trip {round_trip_ms} ms");
                summary.pongs_ok += 1;
                summary.round_trips_ms.push(round_trip_ms);
            }
            Err(violation) => {
                summary.violation = Some(violation);
                break;
            }
        }
    }
    Ok(summary)
}

/// A UDP socket connected to `server`, so only its datagrams come in.
fn connect(server: SocketAddr) -> Result<UdpSocket, String> {
    let any: SocketAddr = if server.is_ipv4() {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(any).map_err(|error| format!("cannot bind {any}: {error}"))?;
    socket
        .connect(server)
        .map_err(|error| format!("cannot connect to {server}: {error}"))?;
    Ok(socket)
}

/// Sends ping `number`, stamped now; when it was sent.
fn send_ping(socket: &UdpSocket, clock: &Clock, number: u32) -> Result<Instant, String> {
    let ping = Message {
        kind: Kind::Ping,
        timestamp: clock.timestamp(),
    };
    // Taken before sending: the server may read the ping before `send` returns.
    let sent = Instant::now();
    socket
        .send(&ping.encode())
        .map_err(|error| format!("ping {number} could not be sent: {error}"))?;
    Ok(sent)
}

/// Waits for pong `number` to the ping sent at `sent`; the round trip, or the rule broken.
fn await_pong(
    socket: &UdpSocket,
    sent: Instant,
    check: &mut PongCheck,
    number: u32,
    variant: Variant,
    timings: Timings,
) -> Result<Duration, String> {
    let mut buffer = [0u8; RECEIVE_BUFFER];
    let wait = timings
        .timeout()
        .saturating_sub(sent.elapsed())
        .max(Duration::from_millis(1));
    let arrived = readable_within(socket, wait)
        .map_err(|error| format!("cannot wait for pong {number}: {error}"))?;
    if !arrived {
        return Err(missing_pong(number, timings));
    }
    // The datagram is there: the read does not wait.
    let len = socket.recv(&mut buffer).map_err(|error| {
        if is_peer_gone(&error) {
            format!("no pong {number}: the server is unreachable ({error})")
        } else {
            format!("no pong {number}: cannot receive ({error})")
        }
    })?;
    let round_trip = sent.elapsed();
    check.check(number, &variant.read(&buffer[..len]), round_trip)?;
    Ok(round_trip)
}
