//! A service's readiness as the engine checks it: a healthcheck in its container, and
//! the condition the services that target it wait for.
//!
//! - `started`: nothing to check; dependents wait for `service_started`.
//! - `delay`: a check that passes at once, first run after the delay.
//! - `port`: `grep` finds the port bound in the container's `/proc/net/{udp,tcp}[6]`
//!   (for TCP, listening).
//! - `log_line`: `grep` finds the text in the output files the wrapper writes.
//!
//! The checks need `grep` (and `true`) in the image, as every Debian image has.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::path_argument;
use panther_plugin_api::model::{LaunchedOutputs, Readiness, Transport};

use crate::compose_file::{Healthcheck, literal};

/// How often a port or log check runs, in milliseconds.
const CHECK_INTERVAL_MS: u64 = 100;
/// How long one check may take.
const CHECK_TIMEOUT: &str = "2s";

/// What the services targeting one with `healthcheck` wait for: the check to pass, or
/// without one the start.
pub fn condition(healthcheck: Option<&Healthcheck>) -> &'static str {
    if healthcheck.is_some() {
        "service_healthy"
    } else {
        "service_started"
    }
}

/// The healthcheck telling when a service is ready, if its readiness needs one; it
/// keeps trying for the test's whole timeout.
pub fn healthcheck(
    ready: &Readiness,
    outputs: &LaunchedOutputs,
    timeout_ms: u64,
) -> Result<Option<Healthcheck>, PluginError> {
    let retries = (timeout_ms / CHECK_INTERVAL_MS).saturating_add(1);
    let every = format!("{CHECK_INTERVAL_MS}ms");
    let check = |test: Vec<String>, interval: String, retries: u64| Healthcheck {
        test: std::iter::once("CMD".to_owned())
            .chain(test.iter().map(|word| literal(word)))
            .collect(),
        interval,
        timeout: CHECK_TIMEOUT.to_owned(),
        retries,
    };
    Ok(match ready {
        Readiness::Started | Readiness::Delay { ms: 0 } => None,
        Readiness::Delay { ms } => Some(check(vec!["true".to_owned()], format!("{ms}ms"), 1)),
        Readiness::Port { port, transport } => {
            Some(check(port_test(*port, *transport), every, retries))
        }
        Readiness::LogLine { contains } => {
            let test = vec![
                "grep".to_owned(),
                "-qsF".to_owned(),
                "--".to_owned(),
                contains.clone(),
                path_argument(&outputs.stdout)?,
                path_argument(&outputs.stderr)?,
            ];
            Some(check(test, every, retries))
        }
    })
}

/// `grep` finding `port` bound (UDP) or listening (TCP) in the kernel's socket tables,
/// IPv4 and IPv6. Each line reads `N: LOCAL_ADDR:PORT REMOTE_ADDR:PORT STATE ...` with
/// the port in four upper-case hex digits; `0A` is TCP's LISTEN state.
pub fn port_test(port: u16, transport: Transport) -> Vec<String> {
    let local = format!("^ *[0-9]+: [0-9A-F]+:{port:04X} ");
    let (pattern, table) = match transport {
        Transport::Udp => (local, "udp"),
        Transport::Tcp => (format!("{local}[0-9A-F]+:[0-9A-F]+ 0A "), "tcp"),
    };
    vec![
        "grep".to_owned(),
        "-qsE".to_owned(),
        pattern,
        format!("/proc/net/{table}"),
        format!("/proc/net/{table}6"),
    ]
}

#[cfg(test)]
mod tests {
    use std::net::{TcpListener, UdpSocket};
    use std::path::Path;
    use std::process::Command;

    use panther_network_shared::exit_wrapper::outputs;

    use super::*;

    /// Runs a check's argv on this machine, as the engine would in a container.
    fn passes(test: &[String]) -> bool {
        Command::new(&test[0])
            .args(&test[1..])
            .status()
            .unwrap()
            .success()
    }

    #[test]
    fn the_port_check_finds_a_bound_udp_port_and_a_listening_tcp_port() {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let udp_port = udp.local_addr().unwrap().port();
        assert!(passes(&port_test(udp_port, Transport::Udp)));
        let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        let tcp_port = tcp.local_addr().unwrap().port();
        assert!(passes(&port_test(tcp_port, Transport::Tcp)));
        drop((udp, tcp));
        assert!(!passes(&port_test(udp_port, Transport::Udp)));
        assert!(!passes(&port_test(tcp_port, Transport::Tcp)));
    }

    #[test]
    fn the_log_check_finds_the_text_in_either_output() {
        let dir = tempfile::tempdir().unwrap();
        let outputs = outputs(dir.path());
        let ready = Readiness::LogLine {
            contains: "listening on".to_owned(),
        };
        let check = healthcheck(&ready, &outputs, 1000).unwrap().unwrap();
        assert_eq!(check.test[0], "CMD");
        assert!(!passes(&check.test[1..]), "no output yet");
        std::fs::write(&outputs.stdout, "starting\n").unwrap();
        assert!(!passes(&check.test[1..]));
        std::fs::write(&outputs.stderr, "listening on 4443\n").unwrap();
        assert!(passes(&check.test[1..]));
        assert_eq!(check.interval, "100ms");
        assert_eq!(check.retries, 11);
    }

    #[test]
    fn started_needs_no_check_and_a_delay_is_one_late_check() {
        let outputs = outputs(Path::new("/out"));
        assert_eq!(healthcheck(&Readiness::Started, &outputs, 1000), Ok(None));
        assert_eq!(
            healthcheck(&Readiness::Delay { ms: 0 }, &outputs, 1000),
            Ok(None)
        );
        assert_eq!(condition(None), "service_started");
        let delay = Readiness::Delay { ms: 1500 };
        let check = healthcheck(&delay, &outputs, 1000).unwrap().unwrap();
        assert_eq!(check.test, ["CMD", "true"]);
        assert_eq!((check.interval.as_str(), check.retries), ("1500ms", 1));
        assert_eq!(condition(Some(&check)), "service_healthy");
    }

    #[test]
    fn a_dollar_in_the_log_text_reaches_grep_unchanged() {
        let ready = Readiness::LogLine {
            contains: "cost $5".to_owned(),
        };
        let check = healthcheck(&ready, &outputs(Path::new("/out")), 1000)
            .unwrap()
            .unwrap();
        assert_eq!(check.test[4], "cost $$5");
    }
}
