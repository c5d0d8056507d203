//! What a user writes in an experiment file. The JSON Schema printed by
//! `panther-host schema` is derived from these types.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A whole experiment file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperimentFile {
    /// What the experiment is called and where its results go.
    pub experiment: ExperimentSection,
    /// Tests written out one by one.
    #[serde(default)]
    pub tests: Vec<TestSection>,
    /// Client x server x test case matrices, each expanded into tests.
    #[serde(default)]
    pub matrix: Vec<MatrixSection>,
}

/// The `[experiment]` table.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperimentSection {
    /// The experiment's name; the results directory is named after it.
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Where results directories are made, relative to this file (default: `results`
    /// in the current directory).
    #[serde(default)]
    pub output: Option<PathBuf>,
}

/// The part a service plays, as written in an experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    /// Waits for peers.
    Server,
    /// Reaches out to a server.
    Client,
}

/// A network or execution environment: its plugin and that plugin's settings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ComponentChoice {
    /// The plugin's name (`localhost`, `strace`...).
    #[serde(rename = "type")]
    pub plugin: String,
    /// The plugin's own settings: every other key of the table.
    #[serde(flatten)]
    pub config: Map<String, Value>,
}

/// A `[[tests]]` entry.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestSection {
    /// The test's name, unique in the experiment.
    pub name: String,
    /// What it checks.
    #[serde(default)]
    pub description: Option<String>,
    /// The network environment (default `{ type = "localhost" }`).
    #[serde(default)]
    pub network: Option<ComponentChoice>,
    /// Execution environments wrapping every service, innermost first.
    #[serde(default)]
    pub execution: Vec<ComponentChoice>,
    /// How many times the whole test runs (default 1).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub iterations: Option<u32>,
    /// How long it may run, e.g. `"30s"` or `"500ms"` (default `"60s"`).
    #[serde(default)]
    pub timeout: Option<String>,
    /// The test case handed to every service (`handshake`, `transfer`...).
    #[serde(default)]
    pub test_case: Option<String>,
    /// The services, by name.
    pub services: BTreeMap<String, ServiceSection>,
}

/// A `[tests.services.NAME]` table.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSection {
    /// The service manager plugin (`ping_pong`, `quinn`...).
    pub implementation: String,
    /// The part it plays.
    pub role: RoleName,
    /// The service it reaches, by name (clients name their server).
    #[serde(default)]
    pub target: Option<String>,
    /// The protocol spoken (default: the plugin's first).
    #[serde(default)]
    pub protocol: Option<String>,
    /// The protocol version asked for.
    #[serde(default)]
    pub version: Option<String>,
    /// Execution environments wrapping this service only, after the test's own.
    #[serde(default)]
    pub execution: Vec<ComponentChoice>,
    /// The plugin's own settings, checked against its schema.
    #[serde(default)]
    pub config: Map<String, Value>,
}

/// A `[[matrix]]` entry: one test per server x client x test case.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatrixSection {
    /// The matrix's name, the first part of each test's name.
    pub name: String,
    /// What it checks.
    #[serde(default)]
    pub description: Option<String>,
    /// Server implementations.
    #[schemars(length(min = 1))]
    pub servers: Vec<String>,
    /// Client implementations.
    #[schemars(length(min = 1))]
    pub clients: Vec<String>,
    /// Test cases (none: one test per pair, without a test case).
    #[serde(default)]
    pub testcases: Vec<String>,
    /// The protocol spoken (default: each plugin's first).
    #[serde(default)]
    pub protocol: Option<String>,
    /// The network environment (default `{ type = "localhost" }`).
    #[serde(default)]
    pub network: Option<ComponentChoice>,
    /// Execution environments wrapping every service.
    #[serde(default)]
    pub execution: Vec<ComponentChoice>,
    /// How many times each test runs (default 1).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub iterations: Option<u32>,
    /// How long each test may run (default `"60s"`).
    #[serde(default)]
    pub timeout: Option<String>,
    /// Settings per implementation, e.g. `[matrix.config.ping_pong] pings = 3`.
    #[serde(default)]
    pub config: BTreeMap<String, Map<String, Value>>,
    /// One test per value of one implementation's config key as well, e.g. each Ivy
    /// test of a tester: `[matrix.sweep] implementation = "ivy"`, `key = "test"`,
    /// `values = [...]`.
    #[serde(default)]
    pub sweep: Option<SweepSection>,
}

/// A `[matrix.sweep]` table: the values one config key of one implementation of the
/// matrix takes, one test each.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepSection {
    /// The implementation whose config varies (a server or a client of the matrix).
    pub implementation: String,
    /// Its role, when the matrix lists it as both server and client.
    #[serde(default)]
    pub role: Option<RoleName>,
    /// The config key that varies.
    pub key: String,
    /// Its values, one test each.
    #[schemars(length(min = 1))]
    pub values: Vec<Value>,
}

/// The JSON Schema of an experiment file, with every definition inlined so that a
/// validation error's schema path leads straight to the table it concerns.
pub fn experiment_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|settings| settings.inline_subschemas = true)
        .into_generator();
    let schema = generator.into_root_schema_for::<ExperimentFile>();
    serde_json::to_value(schema).unwrap_or(Value::Null)
}
