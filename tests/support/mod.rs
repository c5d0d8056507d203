//! What the end-to-end tests share: the host binary, a sandbox per test, and plugin
//! fixtures built from source on first use.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host/ has a parent")
        .to_path_buf()
}

/// A temporary plugins directory and cache of one test's own.
pub struct Sandbox {
    root: tempfile::TempDir,
}

impl Sandbox {
    /// An empty plugins directory (mode 0755) and an empty cache.
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("temporary directory");
        std::fs::create_dir(root.path().join("plugins")).unwrap();
        Self { root }
    }

    /// A sandbox holding the workspace's own plugins and the programs they ship, as
    /// `cargo build --workspace` leaves them beside the host binary.
    pub fn with_workspace_plugins() -> Self {
        let sandbox = Self::new();
        add_workspace_plugins(&sandbox);
        sandbox
    }

    /// The plugins directory.
    pub fn plugins(&self) -> PathBuf {
        self.root.path().join("plugins")
    }

    /// The sandbox's root, for files of the test's own.
    pub fn path(&self) -> &Path {
        self.root.path()
    }

    /// Copies a file into the plugins directory under `name`.
    pub fn add(&self, file: &Path, name: &str) -> PathBuf {
        let to = self.plugins().join(name);
        std::fs::copy(file, &to).unwrap_or_else(|e| panic!("copy {}: {e}", file.display()));
        to
    }

    /// Writes a file into the plugins directory.
    pub fn write(&self, name: &str, contents: &[u8]) -> PathBuf {
        let to = self.plugins().join(name);
        std::fs::write(&to, contents).unwrap();
        to
    }

    /// Gives this sandbox's cache the builds of the QUIC stacks that
    /// `scripts/build-stacks` made in the user's cache, where the stacks' plugins look.
    pub fn with_stack_builds(self) -> Self {
        self.sharing_user_cache("stacks")
    }

    /// Gives this sandbox's cache the user's cache of compiled Ivy tests, where the
    /// ivy tester keeps them: a test compiled once serves every sandbox.
    pub fn with_ivy_cache(self) -> Self {
        self.sharing_user_cache("ivy")
    }

    /// Links `folder` of this sandbox's cache to the same folder of the user's cache.
    fn sharing_user_cache(self, folder: &str) -> Self {
        let theirs = panther_plugin_api::cache::default_cache_directory()
            .expect("a cache directory: set PANTHER_CACHE_DIR or HOME")
            .join(folder);
        std::fs::create_dir_all(&theirs).unwrap();
        let ours = self.root.path().join("cache");
        std::fs::create_dir_all(&ours).unwrap();
        std::os::unix::fs::symlink(&theirs, ours.join(folder)).unwrap();
        self
    }

    /// Whether `stack` has its `version` built, as `plugins inspect --json` says.
    pub fn stack_built(&self, stack: &str, version: &str) -> bool {
        let output = self.run(&["plugins", "inspect", stack, "--json"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let inspected: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        inspected["built"][version] == true
    }

    /// Panics, naming the command that builds it, unless every `stack@version` of
    /// `builds` is built.
    pub fn require_stack_builds(&self, builds: &[&str]) {
        for build in builds {
            let (stack, version) = build.split_once('@').expect("NAME@VERSION");
            assert!(
                self.stack_built(stack, version),
                "{build} is not built: run `scripts/build-stacks {build}` (scripts/test builds \
                 every stack it needs)"
            );
        }
    }

    /// The host binary with this sandbox's cache and no inherited plugin path.
    pub fn host(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_panther-host"));
        command
            .env("PANTHER_CACHE_DIR", self.root.path().join("cache"))
            .env_remove("PANTHER_PLUGIN_PATH")
            .env_remove("RUST_LOG");
        command
    }

    /// The host on this sandbox's plugins directory with `args`, not yet started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = self.host();
        command.arg("--plugins").arg(self.plugins()).args(args);
        command
    }

    /// Runs the host on this sandbox's plugins directory with `args`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("panther-host runs")
    }
}

/// A finished `panther-host run`: what it printed, and the run directory it made.
pub struct Finished {
    /// The host's exit status and output.
    pub output: Output,
    /// The run's results directory, when one was made.
    pub directory: Option<PathBuf>,
}

