//! Turns test definitions into a run plan by asking the plugins: the network
//! environment places the services, each service manager plans its service, each
//! execution environment wraps it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use panther_plugin_api::model::{
    CommandSpec, Companion, Deployment, LINK_CAPTURE_ARTIFACT, Launch, LaunchRequest, Launcher,
    NetworkRequest, NetworkService, PeerInfo, PlannedService, ServiceAddress, ServiceRequest,
    TlsFiles, WrapRequest,
};

use super::failure::PlanFailure;
use super::model::{NotRunStatus, RunPlan, ServiceLaunch, TestPlan, Wrapping};
use super::ports::PortAllocator;
use super::preflight::not_run;
use crate::components::{Components, Loaded};
use crate::error::InputError;
use crate::experiment::{ServiceDefinition, SourceFile, TestDefinition};
use crate::registry::{CallError, NetworkEnvironmentHandle};

/// A short name made of letters, digits and dashes, for directories.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    slug.chars().take(60).collect()
}

/// Plans every iteration of every test; a plugin refusing to plan refuses the run,
/// at the key of the experiment file it names when it names one. Service managers are
/// told `cache_dir`, where builds of their implementations are kept.
pub fn plan_run(
    experiment: &str,
    tests: &[TestDefinition],
    components: &Components,
    directory: &Path,
    run_id: &str,
    source: &SourceFile,
    cache_dir: Option<&Path>,
) -> Result<RunPlan, InputError> {
    let ports = PortAllocator::new();
    // The process id keeps two runs started in the same second, whose ids may be
    // equal, from naming namespaces and links alike.
    let run_tag = format!("{run_id}-p{}", std::process::id());
    let mut plans = Vec::new();
    for (index, test) in tests.iter().enumerate() {
        let test_directory =
            directory
                .join("tests")
                .join(format!("{:03}-{}", index + 1, slug(&test.name)));
        for iteration in 1..=test.iterations {
            let context = Context {
                test,
                components,
                ports: &ports,
                cache_dir,
                instance: format!("{run_tag}-{}-{iteration}", index + 1),
                directory: test_directory.join(format!("iteration-{iteration}")),
            };
            plans.push(
                context
                    .plan(iteration)
                    .map_err(|failure| failure.refusal(&test.name, source))?,
            );
        }
    }
    Ok(RunPlan {
        experiment: experiment.to_owned(),
        directory: directory.to_path_buf(),
        tests: plans,
    })
}

struct Context<'a> {
    test: &'a TestDefinition,
    components: &'a Components,
    ports: &'a PortAllocator,
    cache_dir: Option<&'a Path>,
    instance: String,
    directory: PathBuf,
}

