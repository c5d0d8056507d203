//! Checks, before anything runs, that every program a plan starts can be found, and
//! which tests cannot run at all (unsupported, or missing what a user may not have
//! built).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use panther_plugin_api::model::{CommandSpec, Requirement};

use super::model::{NotRun, NotRunStatus, RunPlan, ServiceLaunch, TestPlan};
use crate::error::InputError;

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Where `program` would be found: as a path, or on the `PATH` the command gets.
pub fn find_program(command: &CommandSpec) -> Option<PathBuf> {
    if !command.program.contains('/') {
        return command.find_on_path(&command.program);
    }
    let program = Path::new(&command.program);
    let full = match &command.cwd {
        Some(cwd) if program.is_relative() => cwd.join(program),
        _ => program.to_path_buf(),
    };
    is_executable(&full).then_some(full)
}

/// Why a program is missing, or nothing when it is found.
fn missing_program(test: &str, what: &str, command: &CommandSpec) -> Option<String> {
    find_program(command).is_none().then(|| {
        let place = if command.program.contains('/') {
            "no executable file there"
        } else {
            "not found on PATH"
        };
        format!(
            "test '{test}': {what}: program '{}' is missing ({place}); install it or set the plugin's config to where it is",
            command.program
        )
    })
}

/// Why a requirement of a network or execution environment is missing, or nothing when
/// it is there.
fn missing_tool(environment: &str, requirement: &Requirement) -> Option<String> {
    (!requirement.path.exists()).then(|| {
        format!(
            "{environment} needs {}, missing at {}: {}",
            requirement.what,
            requirement.path.display(),
            requirement.how_to_get
        )
    })
}

/// Why a requirement is missing, or nothing when it is there.
fn missing_requirement(
    test: &str,
    service: &ServiceLaunch,
    requirement: &Requirement,
) -> Option<String> {
    (!requirement.path.exists()).then(|| {
        format!(
            "test '{test}': service '{}' {}",
            service.name,
            missing(service, requirement, ":")
        )
    })
}

/// `(IMPLEMENTATION) needs WHAT, missing at PATH` and how to get it, after
/// `separator`.
fn missing(service: &ServiceLaunch, requirement: &Requirement, separator: &str) -> String {
    format!(
        "({}) needs {}, missing at {}{separator} {}",
        service.implementation,
        requirement.what,
        requirement.path.display(),
        requirement.how_to_get
    )
}

/// Why a test with these services will not run: a service that cannot play it, or
/// else one missing something it may be skipped without.
pub fn not_run(services: &[ServiceLaunch]) -> Option<NotRun> {
    let unsupported = services.iter().find_map(|service| {
        service.plan.unsupported.as_ref().map(|reason| NotRun {
            status: NotRunStatus::Unsupported,
            service: Some(service.name.clone()),
            reason: format!("{} ({}): {reason}", service.name, service.implementation),
        })
    });
    unsupported.or_else(|| {
        services.iter().find_map(|service| {
            service
                .plan
                .skip_without
                .iter()
                .find(|r| !r.path.exists())
                .map(|requirement| NotRun {
                    status: NotRunStatus::Skipped,
                    service: Some(service.name.clone()),
                    reason: format!(
                        "not run: {} {}",
                        service.name,
                        missing(service, requirement, ";")
                    ),
                })
        })
    })
}

/// Every problem with one service: its unmet requirements, or else its missing programs
/// (a missing requirement usually explains the missing program better).
fn service_problems(test: &str, service: &ServiceLaunch) -> Vec<String> {
    let tools = service.wrappings.iter().flat_map(|w| {
        w.wrapped
            .requires
            .iter()
            .filter_map(|r| missing_tool(&format!("execution environment '{}'", w.plugin), r))
    });
    let unmet: Vec<String> = service
        .plan
        .requires
        .iter()
        .filter_map(|r| missing_requirement(test, service, r))
        .chain(tools)
        .collect();
    if !unmet.is_empty() {
        return unmet;
    }
    let name = &service.name;
    let mut commands: Vec<(String, &CommandSpec)> = service
        .plan
        .prepare
        .iter()
        .map(|c| (format!("service '{name}' preparation"), c))
        .collect();
    commands.push((format!("service '{name}'"), &service.command));
    commands.extend(service.wrappings.iter().map(|w| {
        (
            format!("service '{name}' under {}", w.plugin),
            &w.wrapped.command,
        )
    }));
    commands.push((
        format!("service '{name}' ({})", service.implementation),
        &service.plan.command,
    ));
    commands.extend(service.wrappings.iter().flat_map(|w| {
        w.wrapped.analyses.iter().map(|a| {
            (
                format!("service '{name}' analysis of {}", w.plugin),
                &a.command,
            )
        })
    }));
    commands
        .iter()
        .filter_map(|(what, command)| missing_program(test, what, command))
        .collect()
}

