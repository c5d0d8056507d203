//! `validate`, `plan`, `run` and `schema`.

use std::fmt::Write;
use std::path::Path;
use std::process::ExitCode;

use panther_plugin_api::model::CommandSpec;

use super::experiment::prepare;
use super::plugins::Context;
use crate::experiment::model::experiment_schema;
use crate::plan::{RunPlan, ServiceLaunch};
use crate::report::{RunResults, RunState, TestStatus, now_rfc3339, terminal};
use crate::run::{Cleaned, Ledger, Progress, describe_readiness, run_plan, shown};

/// The exit code of an interrupted run (128 + SIGINT), as shells expect.
const INTERRUPTED: u8 = 130;

/// Prints the JSON Schema of experiment files.
pub fn schema() -> anyhow::Result<ExitCode> {
    println!("{}", serde_json::to_string_pretty(&experiment_schema())?);
    Ok(ExitCode::SUCCESS)
}

/// Checks the experiment, and plans it so that the plugins check their settings too,
/// and says what it holds; nothing runs.
pub fn validate(context: &Context, file: &Path) -> anyhow::Result<ExitCode> {
    let prepared = prepare(context, file, None, None)?;
    let tests = &prepared.experiment.tests;
    let iterations: u32 = tests.iter().map(|t| t.iterations).sum();
    let not_run = prepared
        .plan
        .tests
        .iter()
        .filter(|t| t.not_run.is_some())
        .count();
    let skipped = if not_run == 0 {
        String::new()
    } else {
        format!(", {not_run} of which will not run (see `plan`)")
    };
    println!(
        "{}: valid: {} test(s), {iterations} test iteration(s){skipped}",
        file.display(),
        tests.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn command_line(command: &CommandSpec) -> String {
    let mut text = String::new();
    for (key, value) in &command.env {
        let _ = write!(text, "{key}={value} ");
    }
    text.push_str(&shown(command));
    text
}

fn describe_service(text: &mut String, position: usize, service: &ServiceLaunch) {
    let decides = if service.plan.decides {
        ", decides the test"
    } else {
        ""
    };
    let _ = writeln!(
        text,
        "  {position}. {} ({} as {}{decides}), ready when {}",
        service.name,
        service.implementation,
        service.role,
        describe_readiness(service.ready())
    );
    for companion in &service.companions {
        let _ = writeln!(
            text,
            "     beside it ({}): {}",
            companion.name,
            command_line(&companion.command)
        );
    }
    for command in &service.prepare {
        let _ = writeln!(text, "     prepare: {}", command_line(command));
    }
    let _ = writeln!(text, "     $ {}", command_line(&service.command));
    if let Some(cwd) = &service.command.cwd {
        let _ = writeln!(text, "     in {}", cwd.display());
    }
    let _ = writeln!(
        text,
        "     stdout {} / stderr {}",
        service.stdout.display(),
        service.stderr.display()
    );
    for wrapping in &service.wrappings {
        let _ = writeln!(text, "     wrapped by {}", wrapping.plugin);
    }
    for analysis in service.analyses() {
        let _ = writeln!(
            text,
            "     afterwards: {} > {}",
            command_line(&analysis.command),
            analysis.output.display()
        );
    }
    let artifacts: Vec<String> = service
        .artifacts()
        .map(|a| format!("{} ({})", a.name, a.path.display()))
        .collect();
    if !artifacts.is_empty() {
        let _ = writeln!(text, "     produces {}", artifacts.join(", "));
    }
}

fn plan_text(plan: &RunPlan) -> String {
    let mut text = String::new();
    let total = plan.tests.len();
    for (index, test) in plan.tests.iter().enumerate() {
        let _ = writeln!(
            text,
            "test {}/{total}: {} (iteration {}/{}, timeout {} s, network {})",
            index + 1,
            test.name,
            test.iteration,
            test.iterations,
            test.timeout.as_secs_f64(),
            test.network
        );
        let _ = writeln!(text, "  outputs in {}", test.directory.display());
        if let Some(why) = &test.not_run {
            let _ = writeln!(text, "  not run ({}): {}", why.status.as_str(), why.reason);
        }
        for file in test.files() {
            let _ = writeln!(text, "  writes {}", file.path.display());
        }
        for probe in &test.deployment.skip_unless {
            let _ = writeln!(
                text,
                "  skipped unless {} is there: {}",
                probe.what,
                command_line(&probe.command)
            );
        }
        for command in &test.deployment.setup {
            let _ = writeln!(text, "  setup: {}", command_line(command));
        }
        for daemon in &test.deployment.daemons {
            let _ = writeln!(
                text,
                "  daemon ({}), ready when {}: {}",
                daemon.name,
                describe_readiness(&daemon.ready),
                command_line(&daemon.command)
            );
        }
        if let Some(launcher) = &test.launcher {
            let _ = writeln!(
                text,
                "  launches every service: {}",
                command_line(&launcher.command)
            );
            for collection in &launcher.collect {
                let _ = writeln!(
                    text,
                    "  afterwards: {} > {}",
                    command_line(&collection.command),
                    collection.stdout.display()
                );
            }
        }
        for (position, service) in test.services.iter().enumerate() {
            describe_service(&mut text, position + 1, service);
        }
        for command in &test.deployment.teardown {
            let _ = writeln!(text, "  teardown: {}", command_line(command));
        }
        text.push('\n');
    }
    text
}

/// Prints every command, environment, file and order the run would use.
pub fn plan(
    context: &Context,
    file: &Path,
    filter: Option<&str>,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let prepared = prepare(context, file, filter, None)?;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&prepared.plan)?);
    } else {
        print!("{}", plan_text(&prepared.plan));
    }
    Ok(ExitCode::SUCCESS)
}

