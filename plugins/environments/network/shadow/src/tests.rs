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

/// The config of the golden file's second test: a Shadow of the user's, every link
/// key, a seed of its own, and no captures.
fn impaired() -> Value {
    json!({
        "program": "/opt/shadow/bin/shadow",
        "latency": "20ms",
        "jitter": "2ms",
        "loss": "1%",
        "bandwidth": "100Mbit",
        "seed": 42,
        "capture": false
    })
}

/// The pinned build of Shadow in the test requests' cache directory.
fn pinned_shadow() -> PathBuf {
    let build = panther_stacks::StackBuild::of("shadow", None).unwrap();
    build.program(Path::new("/home/user/.cache/panther-host"), "shadow")
}

#[test]
fn the_plan_matches_the_golden_file() {
    let mut text = String::new();
    for (title, config) in [
        ("defaults", Value::Null),
        ("an impaired link without captures", impaired()),
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
    assert_eq!(file.general.seed, 1);
    assert_eq!(file.network.graph.kind, "gml");
    assert!(file.network.graph.inline.contains("latency \"1 ms\""));
    let server = &file.hosts["server"];
    assert_eq!(
        (server.network_node_id, server.ip_addr.as_str()),
        (0, "11.0.0.2")
    );
    assert!(server.host_options.as_ref().is_some_and(|o| o.pcap_enabled));
    let process = &server.processes[0];
    assert_eq!(process.path, "/bin/sh");
    assert_eq!(
        process.args[3..],
        [
            "/run/panther/test/server/launched.stdout.log",
            "/run/panther/test/server/launched.stderr.log",
            "/run/panther/test/server/launched.exit_code",
            "/run/panther/test/server/launched.prepare.log",
            "0",
            "/usr/bin/env",
            "--chdir",
            "/run/panther/test/server",
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
    assert_eq!(
        launcher.command.program,
        pinned_shadow().display().to_string()
    );
    assert_eq!(launcher.command.args, ["/run/panther/test/shadow.yaml"]);
    assert_eq!(
        launcher.files[0].path,
        Path::new("/run/panther/test/shadow.yaml")
    );
    assert_eq!(
        launcher.outputs["client"].stdout,
        Path::new("/run/panther/test/client/launched.stdout.log")
    );
    assert!(
        launcher
            .unsupported_markers
            .contains(&"Detected unsupported syscall".to_owned())
    );
}

#[test]
fn each_host_directory_lands_in_its_service_artifacts() {
    let launcher = launcher(&launch_request(Value::Null));
    let moves: Vec<String> = launcher
        .collect
        .iter()
        .map(|collection| collection.command.shell_line())
        .collect();
    assert_eq!(
        moves,
        [
            "/bin/mv /run/panther/test/shadow.data/hosts/server \
             /run/panther/test/server/artifacts/shadow-host",
            "/bin/mv /run/panther/test/shadow.data/hosts/client \
             /run/panther/test/client/artifacts/shadow-host",
        ]
    );
    let deployment = Shadow.deploy(&network_request(Value::Null)).unwrap();
    let client: Vec<(&str, &Path)> = deployment.launches["client"]
        .artifacts
        .iter()
        .map(|a| (a.name.as_str(), a.path.as_path()))
        .collect();
    assert_eq!(
        client,
        [
            (
                "shadow-host",
                Path::new("/run/panther/test/client/artifacts/shadow-host")
            ),
            (
                "link-capture",
                Path::new("/run/panther/test/client/artifacts/shadow-host/eth0.pcap")
            ),
        ]
    );
    let without = Shadow
        .deploy(&network_request(json!({"capture": false})))
        .unwrap();
    assert!(
        without
            .launches
            .values()
            .all(|l| l.artifacts.iter().all(|a| a.name != "link-capture"))
    );
}

#[test]
fn captures_the_seed_and_the_link_follow_the_config() {
    let launcher = launcher(&launch_request(impaired()));
    let file = shadow_file(&launcher);
    assert!(file.hosts.values().all(|host| host.host_options.is_none()));
    assert_eq!(file.general.seed, 42);
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
    assert!(deployment.skip_unless.is_empty());
}

#[test]
fn requires_the_pinned_build_or_the_program_the_config_names() {
    let deployment = Shadow.deploy(&network_request(Value::Null)).unwrap();
    let [shadow] = deployment.requires.as_slice() else {
        panic!("{:?}", deployment.requires)
    };
    assert_eq!(shadow.path, pinned_shadow());
    assert!(
        shadow
            .how_to_get
            .contains("scripts/build-stacks shadow@3.3.0"),
        "{}",
        shadow.how_to_get
    );
    let own = Shadow
        .deploy(&network_request(
            json!({"program": "/opt/shadow/bin/shadow"}),
        ))
        .unwrap();
    assert_eq!(own.requires[0].path, Path::new("/opt/shadow/bin/shadow"));
}

#[test]
fn preparations_run_before_the_service_with_their_own_variables() {
    let mut request = launch_request(Value::Null);
    let mut warm_up = CommandSpec::new("/opt/q/client", ["--warm-up"]);
    warm_up
        .env
        .insert("TICKETS".to_owned(), "/run/t/tickets".to_owned());
    request.services[1].prepare = vec![warm_up];
    let file = shadow_file(&launcher(&request));
    let args = &file.hosts["client"].processes[0].args;
    assert_eq!(
        args[6..14],
        [
            "/run/panther/test/client/launched.prepare.log",
            "1",
            "6",
            "/usr/bin/env",
            "--chdir",
            "/run/panther/test/client",
            "TICKETS=/run/t/tickets",
            "/opt/q/client",
        ]
    );
    assert_eq!(args[14], "--warm-up");
    assert_eq!(args[15], "/usr/bin/env");
}

#[test]
fn refuses_a_companion_naming_the_capture_key() {
    let mut request = launch_request(Value::Null);
    request.services[1].companions = vec![Companion {
        name: "capture".to_owned(),
        command: CommandSpec::new("/usr/bin/tcpdump", ["-i", "lo"]),
        ready: Readiness::Started,
    }];
    let error = Shadow.launch(&request).unwrap_err();
    assert!(
        error
            .message()
            .ends_with("Shadow captures each host itself (config key `capture`, on by default)"),
        "{error}"
    );
}

#[test]
fn a_working_directory_of_its_own_is_entered_with_env() {
    let mut request = launch_request(Value::Null);
    request.services[1].command.cwd = Some(PathBuf::from("/run/panther/test/client/downloads"));
    let file = shadow_file(&launcher(&request));
    let args = &file.hosts["client"].processes[0].args;
    assert_eq!(
        args[8..11],
        [
            "/usr/bin/env",
            "--chdir",
            "/run/panther/test/client/downloads"
        ]
    );
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
