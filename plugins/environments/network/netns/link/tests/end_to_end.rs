//! The netns plugin's real plan, run end to end with panther-link: files written,
//! setup run, daemons started, UDP exchanged between the services' namespaces, the
//! daemons stopped and their counters read, teardown run, no namespace left.
//!
//! These tests need root; without it they print why and pass without running.
//! They run one at a time, so that their timings do not disturb each other.

mod network;

use std::collections::BTreeMap;
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use panther_link::counters::{Counts, Summary};
use serde_json::json;

use network::{Network, can_make_namespaces};

/// How long a reply may take before a datagram counts as lost.
const REPLY_TIMEOUT: Duration = Duration::from_secs(2);

/// Serialises the tests of this file.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A thread sending every datagram a socket receives back to its sender.
struct Echo {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Echo {
    fn start(socket: UdpSocket) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let thread = thread::spawn(move || {
            let mut buffer = [0u8; 2048];
            while !stopped.load(Ordering::Relaxed) {
                if let Ok((len, from)) = socket.recv_from(&mut buffer) {
                    socket.send_to(&buffer[..len], from).unwrap();
                }
            }
        });
        Self { stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap();
    }
}

/// `count` round trips from `client` to the echo at `server`, each waited for.
fn round_trips(client: &UdpSocket, server: SocketAddr, count: usize) -> Vec<Duration> {
    client.set_read_timeout(Some(REPLY_TIMEOUT)).unwrap();
    let mut buffer = [0u8; 2048];
    (0..count)
        .map(|index| {
            let ping = format!("ping {index}");
            let sent = Instant::now();
            client.send_to(ping.as_bytes(), server).unwrap();
            loop {
                let len = client
                    .recv(&mut buffer)
                    .unwrap_or_else(|error| panic!("no reply to {ping:?}: {error}"));
                if &buffer[..len] == ping.as_bytes() {
                    return sent.elapsed();
                }
            }
        })
        .collect()
}

/// How many frames a pcap file written by tcpdump on this machine holds.
fn pcap_frames(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        bytes[..4],
        0xa1b2_c3d4_u32.to_le_bytes(),
        "{}",
        path.display()
    );
    let mut at = 24;
    let mut frames = 0;
    while let Some(header) = bytes.get(at..at + 16) {
        let captured = u32::from_le_bytes(header[8..12].try_into().unwrap());
        at += 16 + usize::try_from(captured).unwrap();
        frames += 1;
    }
    frames
}

fn median(mut durations: Vec<Duration>) -> Duration {
    durations.sort();
    durations[durations.len() / 2]
}

/// Stops the daemons with `signal`; checks that panther-link exited 0 and returns its
/// counters.
fn stop_link(network: &mut Network, signal: Signal) -> BTreeMap<String, Counts> {
    let mut outputs = network.stop_daemons(signal);
    let (code, lines) = outputs.remove("panther-link").unwrap();
    assert_eq!(code, Some(0), "{lines:?}");
    let last = lines.last().unwrap();
    let summary: Summary = serde_json::from_str(last).unwrap_or_else(|e| panic!("{last}: {e}"));
    summary.ports
}

#[test]
fn a_delay_on_both_links_holds_each_round_trip_for_twice_the_delay() {
    if !can_make_namespaces() {
        return;
    }
    let _serial = one_at_a_time();
    let mut network = Network::up("delay", json!({"delay": "50ms", "capture": true}));
    let echo = Echo::start(network.socket("server"));
    let client = network.socket("client");
    round_trips(&client, network.address("server"), 1);
    let times = round_trips(&client, network.address("server"), 10);
    echo.stop();
    let least = *times.iter().min().unwrap();
    let middle = median(times);
    println!("delay 50ms on both links: median round trip {middle:?}, least {least:?}");
    assert!(least >= Duration::from_millis(100), "{least:?}");
    assert!(middle < Duration::from_millis(150), "{middle:?}");
    let captures = [network.artifacts("client"), network.artifacts("server")].concat();
    let counts = stop_link(&mut network, Signal::SIGTERM);
    for service in ["client", "server"] {
        assert!(counts[service].forwarded >= 11, "{counts:?}");
        assert_eq!(counts[service].dropped, 0, "{counts:?}");
    }
    assert_eq!(captures.len(), 2);
    for capture in captures {
        let frames = pcap_frames(&capture);
        assert!(frames >= 22, "{}: {frames} frames", capture.display());
    }
    network.down();
}

#[test]
fn a_link_losing_every_frame_delivers_nothing() {
    if !can_make_namespaces() {
        return;
    }
    let _serial = one_at_a_time();
    let mut network = Network::up("loss", json!({"loss": "100%"}));
    let server = network.socket("server");
    let client = network.socket("client");
    for index in 0..20 {
        client
            .send_to(
                format!("lost {index}").as_bytes(),
                network.address("server"),
            )
            .unwrap();
    }
    server
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut buffer = [0u8; 2048];
    let arrived = server.recv(&mut buffer);
    assert!(arrived.is_err(), "a datagram arrived: {arrived:?}");
    let counts = stop_link(&mut network, Signal::SIGTERM);
    let client_counts = counts["client"];
    println!("loss 100%: client link {client_counts:?}");
    assert!(client_counts.received >= 1, "{counts:?}");
    assert_eq!(client_counts.dropped, client_counts.received, "{counts:?}");
    assert_eq!(client_counts.forwarded, 0, "{counts:?}");
    network.down();
}

