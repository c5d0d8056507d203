//! Checks an experiment file against the schema and the loaded plugins, collecting
//! every problem before any is reported, and expands it into test definitions.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use panther_plugin_api::model::{ComponentKind, Manifest, Role};
use serde_json::{Map, Value};

use super::definition::{ComponentUse, MatrixCell, ServiceDefinition, SweptValue, TestDefinition};
use super::model::{
    ComponentChoice, ExperimentFile, MatrixSection, RoleName, TestSection, experiment_schema,
};
use super::problems::{Problem, schema_problems};
use super::source::{SourceFile, pointer_segment};
use crate::error::InputError;
use crate::registry::Registry;

/// The default time a test may run.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// An experiment that passed every check.
#[derive(Debug)]
pub struct Experiment {
    /// The file as written.
    pub file: ExperimentFile,
    /// Its tests, matrices expanded.
    pub tests: Vec<TestDefinition>,
    /// Where its results directories are made: the file's `output`, relative to the
    /// file, or `results` in the current directory.
    pub output_root: PathBuf,
    /// The experiment file.
    pub path: PathBuf,
    /// The file as read, to show where a problem found later stands in it.
    pub source: SourceFile,
}

/// Reads and checks an experiment; every problem found, one per line, on failure.
pub fn load(path: &Path, registry: &Registry) -> Result<Experiment, InputError> {
    let source = SourceFile::read(path)?;
    let refuse = |problems: Vec<Problem>| refusal(&source, &problems);
    let mut problems = schema_problems(&experiment_schema(), &source.value, "");
    let mut checker = Checker {
        registry,
        problems: Vec::new(),
    };
    let tests = checker.tests(
        &well_formed(&source.value, "tests", &problems),
        &well_formed(&source.value, "matrix", &problems),
    );
    problems.append(&mut checker.problems);
    if !problems.is_empty() {
        return Err(refuse(problems));
    }
    let file: ExperimentFile = serde_json::from_value(source.value.clone())
        .map_err(|e| refuse(vec![Problem::at("", e.to_string())]))?;
    let output_root = match &file.experiment.output {
        Some(output) => path.parent().unwrap_or(Path::new(".")).join(output),
        None => PathBuf::from("results"),
    };
    Ok(Experiment {
        file,
        tests,
        output_root,
        path: path.to_path_buf(),
        source,
    })
}

/// The input error refusing an experiment for these problems: one line each, in the
/// order they stand in the file, then how many there were.
pub fn refusal(source: &SourceFile, problems: &[Problem]) -> InputError {
    let mut lines: Vec<String> = Vec::new();
    for line in problems.iter().map(|p| p.render(source)) {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines.sort_by_key(|line| line_number(line));
    let count = lines.len();
    lines.push(format!(
        "{}: {count} problem(s); nothing was run",
        source.path.display()
    ));
    InputError::new(lines.join("\n"))
}

/// The entries of the array `key` that the schema found nothing wrong in, read, with
/// their index: they are checked against the plugins even when other entries are
/// broken, so that every problem is reported at once.
fn well_formed<T: serde::de::DeserializeOwned>(
    document: &Value,
    key: &str,
    problems: &[Problem],
) -> Vec<(usize, T)> {
    let entries = document.get(key).and_then(Value::as_array);
    entries
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(index, _)| {
            let pointer = format!("/{key}/{index}");
            let inside = format!("{pointer}/");
            !problems
                .iter()
                .any(|p| p.pointer == pointer || p.pointer.starts_with(&inside))
        })
        .filter_map(|(index, entry)| {
            serde_json::from_value(entry.clone())
                .ok()
                .map(|read| (index, read))
        })
        .collect()
}

