//! Tests ready to plan: every name resolved and every default applied, whether they
//! were written out or expanded from a matrix.

use std::time::Duration;

use panther_plugin_api::model::{Role, WrapLayer};
use serde::Serialize;
use serde_json::Value;

/// A plugin picked for an environment, with its settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentUse {
    /// The plugin's name.
    pub plugin: String,
    /// Its settings, already checked against its schema.
    pub config: Value,
    /// Where its table is in the experiment file (a JSON Pointer), so a problem the
    /// plugin finds in its settings can be shown at the key.
    #[serde(skip)]
    pub pointer: String,
    /// For an execution environment: its layer, from its manifest.
    #[serde(skip)]
    pub layer: WrapLayer,
    /// For an execution environment: what it claims on a service, from its manifest.
    #[serde(skip)]
    pub claims: Vec<String>,
}

/// One service of a test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceDefinition {
    /// Its name within the test.
    pub name: String,
    /// The service manager plugin.
    pub implementation: String,
    /// The part it plays.
    pub role: Role,
    /// The protocol spoken.
    pub protocol: String,
    /// The protocol version asked for.
    pub version: Option<String>,
    /// The service it reaches.
    pub target: Option<String>,
    /// The plugin's settings.
    pub config: Value,
    /// Where its settings are in the experiment file (a JSON Pointer).
    #[serde(skip)]
    pub config_pointer: String,
    /// Execution environments wrapping it, innermost first.
    pub execution: Vec<ComponentUse>,
}

/// Where a test came from in a matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixCell {
    /// The matrix's name.
    pub matrix: String,
    /// The server implementation.
    pub server: String,
    /// The client implementation.
    pub client: String,
    /// The test case, if the matrix has any.
    pub test_case: Option<String>,
    /// The value of the matrix's swept config key, if it sweeps one.
    pub sweep: Option<SweptValue>,
}

/// One value of a matrix's swept config key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SweptValue {
    /// The implementation whose config it is.
    pub implementation: String,
    /// The key.
    pub key: String,
    /// The value, as its test's name shows it.
    pub value: String,
}

impl MatrixCell {
    /// The row of its matrix table: the swept value, else the client.
    pub fn row(&self) -> &str {
        match &self.sweep {
            Some(swept) => &swept.value,
            None => &self.client,
        }
    }

    /// The column of its matrix table: the implementation the swept one runs
    /// against, else the server.
    pub fn column(&self) -> &str {
        match &self.sweep {
            Some(swept) if swept.implementation == self.client => &self.server,
            Some(_) => &self.client,
            None => &self.server,
        }
    }

    /// What its table's rows and columns are, as the table's corner says it.
    pub fn axes(&self) -> String {
        match &self.sweep {
            Some(swept) => format!("{} `{}` \\ implementation", swept.implementation, swept.key),
            None => "client \\ server".to_owned(),
        }
    }
}

/// One test, as it will be planned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestDefinition {
    /// Its unique name.
    pub name: String,
    /// What it checks.
    pub description: Option<String>,
    /// Its network environment.
    pub network: ComponentUse,
    /// How many times it runs.
    pub iterations: u32,
    /// How long each iteration may run.
    #[serde(with = "duration_text")]
    pub timeout: Duration,
    /// The test case handed to every service.
    pub test_case: Option<String>,
    /// Its services, by name order.
    pub services: Vec<ServiceDefinition>,
    /// The matrix cell it was expanded from.
    pub cell: Option<MatrixCell>,
}

mod duration_text {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*d).to_string())
    }
}
