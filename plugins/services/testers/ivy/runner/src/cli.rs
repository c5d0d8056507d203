//! The command line of `panther-ivy`.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// The protocols whose tests the runner compiles and runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Protocol {
    /// minip: the specification's folder compiled as it is, by ivyc.
    Minip,
    /// QUIC: a server test of PANTHER's QUIC models (the tester plays the client),
    /// flattened with PANTHER's Ivy include files, translated by ivyc and built by g++
    /// against picotls.
    Quic,
}

/// Compiles an Ivy specification's test with `ivyc target=test`, once per input (the
/// result is cached), runs the tester and writes its verdict to ARTIFACTS/verdict.json.
///
/// Exit code: the tester's (128 + N when signal N ended it); 2 when the test could not
/// be compiled or started.
#[derive(Debug, Parser)]
#[command(name = "panther-ivy", version)]
pub struct Cli {
    /// The protocol of the test.
    #[arg(long, value_enum, default_value_t = Protocol::Minip)]
    pub protocol: Protocol,
    /// The directory of the specification: its .ivy files (and C++ snippets); for QUIC,
    /// PANTHER's protocol-testing/quic.
    #[arg(long, value_name = "DIR")]
    pub spec_dir: PathBuf,
    /// QUIC: PANTHER's own Ivy include files (its ivy/include/1.7).
    #[arg(long, value_name = "DIR", required_if_eq("protocol", "quic"))]
    pub include_dir: Option<PathBuf>,
    /// QUIC: picotls, as include/picotls.h and lib/libpicotls-*.a.
    #[arg(long, value_name = "DIR", required_if_eq("protocol", "quic"))]
    pub picotls_dir: Option<PathBuf>,
    /// The test to compile and run: a .ivy file of the specification, without `.ivy`.
    #[arg(long, value_name = "NAME")]
    pub test: String,
    /// The Ivy compiler.
    #[arg(long, value_name = "PATH")]
    pub ivyc: PathBuf,
    /// Where compiled tests are kept [default: $PANTHER_CACHE_DIR/ivy, else
    /// ~/.cache/panther-host/ivy].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Where ivy.log (the tester's event log), compile.log and verdict.json go.
    #[arg(long, value_name = "DIR")]
    pub artifacts: PathBuf,
    /// Only compile the test (or find it in the cache), then exit: 0 when it compiled,
    /// 2 with verdict.json saying why when it did not.
    #[arg(long)]
    pub compile_only: bool,
    /// The tester's random seed.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(..=i32::MAX as i64))]
    pub seed: u32,
    /// How many iterations the test loop runs (Ivy's test_iters).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=i32::MAX as i64))]
    pub iterations: u32,
    /// The server under test, when the tester plays the client; given to the test as
    /// the parameters `iut_addr` (its IPv4 address as a number) and `iut_port` (QUIC:
    /// `server_addr` and `server_port`). Without it the tester plays the server.
    #[arg(long, value_name = "HOST:PORT")]
    pub iut: Option<String>,
    /// QUIC: the tester's own address, given to the test as `client_addr` (playing the
    /// server: `server_addr`).
    #[arg(long, value_name = "HOST")]
    pub tester_host: Option<String>,
    /// The tester's own port, given to the test as the parameter `tester_port` (QUIC:
    /// `client_port`, and the next one as `client_port_alt`; playing the server:
    /// `server_port`).
    #[arg(long, value_name = "PORT")]
    pub tester_port: Option<u16>,
    /// QUIC, playing the server: the certificate (PEM) it presents.
    #[arg(long, value_name = "FILE")]
    pub certificate: Option<PathBuf>,
    /// QUIC, playing the server: the certificate's private key (PEM).
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// QUIC: end the test loop when, for this long, the tester generated nothing and
    /// received nothing (the exchange is over); 0 never does.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub idle_ms: u32,
    /// How long the tester may run: past it, it is stopped and the verdict is unknown.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(1..))]
    pub time_limit: Option<u32>,
    /// QUIC: the ALPN the tester offers (TEST_ALPN).
    #[arg(long, value_name = "PROTOCOL", default_value = "hq-interop")]
    pub alpn: String,
    /// QUIC: the version of the tester's first packets (INITIAL_VERSION, `iversion`).
    #[arg(long, value_name = "VERSION", default_value_t = 1)]
    pub initial_version: u32,
    /// QUIC: the path the tester asks the server for (`GET PATH`, HTTP/0.9).
    #[arg(long, value_name = "PATH", default_value = "/index.html")]
    pub request_path: String,
    /// Another parameter of the test, given as it is (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
}