impl Context<'_> {
    fn plan(&self, iteration: u32) -> Result<TestPlan, PlanFailure> {
        let order = start_order(&self.test.services)?;
        let network = &self.test.network;
        let environment = self
            .components
            .network(&network.plugin)
            .ok_or_else(|| format!("network environment '{}' is not loaded", network.plugin))?;
        let deployment = self.deploy(environment, &order)?;
        let mut addresses = BTreeMap::new();
        for service in &order {
            let launch = deployment.launches.get(&service.name).ok_or_else(|| {
                format!(
                    "network '{}' placed no service '{}'",
                    self.test.network.plugin, service.name
                )
            })?;
            addresses.insert(service.name.clone(), launch.address.clone());
        }
        let mut services = Vec::new();
        for service in &order {
            let launch = &deployment.launches[&service.name];
            services.push(self.launch(service, &addresses, launch)?);
        }
        let not_run = not_run(&services);
        // A test a service cannot play is never launched: its plans may ask for what
        // the environment cannot do (a preparation under Shadow).
        let launcher = match &not_run {
            Some(reason) if reason.status == NotRunStatus::Unsupported => None,
            _ => self.launcher(environment, &services)?,
        };
        Ok(TestPlan {
            name: self.test.name.clone(),
            iteration,
            iterations: self.test.iterations,
            instance: self.instance.clone(),
            directory: self.directory.clone(),
            timeout: self.test.timeout,
            network: self.test.network.plugin.clone(),
            deployment,
            launcher,
            cell: self.test.cell.clone(),
            not_run,
            services,
        })
    }

    /// The network environment's deployment of the services, in start order.
    fn deploy(
        &self,
        environment: &Loaded<NetworkEnvironmentHandle>,
        order: &[ServiceDefinition],
    ) -> Result<Deployment, PlanFailure> {
        let mut slots = Vec::new();
        for service in order {
            let port = self
                .ports
                .allocate()
                .ok_or("no free port left between 20000 and 32000".to_owned())?;
            slots.push(NetworkService {
                name: service.name.clone(),
                role: service.role,
                port,
                artifacts_dir: self.artifacts_dir(&service.name),
            });
        }
        let request = NetworkRequest {
            instance: self.instance.clone(),
            services: slots,
            config: self.test.network.config.clone(),
            directory: self.directory.clone(),
            plugin_dir: environment.directory.clone(),
            cache_dir: self.cache_dir.map(Path::to_path_buf).unwrap_or_default(),
        };
        environment
            .handle
            .deploy(&request)
            .map_err(|e| self.network_failure(&e))
    }

    /// The network environment's launcher for the planned services, if it has one.
    fn launcher(
        &self,
        environment: &Loaded<NetworkEnvironmentHandle>,
        services: &[ServiceLaunch],
    ) -> Result<Option<Launcher>, PlanFailure> {
        let planned = services
            .iter()
            .map(|service| PlannedService {
                name: service.name.clone(),
                role: service.role,
                address: service.request.address.clone(),
                command: service.wrapped.clone(),
                prepare: service.plan.prepare.clone(),
                companions: service.plan.companions.clone(),
                ready: service.plan.ready.clone(),
                decides: service.plan.decides,
                target: service.request.target.clone(),
                output_dir: service.request.output_dir.clone(),
                artifacts_dir: service.request.artifacts_dir.clone(),
            })
            .collect();
        let request = LaunchRequest {
            instance: self.instance.clone(),
            config: self.test.network.config.clone(),
            directory: self.directory.clone(),
            timeout_ms: u64::try_from(self.test.timeout.as_millis()).unwrap_or(u64::MAX),
            services: planned,
            plugin_dir: environment.directory.clone(),
            cache_dir: self.cache_dir.map(Path::to_path_buf).unwrap_or_default(),
        };
        environment
            .handle
            .launch(&request)
            .map_err(|e| self.network_failure(&e))
    }

    /// A network environment's error, placed at its settings when it names a key.
    fn network_failure(&self, error: &CallError) -> PlanFailure {
        let network = &self.test.network;
        PlanFailure::from_plugin(
            error,
            &network.pointer,
            &format!("network '{}'", network.plugin),
        )
    }

    /// Where a service's outputs go.
    fn service_dir(&self, name: &str) -> PathBuf {
        self.directory.join(slug(name))
    }

    /// Where the files a service produces go, inside its output directory.
    fn artifacts_dir(&self, name: &str) -> PathBuf {
        self.service_dir(name).join("artifacts")
    }

    fn launch(
        &self,
        service: &ServiceDefinition,
        addresses: &BTreeMap<String, ServiceAddress>,
        launch: &Launch,
    ) -> Result<ServiceLaunch, PlanFailure> {
        let manager = self
            .components
            .service(&service.implementation)
            .ok_or_else(|| format!("service manager '{}' is not loaded", service.implementation))?;
        let output_dir = self.service_dir(&service.name);
        let artifacts_dir = self.artifacts_dir(&service.name);
        let peers = self
            .test
            .services
            .iter()
            .filter(|other| other.name != service.name)
            .map(|other| {
                (
                    other.name.clone(),
                    PeerInfo {
                        role: other.role,
                        implementation: other.implementation.clone(),
                        address: addresses[&other.name].clone(),
                        output_dir: self.service_dir(&other.name),
                    },
                )
            })
            .collect();
        let request = ServiceRequest {
            test: self.test.name.clone(),
            service: service.name.clone(),
            role: service.role,
            protocol: service.protocol.clone(),
            protocol_version: service.version.clone(),
            test_case: self.test.test_case.clone(),
            network: self.test.network.plugin.clone(),
            config: service.config.clone(),
            address: addresses[&service.name].clone(),
            target: service.target.clone(),
            peers,
            output_dir: output_dir.clone(),
            artifacts_dir: artifacts_dir.clone(),
            plugin_dir: manager.directory.clone(),
            cache_dir: self.cache_dir.map(Path::to_path_buf).unwrap_or_default(),
            tls: Some(tls_files(&output_dir)),
            link_capture: launch
                .artifacts
                .iter()
                .find(|artifact| artifact.name == LINK_CAPTURE_ARTIFACT)
                .map(|artifact| artifact.path.clone()),
        };
        let plan = manager.handle.plan(&request).map_err(|e| {
            PlanFailure::from_plugin(
                &e,
                &service.config_pointer,
                &format!("service '{}' ({})", service.name, service.implementation),
            )
        })?;
        let mut command = plan.command.clone();
        let mut wrappings = Vec::new();
        for execution in &service.execution {
            let environment = self
                .components
                .execution(&execution.plugin)
                .ok_or_else(|| {
                    format!("execution environment '{}' is not loaded", execution.plugin)
                })?;
            let wrapped = environment
                .handle
                .wrap(&WrapRequest {
                    service: service.name.clone(),
                    command: command.clone(),
                    artifacts_dir: artifacts_dir.clone(),
                    config: execution.config.clone(),
                    plugin_dir: environment.directory.clone(),
                })
                .map_err(|e| {
                    PlanFailure::from_plugin(
                        &e,
                        &execution.pointer,
                        &format!(
                            "service '{}': execution '{}'",
                            service.name, execution.plugin
                        ),
                    )
                })?;
            command = wrapped.command.clone();
            wrappings.push(Wrapping {
                plugin: execution.plugin.clone(),
                config: execution.config.clone(),
                wrapped,
            });
        }
        let prefixed =
            |command: &CommandSpec| with_prefix(command.clone(), &launch.prefix, &output_dir);
        Ok(ServiceLaunch {
            name: service.name.clone(),
            implementation: service.implementation.clone(),
            role: service.role,
            command: prefixed(&command),
            prepare: plan.prepare.iter().map(prefixed).collect(),
            companions: plan
                .companions
                .iter()
                .map(|companion| Companion {
                    command: prefixed(&companion.command),
                    ..companion.clone()
                })
                .collect(),
            network_artifacts: launch.artifacts.clone(),
            wrapped: command,
            request,
            plan,
            wrappings,
            stdout: output_dir.join("stdout.log"),
            stderr: output_dir.join("stderr.log"),
        })
    }
}

