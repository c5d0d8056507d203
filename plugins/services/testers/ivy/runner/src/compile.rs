//! Compiling a test: `ivyc target=test TEST.ivy` run in a copy of the specification,
//! inside the cache, unless the cache already holds the test compiled from the same
//! inputs.

use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::cache::{COMPILE_LOG, Entry, Inputs, Workspace};
use crate::signals::{Forwarder, Stopped};
use crate::toolchain;

/// The compiler's arguments before the test's file.
pub const COMPILE_ARGS: [&str; 1] = ["target=test"];

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
    /// The compiler refused the test; its output.
    Failed(String),
    /// The runner was stopped by this signal.
    Stopped(i32),
    /// The specification, the cache or the compiler could not be used.
    Setup(String),
}

/// The test `test` of the specification in `spec_dir`, compiled with `ivyc` into the
/// cache at `cache_dir`, or found there.
pub fn compiled(
    spec_dir: &Path,
    test: &str,
    ivyc: &Path,
    cache_dir: &Path,
    forwarder: &Forwarder,
) -> Result<Compiled, NotCompiled> {
    let toolchain = toolchain::describe(ivyc);
    let inputs = Inputs::read(spec_dir, test, &toolchain, &COMPILE_ARGS).map_err(|error| {
        NotCompiled::Setup(format!(
            "cannot read the specification {}: {error}",
            spec_dir.display()
        ))
    })?;
    let file = format!("{test}.ivy");
    if !inputs
        .files
        .iter()
        .any(|(path, _)| path == Path::new(&file))
    {
        return Err(NotCompiled::Setup(format!(
            "the specification {} has no {file}",
            spec_dir.display()
        )));
    }
    let entry = Entry::of(cache_dir, &inputs);
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
    let workspace = Workspace::new(cache_dir, &inputs)
        .map_err(|e| setup("cannot copy the specification", e))?;
    let log_path = workspace.path().join(COMPILE_LOG);
    let log = File::create(&log_path).map_err(|e| setup("cannot write the compile log", e))?;
    let errors = log
        .try_clone()
        .map_err(|e| setup("cannot write the compile log", e))?;
    let mut command = Command::new(ivyc);
    command
        .args(COMPILE_ARGS)
        .arg(&file)
        .current_dir(workspace.model_dir())
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(errors);
    let status = forwarder.run(&mut command);
    let output = String::from_utf8_lossy(&fs::read(&log_path).unwrap_or_default()).into_owned();
    let status = match status {
        Ok(status) => status,
        Err(Stopped::Before(signal)) => return Err(NotCompiled::Stopped(signal)),
        Err(Stopped::Failed(error)) => {
            return Err(NotCompiled::Setup(format!(
                "cannot run the Ivy compiler {}: {error}",
                ivyc.display()
            )));
        }
    };
    if let Some(signal) = forwarder.received() {
        return Err(NotCompiled::Stopped(signal));
    }
    let built = workspace.model_dir().join(test);
    if !status.success() || !built.is_file() {
        return Err(NotCompiled::Failed(output));
    }
    fs::rename(&built, workspace.path().join(test))
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
    fn falls_back_to_the_last_line() {
        assert_eq!(first_error("one\ntwo\n\n"), Some("two"));
        assert_eq!(first_error("\n"), None);
        assert_eq!(
            first_error("Error while reading\nmore"),
            Some("Error while reading")
        );
    }
}
