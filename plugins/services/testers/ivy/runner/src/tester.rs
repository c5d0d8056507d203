//! Running a compiled tester: what every tester is given, its event log, its time.

use std::io::Write;
use std::net::{SocketAddrV4, ToSocketAddrs};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cache::Entry;
use crate::signals::{Forwarder, Stopped};
use crate::verdict::Ending;

/// The tester's event log in the artifacts directory.
pub const EVENT_LOG: &str = "ivy.log";
/// What the runner prints on its standard output just before the tester starts.
pub const STARTING: &str = "panther-ivy: starting the tester";

/// How a tester is started: its arguments and the environment variables it reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launch {
    /// Its arguments, `NAME=VALUE` each.
    pub args: Vec<String>,
    /// Its environment variables, beside the runner's own.
    pub env: Vec<(String, String)>,
}

/// The arguments every tester takes: `seed=1 iters=200 out=EVENT_LOG`.
pub fn common_arguments(seed: u32, iterations: u32, event_log: &Path) -> Vec<String> {
    vec![
        format!("seed={seed}"),
        format!("iters={iterations}"),
        format!("out={}", event_log.display()),
    ]
}

/// `NAME=VALUE` for each parameter.
pub fn parameters(params: &[(String, String)]) -> impl Iterator<Item = String> + '_ {
    params.iter().map(|(name, value)| format!("{name}={value}"))
}

/// The IPv4 address `HOST:PORT` stands for; `what` names it in an error.
pub fn ipv4(text: &str, what: &str) -> Result<SocketAddrV4, String> {
    let addresses = text
        .to_socket_addrs()
        .map_err(|error| format!("{what} '{text}' does not resolve: {error}"))?;
    addresses
        .filter_map(|address| match address {
            std::net::SocketAddr::V4(v4) => Some(v4),
            std::net::SocketAddr::V6(_) => None,
        })
        .next()
        .ok_or_else(|| format!("{what} '{text}' has no IPv4 address: the tests speak IPv4 only"))
}

/// A tester that ran.
#[derive(Debug, Clone, Copy)]
pub struct Ran {
    /// How it ended.
    pub ending: Ending,
    /// How long it ran.
    pub seconds: f64,
}

/// Runs the tester of `entry` as `launch` says in `artifacts`, its output going to the
/// runner's, for at most `time_limit` seconds; the stop signals the runner gets are
/// passed on.
pub fn run(
    entry: &Entry,
    launch: &Launch,
    artifacts: &Path,
    forwarder: &Forwarder,
    time_limit: Option<u32>,
) -> Result<Ran, Stopped> {
    let binary: PathBuf = entry.binary();
    let mut command = Command::new(&binary);
    command
        .args(&launch.args)
        .env("IVY_MODEL_PATH", &entry.dir)
        .envs(launch.env.iter().map(|(name, value)| (name, value)))
        .current_dir(artifacts)
        .stdin(Stdio::null());
    println!("{STARTING}: {} {}", binary.display(), launch.args.join(" "));
    let _ = std::io::stdout().flush();
    let started = Instant::now();
    let limit = time_limit.map(|seconds| Duration::from_secs(seconds.into()));
    let finished = forwarder.run(&mut command, limit)?;
    Ok(Ran {
        ending: Ending {
            code: finished.status.code(),
            signal: finished.status.signal(),
            stopped_by: forwarder.received(),
            out_of_time: time_limit.filter(|_| finished.out_of_time),
        },
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tester_gets_its_seed_iterations_and_log() {
        assert_eq!(
            common_arguments(3, 200, Path::new("/out/ivy.log")),
            ["seed=3", "iters=200", "out=/out/ivy.log"]
        );
        let params = [("a".to_owned(), "1".to_owned())];
        assert_eq!(parameters(&params).collect::<Vec<_>>(), ["a=1"]);
    }

    #[test]
    fn resolves_names_to_ipv4_only() {
        let what = "the implementation's address";
        assert_eq!(
            ipv4("localhost:1", what).unwrap().to_string(),
            "127.0.0.1:1"
        );
        let error = ipv4("[::1]:4443", what).unwrap_err();
        assert_eq!(
            error,
            "the implementation's address '[::1]:4443' has no IPv4 address: the tests speak IPv4 only"
        );
        let error = ipv4("no port", what).unwrap_err();
        assert!(error.contains("does not resolve"), "{error}");
    }
}
