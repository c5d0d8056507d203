//! The programs of `tests/fixtures/defects` and `tests/fixtures/workloads`, compiled.

use std::path::{Path, PathBuf};
use std::process::Command;

use panther_plugin_api::model::CommandSpec;

use crate::ServiceDir;

/// The directory of the repository's test fixtures.
fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../tests/fixtures")
}

/// The line of `tests/fixtures/defects/FILE` holding `marker`, counted from 1.
pub fn defect_line(file: &str, marker: &str) -> usize {
    let path = fixtures_dir().join("defects").join(file);
    let source = std::fs::read_to_string(&path).expect("a defect program");
    source
        .lines()
        .position(|line| line.contains(marker))
        .map(|index| index + 1)
        .unwrap_or_else(|| panic!("{file} has no line with {marker:?}"))
}

/// A fixture program compiled into the directory of the service that runs it.
pub struct Compiled {
    /// The service's directory, holding the program.
    pub service: ServiceDir,
    /// The program.
    pub program: PathBuf,
}

impl Compiled {
    /// `tests/fixtures/defects/NAME.c` (a program with a known defect), compiled.
    pub fn defect(name: &str) -> Self {
        Self::compile("defects", name)
    }

    /// `tests/fixtures/workloads/NAME.c` (a program doing a known amount of work),
    /// compiled.
    pub fn workload(name: &str) -> Self {
        Self::compile("workloads", name)
    }

    /// `tests/fixtures/FOLDER/NAME.c` compiled with `cc -g -O0 -pthread`, from its
    /// folder as a build would, so that its debugging information names `NAME.c`.
    fn compile(folder: &str, name: &str) -> Self {
        let service = ServiceDir::new();
        let program = service.path().join(name);
        let source = format!("{name}.c");
        let status = Command::new("cc")
            .args(["-g", "-O0", "-pthread", "-o"])
            .arg(&program)
            .arg(&source)
            .current_dir(fixtures_dir().join(folder))
            .status()
            .expect("cc runs");
        assert!(status.success(), "cc failed on {folder}/{source}");
        Self { service, program }
    }

    /// The program run with `args` from the service's directory.
    pub fn command(&self, args: &[&str]) -> CommandSpec {
        let program = self.program.to_str().expect("a UTF-8 path");
        let mut command = CommandSpec::new(program, args.iter().copied());
        command.cwd = Some(self.service.path().to_path_buf());
        command
    }
}
