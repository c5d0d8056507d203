//! `scripts/build-stacks`: builds the QUIC stacks that no package provides from the
//! sources pinned in `stacks.toml` into the host's cache, where their plugins find
//! them. Each build's key covers its sources, recipe, toolchain, Debian packages and
//! compiler variables, so a second run with nothing changed returns at once.

mod cli;
mod environment;
mod inputs;
mod process;
#[cfg(test)]
mod readme;
mod recipe;
mod report;
mod selection;
mod sources;
mod stack_build;

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use panther_plugin_api::cache::default_cache_directory;
use panther_stacks::{CACHE_FOLDER, Pins};

use crate::cli::Cli;
use crate::selection::{everything, select};
use crate::sources::SourceFinder;
use crate::stack_build::{Builder, Outcome};

/// Exit code for a refused command line.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("scripts/build-stacks: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the command; an error for a build that failed, an exit code of 2 for a
/// command line that names what does not exist.
fn run(cli: &Cli) -> Result<ExitCode> {
    let pins_file = cli.pins_file();
    let text = std::fs::read_to_string(&pins_file)
        .with_context(|| format!("reading {}", pins_file.display()))?;
    let pins = match Pins::parse(&text) {
        Ok(pins) => pins,
        Err(problem) => {
            eprintln!("scripts/build-stacks: {}: {problem}", pins_file.display());
            return Ok(ExitCode::from(USAGE));
        }
    };
    let chosen = if cli.list && cli.builds.is_empty() {
        Ok(everything(&pins))
    } else {
        select(&pins, &cli.builds)
    };
    let wanted = match chosen {
        Ok(wanted) => wanted,
        Err(problem) => {
            eprintln!("scripts/build-stacks: {problem}");
            return Ok(ExitCode::from(USAGE));
        }
    };
    let Some(cache_dir) = cli.cache_dir.clone().or_else(default_cache_directory) else {
        eprintln!("scripts/build-stacks: no cache directory: set PANTHER_CACHE_DIR or HOME");
        return Ok(ExitCode::from(USAGE));
    };
    let builder = Builder {
        pins: &pins,
        pins_dir: pins_file
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default(),
        sources: SourceFinder {
            folders: cli.source_folders(),
            store: cache_dir.join(CACHE_FOLDER).join("sources"),
        },
        cache_dir,
        jobs: cli.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        }),
    };
    if cli.list {
        for build in &wanted {
            let (path, built) = builder.located(build)?;
            let state = if built { "built" } else { "not built" };
            println!("{}\t{state}\t{}", build.label(), path.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    for build in &wanted {
        let outcome = builder.build(build)?;
        let (path, _) = builder.located(build)?;
        match outcome {
            Outcome::Cached => eprintln!("{}: up to date in {}", build.label(), path.display()),
            Outcome::Built(took) => {
                eprintln!("{}: built in {took}, in {}", build.label(), path.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
