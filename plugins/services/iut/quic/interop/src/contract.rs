//! Plans that follow the endpoint contract: the environment each role gets, the files
//! the server serves, how readiness is known.

use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{
    Analysis, ArtifactSpec, CommandSpec, Companion, RandomFile, Readiness, Requirement, Role,
    ServiceAddress, ServicePlan, ServiceRequest, Transport,
};

use crate::testcase::TestCase;
use crate::wire::FIELDS;

/// How a stack's endpoint program is started, before the contract's variables are
/// added, and what it needs installed.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The program and its arguments.
    pub command: CommandSpec,
    /// What must be installed for it to run.
    pub requires: Vec<Requirement>,
}

/// `HOST:PORT`, with an IPv6 host in brackets.
pub fn socket_address(address: &ServiceAddress) -> String {
    if address.host.contains(':') {
        format!("[{}]:{}", address.host, address.port)
    } else {
        format!("{}:{}", address.host, address.port)
    }
}

/// The test case asked for (handshake when the test names none), and its name as
/// TESTCASE carries it; a name no case has is passed on for the endpoint to refuse.
pub fn test_case(request: &ServiceRequest) -> (Option<TestCase>, String) {
    let name = request
        .test_case
        .clone()
        .unwrap_or_else(|| "handshake".to_owned());
    (TestCase::parse(&name), name)
}

/// Where an endpoint writes its TLS key log.
pub fn keylog_path(request: &ServiceRequest) -> PathBuf {
    request.artifacts_dir.join("keys.log")
}

/// Where an endpoint writes its qlog files.
pub fn qlog_directory(request: &ServiceRequest) -> PathBuf {
    request.artifacts_dir.join("qlog")
}

/// The client's server and the URLs of the test case's files on it.
pub fn request_urls(
    request: &ServiceRequest,
) -> Result<(ServiceAddress, Vec<String>), PluginError> {
    let server = request
        .target
        .as_ref()
        .and_then(|target| request.peers.get(target))
        .ok_or_else(|| PluginError::new("a QUIC client needs `target`, the name of its server"))?;
    let base = format!("https://{}", socket_address(&server.address));
    let urls = test_case(request)
        .0
        .map(TestCase::files)
        .unwrap_or_default()
        .iter()
        .map(|file| format!("{base}/{}", file.name))
        .collect();
    Ok((server.address.clone(), urls))
}

/// Where the client's own capture of its connection to the server goes.
pub fn capture_path(request: &ServiceRequest) -> PathBuf {
    request.artifacts_dir.join("capture.pcap")
}

/// The capture the wire checks decode: the one the network environment writes of the
/// client's link when it writes one, else the client's own.
pub fn decoded_capture(request: &ServiceRequest) -> PathBuf {
    request
        .link_capture
        .clone()
        .unwrap_or_else(|| capture_path(request))
}

/// Where tshark's decoding of the capture goes, for the wire checks.
pub fn wire_path(request: &ServiceRequest) -> PathBuf {
    request.artifacts_dir.join("wire.tsv")
}

fn tool(path: &str, package: &str) -> Requirement {
    Requirement {
        path: PathBuf::from(path),
        what: format!("{path}, to capture and decode the test's traffic for the wire checks"),
        how_to_get: format!("apt-get install {package} (scripts/install-system-packages does)"),
    }
}

/// A capture of the UDP traffic to and from the server's port, on every interface of
/// the client's network (loopback, or the link of a network namespace), started before
/// the client and stopped after the test.
fn capture(request: &ServiceRequest, server: &ServiceAddress) -> Companion {
    // tcpdump says "listening on" only once the capture is live and filtered, so the
    // client's first packet is never missed; immediate mode and -U hand over and write
    // every packet as it comes, so a capture stopped right after a short test is whole.
    // The kernel's capture ring has one slot per snapshot length of buffer: with the
    // defaults (256 KiB per packet, 2 MiB) a burst of nine datagrams overflows it and
    // the kernel drops the rest, so the snapshot is one datagram on a 64 KiB MTU and
    // the buffer 32 MiB (512 slots).
    let command = CommandSpec::new(
        "/usr/bin/tcpdump",
        [
            "-i".to_owned(),
            "any".to_owned(),
            "--immediate-mode".to_owned(),
            "-U".to_owned(),
            "-s".to_owned(),
            "65535".to_owned(),
            "-B".to_owned(),
            "32768".to_owned(),
            "-w".to_owned(),
            capture_path(request).display().to_string(),
            "udp".to_owned(),
            "port".to_owned(),
            server.port.to_string(),
        ],
    );
    Companion {
        name: "capture".to_owned(),
        command,
        ready: Readiness::LogLine {
            contains: "listening on".to_owned(),
        },
    }
}

