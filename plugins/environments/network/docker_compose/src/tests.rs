//! The plugin as the host uses it: deployments and launchers from constructed
//! requests, the golden compose file, and the real `docker-compose` checking it.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use panther_supervise::ServiceSpec;

use panther_network_shared::testing::golden::{assert_golden, render};
use panther_network_shared::testing::requests::{self, address, network_request};
use panther_plugin_api::NetworkEnvironment;
use panther_plugin_api::model::{CommandSpec, Companion, LaunchRequest, Launcher, Readiness};
use serde_json::{Value, json};

use crate::DockerCompose;
use crate::compose_file::ComposeFile;
use crate::config::Config;

/// A ping_pong server and the client that pings it, as the host plans them, in the
/// subnet the test instance's network has (a bad config keeps any subnet: it is
/// refused anyway).
fn launch_request(config: Value) -> LaunchRequest {
    let subnet = Config::parse(&config).map_or_else(
        |_| "172.28.0.0/24".to_owned(),
        |config| config.subnet_of(requests::INSTANCE).to_string(),
    );
    requests::launch_request(config, &subnet)
}

fn launcher(request: &LaunchRequest) -> Launcher {
    DockerCompose.launch(request).unwrap().unwrap()
}

/// The compose file the launcher writes.
fn compose_text(launcher: &Launcher) -> &str {
    &launcher
        .files
        .iter()
        .find(|file| file.path.ends_with("docker-compose.yml"))
        .expect("a compose file")
        .contents
}

fn compose_file(launcher: &Launcher) -> ComposeFile {
    serde_norway::from_str(compose_text(launcher)).unwrap()
}

/// The supervisor's spec the launcher writes for `service`.
fn spec(launcher: &Launcher, service: &str) -> ServiceSpec {
    let file = launcher
        .files
        .iter()
        .find(|file| file.path.ends_with(format!("{service}/supervised.json")))
        .expect("a spec");
    serde_json::from_str(&file.contents).unwrap()
}

/// `docker-compose -f FILE config -q` on `contents`: the real Compose v1 checking a file
/// without an engine.
fn compose_config(contents: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("docker-compose.yml");
    std::fs::write(&file, contents).unwrap();
    match Command::new("docker-compose")
        .arg("-f")
        .arg(&file)
        .args(["config", "-q"])
        .output()
    {
        Ok(output) => output,
        Err(error) if error.kind() == ErrorKind::NotFound => panic!(
            "docker-compose is not installed; run scripts/install-system-packages to install it"
        ),
        Err(error) => panic!("cannot run docker-compose: {error}"),
    }
}

#[test]
fn the_plan_matches_the_golden_file() {
    let deployment = DockerCompose.deploy(&network_request(Value::Null)).unwrap();
    let launcher = launcher(&launch_request(Value::Null));
    assert_golden(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/compose.txt"),
        &render(&deployment, &launcher),
    );
}

