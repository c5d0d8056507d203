//! Log output on standard error: `-v`/`-q` set the level, `RUST_LOG` overrides it.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Sets up logging for a verbosity given by `-v` (more) and `-q` (less) counts.
pub fn init(verbose: u8, quiet: u8) {
    let level = match i16::from(verbose) - i16::from(quiet) {
        ..=-1 => "error",
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .without_time()
        .init();
}
