//! The plugin as the host uses it: deployments from constructed requests, checked
//! against the golden file and case by case.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use panther_link::config::LinkConfig;
use panther_network_shared::testing::golden::assert_golden;
use panther_plugin_api::NetworkEnvironment;
use panther_plugin_api::model::{
    CommandSpec, Deployment, NetworkRequest, NetworkService, Readiness, Role,
};
use serde_json::{Value, json};

use crate::Netns;

/// The instance name of the golden requests.
const INSTANCE: &str = "minip-20261129-224751-p4242-1-1";

fn service(name: &str, role: Role, port: u16) -> NetworkService {
    NetworkService {
        name: name.to_owned(),
        role,
        port,
        artifacts_dir: PathBuf::from(format!("/run/panther/test/{name}/artifacts")),
    }
}

fn request(config: Value) -> NetworkRequest {
    NetworkRequest {
        instance: INSTANCE.to_owned(),
        services: vec![
            service("server", Role::Server, 4443),
            service("client", Role::Client, 50001),
        ],
        config,
        directory: PathBuf::from("/run/panther/test"),
        plugin_dir: PathBuf::from("/opt/panther/plugins"),
        cache_dir: PathBuf::new(),
    }
}

fn ready(readiness: &Readiness) -> String {
    serde_json::to_string(readiness).unwrap()
}

/// The whole deployment as text, one line per item.
fn render(deployment: &Deployment) -> String {
    let mut text = String::new();
    for requirement in &deployment.requires {
        let _ = writeln!(
            text,
            "requires: {} ({}; {})",
            requirement.path.display(),
            requirement.what,
            requirement.how_to_get
        );
    }
    if let Some(reason) = &deployment.needs_root_for {
        let _ = writeln!(text, "needs root: {reason}");
    }
    for probe in &deployment.skip_unless {
        let _ = writeln!(text, "skip unless: {}", probe.command.shell_line());
    }
    for file in &deployment.files {
        let _ = writeln!(text, "file {}:", file.path.display());
        for line in file.contents.lines() {
            let _ = writeln!(text, "  | {line}");
        }
    }
    for command in &deployment.setup {
        let _ = writeln!(text, "setup: {}", command.shell_line());
    }
    for daemon in &deployment.daemons {
        let _ = writeln!(
            text,
            "daemon {}: {}\n  ready: {}",
            daemon.name,
            daemon.command.shell_line(),
            ready(&daemon.ready)
        );
    }
    for (name, launch) in &deployment.launches {
        let _ = writeln!(
            text,
            "launch {name}: {}:{} with {}",
            launch.address.host,
            launch.address.port,
            launch.prefix.join(" ")
        );
        for artifact in &launch.artifacts {
            let _ = writeln!(
                text,
                "  artifact {}: {}",
                artifact.name,
                artifact.path.display()
            );
        }
    }
    for command in &deployment.teardown {
        let _ = writeln!(text, "teardown: {}", command.shell_line());
    }
    text
}

/// The configs the golden file pins, with a title each.
fn golden_configs() -> Vec<(&'static str, Value)> {
    vec![
        ("default", Value::Null),
        (
            "delay, loss and capture",
            json!({"delay": "20ms", "loss": "1%", "capture": true}),
        ),
        (
            "per-link overrides",
            json!({
                "delay": "10ms", "jitter": "2ms", "rate": "10mbit",
                "links": {"client": {"delay": "50ms", "loss": "0.5%", "duplicate": "1%"}},
                "subnet": "192.168.50.0/28"
            }),
        ),
        (
            "netem emulator",
            json!({
                "emulator": "netem", "delay": "20ms", "jitter": "1500us", "corrupt": "0.1%",
                "links": {"server": {"rate": "1mbit"}}
            }),
        ),
    ]
}

/// A JSON value with every table's keys in order, whatever serde_json's map keeps.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(table) => {
            let ordered: std::collections::BTreeMap<&String, Value> =
                table.iter().map(|(k, v)| (k, sorted(v))).collect();
            serde_json::to_value(ordered).unwrap_or(Value::Null)
        }
        other => other.clone(),
    }
}

fn render_golden() -> String {
    let mut text = String::new();
    for (title, config) in golden_configs() {
        let _ = writeln!(text, "## {title}: {}", sorted(&config));
        match Netns.deploy(&request(config)) {
            Ok(deployment) => text.push_str(&render(&deployment)),
            Err(error) => {
                let _ = writeln!(text, "refused: {error}");
            }
        }
        text.push('\n');
    }
    text
}

#[test]
fn deployments_match_the_golden_file() {
    assert_golden(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/deployments.txt"),
        &render_golden(),
    );
}

#[test]
fn each_service_gets_its_namespace_its_address_and_its_port() {
    let deployment = Netns.deploy(&request(Value::Null)).unwrap();
    let server = &deployment.launches["server"];
    assert_eq!(server.address.host, "10.77.0.2");
    assert_eq!(server.address.port, 4443);
    assert_eq!(
        server.prefix,
        [
            "/usr/sbin/ip",
            "netns",
            "exec",
            "panther-minip-20261129-224751-p4242-1-1-server"
        ]
    );
    let client = &deployment.launches["client"];
    assert_eq!(client.address.host, "10.77.0.3");
    assert_eq!(client.address.port, 50001);
    assert!(server.artifacts.is_empty() && client.artifacts.is_empty());
    assert_eq!(
        deployment.needs_root_for.as_deref(),
        Some("it makes network namespaces and virtual links")
    );
}