#[test]
fn docker_compose_accepts_the_generated_file() {
    let config = json!({"volumes": ["/srv/certs:/certs:ro"], "privileged": true});
    let mut request = launch_request(config);
    request.services[1]
        .command
        .env
        .insert("PRICE".to_owned(), "$5 or ${HOME}".to_owned());
    request.services[0].ready = Readiness::LogLine {
        contains: "listening on $port".to_owned(),
    };
    let launcher = launcher(&request);
    let contents = compose_text(&launcher);
    let output = compose_config(contents);
    assert!(
        output.status.success(),
        "docker-compose refused the file: {}\n{contents}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn docker_compose_refuses_a_broken_file() {
    let mut request = launch_request(Value::Null);
    request.services[1].command.cwd = Some(PathBuf::from("/run/${dir"));
    let contents = compose_text(&launcher(&request)).to_owned();
    let cases = [
        (contents.replace("$$", "$"), "Invalid interpolation format"),
        (
            contents.replace("ipv4_address", "ipv4_addres"),
            "ipv4_addres",
        ),
    ];
    for (broken, message) in cases {
        let output = compose_config(&broken);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
    }
}

#[test]
fn deploys_each_service_at_its_host_of_the_subnet() {
    let deployment = DockerCompose
        .deploy(&network_request(json!({"subnet": "10.20.0.0/16"})))
        .unwrap();
    assert_eq!(
        deployment.launches["server"].address,
        address("10.20.0.2", 20001)
    );
    assert_eq!(
        deployment.launches["client"].address,
        address("10.20.0.3", 20002)
    );
    assert!(deployment.launches.values().all(|l| l.prefix.is_empty()));
    assert!(deployment.setup.is_empty() && deployment.files.is_empty());
    assert_eq!(deployment.skip_unless.len(), 3);
    assert_eq!(deployment.teardown.len(), 1);
}

#[test]
fn a_subnet_too_small_for_the_test_names_the_key() {
    let error = DockerCompose
        .deploy(&network_request(json!({"subnet": "10.20.0.0/30"})))
        .unwrap_err();
    assert!(
        error
            .message()
            .starts_with("config key `subnet`: 10.20.0.0/30 has room for 1"),
        "{error}"
    );
}

#[test]
fn refuses_a_bad_config_in_deploy_and_launch() {
    let bad = json!({"image": 7});
    let error = DockerCompose
        .deploy(&network_request(bad.clone()))
        .unwrap_err();
    assert!(error.message().starts_with("config key `image`"), "{error}");
    let error = DockerCompose.launch(&launch_request(bad)).unwrap_err();
    assert!(error.message().starts_with("config key `image`"), "{error}");
}

#[test]
fn the_client_waits_for_the_server_to_be_healthy() {
    let file = compose_file(&launcher(&launch_request(Value::Null)));
    let client = &file.services["client"];
    assert_eq!(client.depends_on["server"].condition, "service_healthy");
    assert!(client.healthcheck.is_none());
    let server = &file.services["server"];
    assert!(server.depends_on.is_empty());
    let check = server.healthcheck.as_ref().unwrap();
    assert_eq!(check.test[..3], ["CMD", "grep", "-qsE"]);
    assert_eq!(check.test[3], "^ *[0-9]+: [0-9A-F]+:4E21 ");
    assert_eq!(check.retries, 301);
}

#[test]
fn a_started_target_is_waited_for_until_started() {
    let mut request = launch_request(Value::Null);
    request.services[0].ready = Readiness::Started;
    let file = compose_file(&launcher(&request));
    assert_eq!(
        file.services["client"].depends_on["server"].condition,
        "service_started"
    );
    assert!(file.services["server"].healthcheck.is_none());
}

#[test]
fn every_text_from_a_plan_is_kept_from_interpolation() {
    let mut request = launch_request(json!({"image": "registry/$image"}));
    let client = &mut request.services[1];
    client
        .command
        .env
        .insert("PRICE".to_owned(), "$5".to_owned());
    client.command.args.push("${HOME}".to_owned());
    client.command.cwd = Some(PathBuf::from("/run/$dir"));
    let launcher = launcher(&request);
    let file = compose_file(&launcher);
    let container = &file.services["client"];
    assert_eq!(container.image, "registry/$$image");
    assert_eq!(container.working_dir, "/run/$$dir");
    assert!(container.environment.is_empty());
    let spec = spec(&launcher, "client");
    assert_eq!(spec.command.env["PRICE"], "$5");
    assert_eq!(spec.command.args.last().unwrap(), "${HOME}");
}

#[test]
fn each_container_runs_its_service_under_the_supervisor() {
    let request = launch_request(Value::Null);
    let launcher = launcher(&request);
    let file = compose_file(&launcher);
    let server = &file.services["server"];
    assert_eq!(
        server.command,
        [
            "/opt/panther/plugins/panther-supervise",
            "/run/panther/test/server/supervised.json"
        ]
    );
    assert_eq!(server.working_dir, "/run/panther/test/server");
    assert_eq!(server.networks["panther"].ipv4_address, "10.236.111.2");
    let spec = spec(&launcher, "server");
    assert_eq!(spec.command, request.services[0].command);
    assert_eq!(spec.directory, Path::new("/run/panther/test/server"));
    assert_eq!(spec.outputs, launcher.outputs["server"]);
    assert_eq!(spec.ready_within_ms, request.timeout_ms);
    assert_eq!(
        launcher.outputs["server"].exit_code,
        Path::new("/run/panther/test/server/launched.exit_code")
    );
    assert!(launcher.collect.is_empty());
}

#[test]
fn preparation_commands_and_companions_go_to_the_supervisor() {
    let mut request = launch_request(Value::Null);
    request.services[1].prepare = vec![CommandSpec::new("/opt/q/client", ["--warm-up"])];
    request.services[1].companions = vec![Companion {
        name: "capture".to_owned(),
        command: CommandSpec::new("/usr/bin/tcpdump", ["-i", "any"]),
        ready: Readiness::LogLine {
            contains: "listening on".to_owned(),
        },
    }];
    let launcher = launcher(&request);
    let spec = spec(&launcher, "client");
    assert_eq!(spec.prepare, request.services[1].prepare);
    assert_eq!(spec.companions, request.services[1].companions);
    let mounted: Vec<String> = compose_file(&launcher).services["client"]
        .volumes
        .iter()
        .map(|volume| volume.target.clone())
        .collect();
    assert!(mounted.contains(&"/opt/q".to_owned()), "{mounted:?}");
    assert!(!mounted.contains(&"/usr/bin".to_owned()), "{mounted:?}");
}

#[test]
fn refuses_a_target_outside_the_test_and_an_address_off_the_network() {
    let mut request = launch_request(Value::Null);
    request.services[1].target = Some("proxy".to_owned());
    let error = DockerCompose.launch(&request).unwrap_err();
    assert_eq!(
        error.message(),
        "service `client` targets `proxy`, which is not in the test"
    );
    let mut request = launch_request(Value::Null);
    request.services[0].address.host = "localhost".to_owned();
    let error = DockerCompose.launch(&request).unwrap_err();
    assert!(
        error
            .message()
            .starts_with("service `server` is at `localhost`"),
        "{error}"
    );
}

#[test]
fn describes_an_environment() {
    let description = DockerCompose::describe();
    assert_eq!(description.name, "docker_compose");
    assert!(description.protocols.is_empty() && description.roles.is_empty());
    assert_eq!(description.config_schema, crate::config::schema());
}
