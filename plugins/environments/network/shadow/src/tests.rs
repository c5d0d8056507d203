//! The plugin as the host uses it: deployments and launchers from constructed
//! requests, and the golden `shadow.yaml`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use panther_plugin_api::NetworkEnvironment;
use panther_plugin_api::model::{
    CommandSpec, Companion, Deployment, LaunchRequest, Launcher, NetworkRequest, NetworkService,
    PlannedService, Readiness, Role, ServiceAddress, Transport,
};
use serde_json::{Value, json};

use crate::Shadow;
use crate::shadow_file::{FinalState, Running, ShadowFile};

/// The test's directory in the constructed requests.
const DIRECTORY: &str = "/run/panther/test";

fn network_request(config: Value) -> NetworkRequest {
    let service = |name: &str, role, port| NetworkService {
        name: name.to_owned(),
        role,
        port,
        artifacts_dir: Path::new(DIRECTORY).join(name).join("artifacts"),
    };
    NetworkRequest {
        instance: "20250101T000000-ab12-1-1".to_owned(),
        services: vec![
            service("server", Role::Server, 20001),
            service("client", Role::Client, 20002),
        ],
        config,
        directory: DIRECTORY.into(),
        plugin_dir: "/opt/panther/plugins".into(),
    }
}

fn address(host: &str, port: u16) -> ServiceAddress {
    ServiceAddress {
        host: host.to_owned(),
        port,
    }
}