#[test]
fn the_emulator_config_has_a_port_per_service_with_its_impairments() {
    let deployment = Netns
        .deploy(&request(json!({
            "delay": "20ms", "links": {"client": {"delay": "50ms", "rate": "1mbit"}}
        })))
        .unwrap();
    let [file] = deployment.files.as_slice() else {
        panic!("{:?}", deployment.files)
    };
    assert_eq!(file.path, Path::new("/run/panther/test/network/links.json"));
    let links: LinkConfig = serde_json::from_str(&file.contents).unwrap();
    assert_eq!(links.check(), Ok(()));
    let ports: Vec<(&str, &str, u64, Option<u64>)> = links
        .ports
        .iter()
        .map(|port| {
            (
                port.name.as_str(),
                port.interface.as_str(),
                port.impairments.delay_us,
                port.impairments.rate_bps,
            )
        })
        .collect();
    assert_eq!(
        ports,
        [
            ("server", "p0", 20_000, None),
            ("client", "p1", 50_000, Some(1_000_000))
        ]
    );
    let [daemon] = deployment.daemons.as_slice() else {
        panic!("{:?}", deployment.daemons)
    };
    assert_eq!(
        daemon.ready,
        Readiness::LogLine {
            contains: panther_link::ready_line(2)
        }
    );
    assert_eq!(
        daemon.command.args[3..],
        [
            "/opt/panther/plugins/panther-link",
            "--config",
            "/run/panther/test/network/links.json"
        ]
    );
}

#[test]
fn every_namespace_made_is_deleted_whatever_is_left() {
    let deployment = Netns.deploy(&request(Value::Null)).unwrap();
    let made: Vec<&str> = deployment
        .setup
        .iter()
        .filter(|command| {
            command
                .args
                .starts_with(&["netns".to_owned(), "add".to_owned()])
        })
        .map(|command| command.args[2].as_str())
        .collect();
    let deleted: Vec<&str> = deployment
        .teardown
        .iter()
        .map(|command| command.args.last().unwrap().as_str())
        .collect();
    assert_eq!(made.len(), 3);
    assert_eq!(made, deleted);
}

#[test]
fn the_teardown_succeeds_when_the_namespace_is_gone() {
    let deployment = Netns.deploy(&request(Value::Null)).unwrap();
    for command in &deployment.teardown {
        let status = std::process::Command::new(&command.program)
            .args(&command.args)
            .status()
            .unwrap();
        assert!(status.success(), "{}: {status}", command.shell_line());
    }
}

#[test]
fn capture_adds_a_tcpdump_per_link_and_names_its_pcap() {
    let deployment = Netns.deploy(&request(json!({"capture": true}))).unwrap();
    let captures: Vec<String> = deployment
        .daemons
        .iter()
        .filter(|daemon| daemon.name.starts_with("capture-"))
        .map(|daemon| daemon.command.shell_line())
        .collect();
    assert_eq!(captures.len(), 2);
    assert!(captures[0].ends_with(
        "/usr/bin/tcpdump -i p0 -U --immediate-mode -s 2048 -B 16384 -w /run/panther/test/server/artifacts/link.pcap"
    ));
    let artifacts = &deployment.launches["client"].artifacts;
    assert_eq!(
        artifacts[0].path,
        Path::new("/run/panther/test/client/artifacts/link.pcap")
    );
    assert!(
        deployment
            .requires
            .iter()
            .any(|requirement| requirement.path == Path::new("/usr/bin/tcpdump"))
    );
}

#[test]
fn netem_runs_no_daemon_and_bridges_the_links() {
    let deployment = Netns
        .deploy(&request(json!({"emulator": "netem", "loss": "1%"})))
        .unwrap();
    assert!(deployment.daemons.is_empty() && deployment.files.is_empty());
    let lines: Vec<String> = deployment
        .setup
        .iter()
        .map(CommandSpec::shell_line)
        .collect();
    assert!(
        lines
            .iter()
            .any(|line| line.ends_with("link add br0 type bridge"))
    );
    let qdiscs: Vec<&String> = lines
        .iter()
        .filter(|line| line.contains(" netem"))
        .collect();
    assert_eq!(qdiscs.len(), 2);
    assert!(qdiscs[0].ends_with("qdisc add dev eth0 root netem loss 1%"));
    let required: Vec<&Path> = deployment
        .requires
        .iter()
        .map(|r| r.path.as_path())
        .collect();
    assert!(required.contains(&Path::new("/usr/sbin/tc")));
    assert!(!required.iter().any(|path| path.ends_with("panther-link")));
}

#[test]
fn refuses_a_bad_config_naming_the_key() {
    let error = Netns
        .deploy(&request(json!({"links": {"client": {"delay": "5xs"}}})))
        .unwrap_err();
    assert_eq!(
        error.message(),
        "config key `links.client.delay`: '5xs' is not a duration; write e.g. \"20ms\" or \
         \"500us\""
    );
    let error = Netns
        .deploy(&request(json!({"links": {"proxy": {"delay": "5ms"}}})))
        .unwrap_err();
    assert_eq!(
        error.message(),
        "config key `links.proxy`: 'proxy' is not a service of this test; write one of server, \
         client"
    );
}

#[test]
fn describes_an_environment() {
    let description = Netns::describe();
    assert_eq!(description.name, "netns");
    assert!(description.protocols.is_empty() && description.roles.is_empty());
    assert_eq!(description.config_schema, crate::config::schema());
}
