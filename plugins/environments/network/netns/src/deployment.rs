//! The deployment: the commands, files and daemons that build a test's network of
//! namespaces, launch its services in it and tear it down.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::Path;

use panther_link::config::{LinkConfig, Port};
use panther_plugin_api::PluginError;
use panther_plugin_api::model::path_argument;
use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, Companion, Deployment, FileSpec, LINK_CAPTURE_ARTIFACT, Launch,
    NetworkRequest, Readiness, Requirement, ServiceAddress,
};

use crate::config::{Config, Emulator};
use crate::names::{BRIDGE, Namespaces, SERVICE_INTERFACE, link_port, safe};
use crate::netem;

/// iproute2's `ip`.
const IP: &str = "/usr/sbin/ip";
/// ethtool.
const ETHTOOL: &str = "/usr/sbin/ethtool";
/// iproute2's `tc`.
const TC: &str = "/usr/sbin/tc";
/// tcpdump.
const TCPDUMP: &str = "/usr/bin/tcpdump";
/// The shell that runs the teardown's fixed script.
const SHELL: &str = "/bin/sh";
/// The emulator program, shipped beside the plugin.
const LINK_PROGRAM: &str = "panther-link";
/// Where the emulator's config goes, under the test iteration's directory.
const LINKS_FILE: &str = "network/links.json";
/// The capture of a service's link, in its artifacts directory.
const CAPTURE_FILE: &str = "link.pcap";
/// What tcpdump prints once it captures.
const CAPTURE_READY: &str = "listening on";
/// The offloads turned off on both ends of every link: the emulator forwards frames
/// in user space, so checksums must be complete and frames no larger than the MTU.
const OFFLOADS_OFF: [&str; 10] = [
    "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off",
];
/// Deletes the namespace named by `$1` unless it is already gone: `ip netns delete`
/// fails on a missing name, and teardown also runs after a killed run to clean up.
const DELETE_NAMESPACE: &str = r#"[ ! -e "/run/netns/$1" ] || exec /usr/sbin/ip netns delete "$1""#;

/// The deployment of `request`'s services under `config`.
pub fn deploy(request: &NetworkRequest, config: &Config) -> Result<Deployment, PluginError> {
    let services: Vec<&str> = request.services.iter().map(|s| s.name.as_str()).collect();
    let addresses = config.addresses(&services)?;
    let namespaces = Namespaces::new(&request.instance, &services)?;
    let mut launches = BTreeMap::new();
    let mut daemons = Vec::new();
    for (index, service) in request.services.iter().enumerate() {
        let namespace = &namespaces.services[index];
        let mut launch = Launch::at(ServiceAddress {
            host: addresses[index].to_string(),
            port: service.port,
        });
        launch.prefix = exec_in(namespace).map(str::to_owned).to_vec();
        if config.capture {
            let capture = service.artifacts_dir.join(CAPTURE_FILE);
            daemons.push(Companion {
                name: format!("capture-{}", safe(&service.name)),
                command: in_namespace(
                    &namespaces.link,
                    TCPDUMP,
                    [
                        "-i".to_owned(),
                        link_port(index),
                        "-U".to_owned(),
                        "--immediate-mode".to_owned(),
                        // One kernel ring slot per snapshot length of buffer: the
                        // defaults (256 KiB, 2 MiB) hold eight frames and drop bursts.
                        "-s".to_owned(),
                        "2048".to_owned(),
                        "-B".to_owned(),
                        "16384".to_owned(),
                        "-w".to_owned(),
                        path_argument(&capture)?,
                    ],
                ),
                ready: Readiness::LogLine {
                    contains: CAPTURE_READY.to_owned(),
                },
            });
            launch.artifacts.push(ArtifactSpec {
                name: LINK_CAPTURE_ARTIFACT.to_owned(),
                path: capture,
            });
        }
        launches.insert(service.name.clone(), launch);
    }
    let mut files = Vec::new();
    if config.emulator == Emulator::PantherLink {
        let links = request.directory.join(LINKS_FILE);
        daemons.push(Companion {
            name: LINK_PROGRAM.to_owned(),
            command: in_namespace(
                &namespaces.link,
                &path_argument(&request.plugin_dir.join(LINK_PROGRAM))?,
                ["--config".to_owned(), path_argument(&links)?],
            ),
            ready: Readiness::LogLine {
                contains: panther_link::ready_line(services.len()),
            },
        });
        files.push(FileSpec {
            path: links,
            contents: links_file(config, &services)?,
        });
    }
    Ok(Deployment {
        setup: setup(&namespaces, &addresses, config, &services),
        files,
        teardown: namespaces
            .all()
            .map(|namespace| CommandSpec::new(SHELL, ["-c", DELETE_NAMESPACE, "sh", namespace]))
            .collect(),
        daemons,
        requires: requirements(config, &request.plugin_dir),
        needs_root_for: Some("it makes network namespaces and virtual links".to_owned()),
        ..Deployment::new(launches)
    })
}

