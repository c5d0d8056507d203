//! Running a compiled tester: its parameters, its event log, its time.

use std::io::Write;
use std::net::{SocketAddrV4, ToSocketAddrs};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::cache::Entry;
use crate::signals::{Forwarder, Stopped};
use crate::verdict::Ending;

/// The tester's event log in the artifacts directory.
pub const EVENT_LOG: &str = "ivy.log";
/// What the runner prints on its standard output just before the tester starts.
pub const STARTING: &str = "panther-ivy: starting the tester";

/// What the tester is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The random seed.
    pub seed: u32,
    /// The test loop's iterations.
    pub iterations: u32,
    /// The implementation under test's address, `HOST:PORT`.
    pub iut: Option<String>,
    /// The tester's own port.
    pub tester_port: Option<u16>,
    /// Other parameters, as `NAME=VALUE`.
    pub params: Vec<(String, String)>,
}

/// The tester's arguments (`seed=1 iters=200 out=... iut_addr=... NAME=VALUE...`), with
/// the event log written to `event_log`.
pub fn arguments(settings: &Settings, event_log: &Path) -> Result<Vec<String>, String> {
    let mut args = vec![
        format!("seed={}", settings.seed),
        format!("iters={}", settings.iterations),
        format!("out={}", event_log.display()),
    ];
    if let Some(iut) = &settings.iut {
        let address = ipv4(iut)?;
        args.push(format!("iut_addr={}", u32::from(*address.ip())));
        args.push(format!("iut_port={}", address.port()));
    }
    if let Some(port) = settings.tester_port {
        args.push(format!("tester_port={port}"));
    }
    args.extend(
        settings
            .params
            .iter()
            .map(|(name, value)| format!("{name}={value}")),
    );
    Ok(args)
}

/// The IPv4 address `HOST:PORT` stands for.
fn ipv4(text: &str) -> Result<SocketAddrV4, String> {
    let addresses = text.to_socket_addrs().map_err(|error| {
        format!("the implementation's address '{text}' does not resolve: {error}")
    })?;
    addresses
        .filter_map(|address| match address {
            std::net::SocketAddr::V4(v4) => Some(v4),
            std::net::SocketAddr::V6(_) => None,
        })
        .next()
        .ok_or_else(|| format!("the implementation's address '{text}' has no IPv4 address: the tests speak IPv4 only"))
}

/// A tester that ran.
#[derive(Debug, Clone, Copy)]
pub struct Ran {
    /// How it ended.
    pub ending: Ending,
    /// How long it ran.
    pub seconds: f64,
}

/// Runs the tester of `entry` with `args` in `artifacts`, its output going to the
/// runner's; the stop signals the runner gets are passed on.
pub fn run(
    entry: &Entry,
    args: &[String],
    artifacts: &Path,
    forwarder: &Forwarder,
) -> Result<Ran, Stopped> {
    let binary: PathBuf = entry.binary();
    let mut command = Command::new(&binary);
    command
        .args(args)
        .env("IVY_MODEL_PATH", &entry.dir)
        .current_dir(artifacts)
        .stdin(Stdio::null());
    println!("{STARTING}: {} {}", binary.display(), args.join(" "));
    let _ = std::io::stdout().flush();
    let started = Instant::now();
    let status = forwarder.run(&mut command)?;
    Ok(Ran {
        ending: Ending {
            code: status.code(),
            signal: status.signal(),
            stopped_by: forwarder.received(),
        },
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(iut: Option<&str>) -> Settings {
        Settings {
            seed: 3,
            iterations: 200,
            iut: iut.map(str::to_owned),
            tester_port: Some(4444),
            params: vec![("min_delay_ms".to_owned(), "20".to_owned())],
        }
    }

    #[test]
    fn gives_the_tester_its_parameters() {
        let args = arguments(&settings(Some("127.0.0.1:4443")), Path::new("/out/ivy.log")).unwrap();
        assert_eq!(
            args,
            [
                "seed=3",
                "iters=200",
                "out=/out/ivy.log",
                "iut_addr=2130706433",
                "iut_port=4443",
                "tester_port=4444",
                "min_delay_ms=20",
            ]
        );
    }

    #[test]
    fn resolves_a_name_and_leaves_out_an_absent_peer() {
        let args = arguments(&settings(Some("localhost:1")), Path::new("l")).unwrap();
        assert!(args.contains(&"iut_addr=2130706433".to_owned()), "{args:?}");
        let args = arguments(&settings(None), Path::new("l")).unwrap();
        assert!(!args.iter().any(|arg| arg.starts_with("iut_")), "{args:?}");
    }

    #[test]
    fn refuses_an_address_without_ipv4() {
        let error = arguments(&settings(Some("[::1]:4443")), Path::new("l")).unwrap_err();
        assert!(error.contains("IPv4 only"), "{error}");
        let error = arguments(&settings(Some("no port")), Path::new("l")).unwrap_err();
        assert!(error.contains("does not resolve"), "{error}");
    }
}
