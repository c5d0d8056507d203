//! Running the tools a build needs (git, tar, pip, dpkg) and reading what they say.

use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The program's name, for messages.
fn program_of(command: &Command) -> String {
    command.get_program().to_string_lossy().into_owned()
}

/// Runs `command`, its output kept; an error with the end of its standard error when
/// it fails.
pub fn run_quietly(command: &mut Command) -> Result<()> {
    output_of(command).map(|_| ())
}

/// Runs `command` and returns its standard output; an error with the end of its
/// standard error when it fails.
pub fn output_of(command: &mut Command) -> Result<String> {
    let program = program_of(command);
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot start {program}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.trim().lines().last().unwrap_or("no message");
        bail!("{program} failed ({}): {last}", output.status);
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
