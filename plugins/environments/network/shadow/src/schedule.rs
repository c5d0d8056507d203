//! When each process starts and when the simulation stops, in simulated time.
//!
//! A service that targets none starts at 1 s; one that targets another starts 1 s
//! after it, plus the delay its readiness asks for. Shadow's clock does not move while
//! a process computes, only while it waits, so a server binds its port or prints its
//! banner at its own start time: a second later it is ready, whatever its readiness
//! (a port, a log line). The simulation stops the test's timeout after the last start.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{PlannedService, Readiness};

/// When services that target none start.
const FIRST_START_MS: u64 = 1_000;
/// How long after its target a service starts.
const GAP_MS: u64 = 1_000;

/// Each service's start time in milliseconds, in the order of `services`, which is the
/// order the host starts them in.
pub fn start_times_ms(services: &[PlannedService]) -> Result<Vec<u64>, PluginError> {
    let mut starts: Vec<u64> = Vec::with_capacity(services.len());
    for service in services {
        let start = match &service.target {
            None => FIRST_START_MS,
            Some(target) => {
                // `starts` has one entry per service before this one: only those pair up.
                let Some((planned, &target_start)) = services
                    .iter()
                    .zip(&starts)
                    .find(|(s, _)| &s.name == target)
                else {
                    let place = if services.iter().any(|s| &s.name == target) {
                        "which starts after it"
                    } else {
                        "which is not in the test"
                    };
                    return Err(PluginError::new(format!(
                        "service `{}` targets `{target}`, {place}",
                        service.name
                    )));
                };
                let delay = match planned.ready {
                    Readiness::Delay { ms } => ms,
                    _ => 0,
                };
                target_start.saturating_add(GAP_MS).saturating_add(delay)
            }
        };
        starts.push(start);
    }
    Ok(starts)
}

/// When the simulation stops, in milliseconds: `timeout_ms` after the last of
/// `starts_ms`.
pub fn stop_time_ms(starts_ms: &[u64], timeout_ms: u64) -> u64 {
    let last = starts_ms.iter().copied().max().unwrap_or(0);
    last.saturating_add(timeout_ms)
}

#[cfg(test)]
mod tests {
    use panther_plugin_api::model::{CommandSpec, Role, ServiceAddress};

    use super::*;

    fn service(name: &str, target: Option<&str>, ready: Readiness) -> PlannedService {
        PlannedService {
            name: name.to_owned(),
            role: Role::Client,
            address: ServiceAddress {
                host: "11.0.0.2".to_owned(),
                port: 1,
            },
            command: CommandSpec::new("/bin/true", Vec::<String>::new()),
            prepare: Vec::new(),
            companions: Vec::new(),
            ready,
            decides: false,
            target: target.map(str::to_owned),
            output_dir: "/out".into(),
            artifacts_dir: "/out/artifacts".into(),
        }
    }

    #[test]
    fn each_service_starts_a_second_after_its_target_and_its_delay() {
        let services = [
            service("server", None, Readiness::Delay { ms: 500 }),
            service("proxy", Some("server"), Readiness::Started),
            service("client", Some("proxy"), Readiness::Started),
            service("other", None, Readiness::Started),
        ];
        let starts = start_times_ms(&services).unwrap();
        assert_eq!(starts, [1_000, 2_500, 3_500, 1_000]);
        assert_eq!(stop_time_ms(&starts, 30_000), 33_500);
    }

    #[test]
    fn refuses_a_target_that_does_not_start_first() {
        let services = [
            service("client", Some("server"), Readiness::Started),
            service("server", None, Readiness::Started),
        ];
        let error = start_times_ms(&services).unwrap_err();
        assert_eq!(
            error.message(),
            "service `client` targets `server`, which starts after it"
        );
        let error = start_times_ms(&services[..1]).unwrap_err();
        assert_eq!(
            error.message(),
            "service `client` targets `server`, which is not in the test"
        );
    }
}
