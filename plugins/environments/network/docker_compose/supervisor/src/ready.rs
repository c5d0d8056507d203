//! Waiting for a companion to be ready, as its readiness says: a line in its output,
//! a bound port, a delay.

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use panther_forward_signals as signals;
use panther_plugin_api::model::{Readiness, Transport};

/// How often readiness is looked at.
const POLL: Duration = Duration::from_millis(20);

/// Whether `port` is bound (UDP) or listening (TCP), by the kernel's socket tables,
/// IPv4 and IPv6: each line reads `N: LOCAL_ADDR:PORT REMOTE STATE ...`, the port in
/// hex, `0A` being TCP's LISTEN.
fn port_bound(port: u16, transport: Transport) -> bool {
    let (tables, listening) = match transport {
        Transport::Udp => (["/proc/net/udp", "/proc/net/udp6"], None),
        Transport::Tcp => (["/proc/net/tcp", "/proc/net/tcp6"], Some("0A")),
    };
    let local = format!(":{port:04X}");
    tables.iter().any(|table| {
        std::fs::read_to_string(table)
            .unwrap_or_default()
            .lines()
            .skip(1)
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            .any(|fields| {
                fields
                    .get(1)
                    .is_some_and(|address| address.ends_with(&local))
                    && listening.is_none_or(|state| fields.get(3) == Some(&state))
            })
    })
}

/// Whether `text` is in either file.
fn logged(text: &str, stdout: &Path, stderr: &Path) -> bool {
    [stdout, stderr]
        .iter()
        .any(|file| std::fs::read_to_string(file).is_ok_and(|seen| seen.contains(text)))
}

/// Waits until `child`, whose output goes to `stdout` and `stderr`, is ready as
/// `ready` says, for at most `within`; why not, when it is not.
pub fn wait(
    child: &mut Child,
    ready: &Readiness,
    stdout: &Path,
    stderr: &Path,
    within: Duration,
) -> Result<(), String> {
    let started = Instant::now();
    if let Readiness::Delay { ms } = ready {
        std::thread::sleep(Duration::from_millis(*ms).min(within));
    }
    loop {
        let is_ready = match ready {
            Readiness::Started | Readiness::Delay { .. } => true,
            Readiness::Port { port, transport } => port_bound(*port, *transport),
            Readiness::LogLine { contains } => logged(contains, stdout, stderr),
        };
        if is_ready {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("it ended ({status}) before it was ready"));
        }
        if signals::received().is_some() {
            return Err("the container was stopped".to_owned());
        }
        if started.elapsed() >= within {
            return Err(format!("not ready within {} ms", within.as_millis()));
        }
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn a_log_line_readies_and_an_early_end_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let (out, err) = (dir.path().join("o"), dir.path().join("e"));
        let mut talker = Command::new("sh")
            .args([
                "-c",
                "echo listening on > \"$0\"; sleep 5",
                out.to_str().unwrap(),
            ])
            .spawn()
            .unwrap();
        let line = Readiness::LogLine {
            contains: "listening on".to_owned(),
        };
        assert_eq!(
            wait(&mut talker, &line, &out, &err, Duration::from_secs(5)),
            Ok(())
        );
        talker.kill().unwrap();
        let mut quitter = Command::new("true").spawn().unwrap();
        let missing = dir.path().join("none");
        let why = wait(
            &mut quitter,
            &line,
            &missing,
            &missing,
            Duration::from_secs(5),
        );
        assert!(why.unwrap_err().contains("before it was ready"));
    }

    #[test]
    fn a_bound_udp_port_is_seen() {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = socket.local_addr().unwrap().port();
        assert!(port_bound(port, Transport::Udp));
    }
}
