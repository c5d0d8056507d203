//! The command line: arguments, dispatch, and exit codes (0 success, 1 failure,
//! 2 input refused).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::commands::plugins;
use crate::error::InputError;
use crate::logging;
use crate::registry::{self, PROBE_SUBCOMMAND};

/// Runs network-protocol experiments whose services and environments are plugins.
#[derive(Debug, Parser)]
#[command(name = "panther-host", version)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalOptions,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalOptions {
    /// A directory of plugin libraries (repeatable; PANTHER_PLUGIN_PATH adds more).
    #[arg(long = "plugins", value_name = "DIR", global = true)]
    pub plugin_directories: Vec<PathBuf>,
    /// Where probe results are cached (default: $PANTHER_CACHE_DIR, else ~/.cache/panther-host).
    #[arg(long, value_name = "DIR", global = true)]
    pub cache_dir: Option<PathBuf>,
    /// More log output (-v, -vv, -vvv).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Less log output.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub quiet: u8,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List, inspect and check plugins.
    #[command(subcommand)]
    Plugins(PluginsCommand),
    /// Probe one file in this process and print the report (used by the host itself).
    #[command(name = PROBE_SUBCOMMAND, hide = true)]
    Probe {
        file: PathBuf,
        #[arg(long)]
        with_calls: bool,
    },
}

#[derive(Debug, Subcommand)]
enum PluginsCommand {
    /// Every plugin found, and every file refused with the reason.
    List {
        /// Print JSON for machines.
        #[arg(long)]
        json: bool,
    },
    /// Everything a plugin says about itself, with its config schema.
    Inspect {
        /// A plugin name, or the path of a plugin file.
        plugin: String,
        /// Print JSON for machines.
        #[arg(long)]
        json: bool,
    },
    /// Load plugin files in a child process, call each method once, and report.
    Check {
        /// Plugin files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print JSON for machines.
        #[arg(long)]
        json: bool,
    },
}

/// Parses the arguments, runs the command and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command {
        Command::Probe { file, with_calls } => {
            let report = registry::run_probe(&file, with_calls);
            println!("{}", serde_json::to_string(&report).unwrap_or_default());
            return ExitCode::SUCCESS;
        }
        Command::Plugins(command) => command,
    };
    logging::init(cli.global.verbose, cli.global.quiet);
    match run(&cli.global, &command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("panther-host: {error}");
            if error.downcast_ref::<InputError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(global: &GlobalOptions, command: &PluginsCommand) -> anyhow::Result<ExitCode> {
    let context = plugins::Context::new(global)?;
    match command {
        PluginsCommand::List { json } => plugins::list(&context, *json),
        PluginsCommand::Inspect { plugin, json } => plugins::inspect(&context, plugin, *json),
        PluginsCommand::Check { files, json } => plugins::check(&context, files, *json),
    }
}