/// tshark decoding the capture with the client's key log into the wire checks' fields.
fn decode(request: &ServiceRequest, server: &ServiceAddress) -> Analysis {
    let mut args = vec![
        "-r".to_owned(),
        decoded_capture(request).display().to_string(),
        // The server's port is drawn at random, and tshark would otherwise take the
        // traffic of a port that another protocol registered as that protocol's
        // (24220 is MINT's).
        "-d".to_owned(),
        format!("udp.port=={},quic", server.port),
        "-o".to_owned(),
        format!("tls.keylog_file:{}", keylog_path(request).display()),
        "-Y".to_owned(),
        "quic".to_owned(),
        "-T".to_owned(),
        "fields".to_owned(),
        "-E".to_owned(),
        "separator=/t".to_owned(),
        "-E".to_owned(),
        "aggregator=,".to_owned(),
    ];
    for field in FIELDS {
        args.extend(["-e".to_owned(), field.to_owned()]);
    }
    Analysis {
        command: CommandSpec::new("/usr/bin/tshark", args),
        output: wire_path(request),
    }
}

/// The contract's variables every role gets, and the artifacts they name.
fn common(
    request: &ServiceRequest,
    mut command: CommandSpec,
    case: &str,
) -> (CommandSpec, Vec<ArtifactSpec>) {
    let keylog = keylog_path(request);
    let qlog = qlog_directory(request);
    let certs = request.tls.as_ref().map_or_else(
        || request.output_dir.join("certs"),
        |tls| tls.directory.clone(),
    );
    for (key, value) in [
        ("ROLE", request.role.as_str().to_owned()),
        ("TESTCASE", case.to_owned()),
        ("SSLKEYLOGFILE", keylog.display().to_string()),
        ("QLOGDIR", qlog.display().to_string()),
        ("CERTS", certs.display().to_string()),
    ] {
        command.env.insert(key.to_owned(), value);
    }
    let artifacts = vec![
        ArtifactSpec {
            name: "keylog".to_owned(),
            path: keylog,
        },
        ArtifactSpec {
            name: "qlog".to_owned(),
            path: qlog,
        },
    ];
    (command, artifacts)
}

/// Where a server keeps the files it serves.
pub fn served_directory(output_dir: &Path) -> PathBuf {
    output_dir.join("www")
}

/// Where a client puts the files it downloads.
pub fn downloads_directory(output_dir: &Path) -> PathBuf {
    output_dir.join("downloads")
}

/// The server's plan: serve the test case's files (random bytes the host writes) on
/// its address, ready once its UDP port is bound.
pub fn server_plan(request: &ServiceRequest, endpoint: Endpoint) -> ServicePlan {
    let (case, name) = test_case(request);
    let www = served_directory(&request.output_dir);
    let (mut command, artifacts) = common(request, endpoint.command, &name);
    command
        .env
        .insert("LISTEN".to_owned(), socket_address(&request.address));
    command
        .env
        .insert("WWW".to_owned(), www.display().to_string());
    let random_files = case
        .map(|case| case.files())
        .unwrap_or_default()
        .into_iter()
        .map(|file| RandomFile {
            path: www.join(file.name),
            size: file.size,
        })
        .collect();
    ServicePlan {
        ready: Readiness::Port {
            port: request.address.port,
            transport: Transport::Udp,
        },
        artifacts,
        tls: true,
        random_files,
        directories: vec![qlog_directory(request)],
        requires: endpoint.requires,
        ..ServicePlan::new(command)
    }
}

/// The client's plan: download the test case's files from its target, and decide the
/// test.
pub fn client_plan(
    request: &ServiceRequest,
    endpoint: Endpoint,
) -> Result<ServicePlan, PluginError> {
    let (server, requests) = request_urls(request)?;
    let (_, name) = test_case(request);
    let (mut command, artifacts) = common(request, endpoint.command, &name);
    command
        .env
        .insert("REQUESTS".to_owned(), requests.join(" "));
    command.env.insert(
        "DOWNLOADS".to_owned(),
        downloads_directory(&request.output_dir)
            .display()
            .to_string(),
    );
    let mut artifacts = artifacts;
    let mut requires = endpoint.requires;
    // The environment's capture is kept as its artifact; without one, the client
    // captures its own.
    let mut companions = Vec::new();
    if request.link_capture.is_none() {
        artifacts.push(ArtifactSpec {
            name: "capture".to_owned(),
            path: capture_path(request),
        });
        requires.push(tool("/usr/bin/tcpdump", "tcpdump"));
        companions.push(capture(request, &server));
    }
    artifacts.push(ArtifactSpec {
        name: "wire".to_owned(),
        path: wire_path(request),
    });
    requires.push(tool("/usr/bin/tshark", "tshark"));
    Ok(ServicePlan {
        decides: true,
        artifacts,
        tls: true,
        companions,
        analyses: vec![decode(request, &server)],
        directories: vec![
            qlog_directory(request),
            downloads_directory(&request.output_dir),
        ],
        requires,
        ..ServicePlan::new(command)
    })
}

/// The plan of a stack whose one endpoint program plays either role.
pub fn plan(request: &ServiceRequest, endpoint: Endpoint) -> Result<ServicePlan, PluginError> {
    match request.role {
        Role::Server => Ok(server_plan(request, endpoint)),
        Role::Client => client_plan(request, endpoint),
    }
}
