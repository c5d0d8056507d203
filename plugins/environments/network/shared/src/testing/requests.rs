//! Requests as the host makes them for a ping_pong test: a server and the client that
//! pings it.

use std::path::Path;

use panther_plugin_api::model::{
    CommandSpec, LaunchRequest, NetworkRequest, NetworkService, PlannedService, Readiness, Role,
    ServiceAddress, Transport,
};
use panther_plugin_api::serde_json::Value;

use crate::subnet::Subnet;

/// The test's directory in the requests.
const DIRECTORY: &str = "/run/panther/test";
/// The test instance of the requests.
pub const INSTANCE: &str = "20250101T000000-ab12-1-1";
/// The directory of the plugins in the requests.
const PLUGIN_DIR: &str = "/opt/panther/plugins";
/// The host's cache directory in the requests.
const CACHE_DIR: &str = "/home/user/.cache/panther-host";
/// The ping_pong program both services run.
const PROGRAM: &str = "/opt/panther/plugins/ping-pong";
/// The server's port.
const SERVER_PORT: u16 = 20001;
/// The client's port.
const CLIENT_PORT: u16 = 20002;

/// The deployment request of the test, with the environment's `config`.
pub fn network_request(config: Value) -> NetworkRequest {
    let service = |name: &str, role, port| NetworkService {
        name: name.to_owned(),
        role,
        port,
        artifacts_dir: Path::new(DIRECTORY).join(name).join("artifacts"),
    };
    NetworkRequest {
        instance: INSTANCE.to_owned(),
        services: vec![
            service("server", Role::Server, SERVER_PORT),
            service("client", Role::Client, CLIENT_PORT),
        ],
        config,
        directory: DIRECTORY.into(),
        plugin_dir: PLUGIN_DIR.into(),
        cache_dir: CACHE_DIR.into(),
    }
}

/// An address as the host plans it.
pub fn address(host: &str, port: u16) -> ServiceAddress {
    ServiceAddress {
        host: host.to_owned(),
        port,
    }
}

/// The launch request of the test, with the environment's `config`, the services at
/// their addresses of `subnet` (`"172.28.0.0/24"`): the server at host 2, the client,
/// which targets it and decides the test, at host 3.
pub fn launch_request(config: Value, subnet: &str) -> LaunchRequest {
    let subnet = Subnet::from_cidr(subnet, 0).expect("the tests' subnet is valid");
    let host = |index| {
        subnet
            .service_address(index)
            .expect("room for two services")
    };
    let (server_host, client_host) = (host(0).to_string(), host(1).to_string());
    let server_endpoint = format!("{server_host}:{SERVER_PORT}");
    let directory = Path::new(DIRECTORY);
    let server = PlannedService {
        name: "server".to_owned(),
        role: Role::Server,
        address: address(&server_host, SERVER_PORT),
        command: CommandSpec::new(PROGRAM, ["server", "--listen", &server_endpoint]),
        prepare: Vec::new(),
        companions: Vec::new(),
        ready: Readiness::Port {
            port: SERVER_PORT,
            transport: Transport::Udp,
        },
        decides: false,
        target: None,
        output_dir: directory.join("server"),
        artifacts_dir: directory.join("server/artifacts"),
    };
    let client = PlannedService {
        name: "client".to_owned(),
        role: Role::Client,
        address: address(&client_host, CLIENT_PORT),
        command: CommandSpec::new(
            PROGRAM,
            [
                "client",
                "--connect",
                &server_endpoint,
                "--pings",
                "5",
                "--summary",
                "/run/panther/test/client/artifacts/summary.json",
            ],
        )
        .with_env("RUST_LOG", "info"),
        ready: Readiness::Started,
        decides: true,
        target: Some("server".to_owned()),
        output_dir: directory.join("client"),
        artifacts_dir: directory.join("client/artifacts"),
        ..server.clone()
    };
    LaunchRequest {
        instance: INSTANCE.to_owned(),
        config,
        directory: directory.to_path_buf(),
        timeout_ms: 30_000,
        services: vec![server, client],
        plugin_dir: PLUGIN_DIR.into(),
        cache_dir: CACHE_DIR.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_launch_request_plans_the_deployment_s_services_at_the_subnet_s_hosts() {
        let network = network_request(Value::Null);
        let launch = launch_request(Value::Null, "11.0.0.0/24");
        assert_eq!(launch.instance, network.instance);
        assert_eq!(launch.directory, network.directory);
        for (planned, service) in launch.services.iter().zip(&network.services) {
            assert_eq!(
                (&planned.name, planned.role, planned.address.port),
                (&service.name, service.role, service.port)
            );
            assert_eq!(planned.artifacts_dir, service.artifacts_dir);
        }
        let [server, client] = &launch.services[..] else {
            panic!("{:?}", launch.services)
        };
        assert_eq!(server.address, address("11.0.0.2", 20001));
        assert_eq!(client.address, address("11.0.0.3", 20002));
        assert_eq!(
            client.command.args[..3],
            ["client", "--connect", "11.0.0.2:20001"]
        );
        assert_eq!(client.target.as_deref(), Some("server"));
    }
}
