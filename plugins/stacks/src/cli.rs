//! The command line.

use std::path::PathBuf;

use clap::Parser;

/// The folder of this crate, where `stacks.toml` is.
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// Builds QUIC stacks from the sources pinned in stacks.toml into the host's cache,
/// where their plugins find them. A finished build is reused as long as its sources,
/// recipe, toolchain and Debian packages are the same.
#[derive(Debug, Parser)]
#[command(name = "scripts/build-stacks")]
pub struct Cli {
    /// What to build: NAME (every version of a stack) or NAME@VERSION; none builds
    /// every version of every stack the test command needs.
    pub builds: Vec<String>,
    /// Prints each build asked for (every one when none is named), whether it is
    /// built and where, and builds nothing.
    #[arg(long)]
    pub list: bool,
    /// The pins [default: stacks.toml of this checkout].
    #[arg(long)]
    pub pins: Option<PathBuf>,
    /// The cache directory [default: $PANTHER_CACHE_DIR, else ~/.cache/panther-host].
    #[arg(long, env = "PANTHER_CACHE_DIR", hide_env_values = true)]
    pub cache_dir: Option<PathBuf>,
    /// A folder of source snapshots (ID.tar.gz) to look in first.
    #[arg(long, env = "PANTHER_SOURCES")]
    pub sources: Option<PathBuf>,
    /// Parallel compile jobs [default: the number of CPUs].
    #[arg(long)]
    pub jobs: Option<usize>,
}

impl Cli {
    /// The pins file to build from.
    pub fn pins_file(&self) -> PathBuf {
        self.pins
            .clone()
            .unwrap_or_else(|| PathBuf::from(CRATE_DIR).join("stacks.toml"))
    }

    /// The folders searched for source snapshots, in order: `--sources` (or
    /// `$PANTHER_SOURCES`), then the `shared/sources` beside the checkout (or beside
    /// the nearest folder above it that has one), then the snapshots vendored in this
    /// crate's `vendor/`.
    pub fn source_folders(&self) -> Vec<PathBuf> {
        let crate_dir = PathBuf::from(CRATE_DIR);
        let checkout = crate_dir.join("../..");
        let checkout = checkout.canonicalize().unwrap_or(checkout);
        let beside: Vec<PathBuf> = checkout
            .ancestors()
            .skip(1)
            .map(|folder| folder.join("shared/sources"))
            .collect();
        let shared = beside
            .iter()
            .find(|folder| folder.is_dir())
            .or(beside.first())
            .cloned();
        let vendored = crate_dir.join("vendor");
        self.sources
            .iter()
            .cloned()
            .chain(shared)
            .chain([vendored])
            .collect()
    }
}
