//! Checks of a planned service by the environments that run each service's one
//! command on a host of its own (a container, a simulated host), and nothing else.

use std::net::Ipv4Addr;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::PlannedService;

/// The IPv4 address planned for `service`, or an error saying it is not one
/// `fitting` ("the compose network can give it").
pub fn ipv4_address(service: &PlannedService, fitting: &str) -> Result<Ipv4Addr, PluginError> {
    service.address.host.parse().map_err(|_| {
        PluginError::new(format!(
            "service `{}` is at `{}`, not an IPv4 address {fitting}",
            service.name, service.address.host
        ))
    })
}

/// An environment that runs each service's one command and nothing else, as its
/// refusals name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OneCommand<'a> {
    /// The environment's name: `docker_compose`.
    pub environment: &'a str,
    /// Why it cannot: `each container runs its service's one command`.
    pub because: &'a str,
}

impl OneCommand<'_> {
    /// Refuses `service` when its plan asks for preparation commands, companions or
    /// any of `also` (more that the environment cannot give, as phrases).
    pub fn refuse_more(
        &self,
        service: &PlannedService,
        also: impl IntoIterator<Item = String>,
    ) -> Result<(), PluginError> {
        let programs = service
            .prepare
            .iter()
            .map(|command| command.program.as_str());
        let companions = service
            .companions
            .iter()
            .map(|companion| companion.name.as_str());
        let asks: Vec<String> = [
            listed("preparation commands", programs),
            listed("companions", companions),
        ]
        .into_iter()
        .flatten()
        .chain(also)
        .collect();
        if asks.is_empty() {
            return Ok(());
        }
        Err(PluginError::new(format!(
            "service `{}` asks for {}, which the {} environment cannot run: {}",
            service.name,
            asks.join(" and "),
            self.environment,
            self.because
        )))
    }
}

/// `what (`a`, `b`)` for the names `a` and `b`; `None` for no name.
fn listed<'a>(what: &str, names: impl Iterator<Item = &'a str>) -> Option<String> {
    let names: Vec<String> = names.map(|name| format!("`{name}`")).collect();
    (!names.is_empty()).then(|| format!("{what} ({})", names.join(", ")))
}

#[cfg(test)]
mod tests {
    use panther_plugin_api::model::{CommandSpec, Companion, Readiness};
    use panther_plugin_api::serde_json::Value;

    use super::*;
    use crate::testing::requests::launch_request;

    const ONE_COMMAND: OneCommand = OneCommand {
        environment: "boxed",
        because: "each box runs one command",
    };

    fn client() -> PlannedService {
        launch_request(Value::Null, "10.0.0.0/24").services[1].clone()
    }

    #[test]
    fn reads_the_planned_ipv4_address() {
        let mut service = client();
        assert_eq!(
            ipv4_address(&service, "a box can have"),
            Ok(Ipv4Addr::new(10, 0, 0, 3))
        );
        service.address.host = "::1".to_owned();
        assert_eq!(
            ipv4_address(&service, "a box can have")
                .unwrap_err()
                .message(),
            "service `client` is at `::1`, not an IPv4 address a box can have"
        );
    }

    #[test]
    fn a_service_with_its_one_command_is_no_refusal() {
        assert!(ONE_COMMAND.refuse_more(&client(), None).is_ok());
    }

    #[test]
    fn names_each_thing_asked_for_in_one_refusal() {
        let mut service = client();
        service.prepare = vec![
            CommandSpec::new("/opt/q/client", ["--warm-up"]),
            CommandSpec::new("/bin/true", [""; 0]),
        ];
        service.companions = vec![Companion {
            name: "capture".to_owned(),
            command: CommandSpec::new("/usr/bin/tcpdump", ["-i", "lo"]),
            ready: Readiness::Started,
        }];
        let error = ONE_COMMAND
            .refuse_more(&service, Some("a working directory".to_owned()))
            .unwrap_err();
        assert_eq!(
            error.message(),
            "service `client` asks for preparation commands (`/opt/q/client`, `/bin/true`) and \
             companions (`capture`) and a working directory, which the boxed environment \
             cannot run: each box runs one command"
        );
        service.prepare.clear();
        service.companions.clear();
        let error = ONE_COMMAND
            .refuse_more(&service, Some("a working directory".to_owned()))
            .unwrap_err();
        assert!(
            error
                .message()
                .starts_with("service `client` asks for a working directory, which"),
            "{error}"
        );
    }
}
