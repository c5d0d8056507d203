//! minip: the specification's folder, compiled as it is by `ivyc target=test`, and the
//! tester's parameters (`iut_addr`, `iut_port`, `tester_port`).

use std::path::Path;

use crate::cache::{MODEL_SUBDIR, read_tree};
use crate::cli::Cli;
use crate::compile::{Recipe, Step};
use crate::tester::{self, Launch};

/// The event the minip specification logs each message of the implementation as.
pub const RECEPTION: &str = "from_iut";

/// How to compile `test` of the specification in `spec_dir` with `ivyc`.
pub fn recipe(spec_dir: &Path, test: &str, ivyc: &Path, toolchain: &str) -> Result<Recipe, String> {
    let files = read_tree(spec_dir, &|_| true).map_err(|error| {
        format!(
            "cannot read the specification {}: {error}",
            spec_dir.display()
        )
    })?;
    let file = format!("{test}.ivy");
    if !files.iter().any(|(path, _)| path == Path::new(&file)) {
        return Err(format!(
            "the specification {} has no {file}",
            spec_dir.display()
        ));
    }
    let files = files
        .into_iter()
        .map(|(path, contents)| (Path::new(MODEL_SUBDIR).join(path), contents))
        .collect();
    let step = Step::new(ivyc, vec!["target=test".to_owned(), file]);
    Ok(Recipe::new(test, toolchain, files, vec![step]))
}

/// The tester's arguments (`seed=1 iters=200 out=... iut_addr=... NAME=VALUE...`), with
/// the event log written to `event_log`.
pub fn launch(cli: &Cli, event_log: &Path) -> Result<Launch, String> {
    let mut args = tester::common_arguments(cli.seed, cli.iterations, event_log);
    if let Some(iut) = &cli.iut {
        let address = tester::ipv4(iut, "the implementation's address")?;
        args.push(format!("iut_addr={}", u32::from(*address.ip())));
        args.push(format!("iut_port={}", address.port()));
    }
    if let Some(port) = cli.tester_port {
        args.push(format!("tester_port={port}"));
    }
    args.extend(tester::parameters(&cli.params));
    Ok(Launch {
        args,
        env: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use std::fs;

    use clap::Parser;

    use super::*;

    fn cli(extra: &[&str]) -> Cli {
        let mut args = vec![
            "panther-ivy",
            "--spec-dir",
            "/specs/minip",
            "--test",
            "minip_server_test",
            "--ivyc",
            "/venv/bin/ivyc",
            "--artifacts",
            "/out",
            "--seed",
            "3",
            "--iterations",
            "200",
        ];
        args.extend_from_slice(extra);
        Cli::try_parse_from(args).unwrap()
    }

    #[test]
    fn gives_the_tester_its_parameters() {
        let cli = cli(&[
            "--iut",
            "127.0.0.1:4443",
            "--tester-port",
            "4444",
            "--param",
            "min_delay_ms=20",
        ]);
        let launch = launch(&cli, Path::new("/out/ivy.log")).unwrap();
        assert_eq!(
            launch.args,
            [
                "seed=3",
                "iters=200",
                "out=/out/ivy.log",
                "iut_addr=2130706433",
                "iut_port=4443",
                "tester_port=4444",
                "min_delay_ms=20",
            ]
        );
        assert!(launch.env.is_empty());
    }

    #[test]
    fn leaves_out_an_absent_peer_and_refuses_one_without_ipv4() {
        let launch = launch(&cli(&[]), Path::new("l")).unwrap();
        assert!(!launch.args.iter().any(|arg| arg.starts_with("iut_")));
        let error = super::launch(&cli(&["--iut", "[::1]:4443"]), Path::new("l")).unwrap_err();
        assert!(error.contains("IPv4 only"), "{error}");
    }

    #[test]
    fn compiles_the_specification_s_folder_as_it_is() {
        let spec = tempfile::tempdir().unwrap();
        fs::write(spec.path().join("t.ivy"), "test").unwrap();
        fs::create_dir(spec.path().join("lib")).unwrap();
        fs::write(spec.path().join("lib/m.h"), "header").unwrap();
        let recipe = recipe(spec.path(), "t", Path::new("/venv/bin/ivyc"), "tools").unwrap();
        let paths: Vec<_> = recipe.inputs.files.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(
            paths,
            [
                Path::new(MODEL_SUBDIR).join("lib/m.h"),
                Path::new(MODEL_SUBDIR).join("t.ivy")
            ]
        );
        assert_eq!(recipe.inputs.commands, ["ivyc target=test t.ivy"]);
        assert!(
            matches!(&recipe.steps[0], Step::Command { program, .. } if program == Path::new("/venv/bin/ivyc"))
        );
        let error = super::recipe(spec.path(), "u", Path::new("ivyc"), "tools").unwrap_err();
        assert!(error.ends_with("has no u.ivy"), "{error}");
        let error =
            super::recipe(Path::new("/nonexistent"), "t", Path::new("ivyc"), "tools").unwrap_err();
        assert!(
            error.starts_with("cannot read the specification /nonexistent: "),
            "{error}"
        );
    }
}