/// Where the host writes a service's TLS files, if its plan asks for them.
fn tls_files(output_dir: &Path) -> TlsFiles {
    let directory = output_dir.join("certs");
    TlsFiles {
        ca: directory.join("ca.pem"),
        certificate: directory.join("cert.pem"),
        key: directory.join("priv.key"),
        directory,
    }
}

/// Puts the network's launch prefix in front of a command; the working directory is
/// the service's output directory unless the plan named one.
fn with_prefix(command: CommandSpec, prefix: &[String], output_dir: &Path) -> CommandSpec {
    let cwd = command
        .cwd
        .clone()
        .or_else(|| Some(output_dir.to_path_buf()));
    let mut argv = prefix.to_vec();
    argv.push(command.program);
    argv.extend(command.args);
    let program = argv.remove(0);
    CommandSpec {
        program,
        args: argv,
        env: command.env,
        cwd,
    }
}

/// Services ordered so that each starts after the one it targets; servers first among
/// equals, then by name. A cycle of targets is refused.
fn start_order(services: &[ServiceDefinition]) -> Result<Vec<ServiceDefinition>, String> {
    let mut remaining: Vec<&ServiceDefinition> = services.iter().collect();
    remaining.sort_by(|a, b| (a.role, &a.name).cmp(&(b.role, &b.name)));
    let mut started: BTreeSet<&str> = BTreeSet::new();
    let mut order = Vec::new();
    while !remaining.is_empty() {
        let position = remaining.iter().position(|s| {
            s.target
                .as_deref()
                .is_none_or(|t| started.contains(t) || !services.iter().any(|o| o.name == t))
        });
        let Some(position) = position else {
            let names: Vec<&str> = remaining.iter().map(|s| s.name.as_str()).collect();
            return Err(format!(
                "services {} target each other in a cycle; one must start first",
                names.join(", ")
            ));
        };
        let next = remaining.remove(position);
        started.insert(&next.name);
        order.push(next.clone());
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use panther_plugin_api::model::Role;

    fn service(name: &str, role: Role, target: Option<&str>) -> ServiceDefinition {
        ServiceDefinition {
            name: name.into(),
            implementation: "x".into(),
            role,
            protocol: "p".into(),
            version: None,
            target: target.map(Into::into),
            config: serde_json::json!({}),
            config_pointer: String::new(),
            execution: vec![],
        }
    }

    #[test]
    fn targets_start_before_the_services_that_reach_them() {
        let services = [
            service("a-client", Role::Client, Some("z-server")),
            service("z-server", Role::Server, None),
            service("relay", Role::Client, Some("a-client")),
        ];
        let order: Vec<String> = start_order(&services)
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(order, ["z-server", "a-client", "relay"]);
    }

    #[test]
    fn a_cycle_is_refused() {
        let services = [
            service("a", Role::Client, Some("b")),
            service("b", Role::Client, Some("a")),
        ];
        assert!(start_order(&services).unwrap_err().contains("cycle"));
    }

    #[test]
    fn the_prefix_goes_in_front_and_the_directory_defaults() {
        let command = CommandSpec::new("ping-pong", ["server"]);
        let prefix = ["ip", "netns", "exec", "n1"].map(String::from);
        let prefixed = with_prefix(command, &prefix, Path::new("/out"));
        assert_eq!(prefixed.program, "ip");
        assert_eq!(
            prefixed.args,
            ["netns", "exec", "n1", "ping-pong", "server"]
        );
        assert_eq!(prefixed.cwd.as_deref(), Some(Path::new("/out")));
    }

    #[test]
    fn slugs_are_short_and_plain() {
        assert_eq!(
            slug("quic interop: quinn -> aioquic [handshake]"),
            "quic-interop-quinn-aioquic-handshake"
        );
    }
}
