//! QUIC: a test of PANTHER's QUIC models, in which the tester plays the client of a
//! server under test (`quic_server_test_*`) or the server of a client under test
//! (`quic_client_test_*`). `ivyc target=test build=false` translates it to C++, the
//! test loop is edited to end once the exchange is over (see `harness`), then g++
//! builds it against picotls (its headers before any other); the tester is given
//! both ends' addresses, the environment PANTHER's models read, and the request it
//! sends or the response it serves, in a folder of the run.

mod harness;
mod models;

use std::fs;
use std::path::{Path, PathBuf};

use crate::cache::{Entry, MODEL_SUBDIR};
use crate::cli::Cli;
use crate::compile::{Recipe, Step};
use crate::tester::{self, Launch};

use self::models::{BASE_SUBDIR, PICOTLS_SUBDIR};

/// The event PANTHER's QUIC models log each datagram of the implementation as.
pub const RECEPTION: &str = "recv_packet";
/// The TLS secrets the tester logs (SSLKEYLOGFILE), in the artifacts directory.
pub const KEY_LOG: &str = "keys.log";
/// The folder of the run, in the artifacts directory, that the tester is given as
/// `PANTHER_IVY_BASE_DIR`: it reads the request it sends (or the response it serves)
/// from there.
pub const RUN_BASE: &str = "quic_base";
/// The request's file in that folder, as PANTHER's models name it.
const REQUEST_FILE: &str = "quic_utils/http_request_file.txt";
/// The response's file in that folder, as PANTHER's models name it.
const RESPONSE_FILE: &str = "quic_utils/http_response_file.txt";
/// What the tester playing the server answers every request with.
const RESPONSE: &str = "panther-ivy: a response from PANTHER's QUIC models\n";
/// What the tests link, after the tester's own C++: Z3, then what tls_picotls.ivy's
/// `libspec` names.
const LIBRARIES: [&str; 7] = [
    "z3",
    "picotls-core",
    "picotls-minicrypto",
    "picotls-openssl",
    "ssl",
    "crypto",
    "dl",
];

/// How to compile the test the command line names.
pub fn recipe(cli: &Cli, toolchain: &str) -> Result<Recipe, String> {
    let include_dir = required(cli.include_dir.as_ref(), "--include-dir")?;
    let picotls_dir = required(cli.picotls_dir.as_ref(), "--picotls-dir")?;
    let files = models::layout(&cli.spec_dir, include_dir, picotls_dir, &cli.test)?;
    let translate = Step::new(
        &cli.ivyc,
        vec![
            "target=test".to_owned(),
            "build=false".to_owned(),
            format!("{}.ivy", cli.test),
        ],
    );
    let end_when_idle = Step::Edit {
        file: format!("{}.cpp", cli.test),
        what: harness::WHAT,
        edit: harness::end_when_idle,
    };
    let build = Step::new("g++", cxx_args(&cli.test));
    Ok(Recipe::new(
        &cli.test,
        toolchain,
        files,
        vec![translate, end_when_idle, build],
    ))
}

/// g++'s arguments, run in the model folder: every path is relative to it, so the
/// command is the same wherever the cache is.
fn cxx_args(test: &str) -> Vec<String> {
    let top = "../".repeat(Path::new(MODEL_SUBDIR).components().count());
    let mut args = vec![
        "-Wno-parentheses-equality".to_owned(),
        "-std=c++11".to_owned(),
        "-I".to_owned(),
        format!("{top}{PICOTLS_SUBDIR}/include"),
        format!("-DPANTHER_IVY_BASE_DIR={top}{BASE_SUBDIR}"),
        "-o".to_owned(),
        test.to_owned(),
        format!("{test}.cpp"),
        "-L".to_owned(),
        format!("{top}{PICOTLS_SUBDIR}/lib"),
    ];
    args.extend(LIBRARIES.iter().map(|library| format!("-l{library}")));
    args.push("-pthread".to_owned());
    args
}

