//! A deployment and its launcher as text, checked against a golden file.

use std::fmt::Write;
use std::path::Path;

use panther_plugin_api::model::{Deployment, Launcher};

/// The deployment and the launcher as text, for the golden file: the addresses,
/// artifacts, requirements, probes and teardown, then the launcher's command, outputs,
/// collections and unsupported markers, then each file it writes.
pub fn render(deployment: &Deployment, launcher: &Launcher) -> String {
    let mut text = String::from("## deployment\n");
    for (name, launch) in &deployment.launches {
        let address = &launch.address;
        let _ = writeln!(text, "address {name}: {}:{}", address.host, address.port);
        for artifact in &launch.artifacts {
            let _ = writeln!(
                text,
                "artifact {name} {}: {}",
                artifact.name,
                artifact.path.display()
            );
        }
    }
    for requirement in &deployment.requires {
        let _ = writeln!(
            text,
            "requires: {} ({})",
            requirement.path.display(),
            requirement.what
        );
    }
    for probe in &deployment.skip_unless {
        let line = probe.command.shell_line();
        let _ = writeln!(text, "skip unless: {line} ({})", probe.what);
    }
    for command in &deployment.teardown {
        let _ = writeln!(text, "teardown: {}", command.shell_line());
    }
    let _ = writeln!(
        text,
        "\n## launcher\ncommand: {}",
        launcher.command.shell_line()
    );
    for (name, outputs) in &launcher.outputs {
        let _ = writeln!(
            text,
            "outputs {name}: {} {} {}",
            outputs.stdout.display(),
            outputs.stderr.display(),
            outputs.exit_code.display()
        );
    }
    for collection in &launcher.collect {
        let _ = writeln!(text, "collect: {}", collection.command.shell_line());
    }
    for marker in &launcher.unsupported_markers {
        let _ = writeln!(text, "unsupported marker: {marker}");
    }
    for file in &launcher.files {
        let _ = write!(text, "\n## {}\n{}", file.path.display(), file.contents);
    }
    text
}

/// Asserts that the golden file at `path` holds `actual`; with `UPDATE_GOLDEN` set in
/// the environment, writes `actual` there instead.
pub fn assert_golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        expected == actual,
        "the plan differs from {}: if the change is meant, rerun with UPDATE_GOLDEN=1 and \
         commit the file\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use panther_plugin_api::model::{
        Collection, CommandSpec, FileSpec, Launch, LaunchedOutputs, Probe,
    };

    use super::*;
    use crate::testing::requests::address;

    #[test]
    fn renders_every_part_of_the_plan_in_order() {
        let deployment = Deployment {
            skip_unless: vec![Probe {
                command: CommandSpec::new("tool", ["--version"]),
                what: "the tool".to_owned(),
                how_to_get: "install it".to_owned(),
            }],
            teardown: vec![CommandSpec::new("tool", ["down"])],
            ..Deployment::new(BTreeMap::from([(
                "server".to_owned(),
                Launch::at(address("10.0.0.2", 1)),
            )]))
        };
        let launcher = Launcher {
            command: CommandSpec::new("tool", ["up"]),
            files: vec![FileSpec {
                path: "/t/tool.yml".into(),
                contents: "a: b\n".to_owned(),
            }],
            collect: vec![Collection {
                command: CommandSpec::new("tool", ["logs"]),
                stdout: "/t/logs".into(),
                stderr: "/t/logs.err".into(),
            }],
            outputs: BTreeMap::from([(
                "server".to_owned(),
                LaunchedOutputs {
                    stdout: "/t/o".into(),
                    stderr: "/t/e".into(),
                    exit_code: "/t/c".into(),
                },
            )]),
            unsupported_markers: vec!["not here".to_owned()],
        };
        assert_eq!(
            render(&deployment, &launcher),
            "## deployment\naddress server: 10.0.0.2:1\nskip unless: tool --version (the \
             tool)\nteardown: tool down\n\n## launcher\ncommand: tool up\noutputs server: \
             /t/o /t/e /t/c\ncollect: tool logs\nunsupported marker: not here\n\n## \
             /t/tool.yml\na: b\n"
        );
    }
}
