//! The running switch: one thread receiving on each port, one sending what is due.

use std::io;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Instant;

use crate::config::LinkConfig;
use crate::counters::{Event, PortCounters, Summary};
use crate::impairment::Link;
use crate::mac_table::{MacTable, addresses};
use crate::packet_socket::{OpenError, PacketSocket};
use crate::scheduler::{Departure, Scheduler};

/// The largest frame read at once; links run with offloads off, so frames stay far
/// below it.
const FRAME_BUFFER_BYTES: usize = 65_536;

/// The switch's ports, its table, its queue and its counters.
#[derive(Debug)]
pub struct Switch {
    config: LinkConfig,
    sockets: Vec<PacketSocket>,
    counters: Vec<PortCounters>,
    table: Mutex<MacTable>,
    scheduler: Scheduler,
}

/// Why the switch stopped working while running.
#[derive(Debug, thiserror::Error)]
#[error("receiving on interface `{interface}`: {source}")]
pub struct PortFailure {
    /// The interface that failed.
    pub interface: String,
    /// Why.
    pub source: io::Error,
}

impl Switch {
    /// Opens every port of `config`.
    pub fn open(config: LinkConfig) -> Result<Self, OpenError> {
        let sockets = config
            .ports
            .iter()
            .map(|port| PacketSocket::open(&port.interface))
            .collect::<Result<Vec<_>, _>>()?;
        let counters = config
            .ports
            .iter()
            .map(|_| PortCounters::default())
            .collect();
        Ok(Self {
            config,
            sockets,
            counters,
            table: Mutex::new(MacTable::default()),
            scheduler: Scheduler::default(),
        })
    }

    /// How many ports it joins.
    pub fn port_count(&self) -> usize {
        self.sockets.len()
    }

    /// Starts forwarding: a receiving thread per port and the sender. A port that
    /// fails is reported on `failures`.
    pub fn start(self: &Arc<Self>, failures: &Sender<PortFailure>) -> io::Result<()> {
        for (index, port) in self.config.ports.iter().enumerate() {
            let switch = Arc::clone(self);
            let failures = failures.clone();
            let link = Link::new(port.impairments.clone(), fastrand::Rng::new());
            thread::Builder::new()
                .name(format!("receive {}", port.interface))
                .spawn(move || {
                    let source = switch.receive(index, link);
                    let interface = switch.config.ports[index].interface.clone();
                    let _ = failures.send(PortFailure { interface, source });
                })?;
        }
        let switch = Arc::clone(self);
        thread::Builder::new()
            .name("send".to_owned())
            .spawn(move || switch.send())?;
        Ok(())
    }

    /// Every port's counts now, by port name.
    pub fn summary(&self) -> Summary {
        Summary::of(
            self.config.ports.iter().map(|port| port.name.as_str()),
            &self.counters,
        )
    }

    /// Receives on port `index` until its socket fails, passing each frame its
    /// service sent through `link`.
    fn receive(&self, index: usize, mut link: Link) -> io::Error {
        let mut buffer = vec![0u8; FRAME_BUFFER_BYTES];
        loop {
            match self.sockets[index].receive(&mut buffer) {
                Ok(received) if received.outgoing => {}
                Ok(received) => {
                    let frame = &buffer[..received.len];
                    self.forward(index, &mut link, frame, Instant::now());
                }
                Err(error) => return error,
            }
        }
    }

    /// Impairs a frame received on port `from` at `now`, and queues what survives
    /// for the ports it goes to. A frame too short for its addresses is dropped before
    /// the link sees it: it draws no chance and takes no time on the link.
    fn forward(&self, from: usize, link: &mut Link, frame: &[u8], now: Instant) {
        let counters = &self.counters[from];
        counters.count(Event::Received);
        let Some((destination, source)) = addresses(frame) else {
            counters.count(Event::Dropped);
            return;
        };
        let copies = link.transmit(frame, now);
        if copies.is_empty() {
            counters.count(Event::Dropped);
            return;
        }
        if copies.len() > 1 {
            counters.count(Event::Duplicated);
        }
        let ports = self
            .table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .route(&destination, &source, from, self.port_count());
        let departure = |port, frame| Departure {
            port,
            origin: from,
            frame,
        };
        for copy in copies {
            if copy.corrupted {
                counters.count(Event::Corrupted);
            }
            // Every port but the last gets a clone; the last takes the copy itself.
            let Some((&last, others)) = ports.split_last() else {
                continue;
            };
            for &port in others {
                self.scheduler
                    .push(copy.due, departure(port, copy.frame.clone()));
            }
            self.scheduler.push(copy.due, departure(last, copy.frame));
        }
    }

    /// Sends each departure when it is due, for as long as the process runs.
    fn send(&self) {
        loop {
            let departure = self.scheduler.next_due();
            let event = match self.sockets[departure.port].send(&departure.frame) {
                Ok(()) => Event::Forwarded,
                Err(_) => Event::Dropped,
            };
            self.counters[departure.origin].count(event);
        }
    }
}
