//! The plugin as the host uses it: deployments and launchers from constructed
//! requests, and the golden `shadow.yaml`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use panther_network_shared::testing::golden::{assert_golden, render};
use panther_network_shared::testing::printing;
use panther_network_shared::testing::requests::{self, address, network_request};
use panther_plugin_api::NetworkEnvironment;
use panther_plugin_api::model::{CommandSpec, Companion, LaunchRequest, Launcher, Readiness};
use serde_json::{Value, json};

use crate::Shadow;
use crate::shadow_file::{FinalState, Running, ShadowFile};

/// The subnet of the default config, where the launch request's services are.
const SUBNET: &str = "11.0.0.0/24";

/// A ping_pong server and the client that pings it, as the host plans them.
fn launch_request(config: Value) -> LaunchRequest {
    requests::launch_request(config, SUBNET)
}

fn launcher(request: &LaunchRequest) -> Launcher {
    Shadow.launch(request).unwrap().unwrap()
}

fn shadow_file(launcher: &Launcher) -> ShadowFile {
    serde_norway::from_str(&launcher.files[0].contents).unwrap()
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
        let _ = write!(text, "# {title}\n\n{}", render(&deployment, &launcher));
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
    assert_eq!(probe.command.shell_line(), "shadow --version");
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
    let request = printing::request_in(directory.path(), "hi", launch_request(Value::Null));
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
    printing::assert_printed(&request, &launcher, "hi");
}
