use serde::{Deserialize, Serialize};

use super::{Requirement, WrapLayer};

/// What a plugin component is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    /// Plans and judges one implementation under test or one tester.
    ServiceManager,
    /// Places a test's services on a network (loopback, namespaces, a simulator...).
    NetworkEnvironment,
    /// Wraps a service's launch in a tool (strace, valgrind, gdb...).
    ExecutionEnvironment,
}

impl ComponentKind {
    /// The kind as users write and read it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ServiceManager => "service_manager",
            Self::NetworkEnvironment => "network_environment",
            Self::ExecutionEnvironment => "execution_environment",
        }
    }
}

impl std::fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The part a service plays in a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Waits for peers to reach it.
    Server,
    /// Reaches out to a server.
    Client,
}

impl Role {
    /// The role as users write and read it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Client => "client",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a plugin author states about a component; the export macro completes it
/// into a [`Manifest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Description {
    /// The name experiments use to pick the component (`implementation = "quinn"`).
    pub name: String,
    /// One line saying what it is.
    pub description: String,
    /// The protocols it serves (`quic`, `minip`); empty for environments.
    #[serde(default)]
    pub protocols: Vec<String>,
    /// The roles it can play; empty for environments.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// A JSON Schema of the component's own `config` table.
    #[serde(default = "empty_object_schema")]
    pub config_schema: serde_json::Value,
    /// For an execution environment: where it goes when several wrap one service.
    #[serde(default)]
    pub layer: WrapLayer,
    /// For an execution environment: what it takes for itself on a service (`ptrace`,
    /// `allocator`...); two environments that claim the same thing cannot wrap one
    /// service, and the experiment is refused.
    #[serde(default)]
    pub claims: Vec<String>,
    /// For a service manager: the versions of its implementation that its `version`
    /// config key chooses among, and what each needs built (since 1.3.0).
    #[serde(default)]
    pub versions: Vec<ImplementationVersion>,
}

/// A version of an implementation that a service manager offers, chosen by the
/// `version` key of its config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImplementationVersion {
    /// The value of the `version` key that chooses it (`rfc9000`).
    pub name: String,
    /// What it is: the upstream commits, the protocol version it speaks.
    pub description: String,
    /// Whether it is the one used when the config names none.
    #[serde(default)]
    pub default: bool,
    /// The files it needs that a build makes; a relative path is taken from the
    /// host's cache directory (`ServiceRequest::cache_dir`), where builds are kept.
    #[serde(default)]
    pub requires: Vec<Requirement>,
}

impl Default for Description {
    /// No name, no protocols or roles, no settings, the default layer, no claims.
    fn default() -> Self {
        Self {
            name: String::new(),
            description: String::new(),
            protocols: Vec::new(),
            roles: Vec::new(),
            config_schema: empty_object_schema(),
            layer: WrapLayer::default(),
            claims: Vec::new(),
            versions: Vec::new(),
        }
    }
}

/// The schema that accepts any table, for components without settings.
pub fn empty_object_schema() -> serde_json::Value {
    serde_json::json!({ "type": "object", "additionalProperties": false })
}

/// How a plugin was built; filled in by the export macro, never by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildInfo {
    /// The version of `panther-plugin-api` the plugin was compiled against.
    pub api_version: String,
    /// `rustc --version` of the compiler that built it.
    pub rustc_version: String,
    /// The target triple it was built for.
    pub target: String,
}

impl BuildInfo {
    /// The build information of the code calling this: the plugin's when called in a
    /// plugin, the host's when called in the host.
    pub fn current() -> Self {
        Self {
            api_version: crate::API_VERSION.to_owned(),
            rustc_version: env!("PANTHER_BUILD_RUSTC").to_owned(),
            target: env!("PANTHER_BUILD_TARGET").to_owned(),
        }
    }
}

/// Everything the host knows about a plugin before it uses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The name experiments use to pick the component.
    pub name: String,
    /// What the component is.
    pub kind: ComponentKind,
    /// The plugin crate's own version.
    pub version: String,
    /// One line saying what it is.
    pub description: String,
    /// The protocols it serves.
    #[serde(default)]
    pub protocols: Vec<String>,
    /// The roles it can play.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// A JSON Schema of the component's own `config` table.
    #[serde(default = "empty_object_schema")]
    pub config_schema: serde_json::Value,
    /// For an execution environment: where it goes when several wrap one service.
    #[serde(default)]
    pub layer: WrapLayer,
    /// For an execution environment: what it takes for itself on a service.
    #[serde(default)]
    pub claims: Vec<String>,
    /// For a service manager: the versions of its implementation it offers.
    #[serde(default)]
    pub versions: Vec<ImplementationVersion>,
    /// How the plugin was built.
    pub build: BuildInfo,
}

impl Manifest {
    /// Completes an author's description with what only the build knows.
    pub fn new(
        description: Description,
        kind: ComponentKind,
        version: &str,
        build: BuildInfo,
    ) -> Self {
        Self {
            name: description.name,
            kind,
            version: version.to_owned(),
            description: description.description,
            protocols: description.protocols,
            roles: description.roles,
            config_schema: description.config_schema,
            layer: description.layer,
            claims: description.claims,
            versions: description.versions,
            build,
        }
    }
}
