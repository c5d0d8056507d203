//! How to run the tester: one `panther-ivy` command that compiles the Ivy test (or
//! takes it from the cache) and runs it against the implementation under test.

use std::path::PathBuf;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, Readiness, Role, ServiceAddress, ServicePlan, ServiceRequest,
    Transport,
};

use panther_stacks::StackBuild;

use crate::config::Config;
use crate::protocol::{Protocol, QUIC_SHARE};
use crate::quic_tests;
use crate::requirements::{QuicSources, Sources, requirements};

/// The runner shipped beside the plugin library.
pub const RUNNER: &str = "panther-ivy";
/// The runner's verdict, in the artifacts directory.
pub const VERDICT_FILE: &str = "verdict.json";
/// The tester's event log, in the artifacts directory.
pub const EVENT_LOG: &str = "ivy.log";
/// The compiler's output, in the artifacts directory.
pub const COMPILE_LOG: &str = "compile.log";
/// The TLS secrets a QUIC tester logs, in the artifacts directory.
pub const KEY_LOG: &str = "keys.log";
/// The pinned build of the picotls the QUIC testers link (stacks.toml).
const PICOTLS_STACK: &str = "picotls";

/// The plan of the tester, as client (testing a server) or server (testing a client).
pub fn plan(request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
    let protocol = Protocol::of(&request.protocol)?;
    let config = Config::parse(&request.config, protocol)?;
    let server = match request.role {
        Role::Client => Some(target(request)?),
        Role::Server => None,
    };
    refuse_ipv6(protocol, server, &request.address)?;
    let sources = sources(protocol, &config, request)?;
    if protocol == Protocol::Quic {
        let installed = config.spec_dir.is_none() && config.include_dir.is_none();
        quic_tests::check(&sources.spec_dir, request.role, &sources.test, installed)?;
    }
    let artifacts = &request.artifacts_dir;

    let mut args = vec![
        "--protocol".to_owned(),
        protocol.name().to_owned(),
        "--spec-dir".to_owned(),
        sources.spec_dir.display().to_string(),
    ];
    if let Some(quic) = &sources.quic {
        args.extend([
            "--include-dir".to_owned(),
            quic.include_dir.display().to_string(),
            "--picotls-dir".to_owned(),
            quic.picotls_dir.display().to_string(),
        ]);
    }
    args.extend([
        "--test".to_owned(),
        sources.test.clone(),
        "--ivyc".to_owned(),
        sources.ivyc.display().to_string(),
        "--artifacts".to_owned(),
        artifacts.display().to_string(),
        "--seed".to_owned(),
        config.seed.to_string(),
        "--iterations".to_owned(),
        config.iterations(protocol).to_string(),
        "--time-limit".to_owned(),
        config.time_limit_s.to_string(),
    ]);
    if let Some(cache_dir) = &config.cache_dir {
        args.extend(["--cache-dir".to_owned(), cache_dir.display().to_string()]);
    }
    match protocol {
        Protocol::Minip => args.extend(minip_args(&config, request, server)),
        Protocol::Quic => args.extend(quic_args(&config, request, server)?),
    }
    for (name, value) in &config.params {
        args.extend(["--param".to_owned(), format!("{name}={value}")]);
    }

    let ready = match request.role {
        // The client under test starts once the tester listens: after compiling.
        Role::Server => Readiness::Port {
            port: request.address.port,
            transport: Transport::Udp,
        },
        Role::Client => Readiness::Started,
    };
    let mut files = vec![
        ("verdict", VERDICT_FILE),
        ("event_log", EVENT_LOG),
        ("compile_log", COMPILE_LOG),
    ];
    if protocol == Protocol::Quic {
        files.push(("key_log", KEY_LOG));
    }
    Ok(ServicePlan {
        ready,
        decides: true,
        // Playing a QUIC server, the tester presents the host's certificate.
        tls: protocol == Protocol::Quic && request.role == Role::Server,
        artifacts: files
            .iter()
            .map(|(name, file)| ArtifactSpec {
                name: (*name).to_owned(),
                path: artifacts.join(file),
            })
            .collect(),
        directories: vec![artifacts.clone()],
        requires: requirements(protocol, request.role, &config, &sources),
        ..ServicePlan::new(CommandSpec::new(sources.runner.display().to_string(), args))
    })
}

