//! The command line: arguments, dispatch, and exit codes (0 success, 1 failure,
//! 2 input refused).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::commands::{plugins, run};
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
    /// Run an experiment: every test, judged, with results in one directory.
    Run {
        /// The experiment file (TOML).
        file: PathBuf,
        /// How many test iterations run at once.
        #[arg(short, long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
        jobs: u16,
        /// Only the tests whose name contains this text.
        #[arg(long = "test", value_name = "PATTERN")]
        test: Option<String>,
        /// Make the run's results directory under DIR instead of the experiment's `output`.
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Check an experiment against the schema and the plugins; nothing runs.
    Validate {
        /// The experiment file (TOML).
        file: PathBuf,
    },
    /// Print every command, environment, file and order a run would use; nothing runs.
    Plan {
        /// The experiment file (TOML).
        file: PathBuf,
        /// Only the tests whose name contains this text.
        #[arg(long = "test", value_name = "PATTERN")]
        test: Option<String>,
        /// Print JSON for machines.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of experiment files, for editors.
    Schema,
    /// Tear down what killed runs left behind (network namespaces, containers); `run`
    /// also does this before it starts.
    Clean,
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
    if let Command::Probe { file, with_calls } = &cli.command {
        let report = registry::run_probe(file, *with_calls);
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    logging::init(cli.global.verbose, cli.global.quiet);
    match dispatch(&cli.global, &cli.command) {
        Ok(code) => code,
        Err(error) => match error.downcast_ref::<InputError>() {
            Some(refused) => {
                eprintln!("{refused}");
                ExitCode::from(2)
            }
            None => {
                eprintln!("panther-host: {error:#}");
                ExitCode::FAILURE
            }
        },
    }
}

fn dispatch(global: &GlobalOptions, command: &Command) -> anyhow::Result<ExitCode> {
    if let Command::Schema = command {
        return run::schema();
    }
    let context = plugins::Context::new(global)?;
    match command {
        Command::Run {
            file,
            jobs,
            test,
            output,
        } => {
            let options = run::RunOptions {
                filter: test.as_deref(),
                output: output.as_deref(),
                jobs: usize::from(*jobs),
                quiet: global.quiet > 0,
            };
            run::run(&context, file, &options)
        }
        Command::Validate { file } => run::validate(&context, file),
        Command::Clean => run::clean(&context),
        Command::Plan { file, test, json } => run::plan(&context, file, test.as_deref(), *json),
        Command::Plugins(PluginsCommand::List { json }) => plugins::list(&context, *json),
        Command::Plugins(PluginsCommand::Inspect { plugin, json }) => {
            plugins::inspect(&context, plugin, *json)
        }
        Command::Plugins(PluginsCommand::Check { files, json }) => {
            plugins::check(&context, files, *json)
        }
        Command::Schema | Command::Probe { .. } => Ok(ExitCode::SUCCESS),
    }
}