/// The tester's arguments and environment. Given a server under test (`--iut`) it
/// plays its client from the tester's own address and port and sends the request;
/// without one it plays the server at that address, with the certificate and key
/// given, and serves the response. It logs events to `event_log` and TLS secrets to
/// the artifacts, where the request or response is written.
pub fn launch(
    cli: &Cli,
    entry: &Entry,
    artifacts: &Path,
    event_log: &Path,
) -> Result<Launch, String> {
    let host = required(cli.tester_host.as_ref(), "--tester-host")?;
    let own = tester::ipv4(&format!("{host}:0"), "the tester's address")?;
    let port = *required(cli.tester_port.as_ref(), "--tester-port")?;
    let mut args = tester::common_arguments(cli.seed, cli.iterations, event_log);
    args.push(format!("iversion={}", cli.initial_version));
    let base = artifacts.join(RUN_BASE);
    let path = |path: &Path| path.display().to_string();
    let mut env = vec![
        ("PANTHER_IVY_BASE_DIR", path(&base)),
        // The models read PANTHER_IVY_BASE_DIR only when PROOTPATH is set.
        ("PROOTPATH", path(&base)),
        // Where the tester finds a broken rule's source to quote it.
        ("PYTHON_IVY_DIR", path(&entry.dir)),
        ("PROTOCOL_TESTED", "quic".to_owned()),
        ("TEST_ALPN", cli.alpn.clone()),
        ("INITIAL_VERSION", cli.initial_version.to_string()),
        ("SSLKEYLOGFILE", path(&artifacts.join(KEY_LOG))),
        (harness::IDLE_VARIABLE, cli.idle_ms.to_string()),
    ];
    match &cli.iut {
        Some(iut) => {
            let server = tester::ipv4(iut, "the server's address")?;
            let port_alt = free_udp_port(*own.ip())?;
            args.extend([
                format!("server_addr={}", u32::from(*server.ip())),
                format!("server_port={}", server.port()),
                format!("client_addr={}", u32::from(*own.ip())),
                format!("client_port={port}"),
                format!("client_port_alt={port_alt}"),
            ]);
            write_file(&base, REQUEST_FILE, &format!("GET {}\n", cli.request_path))?;
            // The role of the implementation under test.
            env.push(("TEST_TYPE", "server".to_owned()));
        }
        None => {
            let certificate = required(cli.certificate.as_ref(), "--certificate")?;
            let key = required(cli.key.as_ref(), "--key")?;
            args.extend([
                format!("server_addr={}", u32::from(*own.ip())),
                format!("server_port={port}"),
            ]);
            write_file(&base, RESPONSE_FILE, RESPONSE)?;
            env.extend([
                ("TEST_TYPE", "client".to_owned()),
                ("PANTHER_IVY_CERT_PATH", path(certificate)),
                ("PANTHER_IVY_KEY_PATH", path(key)),
            ]);
        }
    }
    args.extend(tester::parameters(&cli.params));
    Ok(Launch {
        args,
        env: env
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    })
}

/// A UDP port of `host` free a moment ago, for the tester's second socket
/// (`client_port_alt`, which the migration tests move to): the host hands out one port
/// per service, and the next one may be another test's.
fn free_udp_port(host: std::net::Ipv4Addr) -> Result<u16, String> {
    std::net::UdpSocket::bind((host, 0))
        .and_then(|socket| socket.local_addr())
        .map(|address| address.port())
        .map_err(|error| {
            format!("no free UDP port on {host} for the tester's second socket: {error}")
        })
}

/// Writes `contents` where the tester reads `file` under `base`.
fn write_file(base: &Path, file: &str, contents: &str) -> Result<(), String> {
    let file: PathBuf = base.join(file);
    file.parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| fs::write(&file, contents))
        .map_err(|error| format!("cannot write {}: {error}", file.display()))
}

