//! What both runner test binaries need: the repository, the project's venv, the
//! endpoints under test and the verdict a run leaves.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(5)
        .expect("the runner is five folders deep")
        .to_path_buf()
}

/// `relative` inside the project's venv, which scripts/install-python-packages lays out.
pub fn installed(relative: &str) -> PathBuf {
    let path = repo_root().join(".venv").join(relative);
    assert!(
        path.exists(),
        "{} is missing: run scripts/install-python-packages",
        path.display()
    );
    path
}

/// The workspace program `program` of the crate at `manifest` (relative to the
/// repository): built beside the runner by `cargo build --workspace`, or built here
/// into a folder of its own (the test's own build holds the usual one).
pub fn workspace_program(program: &str, manifest: &str) -> PathBuf {
    let built = Path::new(env!("CARGO_BIN_EXE_panther-ivy"))
        .parent()
        .expect("the runner is in a folder")
        .to_path_buf();
    let beside = built.join(program);
    if beside.exists() {
        return beside;
    }
    let target = built.join("ivy-test-endpoint");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--manifest-path"])
        .arg(repo_root().join(manifest))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building {program} failed");
    target.join("debug").join(program)
}

/// The verdict the runner wrote in `artifacts`.
pub fn verdict(artifacts: &Path) -> Value {
    let text = fs::read_to_string(artifacts.join("verdict.json")).expect("a verdict");
    serde_json::from_str(&text).unwrap()
}