fn describe_cleaned(cleaned: &Cleaned) -> String {
    if cleaned.problems.is_empty() {
        format!("{}: torn down", cleaned.what)
    } else {
        format!(
            "{}: torn down; some commands failed (what they remove may have been gone already): {}",
            cleaned.what,
            cleaned.problems.join("; ")
        )
    }
}

/// Tears down what runs that were killed left behind (network namespaces, containers),
/// from the teardown commands they recorded.
pub fn clean(context: &Context) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let ledger = Ledger::new(&context.state_directory());
    let cleaned = runtime.block_on(ledger.clean());
    for item in &cleaned {
        println!("{}", describe_cleaned(item));
    }
    println!("{} leftover(s) cleaned", cleaned.len());
    Ok(ExitCode::SUCCESS)
}

/// Options of `run`.
pub struct RunOptions<'a> {
    /// Only tests whose name contains this.
    pub filter: Option<&'a str>,
    /// Where the run's directory is made, instead of the experiment's `output`.
    pub output: Option<&'a Path>,
    /// How many test iterations run at once.
    pub jobs: usize,
    /// Whether progress is hidden.
    pub quiet: bool,
}

/// Runs the experiment and prints the summary.
pub fn run(context: &Context, file: &Path, options: &RunOptions<'_>) -> anyhow::Result<ExitCode> {
    let prepared = prepare(context, file, options.filter, options.output)?;
    let directory = prepared.plan.directory.clone();
    std::fs::create_dir_all(&directory)?;
    std::fs::copy(file, directory.join("experiment.toml"))?;
    std::fs::write(
        directory.join("resolved-experiment.json"),
        serde_json::to_vec_pretty(&prepared.experiment.tests)?,
    )?;
    std::fs::write(
        directory.join("plan.json"),
        serde_json::to_vec_pretty(&prepared.plan)?,
    )?;
    let results = RunResults {
        experiment: prepared.experiment.file.experiment.name.clone(),
        run_id: prepared.run_id.clone(),
        host_version: env!("CARGO_PKG_VERSION").to_owned(),
        started: now_rfc3339(),
        finished: None,
        state: RunState::Running,
        planned: prepared.plan.tests.len(),
        tests: Vec::new(),
        matrices: Default::default(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let ledger = Ledger::new(&context.state_directory());
    for cleaned in runtime.block_on(ledger.clean()) {
        eprintln!(
            "panther-host: cleaned up after a run that was killed: {}",
            describe_cleaned(&cleaned)
        );
    }
    let progress = Progress::new(prepared.plan.tests.len(), options.quiet);
    let results = runtime.block_on(run_plan(
        prepared.plan,
        prepared.components,
        results,
        options.jobs,
        progress,
        ledger,
    ));
    print!("{}", terminal(&results, &directory));
    let code = if results.state == RunState::Interrupted {
        ExitCode::from(INTERRUPTED)
    } else if results
        .tests
        .iter()
        .any(|t| matches!(t.status, TestStatus::Failed | TestStatus::Error))
    {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    };
    Ok(code)
}