impl Finished {
    /// The host's exit code.
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    /// Both outputs of the host, for assertion messages.
    pub fn printed(&self) -> String {
        format!("{}\n{}", stdout(&self.output), stderr(&self.output))
    }

    /// The run directory; panics when the run made none.
    pub fn directory(&self) -> &Path {
        self.directory
            .as_deref()
            .unwrap_or_else(|| panic!("no results directory:\n{}", self.printed()))
    }

    /// results.json.
    pub fn results(&self) -> serde_json::Value {
        let text = std::fs::read(self.directory().join("results.json")).unwrap();
        serde_json::from_slice(&text).unwrap()
    }

    /// The result of the test named `name`.
    pub fn test(&self, name: &str) -> serde_json::Value {
        let results = self.results();
        results["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no test '{name}' in {results:#}"))
            .clone()
    }
}

impl Sandbox {
    /// Writes an experiment file into the sandbox.
    pub fn experiment(&self, text: &str) -> PathBuf {
        let path = self.path().join("experiment.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Writes `text` as an experiment and starts running it in the background, its
    /// output going nowhere and its results to `SANDBOX/results-EXPERIMENT`.
    pub fn spawn_experiment(&self, text: &str, experiment: &str) -> std::process::Child {
        let file = self.experiment(text);
        let results = self.path().join(format!("results-{experiment}"));
        self.command(&[
            "run",
            file.to_str().unwrap(),
            "--output",
            results.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
    }

    /// Writes `text` as an experiment and runs it with `--output SANDBOX/results` and
    /// `extra` arguments.
    pub fn run_experiment(&self, text: &str, extra: &[&str]) -> Finished {
        let file = self.experiment(text);
        let results = self.path().join("results");
        let mut args = vec![
            "run",
            file.to_str().unwrap(),
            "--output",
            results.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let output = self.run(&args);
        let mut runs: Vec<PathBuf> = std::fs::read_dir(&results)
            .map(|entries| entries.map(|entry| entry.unwrap().path()).collect())
            .unwrap_or_default();
        assert!(
            runs.len() <= 1,
            "one run made several directories: {runs:?}"
        );
        Finished {
            output,
            directory: runs.pop(),
        }
    }
}

/// An experiment named `experiment` with one test, "ping_pong": a ping_pong client
/// (with the `client` config table) against a ping_pong server in `network`.
pub fn ping_pong_experiment(experiment: &str, network: &str, client: &str) -> String {
    format!(
        r#"[experiment]
name = "{experiment}"

[[tests]]
name = "ping_pong"
network = {network}
timeout = "30s"

[tests.services.server]
implementation = "ping_pong"
role = "server"

[tests.services.client]
implementation = "ping_pong"
role = "client"
target = "server"
config = {client}
"#
    )
}

/// A test named "fail on NETWORK": a ping_pong client of three pings against the
/// server variant that fails, in `network` (a type name).
pub fn failing_server_test(network: &str) -> String {
    format!(
        "[[tests]]\nname = \"fail on {network}\"\nnetwork = {{ type = \"{network}\" }}\n\
         timeout = \"30s\"\n\
         [tests.services.server]\nimplementation = \"ping_pong\"\nrole = \"server\"\n\
         config = {{ variant = \"fail\" }}\n\
         [tests.services.client]\nimplementation = \"ping_pong\"\nrole = \"client\"\n\
         target = \"server\"\nconfig = {{ pings = 3, timeout_ms = 500 }}\n\n"
    )
}

/// Checks that the [`failing_server_test`]s of `run` on localhost and on `network`
/// both failed, with the same client verdict but for its figures (a timestamp).
pub fn assert_fails_as_on_localhost(run: &Finished, network: &str) {
    let reason = |test: &serde_json::Value| {
        service(test, "client")["verdict"]["reason"]
            .as_str()
            .unwrap()
            .replace(|c: char| c.is_ascii_digit(), "")
    };
    let local = run.test("fail on localhost");
    let elsewhere = run.test(&format!("fail on {network}"));
    assert_eq!(local["status"], "failed", "{local:#}");
    assert_eq!(elsewhere["status"], "failed", "{elsewhere:#}");
    assert_eq!(reason(&local), reason(&elsewhere));
}

/// Polls `done` every 50 ms until it holds; fails the test, naming `what`, when it
/// still does not after `limit`.
pub fn wait_until(limit: std::time::Duration, what: &str, mut done: impl FnMut() -> bool) {
    let started = std::time::Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Sends SIGINT to a running host, as Ctrl-C does, and waits for its exit code.
pub fn interrupt(mut host: std::process::Child) -> Option<i32> {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(host.id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
    host.wait().unwrap().code()
}

/// The service named `name` in a test's result.
pub fn service<'a>(test: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    test["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no service '{name}' in {test:#}"))
}

/// The JSON file a service of a test lists among its artifacts under a name ending in
/// `file_name` (a tester's verdict.json).
pub fn artifact_json(
    run_directory: &Path,
    test: &serde_json::Value,
    service: &str,
    file_name: &str,
) -> serde_json::Value {
    let found = self::service(test, service);
    let path = found["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["path"].as_str().unwrap())
        .find(|p| p.ends_with(file_name))
        .unwrap_or_else(|| panic!("'{service}' lists no {file_name}: {found:#}"));
    serde_json::from_slice(&std::fs::read(run_directory.join(path)).unwrap()).unwrap()
}

/// The text a command printed on standard output.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The text a command printed on standard error.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Where `cargo build --workspace` left the workspace's binaries and plugins: beside
/// the host binary under test, so in target/debug or under CARGO_TARGET_DIR.
fn built_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_panther-host"))
        .parent()
        .expect("the host binary is in a directory")
        .to_path_buf()
}

/// The workspace's own plugins and the programs they ship, as `cargo build
/// --workspace` leaves them beside the host binary (target/debug), copied into the
/// sandbox's plugins directory.
fn add_workspace_plugins(sandbox: &Sandbox) {
    let built = built_dir();
    let mut found = 0;
    for entry in std::fs::read_dir(&built)
        .expect("the build directory exists: run `cargo build --workspace`")
    {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("libpanther_plugin_") && name.ends_with(".so") {
            sandbox.add(&path, &name);
            found += 1;
        }
    }
    for program in [
        "ping-pong",
        "panther-repeat",
        "panther-link",
        "quinn-endpoint",
        "quiche-endpoint",
        "panther-ivy",
        "panther-supervise",
    ] {
        let path = built.join(program);
        assert!(
            path.exists(),
            "{} is missing: run `cargo build --workspace` first (scripts/test does)",
            path.display()
        );
        sandbox.add(&path, program);
    }
    assert!(
        found >= 4,
        "the workspace's plugins are missing from {}: run `cargo build --workspace` first (scripts/test does)",
        built.display()
    );
    // The aioquic plugin finds its endpoint script and the project's venv beside it.
    let aioquic = sandbox.plugins().join("aioquic");
    std::fs::create_dir(&aioquic).unwrap();
    std::fs::copy(
        repo_root().join("plugins/services/iut/quic/aioquic/endpoint/endpoint.py"),
        aioquic.join("endpoint.py"),
    )
    .unwrap();
    std::os::unix::fs::symlink(repo_root().join(".venv"), aioquic.join("venv")).unwrap();
    // The ivy tester finds its specifications and the project's venv (ivyc) beside it.
    let ivy = sandbox.plugins().join("ivy");
    copy_tree_if_changed(
        &repo_root().join("plugins/services/testers/ivy/specs"),
        &ivy.join("specs"),
    );
    std::os::unix::fs::symlink(repo_root().join(".venv"), ivy.join("venv")).unwrap();
}

/// Runs a build command and panics with its output when it fails.
fn build(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env("CARGO_PROFILE_DEV_DEBUG", "line-tables-only");
    command
}

/// Writes a file only when its contents change, so cargo does not rebuild for nothing.
fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

fn copy_tree_if_changed(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree_if_changed(&entry.path(), &target);
        } else {
            write_if_changed(&target, &std::fs::read_to_string(entry.path()).unwrap());
        }
    }
}

/// Every plugin file the tests use, built from source.
pub struct Fixtures {
    /// The template plugin, built on its own as a third party builds it.
    pub template: PathBuf,
    /// A plugin whose manifest call panics.
    pub panicking_manifest: PathBuf,
    /// A plugin whose constructor returns an error.
    pub failing_constructor: PathBuf,
    /// A plugin that segfaults while its library is loaded.
    pub crashing_initialiser: PathBuf,
    /// A valid service manager that only plays the server.
    pub server_only: PathBuf,
    /// A service manager running the program its config names.
    pub program: PathBuf,
    /// A network environment that launches a whole test with one program.
    pub launcher: PathBuf,
    /// That environment's launcher program, shipped beside it.
    pub launcher_program: PathBuf,
    /// The template built against a plugin-api whose major version is 2.
    pub api_v2: PathBuf,
    /// An aarch64 shared library exporting the plugin symbol.
    pub foreign_target: PathBuf,
}

/// Builds the fixtures once per test binary.
pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(build_fixtures)
}

fn build_fixtures() -> Fixtures {
    let root = repo_root();
    let target = root.join("target").join("fixtures");
    build(
        cargo()
            .arg("build")
            .arg("--manifest-path")
            .arg(root.join("tests/fixtures/Cargo.toml"))
            .arg("--target-dir")
            .arg(&target),
    );
    let out_of_tree = root.join("target").join("out-of-tree");
    build(
        cargo()
            .arg("build")
            .arg("--manifest-path")
            .arg(root.join("plugins/template/Cargo.toml"))
            .arg("--target-dir")
            .arg(&out_of_tree),
    );
    let api_v2 = build_against_api_v2(&root, &target);
    Fixtures {
        template: out_of_tree.join("debug/libpanther_plugin_template.so"),
        panicking_manifest: target.join("debug/libfixture_panicking_manifest.so"),
        failing_constructor: target.join("debug/libfixture_failing_constructor.so"),
        crashing_initialiser: target.join("debug/libfixture_crashing_initialiser.so"),
        server_only: target.join("debug/libfixture_server_only.so"),
        program: target.join("debug/libfixture_program.so"),
        launcher: target.join("debug/libfixture_launcher.so"),
        launcher_program: target.join("debug/fixture-launcher"),
        api_v2,
        foreign_target: build_foreign_target(&root, &target),
    }
}

/// Copies plugin-api with its major version bumped to 2 and builds the template
/// against the copy: what a plugin from an incompatible future release looks like.
fn build_against_api_v2(root: &Path, target: &Path) -> PathBuf {
    let sources = root.join("target").join("fixtures-src");
    let api = sources.join("plugin-api-2");
    copy_tree_if_changed(&root.join("plugin-api/src"), &api.join("src"));
    write_if_changed(
        &api.join("build.rs"),
        &std::fs::read_to_string(root.join("plugin-api/build.rs")).unwrap(),
    );
    write_if_changed(
        &api.join("Cargo.toml"),
        r#"[package]
name = "panther-plugin-api"
version = "2.0.0"
edition = "2024"

[dependencies]
abi_stable = "=0.11.3"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
thiserror = "2"
"#,
    );
    let plugin = sources.join("template-api-2");
    copy_tree_if_changed(&root.join("plugins/template/src"), &plugin.join("src"));
    let manifest = std::fs::read_to_string(root.join("plugins/template/Cargo.toml"))
        .unwrap()
        .replace(
            "name = \"panther-plugin-template\"",
            "name = \"fixture-api-v2\"",
        )
        .replace("path = \"../../plugin-api\"", "path = \"../plugin-api-2\"");
    write_if_changed(&plugin.join("Cargo.toml"), &manifest);
    build(
        cargo()
            .arg("build")
            .arg("--manifest-path")
            .arg(plugin.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(target),
    );
    target.join("debug/libfixture_api_v2.so")
}

/// Assembles and links the aarch64 fixture with binutils-aarch64-linux-gnu.
fn build_foreign_target(root: &Path, target: &Path) -> PathBuf {
    let object = target.join("foreign-target.o");
    let library = target.join("libforeign_target.so");
    let missing = "binutils-aarch64-linux-gnu is needed to build a foreign-target fixture: \
                   run scripts/install-system-packages (or apt-get install binutils-aarch64-linux-gnu)";
    let status = Command::new("aarch64-linux-gnu-as")
        .arg(root.join("tests/fixtures/foreign-target/plugin.s"))
        .arg("-o")
        .arg(&object)
        .status()
        .expect(missing);
    assert!(
        status.success(),
        "assembling the foreign-target fixture failed"
    );
    build(
        Command::new("aarch64-linux-gnu-ld")
            .arg("-shared")
            .arg(&object)
            .arg("-o")
            .arg(&library),
    );
    library
}
