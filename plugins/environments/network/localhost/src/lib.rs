//! The localhost network environment: every service on loopback.
//!
//! Each service is reached on the configured loopback host at the port the host
//! reserved for it, so parallel tests never collide. Nothing is set up or torn down.

mod config;

use panther_plugin_api::model::{Deployment, Description, Launch, NetworkRequest, ServiceAddress};
use panther_plugin_api::{NetworkEnvironment, PluginError, export_plugin};

use config::Config;

/// The component this library exports.
pub struct Localhost;

impl NetworkEnvironment for Localhost {
    fn describe() -> Description {
        Description {
            name: "localhost".to_owned(),
            description: "every service on loopback, each on the port the host reserved for it"
                .to_owned(),
            protocols: vec![],
            roles: vec![],
            config_schema: config::schema(),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Localhost)
    }

    fn deploy(&self, request: &NetworkRequest) -> Result<Deployment, PluginError> {
        let config = Config::parse(&request.config)?;
        let launches = request
            .services
            .iter()
            .map(|service| {
                let launch = Launch::at(ServiceAddress {
                    host: config.host.as_str().to_owned(),
                    port: service.port,
                });
                (service.name.clone(), launch)
            })
            .collect();
        Ok(Deployment::new(launches))
    }
}

export_plugin!(network_environment: Localhost);

#[cfg(test)]
mod tests {
    use panther_plugin_api::model::{NetworkService, Role};
    use serde_json::{Value, json};

    use super::*;

    fn request(config: Value) -> NetworkRequest {
        NetworkRequest {
            instance: "test-1".to_owned(),
            services: vec![
                NetworkService {
                    name: "server".to_owned(),
                    role: Role::Server,
                    port: 4443,
                    artifacts_dir: "/out/server/artifacts".into(),
                },
                NetworkService {
                    name: "client".to_owned(),
                    role: Role::Client,
                    port: 50001,
                    artifacts_dir: "/out/client/artifacts".into(),
                },
            ],
            config,
            directory: "/out".into(),
            plugin_dir: "/plugins".into(),
            cache_dir: "/cache".into(),
        }
    }

    #[test]
    fn each_service_gets_its_own_port_on_the_host() {
        let deployment = Localhost.deploy(&request(Value::Null)).unwrap();
        assert!(deployment.setup.is_empty());
        assert!(deployment.teardown.is_empty());
        assert!(deployment.files.is_empty());
        assert_eq!(deployment.launches.len(), 2);
        let server = &deployment.launches["server"];
        assert_eq!(
            server.address,
            ServiceAddress {
                host: "127.0.0.1".to_owned(),
                port: 4443
            }
        );
        assert!(server.prefix.is_empty());
        let client = &deployment.launches["client"];
        assert_eq!(
            client.address,
            ServiceAddress {
                host: "127.0.0.1".to_owned(),
                port: 50001
            }
        );
        assert!(client.prefix.is_empty());
    }

    #[test]
    fn uses_the_configured_host() {
        let deployment = Localhost.deploy(&request(json!({"host": "::1"}))).unwrap();
        assert!(
            deployment
                .launches
                .values()
                .all(|launch| launch.address.host == "::1")
        );
    }

    #[test]
    fn refuses_a_bad_host() {
        let error = Localhost
            .deploy(&request(json!({"host": "192.168.1.1"})))
            .unwrap_err();
        assert!(error.message().contains("`host`"), "{error}");
    }

    #[test]
    fn describes_an_environment() {
        let description = Localhost::describe();
        assert_eq!(description.name, "localhost");
        assert!(description.protocols.is_empty() && description.roles.is_empty());
        assert_eq!(description.config_schema, config::schema());
    }
}