/// A ping_pong server and the client that pings it, as the host plans them.
fn launch_request(config: Value) -> LaunchRequest {
    let directory = Path::new(DIRECTORY);
    let program = "/opt/panther/plugins/ping-pong";
    let server = PlannedService {
        name: "server".to_owned(),
        role: Role::Server,
        address: address("11.0.0.2", 20001),
        command: CommandSpec::new(program, ["server", "--listen", "11.0.0.2:20001"]),
        prepare: Vec::new(),
        companions: Vec::new(),
        ready: Readiness::Port {
            port: 20001,
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
        address: address("11.0.0.3", 20002),
        command: CommandSpec::new(
            program,
            [
                "client",
                "--connect",
                "11.0.0.2:20001",
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
        instance: "20250101T000000-ab12-1-1".to_owned(),
        config,
        directory: directory.to_path_buf(),
        timeout_ms: 30_000,
        services: vec![server, client],
        plugin_dir: "/opt/panther/plugins".into(),
    }
}

fn launcher(request: &LaunchRequest) -> Launcher {
    Shadow.launch(request).unwrap().unwrap()
}

fn shadow_file(launcher: &Launcher) -> ShadowFile {
    serde_norway::from_str(&launcher.files[0].contents).unwrap()
}

fn quoted(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=/.,:@%+".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn command_line(command: &CommandSpec) -> String {
    std::iter::once(&command.program)
        .chain(&command.args)
        .map(|word| quoted(word))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The deployment and the launcher as text, for the golden file.
fn render(title: &str, deployment: &Deployment, launcher: &Launcher) -> String {
    let mut text = format!("# {title}\n\n## deployment\n");
    for (name, launch) in &deployment.launches {
        let address = &launch.address;
        let _ = writeln!(text, "address {name}: {}:{}", address.host, address.port);
    }
    for probe in &deployment.skip_unless {
        let line = command_line(&probe.command);
        let _ = writeln!(text, "skip unless: {line} ({})", probe.what);
    }
    let _ = writeln!(
        text,
        "\n## launcher\ncommand: {}",
        command_line(&launcher.command)
    );
    for (name, outputs) in &launcher.outputs {
        let _ = writeln!(
            text,
            "outputs {name}: {} {} {}",
            outputs.stdout.display(),
            outputs.stderr.display(),
            outputs.exit_code.display()
        );
    }
    for file in &launcher.files {
        let _ = write!(text, "\n## {}\n{}", file.path.display(), file.contents);
    }
    text
}

fn assert_golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        expected == actual,
        "the plan differs from {}: if the change is meant, rerun with UPDATE_GOLDEN=1 and \
         commit the file\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// The config of the golden file's second test: every link key, and captures.
fn impaired() -> Value {
    json!({
        "latency": "20ms",
        "jitter": "2ms",
        "loss": "1%",
        "bandwidth": "100Mbit",
        "capture": true
    })
}

#[test]
fn the_plan_matches_the_golden_file() {
    let mut text = String::new();
    for (title, config) in [
        ("defaults", Value::Null),
        ("captures and an impaired link", impaired()),
    ] {
        let deployment = Shadow.deploy(&network_request(config.clone())).unwrap();
        let launcher = launcher(&launch_request(config));
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&render(title, &deployment, &launcher));
    }
    assert_golden(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/shadow.txt"),
        &text,
    );
}

#[test]
fn the_file_reads_back_into_the_same_simulation() {
    for config in [Value::Null, impaired()] {
        let launcher = launcher(&launch_request(config));
        let file = shadow_file(&launcher);
        let again = file.to_yaml().unwrap();
        assert_eq!(again, launcher.files[0].contents);
        assert_eq!(serde_norway::from_str::<ShadowFile>(&again).unwrap(), file);
    }
}

#[test]
fn each_service_is_a_host_running_its_wrapped_command() {
    let launcher = launcher(&launch_request(Value::Null));
    let file = shadow_file(&launcher);
    assert_eq!(file.general.stop_time, "32 s");
    assert_eq!(file.general.data_directory, "/run/panther/test/shadow.data");
    assert_eq!(file.network.graph.kind, "gml");
    assert!(file.network.graph.inline.contains("latency \"1 ms\""));
    let server = &file.hosts["server"];
    assert_eq!(
        (server.network_node_id, server.ip_addr.as_str()),
        (0, "11.0.0.2")
    );
    assert!(server.host_options.is_none());
    let process = &server.processes[0];
    assert_eq!(process.path, "/bin/sh");
    assert_eq!(
        process.args[3..],
        [
            "/run/panther/test/server/launched.stdout.log",
            "/run/panther/test/server/launched.stderr.log",
            "/run/panther/test/server/launched.exit_code",
            "/opt/panther/plugins/ping-pong",
            "server",
            "--listen",
            "11.0.0.2:20001"
        ]
    );
    assert_eq!(process.start_time, "1 s");
    assert_eq!(
        process.expected_final_state,
        FinalState::Running(Running::Running)
    );
    let client = &file.hosts["client"].processes[0];
    assert_eq!(client.start_time, "2 s");
    assert_eq!(
        client.expected_final_state,
        FinalState::Exited { exited: 0 }
    );
    assert_eq!(client.environment["RUST_LOG"], "info");
    assert_eq!(launcher.command.program, "shadow");
    assert_eq!(launcher.command.args, ["/run/panther/test/shadow.yaml"]);
    assert_eq!(
        launcher.files[0].path,
        Path::new("/run/panther/test/shadow.yaml")
    );
    assert_eq!(
        launcher.outputs["client"].stdout,
        Path::new("/run/panther/test/client/launched.stdout.log")
    );
    assert!(launcher.collect.is_empty());
}

#[test]
fn captures_and_the_link_follow_the_config() {
    let mut config = impaired();
    config["program"] = json!("/opt/shadow/bin/shadow");
    let launcher = launcher(&launch_request(config));
    let file = shadow_file(&launcher);
    assert!(
        file.hosts
            .values()
            .all(|host| host.host_options.as_ref().is_some_and(|o| o.pcap_enabled))
    );
    let graph = &file.network.graph.inline;
    for line in [
        "host_bandwidth_down \"100 Mbit\"",
        "latency \"20 ms\"",
        "jitter \"2 ms\"",
        "packet_loss 0.01",
    ] {
        assert!(graph.contains(line), "{line}: {graph}");
    }
    assert_eq!(launcher.command.program, "/opt/shadow/bin/shadow");
}

#[test]
fn a_delayed_server_holds_its_client_back() {
    let mut request = launch_request(Value::Null);
    request.services[0].ready = Readiness::Delay { ms: 2500 };
    let file = shadow_file(&launcher(&request));
    assert_eq!(file.hosts["client"].processes[0].start_time, "4500 ms");
    assert_eq!(file.general.stop_time, "34500 ms");
}

#[test]
fn deploys_each_service_at_its_host_of_the_subnet() {
    let deployment = Shadow
        .deploy(&network_request(json!({"subnet": "11.7.0.0/16"})))
        .unwrap();
    assert_eq!(
        deployment.launches["server"].address,
        address("11.7.0.2", 20001)
    );
    assert_eq!(
        deployment.launches["client"].address,
        address("11.7.0.3", 20002)
    );
    assert!(deployment.launches.values().all(|l| l.prefix.is_empty()));
    assert!(deployment.setup.is_empty() && deployment.teardown.is_empty());
    let [probe] = deployment.skip_unless.as_slice() else {
        panic!("{:?}", deployment.skip_unless)
    };
    assert_eq!(command_line(&probe.command), "shadow --version");
    assert_eq!(probe.what, "the Shadow simulator");
    assert!(probe.how_to_get.contains("`program` key"));
}

#[test]
fn refuses_what_shadow_cannot_run() {
    let mut request = launch_request(Value::Null);
    request.services[1].prepare = vec![CommandSpec::new("/opt/q/client", ["--warm-up"])];
    request.services[1].companions = vec![Companion {
        name: "capture".to_owned(),
        command: CommandSpec::new("/usr/bin/tcpdump", ["-i", "lo"]),
        ready: Readiness::Started,
    }];
    request.services[1].command.cwd = Some(PathBuf::from("/run/panther/test/client/downloads"));
    let error = Shadow.launch(&request).unwrap_err();
    assert_eq!(
        error.message(),
        "service `client` asks for preparation commands (`/opt/q/client`) and companions \
         (`capture`) and the working directory /run/panther/test/client/downloads, which the \
         shadow environment cannot run: each simulated host runs its service's one command, \
         in the host's directory"
    );
}

#[test]
fn the_output_directory_as_working_directory_is_no_refusal() {
    let mut request = launch_request(Value::Null);
    request.services[0].command.cwd = Some(PathBuf::from("/run/panther/test/server"));
    assert!(Shadow.launch(&request).is_ok());
}

#[test]
fn refuses_names_addresses_and_configs_it_cannot_use() {
    let mut request = launch_request(Value::Null);
    request.services[0].address.host = "::1".to_owned();
    let error = Shadow.launch(&request).unwrap_err();
    assert!(
        error.message().starts_with("service `server` is at `::1`"),
        "{error}"
    );

    let mut request = network_request(Value::Null);
    request.services[1].name = "Server".to_owned();
    let error = Shadow.deploy(&request).unwrap_err();
    assert!(
        error
            .message()
            .contains("would both be Shadow host `server`"),
        "{error}"
    );

    let error = Shadow
        .deploy(&network_request(json!({"subnet": "11.0.0.0/30"})))
        .unwrap_err();
    assert!(
        error
            .message()
            .starts_with("config key `subnet`: 11.0.0.0/30 has room for 1")
    );

    let error = Shadow
        .launch(&launch_request(json!({"loss": "lots"})))
        .unwrap_err();
    assert!(
        error
            .message()
            .starts_with("config key `loss`: 'lots' is not a percentage")
    );
}

#[test]
fn describes_an_environment() {
    let description = Shadow::describe();
    assert_eq!(description.name, "shadow");
    assert!(description.protocols.is_empty() && description.roles.is_empty());
    assert_eq!(description.config_schema, crate::config::schema());
}

#[test]
fn each_process_runs_as_written_and_leaves_its_outputs() {
    let directory = tempfile::tempdir().unwrap();
    let mut request = launch_request(Value::Null);
    request.directory = directory.path().to_path_buf();
    for service in &mut request.services {
        service.output_dir = directory.path().join(&service.name);
        std::fs::create_dir(&service.output_dir).unwrap();
    }
    request.services[0].command = CommandSpec::new("/bin/echo", ["serving", "$HOME", "a b"]);
    request.services[1].command = CommandSpec::new(
        "/bin/sh",
        ["-c", "echo \"$GREETING\"; echo oops >&2; exit 4"],
    )
    .with_env("GREETING", "hi");
    let launcher = launcher(&request);
    for host in shadow_file(&launcher).hosts.values() {
        let process = &host.processes[0];
        let status = std::process::Command::new(&process.path)
            .args(&process.args)
            .env_clear()
            .envs(&process.environment)
            .status()
            .unwrap();
        assert!(status.code().is_some());
    }
    let read = |path: &Path| std::fs::read_to_string(path).unwrap();
    let server = &launcher.outputs["server"];
    assert_eq!(read(&server.stdout), "serving $HOME a b\n");
    assert_eq!(read(&server.exit_code), "0\n");
    let client = &launcher.outputs["client"];
    assert_eq!(read(&client.stdout), "hi\n");
    assert_eq!(read(&client.stderr), "oops\n");
    assert_eq!(read(&client.exit_code), "4\n");
}
