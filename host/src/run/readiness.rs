//! Knowing when a started service is ready: a socket bound to its port (read from
//! the process's own view of the network, so it works inside a namespace), a line in
//! its output, or a delay.

use std::path::Path;
use std::time::{Duration, Instant};

use panther_plugin_api::model::{Readiness, Transport};
use tokio::sync::watch;
use tokio::time::sleep;

use super::process::Process;
use super::{describe_exit, remaining, until_cancelled};

/// How often readiness is checked.
const POLL: Duration = Duration::from_millis(2);

/// Whether a socket of the transport is bound to (UDP) or listening on (TCP) the port,
/// in the network namespace of process `pid`.
pub fn port_is_open(pid: u32, port: u16, transport: Transport) -> bool {
    let (files, listening_state): (&[&str], Option<&str>) = match transport {
        Transport::Udp => (&["udp", "udp6"], None),
        Transport::Tcp => (&["tcp", "tcp6"], Some("0A")),
    };
    files.iter().any(|file| {
        std::fs::read_to_string(format!("/proc/{pid}/net/{file}"))
            .is_ok_and(|table| table_has_port(&table, port, listening_state))
    })
}

/// Reads a `/proc/net/{udp,tcp}` table: `sl local_address rem_address st ...`.
fn table_has_port(table: &str, port: u16, state: Option<&str>) -> bool {
    table.lines().skip(1).any(|line| {
        let mut fields = line.split_whitespace();
        let local = fields.nth(1).unwrap_or_default();
        let socket_state = fields.nth(1).unwrap_or_default();
        let local_port = local
            .rsplit(':')
            .next()
            .and_then(|hex| u16::from_str_radix(hex, 16).ok());
        local_port == Some(port) && state.is_none_or(|s| s == socket_state)
    })
}

/// A readiness condition in words, for plans and messages ("UDP port 20001 is open").
pub fn describe_readiness(ready: &Readiness) -> String {
    match ready {
        Readiness::Started => "it has started".to_owned(),
        Readiness::Delay { ms } => format!("{ms} ms have passed since it started"),
        Readiness::Port { port, transport } => {
            let name = match transport {
                Transport::Udp => "UDP",
                Transport::Tcp => "TCP",
            };
            format!("{name} port {port} is open")
        }
        Readiness::LogLine { contains } => format!("its output contains {contains:?}"),
    }
}

/// Follows one output file, reading only what was added since the last look.
#[derive(Debug, Default)]
struct Follower {
    offset: u64,
    carry: Vec<u8>,
}

impl Follower {
    fn saw(&mut self, path: &Path, text: &[u8]) -> bool {
        use std::io::{Read, Seek, SeekFrom};
        let Ok(mut file) = std::fs::File::open(path) else {
            return false;
        };
        if file.seek(SeekFrom::Start(self.offset)).is_err() {
            return false;
        }
        let mut added = Vec::new();
        if file.read_to_end(&mut added).is_err() {
            return false;
        }
        self.offset += added.len() as u64;
        let mut window = std::mem::take(&mut self.carry);
        window.extend_from_slice(&added);
        let found = window.windows(text.len().max(1)).any(|w| w == text);
        let keep = window.len().saturating_sub(text.len().saturating_sub(1));
        self.carry = window.split_off(keep);
        found
    }
}

/// Checks one service's readiness, as often as asked, cheaply.
#[derive(Debug)]
pub struct ReadinessCheck {
    ready: Readiness,
    stdout: Follower,
    stderr: Follower,
}

impl ReadinessCheck {
    /// A check for this readiness condition.
    pub fn new(ready: Readiness) -> Self {
        Self {
            ready,
            stdout: Follower::default(),
            stderr: Follower::default(),
        }
    }

    /// Whether the service with this process and these output files is ready now.
    pub fn is_ready(&mut self, pid: u32, stdout: &Path, stderr: &Path) -> bool {
        match &self.ready {
            Readiness::Started | Readiness::Delay { .. } => true,
            Readiness::Port { port, transport } => port_is_open(pid, *port, *transport),
            Readiness::LogLine { contains } => {
                let text = contains.as_bytes();
                self.stdout.saw(stdout, text) | self.stderr.saw(stderr, text)
            }
        }
    }

    /// What is waited for, for messages ("UDP port 20001 is open").
    pub fn describe(&self) -> String {
        describe_readiness(&self.ready)
    }
}

/// The pause before checking again: short at first, longer for slow services.
fn next_poll(attempt: u32) -> Duration {
    if attempt < 50 { POLL } else { POLL * 5 }
}

/// Why a started process did not become ready.
pub enum NotReady {
    /// It ended, or the deadline came first.
    Failed(String),
    /// The run was interrupted.
    Interrupted,
}

/// Waits until a started process is ready, as `ready` says; returns what was waited
/// for.
pub async fn wait_until_ready(
    process: &mut Process,
    ready: &Readiness,
    stdout: &Path,
    stderr: &Path,
    deadline: Instant,
    cancel: &mut watch::Receiver<bool>,
) -> Result<String, NotReady> {
    let started = Instant::now();
    let mut check = ReadinessCheck::new(ready.clone());
    let mut attempt = 0;
    while !check.is_ready(process.pid(), stdout, stderr) {
        if let Some(exit) = process.try_exit() {
            return Err(NotReady::Failed(format!(
                "exited ({}) before it was ready (waiting until {})",
                describe_exit(&exit),
                check.describe()
            )));
        }
        if Instant::now() >= deadline {
            return Err(NotReady::Failed(format!(
                "not ready after {} s (waiting until {})",
                started.elapsed().as_secs_f64().round(),
                check.describe()
            )));
        }
        if *cancel.borrow() {
            return Err(NotReady::Interrupted);
        }
        sleep(next_poll(attempt)).await;
        attempt += 1;
    }
    if let Readiness::Delay { ms } = ready {
        tokio::select! {
            () = sleep(Duration::from_millis(*ms).min(remaining(deadline))) => {}
            () = until_cancelled(cancel) => return Err(NotReady::Interrupted),
        }
    }
    Ok(check.describe())
}

#[cfg(test)]
mod tests {
    use super::*;

    const UDP: &str = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n  123: 0100007F:4E21 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0 0\n";

    #[test]
    fn a_bound_udp_port_is_found_in_the_table() {
        assert!(table_has_port(UDP, 0x4E21, None));
        assert!(!table_has_port(UDP, 0x4E22, None));
        assert!(!table_has_port(UDP, 0x4E21, Some("0A")));
    }

    #[test]
    fn a_log_line_split_across_two_reads_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::write(&out, "starting, liste").unwrap();
        let mut check = ReadinessCheck::new(Readiness::LogLine {
            contains: "listening".into(),
        });
        assert!(!check.is_ready(0, &out, &dir.path().join("none")));
        std::fs::write(&out, "starting, listening on 1\n").unwrap();
        assert!(check.is_ready(0, &out, &dir.path().join("none")));
    }

    #[test]
    fn this_process_sees_its_own_socket() {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = socket.local_addr().unwrap().port();
        assert!(port_is_open(std::process::id(), port, Transport::Udp));
    }
}
