//! A deployment's launches when each service is reached at its own address of a subnet,
//! on the port the host reserved for it, and started as it is.

use std::collections::BTreeMap;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{Launch, NetworkService, ServiceAddress};

use crate::subnet::Subnet;

/// Each of `services` at its address of `subnet` (config key `subnet`), by service
/// name, or a `config key `subnet`` error when the subnet is too small for them.
pub fn at_subnet_hosts(
    subnet: Subnet,
    services: &[NetworkService],
) -> Result<BTreeMap<String, Launch>, PluginError> {
    let hosts = subnet.service_addresses(services.len()).ok_or_else(|| {
        let room = subnet.capacity();
        let noun = if room == 1 { "service" } else { "services" };
        PluginError::new(format!(
            "config key `subnet`: {subnet} has room for {room} {noun}, the test has {}; give a \
             larger subnet, e.g. \"{}/24\"",
            services.len(),
            subnet.network()
        ))
    })?;
    Ok(services
        .iter()
        .zip(hosts)
        .map(|(service, host)| {
            let address = ServiceAddress {
                host: host.to_string(),
                port: service.port,
            };
            (service.name.clone(), Launch::at(address))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use panther_plugin_api::model::Role;

    use super::*;

    fn services(count: u16) -> Vec<NetworkService> {
        (0..count)
            .map(|index| NetworkService {
                name: format!("client{index}"),
                role: Role::Client,
                port: 20001 + index,
                artifacts_dir: format!("/run/test/client{index}/artifacts").into(),
            })
            .collect()
    }

    #[test]
    fn each_service_is_at_its_host_on_its_own_port() {
        let subnet = Subnet::from_cidr("10.20.0.0/16", 0).unwrap();
        let launches = at_subnet_hosts(subnet, &services(2)).unwrap();
        assert_eq!(launches.len(), 2);
        for (name, host, port) in [
            ("client0", "10.20.0.2", 20001),
            ("client1", "10.20.0.3", 20002),
        ] {
            let launch = &launches[name];
            assert_eq!(launch.address.host, host);
            assert_eq!(launch.address.port, port);
            assert!(launch.prefix.is_empty() && launch.artifacts.is_empty());
        }
    }

    #[test]
    fn a_small_subnet_names_the_key_and_its_room() {
        let subnet = Subnet::from_cidr("10.1.0.0/30", 0).unwrap();
        assert_eq!(at_subnet_hosts(subnet, &services(1)).unwrap().len(), 1);
        let error = at_subnet_hosts(subnet, &services(2)).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `subnet`: 10.1.0.0/30 has room for 1 service, the test has 2; \
             give a larger subnet, e.g. \"10.1.0.0/24\""
        );
        let subnet = Subnet::from_cidr("10.1.0.0/29", 0).unwrap();
        let error = at_subnet_hosts(subnet, &services(6)).unwrap_err();
        assert!(
            error
                .message()
                .contains("has room for 5 services, the test has 6"),
            "{error}"
        );
    }
}