/// The setup commands: the namespaces, a veth pair per service (its `eth0`, and `p{i}`
/// in the link namespace), the addresses, the links up with offloads off, and for the
/// kernel emulator a bridge and a netem qdisc per service.
fn setup(
    namespaces: &Namespaces,
    addresses: &[Ipv4Addr],
    config: &Config,
    services: &[&str],
) -> Vec<CommandSpec> {
    let link = namespaces.link.as_str();
    let prefix = config.subnet.prefix();
    let netem = config.emulator == Emulator::Netem;
    let mut commands = Vec::new();
    for namespace in namespaces.all() {
        commands.push(ip(["netns", "add", namespace]));
    }
    for namespace in namespaces.all() {
        commands.push(ip(["-n", namespace, "link", "set", "lo", "up"]));
    }
    for (index, (namespace, address)) in namespaces.services.iter().zip(addresses).enumerate() {
        let port = link_port(index);
        commands.push(ip([
            "link",
            "add",
            SERVICE_INTERFACE,
            "netns",
            namespace,
            "type",
            "veth",
            "peer",
            "name",
            &port,
            "netns",
            link,
        ]));
        let cidr = format!("{address}/{prefix}");
        commands.push(ip([
            "-n",
            namespace,
            "addr",
            "add",
            &cidr,
            "dev",
            SERVICE_INTERFACE,
        ]));
    }
    if netem {
        commands.push(ip(["-n", link, "link", "add", BRIDGE, "type", "bridge"]));
        for index in 0..namespaces.services.len() {
            commands.push(ip([
                "-n",
                link,
                "link",
                "set",
                &link_port(index),
                "master",
                BRIDGE,
            ]));
        }
        commands.push(ip([
            "-n",
            link,
            "link",
            "set",
            BRIDGE,
            "addrgenmode",
            "none",
            "up",
        ]));
    }
    for (index, namespace) in namespaces.services.iter().enumerate() {
        commands.push(ip([
            "-n",
            namespace,
            "link",
            "set",
            SERVICE_INTERFACE,
            "up",
        ]));
        // No IPv6 address on the switch side: the link namespace sends nothing itself.
        commands.push(ip([
            "-n",
            link,
            "link",
            "set",
            &link_port(index),
            "addrgenmode",
            "none",
            "up",
        ]));
    }
    for (index, namespace) in namespaces.services.iter().enumerate() {
        commands.push(offloads_off(namespace, SERVICE_INTERFACE));
        commands.push(offloads_off(link, &link_port(index)));
    }
    if netem {
        for (namespace, service) in namespaces.services.iter().zip(services) {
            let mut args: Vec<String> = ["-n", namespace, "qdisc", "add", "dev"]
                .into_iter()
                .chain([SERVICE_INTERFACE, "root", "netem"])
                .map(str::to_owned)
                .collect();
            args.extend(netem::arguments(&config.impairments_of(service)));
            commands.push(CommandSpec::new(TC, args));
        }
    }
    commands
}

/// The emulator's config: a port per service with its link's impairments.
fn links_file(config: &Config, services: &[&str]) -> Result<String, PluginError> {
    let links = LinkConfig {
        ports: services
            .iter()
            .enumerate()
            .map(|(index, service)| Port {
                name: (*service).to_owned(),
                interface: link_port(index),
                impairments: config.impairments_of(service),
            })
            .collect(),
    };
    let mut contents = serde_json::to_string_pretty(&links)?;
    contents.push('\n');
    Ok(contents)
}

/// What must be installed for `config`.
fn requirements(config: &Config, plugin_dir: &Path) -> Vec<Requirement> {
    let requirement = |path: &Path, what: &str, how_to_get: &str| Requirement {
        path: path.to_owned(),
        what: what.to_owned(),
        how_to_get: how_to_get.to_owned(),
    };
    let mut requires = vec![
        requirement(
            Path::new(IP),
            "ip, from iproute2",
            "apt-get install iproute2",
        ),
        requirement(Path::new(ETHTOOL), "ethtool", "apt-get install ethtool"),
    ];
    match config.emulator {
        Emulator::PantherLink => requires.push(requirement(
            &plugin_dir.join(LINK_PROGRAM),
            "panther-link, the netns environment's link emulator",
            "build it with scripts/build-plugins",
        )),
        Emulator::Netem => requires.push(requirement(
            Path::new(TC),
            "tc, from iproute2",
            "apt-get install iproute2",
        )),
    }
    if config.capture {
        requires.push(requirement(
            Path::new(TCPDUMP),
            "tcpdump, to capture each link",
            "apt-get install tcpdump",
        ));
    }
    requires
}

/// `ip` with `args`.
fn ip<'a>(args: impl IntoIterator<Item = &'a str>) -> CommandSpec {
    CommandSpec::new(IP, args)
}

/// ethtool turning the offloads off on `interface` in `namespace`.
fn offloads_off(namespace: &str, interface: &str) -> CommandSpec {
    let args = ["-K", interface].into_iter().chain(OFFLOADS_OFF);
    in_namespace(namespace, ETHTOOL, args.map(str::to_owned))
}

/// The words that run a program in `namespace`: `ip netns exec NAMESPACE`.
fn exec_in(namespace: &str) -> [&str; 4] {
    [IP, "netns", "exec", namespace]
}

/// `program` with `args`, run in `namespace`.
fn in_namespace(
    namespace: &str,
    program: &str,
    args: impl IntoIterator<Item = String>,
) -> CommandSpec {
    let [ip_program, ip_args @ ..] = exec_in(namespace);
    let words = ip_args.into_iter().chain([program]).map(str::to_owned);
    CommandSpec::new(ip_program, words.chain(args))
}
