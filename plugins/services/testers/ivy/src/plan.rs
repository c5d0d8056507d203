//! How to run the tester: one `panther-ivy` command that compiles the Ivy test (or
//! takes it from the cache) and runs it against the implementation under test.

use std::path::PathBuf;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, Readiness, Role, ServiceAddress, ServicePlan, ServiceRequest,
    Transport,
};

use crate::config::Config;
use crate::protocol::{Protocol, QUIC_SHARE};
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

/// The plan of the tester, as client (testing a server) or server (testing a client).
pub fn plan(request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
    let protocol = Protocol::of(&request.protocol)?;
    if let Some(reason) = protocol.refuses(request.role) {
        return Err(PluginError::new(reason));
    }
    let config = Config::parse(&request.config, protocol)?;
    let sources = sources(protocol, &config, request);
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
        Protocol::Minip => args.extend(minip_args(&config, request)?),
        Protocol::Quic => args.extend(quic_args(&config, request)?),
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
        artifacts: files
            .iter()
            .map(|(name, file)| ArtifactSpec {
                name: (*name).to_owned(),
                path: artifacts.join(file),
            })
            .collect(),
        directories: vec![artifacts.clone()],
        requires: requirements(protocol, &sources),
        ..ServicePlan::new(CommandSpec::new(sources.runner.display().to_string(), args))
    })
}

/// Where the test's sources are: as configured, else installed beside the plugin.
fn sources(protocol: Protocol, config: &Config, request: &ServiceRequest) -> Sources {
    let plugin_dir = &request.plugin_dir;
    let share = plugin_dir.join(QUIC_SHARE);
    let or_installed = |path: &Option<PathBuf>, installed: PathBuf| {
        (path.clone().unwrap_or(installed), path.is_none())
    };
    let quic = (protocol == Protocol::Quic).then(|| {
        let (include_dir, installed_include) =
            or_installed(&config.include_dir, share.join("include"));
        let (picotls_dir, installed_picotls) =
            or_installed(&config.picotls_dir, share.join("picotls"));
        QuicSources {
            include_dir,
            installed_include,
            picotls_dir,
            installed_picotls,
        }
    });
    let (spec_dir, installed_spec) = or_installed(&config.spec_dir, protocol.spec_dir(plugin_dir));
    Sources {
        runner: plugin_dir.join(RUNNER),
        ivyc: config
            .ivyc
            .clone()
            .unwrap_or_else(|| plugin_dir.join("ivy/venv/bin/ivyc")),
        spec_dir,
        installed_spec,
        test: config
            .test
            .clone()
            .unwrap_or_else(|| protocol.default_test(request.role).to_owned()),
        quic,
    }
}

/// minip: the server under test (playing the client), the tester's port and the
/// implementation's timings.
fn minip_args(config: &Config, request: &ServiceRequest) -> Result<Vec<String>, PluginError> {
    let mut args = Vec::new();
    if request.role == Role::Client {
        args.extend(["--iut".to_owned(), socket_address(target(request)?)]);
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
    Ok(args)
}

/// QUIC: the server under test and the tester's own address, both IPv4, the ALPN,
/// the first packets' version, the path asked for and both ends' connection ids.
fn quic_args(config: &Config, request: &ServiceRequest) -> Result<Vec<String>, PluginError> {
    let server = target(request)?;
    for (whose, host) in [
        ("the server under test is at", &server.host),
        ("the tester is at", &request.address.host),
    ] {
        if host.contains(':') {
            return Err(PluginError::new(format!(
                "PANTHER's QUIC Ivy tests speak IPv4 only, and {whose} {host}: run them on a network with IPv4 addresses"
            )));
        }
    }
    let (client_cid, server_cid) = config.connection_ids();
    Ok(vec![
        "--iut".to_owned(),
        socket_address(server),
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
        "--param".to_owned(),
        format!("the_cid={client_cid}"),
        "--param".to_owned(),
        format!("server_cid={server_cid}"),
    ])
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

/// `HOST:PORT`, with an IPv6 host in brackets.
fn socket_address(address: &ServiceAddress) -> String {
    if address.host.contains(':') {
        format!("[{}]:{}", address.host, address.port)
    } else {
        format!("{}:{}", address.host, address.port)
    }
}
