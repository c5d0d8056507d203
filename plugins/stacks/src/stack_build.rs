//! One build of one version of one stack, in the cache:
//! - `stacks/builds/NAME-VERSION-KEY/`: the build (its `bin/`, `logs/`, `inputs.txt`,
//!   and `work/` while it is made), KEY hashing everything it is made from;
//! - `stacks/NAME/VERSION-FINGERPRINT`: a link to the newest complete build of those
//!   sources, where the stack's plugin looks.
//!
//! A complete build is reused at once. A build that failed keeps its work folder and
//! the steps it finished; the next run goes on from the step that failed. Once a
//! build of a version is in place, the other builds of that version (made from other
//! inputs, complete or not) are removed, unless another run is using them.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use panther_stacks::{CACHE_FOLDER, Pins, StackBuild};

use crate::environment::{describe_toolchain, ensure_packages};
use crate::inputs::{BuildInputs, digests, flags_from_environment};
use crate::recipe::{Recipe, StepContext};
use crate::report::{Progress, human};
use crate::selection::Wanted;
use crate::sources::{SourceFinder, unpack};

/// The step that unpacks the sources, before the recipe's own.
const UNPACK: &str = "unpack-sources";
/// Written in a build folder once the build is complete.
const COMPLETE: &str = "complete";
/// The steps finished so far, one per line, in the work folder.
const DONE: &str = ".steps-done";

/// What a build came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It was in the cache.
    Cached,
    /// It was built now, in this long.
    Built(String),
}

/// What every build shares.
pub struct Builder<'a> {
    /// The pins.
    pub pins: &'a Pins,
    /// The folder of the pins file, which recipe paths are relative to.
    pub pins_dir: PathBuf,
    /// The host's cache directory.
    pub cache_dir: PathBuf,
    /// Where sources are found.
    pub sources: SourceFinder,
    /// Compile jobs.
    pub jobs: usize,
}

/// The steps already finished in `work`.
fn steps_done(work: &Path) -> Vec<String> {
    fs::read_to_string(work.join(DONE))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Records `step` as finished in `work`.
fn mark_done(work: &Path, step: &str) -> Result<()> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(work.join(DONE))?;
    writeln!(file, "{step}")?;
    Ok(())
}

/// The last lines of a log, indented, to show beside a failure.
fn tail(log: &Path, lines: usize) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..]
        .iter()
        .map(|line| format!("    {line}\n"))
        .collect()
}