fn line_number(rendered: &str) -> usize {
    rendered
        .split(':')
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn role_of(name: RoleName) -> Role {
    match name {
        RoleName::Server => Role::Server,
        RoleName::Client => Role::Client,
    }
}

struct Checker<'a> {
    registry: &'a Registry,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn tests(
        &mut self,
        tests: &[(usize, TestSection)],
        matrices: &[(usize, MatrixSection)],
    ) -> Vec<TestDefinition> {
        let mut defined: Vec<(String, TestDefinition)> = Vec::new();
        for (index, test) in tests {
            let pointer = format!("/tests/{index}");
            defined.extend(
                self.test(test, &pointer)
                    .map(|t| (format!("{pointer}/name"), t)),
            );
        }
        for (index, matrix) in matrices {
            let pointer = format!("/matrix/{index}");
            let expanded = self.matrix(matrix, &pointer);
            defined.extend(expanded.into_iter().map(|t| (format!("{pointer}/name"), t)));
        }
        let mut seen = BTreeSet::new();
        for (pointer, test) in &defined {
            if !seen.insert(test.name.clone()) {
                self.problems.push(Problem::at(
                    pointer.clone(),
                    format!(
                        "two tests are named '{}'; test names must be unique",
                        test.name
                    ),
                ));
            }
        }
        defined.into_iter().map(|(_, test)| test).collect()
    }

    fn manifest(&mut self, name: &str, kind: ComponentKind, pointer: &str) -> Option<Manifest> {
        match self.registry.find(name) {
            Ok(entry) if entry.manifest.kind == kind => Some(entry.manifest.clone()),
            Ok(entry) => {
                self.problems.push(Problem::at(
                    pointer,
                    format!("'{name}' is a {}, not a {kind}", entry.manifest.kind),
                ));
                None
            }
            Err(error) => {
                self.problems.push(Problem::at(pointer, error.0));
                None
            }
        }
    }

    fn config(&mut self, manifest: &Manifest, config: &Map<String, Value>, pointer: &str) -> Value {
        let value = Value::Object(config.clone());
        let problems = schema_problems(&manifest.config_schema, &value, pointer);
        self.problems.extend(problems);
        value
    }

    fn component(
        &mut self,
        choice: &ComponentChoice,
        kind: ComponentKind,
        pointer: &str,
    ) -> Option<ComponentUse> {
        let manifest = self.manifest(&choice.plugin, kind, &format!("{pointer}/type"))?;
        let config = self.config(&manifest, &choice.config, pointer);
        Some(ComponentUse {
            plugin: choice.plugin.clone(),
            config,
            pointer: pointer.to_owned(),
            layer: manifest.layer,
            claims: manifest.claims,
        })
    }

    fn network(&mut self, choice: Option<&ComponentChoice>, pointer: &str) -> Option<ComponentUse> {
        let localhost = ComponentChoice {
            plugin: "localhost".to_owned(),
            config: Map::new(),
        };
        self.component(
            choice.unwrap_or(&localhost),
            ComponentKind::NetworkEnvironment,
            &format!("{pointer}/network"),
        )
    }

    fn executions(&mut self, choices: &[ComponentChoice], pointer: &str) -> Vec<ComponentUse> {
        choices
            .iter()
            .enumerate()
            .filter_map(|(i, choice)| {
                self.component(
                    choice,
                    ComponentKind::ExecutionEnvironment,
                    &format!("{pointer}/{i}"),
                )
            })
            .collect()
    }

    /// The execution environments of one service in the order they wrap it: by layer,
    /// innermost first, and in the experiment's order within a layer. Two that claim
    /// the same thing are a problem at the later one.
    fn stacked(&mut self, mut executions: Vec<ComponentUse>) -> Vec<ComponentUse> {
        for (index, later) in executions.iter().enumerate() {
            let earlier = executions[..index].iter().find_map(|earlier| {
                later
                    .claims
                    .iter()
                    .find(|claim| earlier.claims.contains(claim))
                    .map(|claim| (earlier, claim))
            });
            if let Some((earlier, claim)) = earlier {
                self.problems.push(Problem::at(
                    format!("{}/type", later.pointer),
                    format!(
                        "'{}' cannot wrap a service together with '{}': both take its {claim}; \
                         keep one of them",
                        later.plugin, earlier.plugin
                    ),
                ));
            }
        }
        executions.sort_by_key(|execution| execution.layer);
        executions
    }

    fn timeout(&mut self, text: Option<&str>, pointer: &str) -> Duration {
        let Some(text) = text else {
            return DEFAULT_TIMEOUT;
        };
        match humantime::parse_duration(text) {
            Ok(duration) if !duration.is_zero() => duration,
            _ => {
                self.problems.push(Problem::at(
                    format!("{pointer}/timeout"),
                    format!("'{text}' is not a duration; write e.g. \"30s\", \"500ms\" or \"2m\""),
                ));
                DEFAULT_TIMEOUT
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn service(
        &mut self,
        name: &str,
        implementation: &str,
        role: Role,
        protocol: Option<&str>,
        config: &Map<String, Value>,
        pointer: &str,
        implementation_pointer: &str,
    ) -> Option<ServiceDefinition> {
        let manifest = self.manifest(
            implementation,
            ComponentKind::ServiceManager,
            implementation_pointer,
        )?;
        if !manifest.roles.contains(&role) {
            let served: Vec<&str> = manifest.roles.iter().map(|r| r.as_str()).collect();
            self.problems.push(Problem::at(
                format!("{pointer}/role"),
                format!(
                    "'{implementation}' cannot play {role}; it plays: {}",
                    served.join(", ")
                ),
            ));
        }
        let protocol = match protocol {
            Some(p) if !manifest.protocols.iter().any(|known| known == p) => {
                self.problems.push(Problem::at(
                    format!("{pointer}/protocol"),
                    format!(
                        "'{implementation}' does not speak {p}; it speaks: {}",
                        manifest.protocols.join(", ")
                    ),
                ));
                p.to_owned()
            }
            Some(p) => p.to_owned(),
            None => manifest.protocols.first().cloned().unwrap_or_default(),
        };
        let config_pointer = format!("{pointer}/config");
        let config = self.config(&manifest, config, &config_pointer);
        Some(ServiceDefinition {
            name: name.to_owned(),
            implementation: implementation.to_owned(),
            role,
            protocol,
            version: None,
            target: None,
            config,
            config_pointer,
            execution: Vec::new(),
        })
    }

    fn test(&mut self, test: &TestSection, pointer: &str) -> Option<TestDefinition> {
        let network = self.network(test.network.as_ref(), pointer);
        let shared = self.executions(&test.execution, &format!("{pointer}/execution"));
        let timeout = self.timeout(test.timeout.as_deref(), pointer);
        if test.services.is_empty() {
            self.problems.push(Problem::at(
                format!("{pointer}/services"),
                "a test needs at least one service",
            ));
        }
        let mut services = Vec::new();
        for (name, section) in &test.services {
            let here = format!("{pointer}/services/{}", pointer_segment(name));
            if let Some(target) = &section.target
                && (target == name || !test.services.contains_key(target))
            {
                let others: Vec<&str> = test
                    .services
                    .keys()
                    .filter(|n| *n != name)
                    .map(String::as_str)
                    .collect();
                self.problems.push(Problem::at(
                    format!("{here}/target"),
                    format!(
                        "'{target}' is not another service of this test; services: {}",
                        if others.is_empty() {
                            "none".to_owned()
                        } else {
                            others.join(", ")
                        }
                    ),
                ));
            }
            let own = self.executions(&section.execution, &format!("{here}/execution"));
            if let Some(mut service) = self.service(
                name,
                &section.implementation,
                role_of(section.role),
                section.protocol.as_deref(),
                &section.config,
                &here,
                &format!("{here}/implementation"),
            ) {
                service.version = section.version.clone();
                service.target = section.target.clone();
                service.execution = self.stacked(shared.iter().cloned().chain(own).collect());
                services.push(service);
            }
        }
        Some(TestDefinition {
            name: test.name.clone(),
            description: test.description.clone(),
            network: network?,
            iterations: test.iterations.unwrap_or(1),
            timeout,
            test_case: test.test_case.clone(),
            services,
            cell: None,
        })
    }

    /// Refuses a sweep of an implementation the matrix does not list, and of a key its
    /// `[matrix.config.X]` sets too.
    fn check_sweep(&mut self, matrix: &MatrixSection, listed: &BTreeSet<&String>, pointer: &str) {
        let Some(sweep) = &matrix.sweep else {
            return;
        };
        let implementation = &sweep.implementation;
        let both =
            matrix.servers.contains(implementation) && matrix.clients.contains(implementation);
        let set_too = matrix
            .config
            .get(implementation)
            .is_some_and(|config| config.contains_key(&sweep.key));
        let problems = [
            (
                !listed.contains(implementation),
                "implementation",
                format!(
                    "'{implementation}' is neither a server nor a client of this matrix; a sweep varies the config of one of them"
                ),
            ),
            (
                both && sweep.role.is_none(),
                "implementation",
                format!(
                    "'{implementation}' is both a server and a client of this matrix; give the sweep `role = \"server\"` or `role = \"client\"`"
                ),
            ),
            (
                set_too,
                "key",
                format!(
                    "[matrix.config.{implementation}] sets `{}` too; the sweep gives it each of its values: remove it there",
                    sweep.key
                ),
            ),
        ];
        for (found, key, message) in problems {
            if found {
                self.problems.push(Problem {
                    pointer: format!("{pointer}/sweep/{key}"),
                    at_key: false,
                    message,
                });
            }
        }
    }

    fn matrix(&mut self, matrix: &MatrixSection, pointer: &str) -> Vec<TestDefinition> {
        let network = self.network(matrix.network.as_ref(), pointer);
        let execution = self.executions(&matrix.execution, &format!("{pointer}/execution"));
        let execution = self.stacked(execution);
        let timeout = self.timeout(matrix.timeout.as_deref(), pointer);
        let listed: BTreeSet<&String> = matrix.servers.iter().chain(&matrix.clients).collect();
        for name in matrix.config.keys() {
            if !listed.contains(name) {
                self.problems.push(Problem {
                    pointer: format!("{pointer}/config/{}", pointer_segment(name)),
                    at_key: true,
                    message: format!(
                        "'{name}' is neither a server nor a client of this matrix; \
                         config keys name implementations listed in servers or clients"
                    ),
                });
            }
        }
        self.check_sweep(matrix, &listed, pointer);
        let empty = Map::new();
        // Each implementation once, the swept one once per value of its key.
        let mut side = |names: &[String], role: Role, list: &str| -> Vec<Variant> {
            let mut variants = Vec::new();
            for (i, implementation) in names.iter().enumerate() {
                let base = matrix.config.get(implementation).unwrap_or(&empty);
                let config_pointer =
                    format!("{pointer}/config/{}", pointer_segment(implementation));
                let sweep = matrix.sweep.as_ref().filter(|sweep| {
                    &sweep.implementation == implementation
                        && sweep.role.is_none_or(|swept| role_of(swept) == role)
                });
                let values: Vec<Option<(usize, &Value)>> = match sweep {
                    Some(sweep) => sweep.values.iter().enumerate().map(Some).collect(),
                    None => vec![None],
                };
                for value in values {
                    let mut config = base.clone();
                    let mut at = config_pointer.clone();
                    let mut swept = None;
                    if let (Some(sweep), Some((index, value))) = (sweep, value) {
                        config.insert(sweep.key.clone(), value.clone());
                        at = format!("{pointer}/sweep/values/{index}");
                        swept = Some(SweptValue {
                            implementation: implementation.clone(),
                            key: sweep.key.clone(),
                            value: value
                                .as_str()
                                .map_or_else(|| value.to_string(), str::to_owned),
                        });
                    }
                    let service = self
                        .service(
                            role.as_str(),
                            implementation,
                            role,
                            matrix.protocol.as_deref(),
                            &config,
                            &at,
                            &format!("{pointer}/{list}/{i}"),
                        )
                        .map(|mut service| {
                            service.execution = execution.clone();
                            service
                        });
                    variants.push(Variant { service, swept });
                }
            }
            variants
        };
        let servers = side(&matrix.servers, Role::Server, "servers");
        let clients = side(&matrix.clients, Role::Client, "clients");
        let Some(network) = network else {
            return Vec::new();
        };
        let cases: Vec<Option<String>> = if matrix.testcases.is_empty() {
            vec![None]
        } else {
            matrix.testcases.iter().cloned().map(Some).collect()
        };
        let mut tests = Vec::new();
        let built = |variants: &[Variant]| -> Vec<(ServiceDefinition, Option<SweptValue>)> {
            variants
                .iter()
                .filter_map(|v| v.service.clone().map(|s| (s, v.swept.clone())))
                .collect()
        };
        let (servers, clients) = (built(&servers), built(&clients));
        for case in &cases {
            for (server, server_swept) in &servers {
                for (client, client_swept) in &clients {
                    let mut client = client.clone();
                    client.target = Some(server.name.clone());
                    let label = case
                        .as_deref()
                        .map(|c| format!(" [{c}]"))
                        .unwrap_or_default();
                    let sweep = client_swept.clone().or_else(|| server_swept.clone());
                    let swept_label = sweep
                        .as_ref()
                        .map(|s| format!(" {}={}", s.key, s.value))
                        .unwrap_or_default();
                    tests.push(TestDefinition {
                        name: format!(
                            "{}: {} -> {}{label}{swept_label}",
                            matrix.name, client.implementation, server.implementation
                        ),
                        description: matrix.description.clone(),
                        network: network.clone(),
                        iterations: matrix.iterations.unwrap_or(1),
                        timeout,
                        test_case: case.clone(),
                        cell: Some(MatrixCell {
                            matrix: matrix.name.clone(),
                            server: server.implementation.clone(),
                            client: client.implementation.clone(),
                            test_case: case.clone(),
                            sweep,
                        }),
                        services: vec![client, server.clone()],
                    });
                }
            }
        }
        tests
    }
}

/// One service of a matrix's side: an implementation, with one value of the swept key
/// when it is the swept one.
struct Variant {
    /// The service, when its config is valid.
    service: Option<ServiceDefinition>,
    /// The swept value it has.
    swept: Option<SweptValue>,
}
