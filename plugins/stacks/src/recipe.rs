//! A stack's recipe: a bash file that sets `STEPS`, the names of its steps in order,
//! and defines `step_NAME` for each. Each step runs in its own bash, with `set -euo
//! pipefail` and `set -x` (so its log shows every command), in the build's work
//! folder, with these variables:
//! - `STACK`, `STACK_VERSION`: what is built (`picoquic`, `rfc9000`);
//! - `SRC`: where the version's sources are unpacked, each at its place in stacks.toml;
//! - `WORK`: a scratch folder, removed once the build is complete;
//! - `PREFIX`: the build's folder, whose `bin/` must end up holding its programs
//!   (and which holds the other files stacks.toml names, relative to it);
//! - `JOBS`: how many compile jobs to run at once;
//! - `RECIPE_DIR`: the folder of the recipe (for files kept beside it).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::process::output_of;

/// Where a step runs and what it is told.
#[derive(Debug, Clone)]
pub struct StepContext {
    /// The stack's name.
    pub stack: String,
    /// The version's name.
    pub version: String,
    /// The unpacked sources.
    pub src: PathBuf,
    /// The scratch folder.
    pub work: PathBuf,
    /// The build's folder.
    pub prefix: PathBuf,
    /// Compile jobs.
    pub jobs: usize,
}

/// A recipe file.
#[derive(Debug, Clone)]
pub struct Recipe {
    /// Its path.
    pub path: PathBuf,
}

impl Recipe {
    /// Its steps, as its `STEPS` names them.
    pub fn steps(&self) -> Result<Vec<String>> {
        let listed = output_of(
            Command::new("bash")
                .args([
                    "-c",
                    "set -eu; source \"$1\"; printf '%s\\n' \"${STEPS[@]}\"",
                    "panther-recipe",
                ])
                .arg(&self.path),
        )
        .with_context(|| format!("reading STEPS from {}", self.path.display()))?;
        let steps: Vec<String> = listed
            .lines()
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        if steps.is_empty() {
            bail!("{} names no STEPS", self.path.display());
        }
        Ok(steps)
    }

    /// Runs `step`, its standard output and error written to `log`; an error with its
    /// exit status when it fails.
    pub fn run(&self, step: &str, context: &StepContext, log: &Path) -> Result<()> {
        let file = File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let recipe_dir = self.path.parent().unwrap_or(Path::new("."));
        let status = Command::new("bash")
            .args([
                "-c",
                "set -euo pipefail; source \"$1\"; set -x; \"step_$2\"",
                "panther-recipe",
            ])
            .arg(&self.path)
            .arg(step)
            .current_dir(&context.work)
            .env("STACK", &context.stack)
            .env("STACK_VERSION", &context.version)
            .env("SRC", &context.src)
            .env("WORK", &context.work)
            .env("PREFIX", &context.prefix)
            .env("JOBS", context.jobs.to_string())
            .env("RECIPE_DIR", recipe_dir)
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .status()
            .context("cannot start bash")?;
        if !status.success() {
            bail!("{status}");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipe(dir: &Path, text: &str) -> Recipe {
        let path = dir.join("recipe.sh");
        std::fs::write(&path, text).unwrap();
        Recipe { path }
    }

    fn context(dir: &Path) -> StepContext {
        StepContext {
            stack: "s".to_owned(),
            version: "v".to_owned(),
            src: dir.join("src"),
            work: dir.to_path_buf(),
            prefix: dir.join("prefix"),
            jobs: 3,
        }
    }

    #[test]
    fn steps_are_listed_and_run_with_the_build_s_variables() {
        let dir = tempfile::tempdir().unwrap();
        let recipe = recipe(
            dir.path(),
            "STEPS=(first second)\nstep_first() { echo \"$STACK@$STACK_VERSION $JOBS\" > out; }\n\
             step_second() { false; echo never; }\n",
        );
        assert_eq!(recipe.steps().unwrap(), ["first", "second"]);
        let log = dir.path().join("first.log");
        recipe.run("first", &context(dir.path()), &log).unwrap();
        let out = std::fs::read_to_string(dir.path().join("out")).unwrap();
        assert_eq!(out, "s@v 3\n");
        assert!(std::fs::read_to_string(&log).unwrap().contains("+ echo"));
        let failed = recipe
            .run(
                "second",
                &context(dir.path()),
                &dir.path().join("second.log"),
            )
            .unwrap_err();
        assert!(failed.to_string().contains("exit status: 1"), "{failed}");
        let log = std::fs::read_to_string(dir.path().join("second.log")).unwrap();
        assert!(!log.contains("never"), "{log}");
    }

    #[test]
    fn a_recipe_without_steps_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = recipe(dir.path(), "STEPS=()\n").steps().unwrap_err();
        assert!(error.to_string().contains("names no STEPS"), "{error}");
    }
}