/// The value of an option a QUIC test needs.
fn required<'a, T>(value: Option<&'a T>, option: &str) -> Result<&'a T, String> {
    value.ok_or_else(|| format!("a QUIC test needs {option}"))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// A QUIC command line, with the options of `changes` set to their values.
    fn cli(changes: &[(&str, &str)]) -> Cli {
        let mut args = vec![
            "panther-ivy",
            "--protocol",
            "quic",
            "--spec-dir",
            "/models/quic",
            "--include-dir",
            "/models/include",
            "--picotls-dir",
            "/picotls",
            "--test",
            "quic_server_test_stream",
            "--ivyc",
            "/venv/bin/ivyc",
            "--artifacts",
            "/out",
            "--seed",
            "5",
            "--iterations",
            "100",
            "--iut",
            "127.0.0.1:4443",
            "--tester-host",
            "127.0.0.2",
            "--tester-port",
            "4987",
        ];
        for (option, value) in changes {
            match args.iter().position(|arg| arg == option) {
                Some(at) => args[at + 1] = value,
                None => args.extend([option, value]),
            }
        }
        Cli::try_parse_from(args).unwrap()
    }

    /// The launch's environment, `NAME=VALUE` each.
    fn env_lines(launch: &Launch) -> Vec<String> {
        launch
            .env
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect()
    }

    #[test]
    fn the_tester_plays_the_client_of_the_server_under_test() {
        let entry = Entry {
            dir: PathBuf::from("/cache/abc"),
            test: "quic_server_test_stream".to_owned(),
        };
        let out = tempfile::tempdir().unwrap();
        let cli = cli(&[
            ("--param", "the_cid=105"),
            ("--alpn", "h3"),
            ("--request-path", "/handshake-1.bin"),
        ]);
        let launch = launch(&cli, &entry, out.path(), Path::new("/out/ivy.log")).unwrap();
        let (alternative, args): (Vec<&String>, Vec<&String>) = launch
            .args
            .iter()
            .partition(|arg| arg.starts_with("client_port_alt="));
        let alternative: u16 = alternative[0]["client_port_alt=".len()..].parse().unwrap();
        assert_ne!(alternative, 4987, "a port of its own");
        assert_eq!(
            args,
            [
                "seed=5",
                "iters=100",
                "out=/out/ivy.log",
                "iversion=1",
                "server_addr=2130706433",
                "server_port=4443",
                "client_addr=2130706434",
                "client_port=4987",
                "the_cid=105",
            ]
        );
        let env = env_lines(&launch);
        let out_dir = out.path().display();
        assert_eq!(
            env,
            [
                format!("PANTHER_IVY_BASE_DIR={out_dir}/quic_base"),
                format!("PROOTPATH={out_dir}/quic_base"),
                "PYTHON_IVY_DIR=/cache/abc".to_owned(),
                "PROTOCOL_TESTED=quic".to_owned(),
                "TEST_ALPN=h3".to_owned(),
                "INITIAL_VERSION=1".to_owned(),
                format!("SSLKEYLOGFILE={out_dir}/keys.log"),
                "PANTHER_IVY_IDLE_MS=0".to_owned(),
                "TEST_TYPE=server".to_owned(),
            ]
        );
        assert_eq!(
            fs::read_to_string(
                out.path()
                    .join("quic_base/quic_utils/http_request_file.txt")
            )
            .unwrap(),
            "GET /handshake-1.bin\n"
        );
    }

    #[test]
    fn the_alternative_port_is_another_free_port_and_ipv6_is_refused() {
        let entry = Entry {
            dir: PathBuf::from("/c"),
            test: "t".to_owned(),
        };
        let out = tempfile::tempdir().unwrap();
        let last = cli(&[("--tester-port", "65535")]);
        let launch = launch(&last, &entry, out.path(), Path::new("l")).unwrap();
        assert!(
            launch
                .args
                .iter()
                .any(|arg| arg.starts_with("client_port_alt=") && arg != "client_port_alt=65535")
        );
        let v6 = cli(&[("--iut", "[::1]:4443")]);
        let error = super::launch(&v6, &entry, out.path(), Path::new("l")).unwrap_err();
        assert!(error.contains("IPv4 only"), "{error}");
        let v6 = cli(&[("--tester-host", "::1")]);
        assert!(super::launch(&v6, &entry, out.path(), Path::new("l")).is_err());
        let error =
            super::launch(&cli(&[]), &entry, Path::new("/dev/null"), Path::new("l")).unwrap_err();
        assert!(
            error.starts_with("cannot write /dev/null/quic_base/"),
            "{error}"
        );
    }

    #[test]
    fn playing_the_server_it_serves_the_response_with_the_certificate_given() {
        let entry = Entry {
            dir: PathBuf::from("/cache/abc"),
            test: "quic_client_test_stream".to_owned(),
        };
        let out = tempfile::tempdir().unwrap();
        let mut server = cli(&[
            ("--test", "quic_client_test_stream"),
            ("--certificate", "/tls/cert.pem"),
            ("--key", "/tls/priv.key"),
            ("--idle-ms", "2000"),
        ]);
        server.iut = None;
        let launch = launch(&server, &entry, out.path(), Path::new("/out/ivy.log")).unwrap();
        assert_eq!(
            launch.args,
            [
                "seed=5",
                "iters=100",
                "out=/out/ivy.log",
                "iversion=1",
                "server_addr=2130706434",
                "server_port=4987",
            ]
        );
        let env = env_lines(&launch);
        for wanted in [
            "PANTHER_IVY_IDLE_MS=2000",
            "TEST_TYPE=client",
            "PANTHER_IVY_CERT_PATH=/tls/cert.pem",
            "PANTHER_IVY_KEY_PATH=/tls/priv.key",
        ] {
            assert!(env.contains(&wanted.to_owned()), "{wanted} in {env:?}");
        }
        assert_eq!(
            fs::read_to_string(
                out.path()
                    .join("quic_base/quic_utils/http_response_file.txt")
            )
            .unwrap(),
            RESPONSE
        );
        server.key = None;
        let error = super::launch(&server, &entry, out.path(), Path::new("l")).unwrap_err();
        assert_eq!(error, "a QUIC test needs --key");
    }

    #[test]
    fn g_plus_plus_takes_picotls_from_the_entry_first() {
        let args = cxx_args("t").join(" ");
        assert_eq!(
            args,
            "-Wno-parentheses-equality -std=c++11 -I ../../../picotls/include \
             -DPANTHER_IVY_BASE_DIR=../../../quic -o t t.cpp -L ../../../picotls/lib -lz3 \
             -lpicotls-core -lpicotls-minicrypto -lpicotls-openssl -lssl -lcrypto -ldl -pthread"
        );
    }
}
