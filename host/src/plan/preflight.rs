//! Checks, before anything runs, that every program a plan starts can be found.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use panther_plugin_api::model::CommandSpec;

use super::model::RunPlan;
use crate::error::InputError;

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Where `program` would be found: as a path, or on the `PATH` the command gets.
pub fn find_program(command: &CommandSpec) -> Option<PathBuf> {
    let program = Path::new(&command.program);
    if command.program.contains('/') {
        let full = match &command.cwd {
            Some(cwd) if program.is_relative() => cwd.join(program),
            _ => program.to_path_buf(),
        };
        return is_executable(&full).then_some(full);
    }
    let path = command
        .env
        .get("PATH")
        .cloned()
        .or_else(|| std::env::var("PATH").ok())
        .unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

/// Refuses the plan when a program it starts is missing, naming the test, the
/// service, the program and where it was looked for.
pub fn check_programs(plan: &RunPlan) -> Result<(), InputError> {
    let mut missing = Vec::new();
    for test in &plan.tests {
        let mut check = |what: String, command: &CommandSpec| {
            if find_program(command).is_none() {
                let place = if command.program.contains('/') {
                    "no executable file there".to_owned()
                } else {
                    "not found on PATH".to_owned()
                };
                let line = format!(
                    "test '{}': {what}: program '{}' is missing ({place}); install it or set the plugin's config to where it is",
                    test.name, command.program
                );
                if !missing.contains(&line) {
                    missing.push(line);
                }
            }
        };
        for command in &test.deployment.setup {
            check(format!("network '{}' setup", test.network), command);
        }
        for service in &test.services {
            for command in &service.plan.prepare {
                check(format!("service '{}' preparation", service.name), command);
            }
            check(format!("service '{}'", service.name), &service.command);
            for wrapping in &service.wrappings {
                check(
                    format!("service '{}' under {}", service.name, wrapping.plugin),
                    &wrapping.wrapped.command,
                );
            }
            check(
                format!("service '{}' ({})", service.name, service.implementation),
                &service.plan.command,
            );
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(InputError::new(missing.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_found_on_path_or_by_path() {
        assert!(find_program(&CommandSpec::new("sh", ["-c", "true"])).is_some());
        assert!(find_program(&CommandSpec::new("/bin/sh", Vec::<String>::new())).is_some());
        assert!(
            find_program(&CommandSpec::new(
                "no-such-program-here",
                Vec::<String>::new()
            ))
            .is_none()
        );
    }
}