/// The lock file beside the build folder `folder`: its name with `.lock` added, as a
/// version may hold dots (`3.3.0`).
fn lock_path(folder: &Path) -> PathBuf {
    let mut name = folder.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Points `link` at `target` (relative to the link's folder), replacing what was there.
fn point(link: &Path, target: &Path) -> Result<()> {
    let folder = link.parent().context("a link has a folder")?;
    fs::create_dir_all(folder)?;
    let relative = Path::new("../builds").join(target.file_name().context("a named build")?);
    let temporary = folder.join(format!(
        ".{}.new",
        link.file_name().unwrap_or_default().to_string_lossy()
    ));
    let _ = fs::remove_file(&temporary);
    std::os::unix::fs::symlink(&relative, &temporary)?;
    fs::rename(&temporary, link).with_context(|| format!("linking {}", link.display()))?;
    Ok(())
}

impl Builder<'_> {
    /// Where `wanted` is found once built.
    fn found(&self, wanted: &Wanted) -> Result<StackBuild> {
        self.pins
            .build(&wanted.stack, Some(&wanted.version))
            .map_err(|e| anyhow::anyhow!("{}", e.message()))
    }

    /// The folder builds are kept in.
    fn builds(&self) -> PathBuf {
        self.cache_dir.join(CACHE_FOLDER).join("builds")
    }

    /// Everything the build of `wanted` depends on.
    fn inputs(&self, wanted: &Wanted) -> Result<(BuildInputs, Recipe)> {
        let label = wanted.label();
        let stack = &self.pins.stacks[&wanted.stack];
        let version = &stack.versions[&wanted.version];
        let recipe = Recipe {
            path: self.pins_dir.join(&stack.recipe),
        };
        // Named by their own names, not their places: moving a plugin's folder
        // keeps its builds.
        let own_name = |path: &Path| {
            path.file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let mut files = digests(&recipe.path, &own_name(&recipe.path))
            .with_context(|| format!("{label}: the recipe named by stacks.toml"))?;
        for input in &stack.inputs {
            let path = self.pins_dir.join(input);
            files.extend(
                digests(&path, &own_name(&path))
                    .with_context(|| format!("{label}: the input {input} named by stacks.toml"))?,
            );
        }
        let sources = version
            .sources
            .iter()
            .map(|(place, id)| {
                let sha256 = self.pins.sources[id].sha256.clone();
                (place.clone(), (id.clone(), sha256))
            })
            .collect();
        let inputs = BuildInputs {
            label: label.clone(),
            sources,
            files,
            packages: ensure_packages(&label, &stack.packages)?,
            toolchain: describe_toolchain(&label, &stack.toolchain)?,
            flags: flags_from_environment(),
        };
        Ok((inputs, recipe))
    }

    /// Builds `wanted`, or finds it built.
    pub fn build(&self, wanted: &Wanted) -> Result<Outcome> {
        let label = wanted.label();
        let link = self.cache_dir.join(self.found(wanted)?.relative_dir());
        let (inputs, recipe) = self.inputs(wanted)?;
        let folder = self.builds().join(format!(
            "{}-{}-{}",
            wanted.stack,
            wanted.version,
            inputs.key()
        ));
        if folder.join(COMPLETE).is_file() {
            point(&link, &folder)?;
            self.remove_others(wanted, &folder);
            return Ok(Outcome::Cached);
        }
        fs::create_dir_all(self.builds())?;
        let lock = File::create(lock_path(&folder))?;
        if lock.try_lock().is_err() {
            eprintln!("{label}: another build of it is running; waiting for it");
            lock.lock()?;
        }
        if folder.join(COMPLETE).is_file() {
            point(&link, &folder)?;
            return Ok(Outcome::Cached);
        }
        let progress = Progress::new(&label);
        self.make(wanted, &inputs, &recipe, &folder, &progress)?;
        point(&link, &folder)?;
        drop(lock);
        self.remove_others(wanted, &folder);
        Ok(Outcome::Built(human(progress.elapsed())))
    }

    /// Removes the builds of `wanted` other than `kept` that no run holds.
    fn remove_others(&self, wanted: &Wanted, kept: &Path) {
        let prefix = format!("{}-{}-", wanted.stack, wanted.version);
        let Ok(entries) = fs::read_dir(self.builds()) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let key = name.strip_prefix(&prefix).unwrap_or_default();
            let other = path.is_dir() && path != kept && key.len() == 16 && !key.contains('-');
            if !other {
                continue;
            }
            let lock = lock_path(&path);
            let free = File::create(&lock).is_ok_and(|lock| lock.try_lock().is_ok());
            if free {
                let _ = fs::remove_dir_all(&path);
                let _ = fs::remove_file(&lock);
            }
        }
    }

    /// Runs the steps not yet finished in `folder`, then checks what it must leave.
    fn make(
        &self,
        wanted: &Wanted,
        inputs: &BuildInputs,
        recipe: &Recipe,
        folder: &Path,
        progress: &Progress,
    ) -> Result<()> {
        let label = wanted.label();
        let stack = &self.pins.stacks[&wanted.stack];
        let work = folder.join("work");
        let logs = folder.join("logs");
        fs::create_dir_all(&work)?;
        fs::create_dir_all(&logs)?;
        fs::write(folder.join("inputs.txt"), inputs.text())?;
        let context = StepContext {
            stack: wanted.stack.clone(),
            version: wanted.version.clone(),
            src: work.join("src"),
            work: work.clone(),
            prefix: folder.to_path_buf(),
            jobs: self.jobs,
        };
        let mut steps = vec![UNPACK.to_owned()];
        steps.extend(recipe.steps()?);
        let done = steps_done(&work);
        if !done.is_empty() {
            progress.say(&format!(
                "{label}: going on from an earlier run that finished {}",
                done.join(", ")
            ));
        }
        for (index, step) in steps.iter().enumerate() {
            if done.contains(step) {
                continue;
            }
            let log = logs.join(format!("{:02}-{step}.log", index + 1));
            progress.step(index + 1, steps.len(), step, &log);
            let started = std::time::Instant::now();
            let result = if step == UNPACK {
                self.unpack(wanted, &context.src, &log)
            } else {
                recipe.run(step, &context, &log)
            };
            if let Err(error) = result {
                bail!(
                    "{label}: step '{step}' failed ({error:#}); its log is {}; the last lines:\n{}",
                    log.display(),
                    tail(&log, 15)
                );
            }
            mark_done(&work, step)?;
            progress.say(&format!(
                "{label} [{}/{}] {step}: done in {}",
                index + 1,
                steps.len(),
                human(started.elapsed())
            ));
        }
        for output in stack.outputs() {
            let path = folder.join(&output);
            if !path.is_file() {
                bail!(
                    "{label}: the recipe {} finished without making {} (stacks.toml names \
                     `{}` among what it builds)",
                    recipe.path.display(),
                    path.display(),
                    output.display()
                );
            }
        }
        fs::remove_dir_all(&work).with_context(|| format!("removing {}", work.display()))?;
        fs::write(folder.join(COMPLETE), human(progress.elapsed()))?;
        Ok(())
    }

    /// Unpacks every source of `wanted` into `src`, saying in `log` where each came from.
    fn unpack(&self, wanted: &Wanted, src: &Path, log: &Path) -> Result<()> {
        let mut record = File::create(log)?;
        let _ = fs::remove_dir_all(src);
        fs::create_dir_all(src)?;
        let version = &self.pins.stacks[&wanted.stack].versions[&wanted.version];
        for (place, id) in &version.sources {
            let snapshot = self.sources.find(id, &self.pins.sources[id])?;
            writeln!(record, "{id} -> {place}: {snapshot:?}")?;
            unpack(&snapshot, &src.join(place))?;
        }
        Ok(())
    }

    /// Where `wanted` would be found, and whether it is built.
    pub fn located(&self, wanted: &Wanted) -> Result<(PathBuf, bool)> {
        let stack = &self.pins.stacks[&wanted.stack];
        let path = self.cache_dir.join(self.found(wanted)?.relative_dir());
        let built = stack
            .outputs()
            .iter()
            .all(|output| path.join(output).is_file());
        Ok((path, built))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_keeps_the_whole_folder_name_dots_and_all() {
        assert_eq!(
            lock_path(Path::new("/c/builds/shadow-3.3.0-0123456789abcdef")),
            Path::new("/c/builds/shadow-3.3.0-0123456789abcdef.lock")
        );
    }
}