/// Every problem with a test's network environment: root it needs, its unmet
/// requirements, or else the programs of its setup, daemons and teardown.
fn network_problems(test: &TestPlan) -> Vec<String> {
    let network = format!("network '{}'", test.network);
    let deployment = &test.deployment;
    let mut problems = Vec::new();
    if let Some(why) = &deployment.needs_root_for
        && !nix::unistd::geteuid().is_root()
    {
        problems.push(format!(
            "{network} needs root ({why}): run panther-host as root, e.g. with sudo, or pick another network"
        ));
    }
    problems.extend(
        deployment
            .requires
            .iter()
            .filter_map(|r| missing_tool(&network, r)),
    );
    if !problems.is_empty() {
        return problems;
    }
    let setup = deployment.setup.iter().map(|c| ("setup", c));
    let daemons = deployment.daemons.iter().map(|d| ("daemon", &d.command));
    let teardown = deployment.teardown.iter().map(|c| ("teardown", c));
    setup
        .chain(daemons)
        .chain(teardown)
        .filter_map(|(what, command)| {
            missing_program(&test.name, &format!("{network} {what}"), command)
        })
        .collect()
}

/// One problem and the tests it was found in, in order.
struct Problem {
    /// What is wrong, without the test's name.
    message: String,
    /// The tests it concerns; none for a problem of no test in particular.
    tests: Vec<String>,
}

impl Problem {
    /// The problem in one line: the first test it concerns, and how many others.
    fn line(&self) -> String {
        match self.tests.as_slice() {
            [] => self.message.clone(),
            [test] => format!("test '{test}': {}", self.message),
            [test, others @ ..] => format!(
                "test '{test}' and {} other test(s): {}",
                others.len(),
                self.message
            ),
        }
    }
}

/// Refuses the plan when something a test that will run requires is missing (with how
/// to get it), root it needs is not there, or a program it starts cannot be found (with
/// where it was looked for). A problem many tests share is said once, with how many.
pub fn check_programs(plan: &RunPlan) -> Result<(), InputError> {
    let mut problems: Vec<Problem> = Vec::new();
    for test in plan.tests.iter().filter(|t| t.not_run.is_none()) {
        let network = network_problems(test);
        let services = test
            .services
            .iter()
            .flat_map(|s| service_problems(&test.name, s));
        let prefix = format!("test '{}': ", test.name);
        for problem in network.into_iter().chain(services) {
            let (message, concerned) = match problem.strip_prefix(&prefix) {
                Some(message) => (message.to_owned(), Some(test.name.clone())),
                None => (problem, None),
            };
            let index = match problems.iter().position(|p| p.message == message) {
                Some(index) => index,
                None => {
                    problems.push(Problem {
                        message,
                        tests: Vec::new(),
                    });
                    problems.len() - 1
                }
            };
            let tests = &mut problems[index].tests;
            if let Some(test) = concerned.filter(|test| !tests.contains(test)) {
                tests.push(test);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let lines: Vec<String> = problems.iter().map(Problem::line).collect();
        Err(InputError::new(lines.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_of_many_tests_is_said_once_with_how_many() {
        let shared = Problem {
            message: "service 'server' (x) needs y".to_owned(),
            tests: vec!["a".to_owned(), "b".to_owned(), "c".to_owned()],
        };
        assert_eq!(
            shared.line(),
            "test 'a' and 2 other test(s): service 'server' (x) needs y"
        );
        let single = Problem {
            tests: vec!["a".to_owned()],
            ..shared
        };
        assert_eq!(single.line(), "test 'a': service 'server' (x) needs y");
    }

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

    #[test]
    fn a_name_is_found_on_the_commands_own_path() {
        let skipped = tempfile::tempdir().unwrap();
        let holding = tempfile::tempdir().unwrap();
        let plain = skipped.path().join("tool");
        std::fs::write(&plain, b"").unwrap();
        std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o644)).unwrap();
        let tool = holding.path().join("tool");
        std::fs::write(&tool, b"").unwrap();
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::join_paths([skipped.path(), holding.path()]).unwrap();
        let command = CommandSpec::new("tool", Vec::<String>::new())
            .with_env("PATH", path.into_string().unwrap());
        assert_eq!(find_program(&command), Some(tool));
        let only_plain = command.with_env("PATH", skipped.path().to_str().unwrap());
        assert_eq!(find_program(&only_plain), None);
    }
}
