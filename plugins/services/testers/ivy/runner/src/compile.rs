//! Compiling a test: its compile commands run in the model folder of a workspace
//! holding the files it is compiled from, inside the cache, unless the cache already
//! holds the test compiled from the same inputs.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::cache::{COMPILE_LOG, Entry, Inputs, Workspace};
use crate::signals::{Forwarder, Stopped};

/// One compile step, in the workspace's model folder: a command, or an edit of a
/// file the commands before it made.
#[derive(Debug, Clone)]
pub enum Step {
    /// A program with its arguments.
    Command {
        /// The program.
        program: PathBuf,
        /// Its arguments.
        args: Vec<String>,
    },
    /// `edit` applied to `file`; `what` says what it changes (and is part of the
    /// cache key: name a new revision of the edit anew).
    Edit {
        /// The file, relative to the model folder.
        file: String,
        /// What the edit does.
        what: &'static str,
        /// The edit: the new text, or why the file cannot be edited.
        edit: fn(&str) -> Result<String, String>,
    },
}

impl Step {
    /// `program` with `args`.
    pub fn new(program: impl Into<PathBuf>, args: Vec<String>) -> Self {
        Self::Command {
            program: program.into(),
            args,
        }
    }

    /// The step as the cache key holds it: a command's program without its
    /// directory, an edit by its file and what it does.
    pub fn describe(&self) -> String {
        match self {
            Self::Command { program, args } => {
                let name = program.file_name().map_or_else(
                    || program.display().to_string(),
                    |name| name.to_string_lossy().into_owned(),
                );
                std::iter::once(name)
                    .chain(args.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            Self::Edit { file, what, .. } => format!("edit {file}: {what}"),
        }
    }
}

/// How to compile a test: the files it is compiled from and the commands, which
/// leave the tester, named as the test, in the model folder.
#[derive(Debug, Clone)]
pub struct Recipe {
    /// Every input, the commands included.
    pub inputs: Inputs,
    /// The commands, in order.
    pub steps: Vec<Step>,
}

impl Recipe {
    /// The recipe of `test` from `files` (paths inside the entry) with `steps`, built
    /// with `toolchain`.
    pub fn new(
        test: &str,
        toolchain: &str,
        files: Vec<(PathBuf, Vec<u8>)>,
        steps: Vec<Step>,
    ) -> Self {
        let commands = steps.iter().map(Step::describe).collect();
        Self {
            inputs: Inputs::new(test, toolchain, commands, files),
            steps,
        }
    }
}

/// A compiled test.
#[derive(Debug)]
pub struct Compiled {
    /// Its cache entry.
    pub entry: Entry,
    /// Whether it was in the cache already.
    pub cached: bool,
    /// How long compiling took (0 when cached).
    pub seconds: f64,
}

/// Why there is no compiled test.
#[derive(Debug)]
pub enum NotCompiled {
    /// A compiler refused the test; the compilers' output.
    Failed(String),
    /// The runner was stopped by this signal.
    Stopped(i32),
    /// The specification, the cache or a compiler could not be used.
    Setup(String),
}

/// The test of `recipe`, compiled into the cache at `cache_dir`, or found there.
pub fn compiled(
    recipe: &Recipe,
    cache_dir: &Path,
    forwarder: &Forwarder,
) -> Result<Compiled, NotCompiled> {
    let inputs = &recipe.inputs;
    let description = inputs.describe();
    let entry = Entry::of(cache_dir, inputs, &description);
    if entry.is_complete() {
        return Ok(Compiled {
            entry,
            cached: true,
            seconds: 0.0,
        });
    }
    let started = Instant::now();
    let setup = |what: &str, error: std::io::Error| {
        NotCompiled::Setup(format!(
            "{what} in the cache {}: {error}",
            cache_dir.display()
        ))
    };
    let workspace = Workspace::new(cache_dir, inputs, &description)
        .map_err(|e| setup("cannot copy the sources", e))?;
    let log_path = workspace.path().join(COMPILE_LOG);
    let log = File::create(&log_path).map_err(|e| setup("cannot write the compile log", e))?;
    let output = || String::from_utf8_lossy(&fs::read(&log_path).unwrap_or_default()).into_owned();
    for step in &recipe.steps {
        let (program, args) = match step {
            Step::Command { program, args } => (program, args),
            Step::Edit { file, edit, .. } => {
                let path = workspace.model_dir().join(file);
                let edited = fs::read_to_string(&path)
                    .map_err(|error| format!("cannot read {}: {error}", path.display()))
                    .and_then(|text| edit(&text))
                    .and_then(|text| {
                        fs::write(&path, text)
                            .map_err(|error| format!("cannot write {}: {error}", path.display()))
                    });
                if let Err(problem) = edited {
                    let mut log = &log;
                    let _ = writeln!(log, "error: {}", step.describe());
                    let _ = writeln!(log, "error: {problem}");
                    return Err(NotCompiled::Failed(output()));
                }
                continue;
            }
        };
        let (out, errors) = log
            .try_clone()
            .and_then(|out| Ok((out, log.try_clone()?)))
            .map_err(|e| setup("cannot write the compile log", e))?;
        let mut command = Command::new(program);
        command
            .args(args)
            .current_dir(workspace.model_dir())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(errors);
        let status = match forwarder.run(&mut command, None) {
            Ok(finished) => finished.status,
            Err(Stopped::Before(signal)) => return Err(NotCompiled::Stopped(signal)),
            Err(Stopped::Failed(error)) => {
                return Err(NotCompiled::Setup(format!(
                    "cannot run the compiler {}: {error}",
                    program.display()
                )));
            }
        };
        if let Some(signal) = forwarder.received() {
            return Err(NotCompiled::Stopped(signal));
        }
        if !status.success() {
            return Err(NotCompiled::Failed(output()));
        }
    }
    let built = workspace.model_dir().join(&inputs.test);
    if !built.is_file() {
        return Err(NotCompiled::Failed(output()));
    }
    fs::rename(&built, workspace.path().join(&inputs.test))
        .map_err(|e| setup("cannot keep the compiled tester", e))?;
    workspace
        .install(&entry)
        .map_err(|e| setup("cannot install the compiled tester", e))?;
    Ok(Compiled {
        entry,
        cached: false,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The line of a compiler's output that tells the first error: Ivy's
/// (`FILE: line N: error: ...`) or the C++ compiler's (`FILE:L:C: error: ...`);
/// the last line when none says `error`.
pub fn first_error(output: &str) -> Option<&str> {
    let lines = || {
        output
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
    };
    lines()
        .find(|line| line.contains(": error:") || line.contains(": fatal error:"))
        .or_else(|| lines().find(|line| line.to_lowercase().contains("error")))
        .or_else(|| lines().next_back())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What ivyc printed for the minip specification with a syntax error at line 113.
    const SYNTAX_ERROR: &str = include_str!("../tests/data/syntax-error.compile.log");
    /// What ivyc printed when g++ refused the C++ of the minip socket.
    const CXX_ERROR: &str = include_str!("../tests/data/cxx-error.compile.log");

    #[test]
    fn finds_ivy_s_error() {
        assert_eq!(
            first_error(SYNTAX_ERROR),
            Some("minip.ivy(113): error: token 'bool': syntax error")
        );
    }

    #[test]
    fn finds_the_cxx_compiler_s_error() {
        assert_eq!(
            first_error(CXX_ERROR),
            Some(
                "minip_server_test.cpp:2111:9: error: \u{2018}no_such_function\u{2019} was not declared in this scope"
            )
        );
    }

    #[test]
    fn a_step_is_described_without_the_program_s_directory() {
        let step = Step::new(
            "/venv/bin/ivyc",
            vec!["target=test".to_owned(), "t.ivy".to_owned()],
        );
        assert_eq!(step.describe(), "ivyc target=test t.ivy");
        assert_eq!(Step::new("g++", vec![]).describe(), "g++");
    }

    #[test]
    fn falls_back_to_the_last_line() {
        assert_eq!(first_error("one\ntwo\n\n"), Some("two"));
        assert_eq!(first_error("\n"), None);
        assert_eq!(
            first_error("Error while reading\nmore"),
            Some("Error while reading")
        );
    }
}
