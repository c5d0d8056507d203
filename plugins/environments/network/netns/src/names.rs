//! Names of the namespaces and interfaces a test's network is made of.

use std::collections::BTreeMap;

use panther_plugin_api::PluginError;

/// The interface of a service in its own namespace.
pub const SERVICE_INTERFACE: &str = "eth0";

/// The bridge joining the links when the kernel forwards (the netem emulator).
pub const BRIDGE: &str = "br0";

/// The word that ends the link namespace's name.
const LINK_WORD: &str = "link";

/// `name` with what a namespace name should not hold made safe: lowercase ASCII
/// letters and digits are kept, anything else becomes '-'.
pub fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The namespace of each service of a test, and the link namespace joining them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespaces {
    /// The link namespace.
    pub link: String,
    /// Each service's namespace, in request order.
    pub services: Vec<String>,
}

impl Namespaces {
    /// The names for test iteration `instance` with `services` (in request order):
    /// `panther-{instance}-{service}` and `panther-{instance}-link`, made safe.
    ///
    /// Refuses services whose safe names are the same, or that of the link namespace.
    pub fn new(instance: &str, services: &[&str]) -> Result<Self, PluginError> {
        let instance = safe(instance);
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        let mut names = Vec::with_capacity(services.len());
        for &service in services {
            let word = safe(service);
            if word == LINK_WORD {
                return Err(PluginError::new(format!(
                    "service `{service}` would share its namespace name with the link \
                     namespace of the netns environment; rename the service"
                )));
            }
            if let Some(other) = seen.insert(word.clone(), service) {
                return Err(PluginError::new(format!(
                    "services `{other}` and `{service}` would share the namespace name \
                     panther-{instance}-{word}; rename one of them"
                )));
            }
            names.push(format!("panther-{instance}-{word}"));
        }
        Ok(Self {
            link: format!("panther-{instance}-{LINK_WORD}"),
            services: names,
        })
    }

    /// Every namespace: the services' in order, then the link's.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.services
            .iter()
            .map(String::as_str)
            .chain([self.link.as_str()])
    }
}

/// The interface, in the link namespace, at the far end of service number `index`'s
/// link.
pub fn link_port(index: usize) -> String {
    format!("p{index}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_names_safe() {
        assert_eq!(safe("client"), "client");
        assert_eq!(safe("Server_2"), "server-2");
        assert_eq!(safe("a b/c.d"), "a-b-c-d");
        assert_eq!(safe("héllo"), "h-llo");
    }

    #[test]
    fn names_a_namespace_per_service_and_one_for_the_link() {
        let names =
            Namespaces::new("minip-20261129-224751-p4242-1-1", &["server", "client"]).unwrap();
        assert_eq!(names.link, "panther-minip-20261129-224751-p4242-1-1-link");
        assert_eq!(
            names.services,
            [
                "panther-minip-20261129-224751-p4242-1-1-server",
                "panther-minip-20261129-224751-p4242-1-1-client"
            ]
        );
        assert_eq!(names.all().count(), 3);
        assert_eq!(names.all().last(), Some(names.link.as_str()));
    }

    #[test]
    fn makes_the_instance_safe_too() {
        let names = Namespaces::new("My_Run.1", &["client"]).unwrap();
        assert_eq!(names.services, ["panther-my-run-1-client"]);
    }

    #[test]
    fn refuses_services_whose_names_meet() {
        assert_eq!(
            Namespaces::new("run-1", &["peer_a", "peer-a"])
                .unwrap_err()
                .message(),
            "services `peer_a` and `peer-a` would share the namespace name \
             panther-run-1-peer-a; rename one of them"
        );
        assert_eq!(
            Namespaces::new("run-1", &["Link"]).unwrap_err().message(),
            "service `Link` would share its namespace name with the link namespace of the netns \
             environment; rename the service"
        );
    }

    #[test]
    fn link_ports_fit_an_interface_name() {
        assert_eq!(link_port(0), "p0");
        assert_eq!(link_port(16_777_212), "p16777212", "the last of a /8");
    }
}
