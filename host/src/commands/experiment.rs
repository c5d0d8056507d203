//! What `validate`, `plan` and `run` share: read and check the experiment against the
//! plugins, pick the tests asked for, and plan them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::commands::plugins::Context;
use crate::components::Components;
use crate::error::InputError;
use crate::experiment::{Experiment, load};
use crate::plan::{RunPlan, check_programs, plan_run, skip_failed_probes, slug};

/// An experiment checked and planned, nothing run yet.
pub struct Prepared {
    /// The experiment.
    pub experiment: Experiment,
    /// The plugins it uses, loaded.
    pub components: Arc<Components>,
    /// What the run will do.
    pub plan: RunPlan,
    /// The run's id, the name of its directory.
    pub run_id: String,
}

/// A run id from the experiment's name and the time: `minip-20261123-101500`.
fn run_id(experiment: &str) -> String {
    let stamp = crate::report::now_rfc3339()
        .replace(['-', ':'], "")
        .replace('T', "-")
        .trim_end_matches('Z')
        .to_owned();
    format!("{}-{stamp}", slug(experiment))
}

/// A directory under `root` named after the run id, not yet used by another run.
fn fresh_directory(root: &Path, id: &str) -> (String, PathBuf) {
    let mut candidate = (id.to_owned(), root.join(id));
    let mut n = 2;
    while candidate.1.exists() {
        let with_number = format!("{id}-{n}");
        candidate = (with_number.clone(), root.join(with_number));
        n += 1;
    }
    candidate
}

/// Checks, filters and plans the experiment.
pub fn prepare(
    context: &Context,
    file: &Path,
    filter: Option<&str>,
    output: Option<&Path>,
) -> Result<Prepared, InputError> {
    let registry = context.registry()?;
    let mut experiment = load(file, &registry)?;
    if let Some(pattern) = filter {
        experiment.tests.retain(|test| test.name.contains(pattern));
        if experiment.tests.is_empty() {
            return Err(InputError::new(format!(
                "--test {pattern:?}: no test of {} has that in its name",
                file.display()
            )));
        }
    }
    let components = Components::load(&registry, &experiment)?;
    let root = output.map_or_else(|| experiment.output_root.clone(), Path::to_path_buf);
    let (run_id, directory) = fresh_directory(&root, &run_id(&experiment.file.experiment.name));
    let directory = std::path::absolute(&directory).unwrap_or(directory);
    let mut plan = plan_run(
        &experiment.file.experiment.name,
        &experiment.tests,
        &components,
        &directory,
        &run_id,
        &experiment.source,
        context.cache_directory(),
    )?;
    skip_failed_probes(&mut plan);
    check_programs(&plan)?;
    Ok(Prepared {
        experiment,
        components: Arc::new(components),
        plan,
        run_id,
    })
}