/// Where the test's sources are: as configured, else installed beside the plugin
/// (picotls: the pinned build in the host's cache).
fn sources(
    protocol: Protocol,
    config: &Config,
    request: &ServiceRequest,
) -> Result<Sources, PluginError> {
    let plugin_dir = &request.plugin_dir;
    let share = plugin_dir.join(QUIC_SHARE);
    let or_installed =
        |path: &Option<PathBuf>, installed: PathBuf| path.clone().unwrap_or(installed);
    let quic = match protocol {
        Protocol::Minip => None,
        Protocol::Quic => {
            let picotls = StackBuild::of(PICOTLS_STACK, None)?;
            Some(QuicSources {
                include_dir: or_installed(&config.include_dir, share.join("include")),
                picotls_dir: match &config.picotls_dir {
                    Some(dir) => dir.clone(),
                    None => picotls.dir_in(&request.cache_dir)?,
                },
                picotls_build: picotls.label(),
            })
        }
    };
    Ok(Sources {
        runner: plugin_dir.join(RUNNER),
        ivyc: or_installed(&config.ivyc, plugin_dir.join("ivy/venv/bin/ivyc")),
        spec_dir: or_installed(&config.spec_dir, protocol.spec_dir(plugin_dir)),
        test: config
            .test
            .clone()
            .unwrap_or_else(|| protocol.default_test(request.role).to_owned()),
        quic,
    })
}

/// minip: the `server` under test (playing the client), the tester's port and the
/// implementation's timings.
fn minip_args(
    config: &Config,
    request: &ServiceRequest,
    server: Option<&ServiceAddress>,
) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(server) = server {
        args.extend(["--iut".to_owned(), socket_address(server)]);
    }
    args.extend(["--tester-port".to_owned(), request.address.port.to_string()]);
    let mut params = vec![
        ("min_delay_ms", config.min_delay_ms),
        ("timeout_ms", config.timeout_ms),
        ("margin_ms", config.margin_ms),
    ];
    if request.role == Role::Server {
        params.push(("quiet_ms", config.quiet_ms));
    }
    for (name, value) in params {
        args.extend(["--param".to_owned(), format!("{name}={value}")]);
    }
    args
}

/// QUIC: the `server` under test (playing the client) or the certificate the tester
/// presents (playing the server), the tester's own address, the ALPN, the first
/// packets' version, the path asked for, how long it may idle and both ends'
/// connection ids.
fn quic_args(
    config: &Config,
    request: &ServiceRequest,
    server: Option<&ServiceAddress>,
) -> Result<Vec<String>, PluginError> {
    let mut args = Vec::new();
    match (server, &request.tls) {
        (Some(server), _) => args.extend(["--iut".to_owned(), socket_address(server)]),
        (None, Some(tls)) => args.extend([
            "--certificate".to_owned(),
            tls.certificate.display().to_string(),
            "--key".to_owned(),
            tls.key.display().to_string(),
        ]),
        (None, None) => {
            return Err(PluginError::new(
                "the ivy tester playing a QUIC server needs the host's TLS files, and the request names none",
            ));
        }
    }
    let (client_cid, server_cid) = config.connection_ids();
    args.extend([
        "--tester-host".to_owned(),
        request.address.host.clone(),
        "--tester-port".to_owned(),
        request.address.port.to_string(),
        "--alpn".to_owned(),
        config.alpn.clone(),
        "--initial-version".to_owned(),
        config.initial_version.to_string(),
        "--request-path".to_owned(),
        config.request_path.clone(),
        "--idle-ms".to_owned(),
        config.idle_ms.to_string(),
        "--param".to_owned(),
        format!("the_cid={client_cid}"),
        "--param".to_owned(),
        format!("server_cid={server_cid}"),
    ]);
    Ok(args)
}

/// Refuses an IPv6 address of the `server` under test or of the `tester`: the tests
/// speak IPv4 only (minip's socket is bound to every IPv4 address and is given the
/// server's as a 32-bit number; PANTHER's QUIC models take both as 32-bit numbers).
fn refuse_ipv6(
    protocol: Protocol,
    server: Option<&ServiceAddress>,
    tester: &ServiceAddress,
) -> Result<(), PluginError> {
    let addresses = server
        .map(|server| ("the server under test is at", server))
        .into_iter()
        .chain([("the tester is at", tester)]);
    for (whose, address) in addresses {
        if address.host.contains(':') {
            return Err(PluginError::new(format!(
                "{} speak IPv4 only, and {whose} {}: run them on a network with IPv4 addresses",
                protocol.tests(),
                address.host
            )));
        }
    }
    Ok(())
}

/// The address of the server under test, the tester's `target`.
fn target(request: &ServiceRequest) -> Result<&ServiceAddress, PluginError> {
    request
        .target
        .as_ref()
        .and_then(|target| request.peers.get(target))
        .map(|peer| &peer.address)
        .ok_or_else(|| {
            PluginError::new(
                "the ivy tester playing the client needs `target`, the name of the server under test",
            )
        })
}

/// `HOST:PORT`.
fn socket_address(address: &ServiceAddress) -> String {
    format!("{}:{}", address.host, address.port)
}
