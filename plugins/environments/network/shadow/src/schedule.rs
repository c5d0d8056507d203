//! When each process starts and when the simulation stops, in simulated time.
//!
//! A service that targets none starts at 1 s; one that targets another starts 1 s
//! after it, plus the delay its readiness asks for. Shadow's clock does not move while
//! a process computes, only while it waits, so a server binds its port or prints its
//! banner at its own start time: a second later it is ready, whatever its readiness
//! (a port, a log line). The simulation stops the test's timeout after the last start.

use std::collections::BTreeMap;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{PlannedService, Readiness};

use crate::quantities::Duration;

/// When services that target none start.
const FIRST_START_MS: u64 = 1_000;
/// How long after its target a service starts.
const GAP_MS: u64 = 1_000;

/// Each service's start time, by name, for services listed in start order.
pub fn start_times(services: &[PlannedService]) -> Result<BTreeMap<String, Duration>, PluginError> {
    let mut starts: BTreeMap<String, Duration> = BTreeMap::new();
    for (index, service) in services.iter().enumerate() {
        let start_ms = match &service.target {
            None => FIRST_START_MS,
            Some(target) => {
                let Some(planned) = services[..index].iter().find(|s| &s.name == target) else {
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
                let target_start = starts.get(target).map_or(FIRST_START_MS, |s| s.as_millis());
                target_start.saturating_add(GAP_MS).saturating_add(delay)
            }
        };
        starts.insert(service.name.clone(), Duration::from_millis(start_ms));
    }
    Ok(starts)
}

/// When the simulation stops: `timeout_ms` after the last start.
pub fn stop_time(starts: &BTreeMap<String, Duration>, timeout_ms: u64) -> Duration {
    let last = starts.values().max().map_or(0, |start| start.as_millis());
    Duration::from_millis(last.saturating_add(timeout_ms))
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
        let starts = start_times(&services).unwrap();
        let shown: Vec<(&str, String)> = starts
            .iter()
            .map(|(name, start)| (name.as_str(), start.to_string()))
            .collect();
        assert_eq!(
            shown,
            [
                ("client", "3500 ms".to_owned()),
                ("other", "1 s".to_owned()),
                ("proxy", "2500 ms".to_owned()),
                ("server", "1 s".to_owned())
            ]
        );
        assert_eq!(stop_time(&starts, 30_000).to_string(), "33500 ms");
    }

    #[test]
    fn refuses_a_target_that_does_not_start_first() {
        let services = [
            service("client", Some("server"), Readiness::Started),
            service("server", None, Readiness::Started),
        ];
        let error = start_times(&services).unwrap_err();
        assert_eq!(
            error.message(),
            "service `client` targets `server`, which starts after it"
        );
        let error = start_times(&services[..1]).unwrap_err();
        assert_eq!(
            error.message(),
            "service `client` targets `server`, which is not in the test"
        );
    }
}
