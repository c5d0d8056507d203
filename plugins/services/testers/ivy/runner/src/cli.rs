//! The command line of `panther-ivy`.

use std::path::PathBuf;

use clap::Parser;

/// Compiles an Ivy specification's test with `ivyc target=test`, once per input (the
/// result is cached), runs the tester and writes its verdict to ARTIFACTS/verdict.json.
///
/// Exit code: the tester's (128 + N when signal N ended it); 2 when the test could not
/// be compiled or started.
#[derive(Debug, Parser)]
#[command(name = "panther-ivy", version)]
pub struct Cli {
    /// The directory of the specification: its .ivy files (and C++ snippets).
    #[arg(long, value_name = "DIR")]
    pub spec_dir: PathBuf,
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
    /// The tester's random seed.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(..=i32::MAX as i64))]
    pub seed: u32,
    /// How many iterations the test loop runs (Ivy's test_iters).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=i32::MAX as i64))]
    pub iterations: u32,
    /// The implementation under test, given to the test as the parameters `iut_addr`
    /// (its IPv4 address as a number) and `iut_port`.
    #[arg(long, value_name = "HOST:PORT")]
    pub iut: Option<String>,
    /// The tester's own port, given to the test as the parameter `tester_port`.
    #[arg(long, value_name = "PORT")]
    pub tester_port: Option<u16>,
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
    }
}