#[test]
fn unimpaired_links_forward_at_once() {
    if !can_make_namespaces() {
        return;
    }
    let _serial = one_at_a_time();
    let mut network = Network::up("plain", json!({}));
    let echo = Echo::start(network.socket("server"));
    let client = network.socket("client");
    round_trips(&client, network.address("server"), 1);
    let times = round_trips(&client, network.address("server"), 50);
    echo.stop();
    let middle = median(times);
    println!("no impairment: median round trip {middle:?}");
    assert!(middle < Duration::from_millis(10), "{middle:?}");
    let counts = stop_link(&mut network, Signal::SIGINT);
    assert!(counts["client"].forwarded >= 51, "{counts:?}");
    network.down();
}

#[test]
fn a_rate_paces_a_burst_at_the_link_speed() {
    if !can_make_namespaces() {
        return;
    }
    let _serial = one_at_a_time();
    const DATAGRAMS: usize = 100;
    const PAYLOAD: usize = 1000;
    let mut network = Network::up("rate", json!({"rate": "1mbit"}));
    let server = network.socket("server");
    let client = network.socket("client");
    let receiver = thread::spawn(move || {
        server
            .set_read_timeout(Some(Duration::from_secs(3)))
            .unwrap();
        let mut buffer = [0u8; 2048];
        let (_, from) = server.recv_from(&mut buffer).unwrap();
        server.send_to(b"warm", from).unwrap();
        let mut last = None;
        let mut count = 0;
        while count < DATAGRAMS && server.recv(&mut buffer).is_ok() {
            count += 1;
            last = Some(Instant::now());
        }
        (count, last)
    });
    warm_up(&client, network.address("server"));
    let start = Instant::now();
    for index in 0..DATAGRAMS {
        let byte = u8::try_from(index).unwrap();
        client
            .send_to(&[byte; PAYLOAD], network.address("server"))
            .unwrap();
    }
    let (count, last) = receiver.join().unwrap();
    assert_eq!(count, DATAGRAMS);
    let took = last.unwrap() - start;
    let frame_bits = (PAYLOAD + 8 + 20 + 14) * 8;
    let expected = Duration::from_secs_f64((DATAGRAMS * frame_bits) as f64 / 1e6);
    println!(
        "rate 1mbit: {DATAGRAMS} x {PAYLOAD} bytes took {took:?} (serialisation {expected:?})"
    );
    assert!(took >= expected.mul_f64(0.95), "{took:?}");
    assert!(took <= expected.mul_f64(1.3), "{took:?}");
    stop_link(&mut network, Signal::SIGTERM);
    network.down();
}

/// One exchange with the receiver of the rate test, so that the addresses are resolved
/// before the burst.
fn warm_up(client: &UdpSocket, server: SocketAddr) {
    client.set_read_timeout(Some(REPLY_TIMEOUT)).unwrap();
    client.send_to(b"warm", server).unwrap();
    let mut buffer = [0u8; 16];
    let len = client.recv(&mut buffer).unwrap();
    assert_eq!(&buffer[..len], b"warm");
}

#[test]
fn a_per_link_duplication_doubles_what_that_service_sends_only() {
    if !can_make_namespaces() {
        return;
    }
    let _serial = one_at_a_time();
    let mut network = Network::up(
        "duplicate",
        json!({"links": {"client": {"duplicate": "100%"}}}),
    );
    let server = network.socket("server");
    let client = network.socket("client");
    for socket in [&server, &client] {
        socket
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
    }
    let received = |socket: &UdpSocket| {
        let mut buffer = [0u8; 2048];
        let mut payloads = Vec::new();
        while let Ok(len) = socket.recv(&mut buffer) {
            payloads.push(String::from_utf8_lossy(&buffer[..len]).into_owned());
        }
        payloads.sort();
        payloads
    };
    for index in 0..5 {
        client
            .send_to(format!("up {index}").as_bytes(), network.address("server"))
            .unwrap();
    }
    let up = received(&server);
    for index in 0..5 {
        server
            .send_to(
                format!("down {index}").as_bytes(),
                network.address("client"),
            )
            .unwrap();
    }
    let down = received(&client);
    let twice: Vec<String> = (0..5)
        .flat_map(|index| [format!("up {index}"), format!("up {index}")])
        .collect();
    assert_eq!(up, twice);
    let once: Vec<String> = (0..5).map(|index| format!("down {index}")).collect();
    assert_eq!(down, once);
    let counts = stop_link(&mut network, Signal::SIGTERM);
    assert_eq!(
        counts["client"].duplicated, counts["client"].received,
        "{counts:?}"
    );
    assert_eq!(counts["server"].duplicated, 0, "{counts:?}");
    network.down();
}

#[test]
fn a_test_that_fails_half_way_leaves_no_namespace() {
    if !can_make_namespaces() {
        return;
    }
    let _serial = one_at_a_time();
    let mut made = Vec::new();
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let network = Network::up("failing", json!({"delay": "1ms"}));
        made = network.namespace_files();
        assert!(made.iter().all(|namespace| namespace.exists()));
        panic!("failing on purpose, to see the namespaces deleted");
    }));
    assert!(failed.is_err());
    assert_eq!(made.len(), 3);
    for namespace in made {
        assert!(!namespace.exists(), "{} is left", namespace.display());
    }
}
