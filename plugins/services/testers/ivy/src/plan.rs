//! How to run the tester: one `panther-ivy` command that compiles the Ivy test (or
//! takes it from the cache) and runs it against the implementation under test.

use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, Readiness, Requirement, Role, ServiceAddress, ServicePlan,
    ServiceRequest, Transport,
};

use crate::config::Config;

/// The runner shipped beside the plugin library.
pub const RUNNER: &str = "panther-ivy";
/// The runner's verdict, in the artifacts directory.
pub const VERDICT_FILE: &str = "verdict.json";
/// The tester's event log, in the artifacts directory.
pub const EVENT_LOG: &str = "ivy.log";
/// The compiler's output, in the artifacts directory.
pub const COMPILE_LOG: &str = "compile.log";
/// How to get what the build provides.
const HOW_TO_BUILD: &str =
    "run scripts/install-python-packages and scripts/build-plugins in the panther-host repository";
/// How to get the C++ toolchain the tests are built with.
const HOW_TO_GET_CXX: &str = "apt-get install g++ libz3-dev";

/// The protocols the plugin knows, and what it can do with each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Minip,
}

impl Protocol {
    /// The protocol of a request; QUIC is refused until its models are supported.
    fn of(name: &str) -> Result<Self, PluginError> {
        match name {
            "minip" => Ok(Self::Minip),
            "quic" => Err(PluginError::new(
                "the ivy tester does not test QUIC yet: a QUIC test needs PANTHER's QUIC Ivy models (config key `spec_dir`) and a picotls build for the tester (config key `picotls_dir`)",
            )),
            other => Err(PluginError::new(format!(
                "the ivy tester does not test '{other}': it tests minip"
            ))),
        }
    }

    /// The specification shipped for it, under the plugin's directory.
    fn spec_dir(self, plugin_dir: &Path) -> PathBuf {
        match self {
            Self::Minip => plugin_dir.join("ivy/specs/minip"),
        }
    }

    /// The test the tester runs when playing `role`: playing the client tests a
    /// server, and the other way round.
    fn default_test(self, role: Role) -> &'static str {
        match (self, role) {
            (Self::Minip, Role::Client) => "minip_server_test",
            (Self::Minip, Role::Server) => "minip_client_test",
        }
    }
}

/// The plan of the tester, as client (testing a server) or server (testing a client).
pub fn plan(request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
    let config = Config::parse(&request.config)?;
    let protocol = Protocol::of(&request.protocol)?;
    let home = request.plugin_dir.join("ivy");
    let runner = request.plugin_dir.join(RUNNER);
    let shipped_spec = config.spec_dir.is_none();
    let spec_dir = config
        .spec_dir
        .clone()
        .unwrap_or_else(|| protocol.spec_dir(&request.plugin_dir));
    let test = config
        .test
        .clone()
        .unwrap_or_else(|| protocol.default_test(request.role).to_owned());
    let ivyc = config
        .ivyc
        .clone()
        .unwrap_or_else(|| home.join("venv/bin/ivyc"));
    let artifacts = &request.artifacts_dir;

    let mut args = vec![
        "--spec-dir".to_owned(),
        spec_dir.display().to_string(),
        "--test".to_owned(),
        test.clone(),
        "--ivyc".to_owned(),
        ivyc.display().to_string(),
        "--artifacts".to_owned(),
        artifacts.display().to_string(),
        "--seed".to_owned(),
        config.seed.to_string(),
        "--iterations".to_owned(),
        config.iterations.to_string(),
    ];
    if let Some(cache_dir) = &config.cache_dir {
        args.extend(["--cache-dir".to_owned(), cache_dir.display().to_string()]);
    }
    if request.role == Role::Client {
        let server = request
            .target
            .as_ref()
            .and_then(|target| request.peers.get(target))
            .ok_or_else(|| {
                PluginError::new(
                    "the ivy tester playing the client needs `target`, the name of the server under test",
                )
            })?;
        args.extend(["--iut".to_owned(), socket_address(&server.address)]);
    }
    args.extend(["--tester-port".to_owned(), request.address.port.to_string()]);
    let mut params = vec![
        ("min_delay_ms", config.min_delay_ms.to_string()),
        ("timeout_ms", config.timeout_ms.to_string()),
        ("margin_ms", config.margin_ms.to_string()),
    ];
    if request.role == Role::Server {
        params.push(("quiet_ms", config.quiet_ms.to_string()));
    }
    let extra = config
        .params
        .iter()
        .map(|(name, value)| (name.as_str(), value.to_string()));
    for (name, value) in params.into_iter().chain(extra) {
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
    Ok(ServicePlan {
        ready,
        decides: true,
        artifacts: [
            ("verdict", VERDICT_FILE),
            ("event_log", EVENT_LOG),
            ("compile_log", COMPILE_LOG),
        ]
        .iter()
        .map(|(name, file)| ArtifactSpec {
            name: (*name).to_owned(),
            path: artifacts.join(file),
        })
        .collect(),
        directories: vec![artifacts.clone()],
        requires: requirements(&runner, &ivyc, &spec_dir, &test, shipped_spec),
        ..ServicePlan::new(CommandSpec::new(runner.display().to_string(), args))
    })
}

/// What must be installed: the runner, the Ivy compiler, the C++ toolchain with Z3,
/// and the test's source.
fn requirements(
    runner: &Path,
    ivyc: &Path,
    spec_dir: &Path,
    test: &str,
    shipped_spec: bool,
) -> Vec<Requirement> {
    let requirement = |path: PathBuf, what: &str, how: &str| Requirement {
        path,
        what: what.to_owned(),
        how_to_get: how.to_owned(),
    };
    let z3_library = PathBuf::from(format!(
        "/usr/lib/{}-linux-gnu/libz3.so",
        std::env::consts::ARCH
    ));
    let test_how = if shipped_spec {
        HOW_TO_BUILD
    } else {
        "write it, or correct config keys `spec_dir` and `test`"
    };
    vec![
        requirement(
            runner.to_path_buf(),
            "the ivy tester's runner panther-ivy",
            HOW_TO_BUILD,
        ),
        requirement(
            ivyc.to_path_buf(),
            "the Ivy compiler ivyc (config key `ivyc`)",
            HOW_TO_BUILD,
        ),
        requirement(
            spec_dir.join(format!("{test}.ivy")),
            &format!("the Ivy test {test}.ivy (config keys `spec_dir` and `test`)"),
            test_how,
        ),
        requirement(
            PathBuf::from("/usr/bin/g++"),
            "the C++ compiler the Ivy tests are built with",
            HOW_TO_GET_CXX,
        ),
        requirement(
            PathBuf::from("/usr/include/z3++.h"),
            "the Z3 headers the Ivy tests are built with",
            HOW_TO_GET_CXX,
        ),
        requirement(
            z3_library,
            "the Z3 library the Ivy tests link",
            HOW_TO_GET_CXX,
        ),
    ]
}

/// `HOST:PORT`, with an IPv6 host in brackets.
fn socket_address(address: &ServiceAddress) -> String {
    if address.host.contains(':') {
        format!("[{}]:{}", address.host, address.port)
    } else {
        format!("{}:{}", address.host, address.port)
    }
}
