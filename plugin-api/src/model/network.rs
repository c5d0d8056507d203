use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CommandSpec, FileSpec, Role};

/// Where a service is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAddress {
    /// A host name or IP address.
    pub host: String,
    /// The service's port.
    pub port: u16,
}

/// One service as a network environment sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkService {
    /// The service's name within the test.
    pub name: String,
    /// The part it plays.
    pub role: Role,
    /// A port the host reserved for it, free on this machine.
    pub port: u16,
}

/// What the host asks a network environment: place these services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkRequest {
    /// A name unique to this test run, for namespaces, links and files.
    pub instance: String,
    /// The test's services.
    pub services: Vec<NetworkService>,
    /// The environment's own `config` table.
    #[serde(default)]
    pub config: serde_json::Value,
}

/// How one service is started inside the environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Launch {
    /// Where the service is reached.
    pub address: ServiceAddress,
    /// An argv put in front of the service's command (`ip netns exec NAME`).
    #[serde(default)]
    pub prefix: Vec<String>,
}

/// A network environment's answer: how to set up, launch into and tear down the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    /// Commands run in order before any service starts.
    #[serde(default)]
    pub setup: Vec<CommandSpec>,
    /// How each service is reached and launched, by service name.
    pub launches: BTreeMap<String, Launch>,
    /// Files to write before setup.
    #[serde(default)]
    pub files: Vec<FileSpec>,
    /// Commands run after the test on every path, even when setup failed half way.
    #[serde(default)]
    pub teardown: Vec<CommandSpec>,
}
