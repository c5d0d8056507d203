//! Checks of a planned service by the environments that run each service on a host of
//! its own (a container, a simulated host).

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

#[cfg(test)]
mod tests {
    use panther_plugin_api::serde_json::Value;

    use super::*;
    use crate::testing::requests::launch_request;

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
}
