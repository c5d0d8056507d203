//! scripts/build-stacks end to end, on a stack of its own: a snapshot found and
//! checked, a recipe's steps run with a log each, the program installed where the
//! plugins look, a second run answered from the cache, and a failing step or a
//! tampered snapshot reported with what to look at.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

/// A folder with a pins file, a recipe, a source snapshot and a cache.
struct Workspace {
    root: tempfile::TempDir,
}

impl Workspace {
    /// A stack `demo` whose one version is made from the snapshot `demo-1` by a recipe
    /// with `steps` (bash, one function per step).
    fn new(steps: &str) -> Self {
        let root = tempfile::tempdir().unwrap();
        let sources = root.path().join("sources");
        std::fs::create_dir_all(sources.join("demo")).unwrap();
        std::fs::write(sources.join("demo/greeting"), "hello\n").unwrap();
        let archive = sources.join("demo-1.tar.gz");
        let made = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(&sources)
            .arg("demo")
            .status()
            .unwrap();
        assert!(made.success());
        let sha256: String = Sha256::digest(std::fs::read(&archive).unwrap())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        std::fs::write(root.path().join("recipe.sh"), steps).unwrap();
        std::fs::write(
            root.path().join("stacks.toml"),
            format!(
                "[sources.demo-1]\nrepository = \"https://invalid.example/demo\"\n\
                 commit = \"0123456789abcdef0123456789abcdef01234567\"\nsha256 = \"{sha256}\"\n\n\
                 [stacks.demo]\nrecipe = \"recipe.sh\"\nprograms = [\"greet\"]\n\
                 toolchain = [\"bash --version\"]\nci = true\n\n\
                 [stacks.demo.versions.v1]\ndefault = true\ndescription = \"the demo\"\n\
                 sources = {{ demo = \"demo-1\" }}\n"
            ),
        )
        .unwrap();
        Self { root }
    }

    fn path(&self) -> &Path {
        self.root.path()
    }

    /// scripts/build-stacks on this workspace's pins, sources and cache.
    fn build(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_panther-build-stacks"))
            .arg("--pins")
            .arg(self.path().join("stacks.toml"))
            .arg("--sources")
            .arg(self.path().join("sources"))
            .arg("--cache-dir")
            .arg(self.path().join("cache"))
            .args(args)
            .output()
            .unwrap()
    }

    /// The build's folders under the cache.
    fn builds(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.path().join("cache/stacks/builds"))
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.is_dir())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const WORKING: &str = "STEPS=(compile install)\n\
    step_compile() { printf '#!/bin/sh\\necho %s\\n' \"$(cat \"$SRC/demo/greeting\")\" > \"$WORK/greet\"; }\n\
    step_install() { install -D -m 755 \"$WORK/greet\" \"$PREFIX/bin/greet\"; }\n";

#[test]
fn a_build_installs_its_program_where_the_plugins_look_and_is_reused() {
    let workspace = Workspace::new(WORKING);
    let first = workspace.build(&[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let said = stderr(&first);
    assert!(
        said.contains("demo@v1 [1/3] unpack-sources (log: "),
        "{said}"
    );
    assert!(said.contains("demo@v1 [3/3] install (log: "), "{said}");
    assert!(said.contains("demo@v1 [2/3] compile: done in "), "{said}");
    assert!(said.contains("demo@v1: built in "), "{said}");
    let links: Vec<PathBuf> = std::fs::read_dir(workspace.path().join("cache/stacks/demo"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let [link] = links.as_slice() else {
        panic!("{links:?}")
    };
    let name = link.file_name().unwrap().to_string_lossy();
    assert!(name.starts_with("v1-"), "{name}");
    let greeting = Command::new(link.join("bin/greet")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&greeting.stdout), "hello\n");
    let [build] = workspace.builds().try_into().unwrap();
    assert!(build.join("logs/02-compile.log").is_file());
    assert!(
        !build.join("work").exists(),
        "the work folder goes once built"
    );
    let inputs = std::fs::read_to_string(build.join("inputs.txt")).unwrap();
    assert!(inputs.contains("source demo = demo-1 sha256 "), "{inputs}");
    assert!(
        inputs.contains("toolchain bash --version: GNU bash"),
        "{inputs}"
    );

    let second = workspace.build(&["demo"]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("demo@v1: up to date in "),
        "{}",
        stderr(&second)
    );
    let listed = workspace.build(&["--list"]);
    assert!(
        String::from_utf8_lossy(&listed.stdout).starts_with("demo@v1\tbuilt\t"),
        "{}",
        String::from_utf8_lossy(&listed.stdout)
    );
}

#[test]
fn a_failing_step_is_named_with_its_log_and_the_next_run_goes_on_from_it() {
    let workspace = Workspace::new(
        "STEPS=(compile install)\n\
         step_compile() { echo compiling; [ -e \"$RECIPE_DIR/fixed\" ] || { echo 'cc: error: no fix' >&2; return 3; }; \
         printf '#!/bin/sh\\necho fixed\\n' > \"$WORK/greet\"; }\n\
         step_install() { install -D -m 755 \"$WORK/greet\" \"$PREFIX/bin/greet\"; }\n",
    );
    let failed = workspace.build(&["demo@v1"]);
    assert_eq!(failed.status.code(), Some(1));
    let said = stderr(&failed);
    assert!(
        said.contains("demo@v1: step 'compile' failed (exit status: 3); its log is ")
            && said.contains("/logs/02-compile.log")
            && said.contains("cc: error: no fix"),
        "{said}"
    );
    std::fs::write(workspace.path().join("fixed"), "").unwrap();
    let resumed = workspace.build(&["demo@v1"]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    let said = stderr(&resumed);
    assert!(
        said.contains("going on from an earlier run that finished unpack-sources"),
        "{said}"
    );
    assert!(!said.contains("[1/3] unpack-sources"), "{said}");
}

#[test]
fn a_snapshot_that_is_not_the_pinned_one_is_refused_with_both_sums() {
    let workspace = Workspace::new(WORKING);
    std::fs::write(workspace.path().join("sources/demo-1.tar.gz"), "tampered").unwrap();
    let refused = workspace.build(&[]);
    assert_eq!(refused.status.code(), Some(1));
    let said = stderr(&refused);
    assert!(
        said.contains("source demo-1: ") && said.contains("but stacks.toml pins "),
        "{said}"
    );
    assert!(
        workspace
            .path()
            .join("cache/stacks/demo")
            .read_dir()
            .is_err()
    );
}

#[test]
fn an_unknown_stack_or_version_is_refused_with_exit_2_and_what_there_is() {
    let workspace = Workspace::new(WORKING);
    let output = workspace.build(&["demo@v9"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "scripts/build-stacks: demo has no version 'v9' in stacks.toml (it has v1)"
    );
}