/// Splits `NAME=VALUE`.
fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("'{text}' is not NAME=VALUE")),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn reads_every_option() {
        let cli = Cli::try_parse_from([
            "panther-ivy",
            "--spec-dir",
            "/specs/minip",
            "--test",
            "minip_server_test",
            "--ivyc",
            "/venv/bin/ivyc",
            "--cache-dir",
            "/cache",
            "--artifacts",
            "/out",
            "--seed",
            "7",
            "--iterations",
            "50",
            "--iut",
            "127.0.0.1:4443",
            "--tester-port",
            "4444",
            "--param",
            "min_delay_ms=20",
            "--param",
            "note=a=b",
        ])
        .unwrap();
        assert_eq!(cli.test, "minip_server_test");
        assert_eq!((cli.seed, cli.iterations), (7, 50));
        assert_eq!(cli.iut.as_deref(), Some("127.0.0.1:4443"));
        assert_eq!(cli.tester_port, Some(4444));
        assert_eq!(
            cli.params,
            [
                ("min_delay_ms".to_owned(), "20".to_owned()),
                ("note".to_owned(), "a=b".to_owned())
            ]
        );
        assert_eq!(cli.protocol, Protocol::Minip);
        assert_eq!(cli.time_limit, None);
    }

    #[test]
    fn reads_the_quic_options() {
        let cli = Cli::try_parse_from([
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
            "--iut",
            "127.0.0.1:4443",
            "--tester-host",
            "127.0.0.1",
            "--tester-port",
            "4987",
            "--time-limit",
            "120",
            "--alpn",
            "h3",
            "--initial-version",
            "2",
            "--request-path",
            "/handshake-1.bin",
        ])
        .unwrap();
        assert_eq!(cli.protocol, Protocol::Quic);
        assert_eq!(cli.include_dir, Some(PathBuf::from("/models/include")));
        assert_eq!(cli.picotls_dir, Some(PathBuf::from("/picotls")));
        assert_eq!(cli.tester_host.as_deref(), Some("127.0.0.1"));
        assert_eq!(cli.time_limit, Some(120));
        assert_eq!((cli.alpn.as_str(), cli.initial_version), ("h3", 2));
        assert_eq!(cli.request_path, "/handshake-1.bin");
    }

    #[test]
    fn quic_needs_its_sources_and_its_own_address() {
        let full = [
            "panther-ivy",
            "--protocol",
            "quic",
            "--spec-dir",
            "s",
            "--include-dir",
            "i",
            "--picotls-dir",
            "p",
            "--test",
            "t",
            "--ivyc",
            "c",
            "--artifacts",
            "a",
            "--iut",
            "127.0.0.1:1",
            "--tester-host",
            "127.0.0.1",
            "--tester-port",
            "2",
        ];
        let cli = Cli::try_parse_from(full).unwrap();
        assert_eq!((cli.alpn.as_str(), cli.initial_version), ("hq-interop", 1));
        assert_eq!(cli.request_path, "/index.html");
        for option in ["--include-dir", "--picotls-dir"] {
            let at = full.iter().position(|arg| *arg == option).unwrap();
            let mut args = full.to_vec();
            args.drain(at..at + 2);
            assert!(Cli::try_parse_from(args).is_err(), "without {option}");
        }
        let at = full.iter().position(|arg| *arg == "--iut").unwrap();
        let mut playing_the_server = full.to_vec();
        playing_the_server.drain(at..at + 2);
        assert_eq!(Cli::try_parse_from(playing_the_server).unwrap().iut, None);
    }

    #[test]
    fn refuses_a_parameter_without_a_name_and_zero_iterations() {
        let base = [
            "panther-ivy",
            "--spec-dir",
            "s",
            "--test",
            "t",
            "--ivyc",
            "i",
            "--artifacts",
            "a",
        ];
        let with = |extra: &[&str]| {
            let mut args = base.to_vec();
            args.extend_from_slice(extra);
            Cli::try_parse_from(args)
        };
        assert!(with(&[]).is_ok());
        assert!(with(&["--param", "=1"]).is_err());
        assert!(with(&["--param", "novalue"]).is_err());
        assert!(with(&["--iterations", "0"]).is_err());
        assert!(with(&["--seed", "2147483648"]).is_err());
        assert!(with(&["--time-limit", "0"]).is_err());
        assert!(with(&["--protocol", "tcp"]).is_err());
    }
}
